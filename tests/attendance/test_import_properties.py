"""Property-based tests of the importer: whatever sheet is uploaded, the import either succeeds
or raises AttendanceImportError (a message for the user), and a failed import saves nothing."""

import csv
import io
import re

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from attendance.apply import import_attendance
from attendance.vocabulary import HEADER_ALIASES, AttendanceImportError
from organizations.models import Organization, Person
from tests.attendance.conftest import sample
from tests.attendance.sheetmakers import to_xlsx
from workshops.models import Attendance, Participation

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

KNOWN_HEADERS = [
    "Nom",
    "Prénom",
    "Nom complet",
    "الاسم الكامل",
    "Sexe (H/F)",
    "الجنس",
    "Organisation",
    "Fonction",
    "Ville",
    "Région",
    "Tél",
    "E-mail",
    "Âge",
    "Statut",
    "N°",
    "J1",
    "J2",
    "J3",
    "اليوم 1",
]
headers = st.one_of(
    st.sampled_from(KNOWN_HEADERS),
    st.sampled_from([alias for aliases in HEADER_ALIASES.values() for alias in aliases]),
    st.sampled_from(["Jour 4", "05/03/2021", "31/02/2021", "J1 (06/03/2021)", "Sexe", "Nom"]),
    st.text(max_size=20),
)
header_rows = st.one_of(
    st.lists(st.sampled_from(KNOWN_HEADERS), min_size=2, max_size=9, unique=True),
    st.lists(headers, min_size=1, max_size=8),
)
cells = st.one_of(
    st.sampled_from(["", "x", "✓", "0", "F", "H", "ذكر", "Oriental", "Fès-Meknès", "annulé", "=1+2", "34"]),
    st.sampled_from(["0612345601", "+212 6 12 34 56 02", "a@example.org", "A@EXAMPLE.ORG", "not-an-email"]),
    st.sampled_from(["Sara", "ALAOUI", "نزهة بناني", "Association A", "جمعية", "-", "?"]),
    st.text(max_size=30),
    st.sampled_from(['"', '""', '"a', 'a"b', ";", ",", "\t", "\n", "\r\n", "\x00", "\x1b", "\u2028", "ﷺ"]),
    st.integers(min_value=90, max_value=400).map(lambda n: "é" * n),
    # Rarely, a cell over the csv module's field limit.
    st.sampled_from(["a", "b", "c", "d", "e", "f", "g", "h", "i", "a" * 140_000]),
)
names = st.sampled_from(["Sara", "ALAOUI", "نزهة بناني", "Élise Durand", "O'Neil", "=cmd", "Ṣāliḥ"])
MOSTLY_VALID = {
    "Nom": names,
    "Prénom": names,
    "Nom complet": names,
    "الاسم الكامل": names,
    "Sexe (H/F)": st.sampled_from(["F", "H", "", "أنثى"]),
    "الجنس": st.sampled_from(["F", "H", "", "ذكر"]),
    "Organisation": st.sampled_from(["Association A", "association a", "جمعية الأمل", "", "-"]),
    "Région": st.sampled_from(["Oriental", "Fès-Meknès", "جهة الشرق", ""]),
    "Tél": st.sampled_from(["0612345601", "06 12 34 56 02", "+212612345603", ""]),
    "E-mail": st.sampled_from(["a@example.org", "B@example.org", ""]),
    "Âge": st.sampled_from(["34", "", "70"]),
    "Statut": st.sampled_from(["", "inscrit", "annulé", "présent"]),
    "J1": st.sampled_from(["x", "", "✓", "0"]),
    "J2": st.sampled_from(["x", "", "oui"]),
    "J3": st.sampled_from(["x", ""]),
}


def row_for(header):
    """Cells for ``header``: nine times in ten a value its column accepts, else anything."""
    return st.tuples(
        *[
            st.integers(0, 9).flatmap(lambda n, h=h: cells if n == 0 else MOSTLY_VALID.get(h, cells))
            for h in header
        ]
    ).map(list)


tables = header_rows.flatmap(
    lambda header: st.tuples(
        st.just(header),
        st.lists(st.one_of(row_for(header), st.lists(cells, max_size=9)), max_size=8),
    )
)


def counts():
    return (
        Person.objects.count(),
        Organization.objects.count(),
        Participation.objects.count(),
        Attendance.objects.count(),
    )


def imports_or_refuses(workshop, data, name):
    """Import ``data``; on refusal, check the errors are messages and nothing was saved."""
    before = counts()
    try:
        import_attendance(workshop, data, name)
        event("imported")
    except AttendanceImportError as exc:
        event("refused: " + exc.errors[0].message[:40])
        assert exc.errors
        assert all(str(error) for error in exc.errors)
        assert counts() == before


def csv_text(header, rows, delimiter, quoting):
    if quoting:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter).writerows([header, *rows])
        return buffer.getvalue()
    return "".join(delimiter.join(row) + "\n" for row in [header, *rows])


@FUZZ
@given(
    table=tables,
    delimiter=st.sampled_from([";", ",", "\t"]),
    quoting=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "cp1256"]),
)
def test_any_csv_imports_or_is_refused_with_messages(three_day_workshop, table, delimiter, quoting, encoding):
    header, rows = table
    data = csv_text(header, rows, delimiter, quoting).encode(encoding, errors="replace")
    imports_or_refuses(three_day_workshop, data, "sheet.csv")


@FUZZ
@given(table=tables)
def test_any_xlsx_imports_or_is_refused_with_messages(three_day_workshop, table):
    header, rows = table
    # Characters XML cannot hold (openpyxl refuses to write them).
    illegal = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
    data = to_xlsx([[illegal.sub("", cell)[:32767] for cell in row] for row in [header, *rows]])
    imports_or_refuses(three_day_workshop, data, "sheet.xlsx")


@FUZZ
@given(data=st.binary(max_size=2000), name=st.sampled_from(["a.csv", "a.xlsx", "a.xls", "a.ods", "a.txt"]))
def test_any_bytes_import_or_are_refused_with_messages(three_day_workshop, data, name):
    imports_or_refuses(three_day_workshop, data, name)


SAMPLES = {
    "ar.xlsx": sample("marrakech-2021-03-attendance-ar.xlsx"),
    "fr.csv": sample("marrakech-2021-03-attendance-fr.csv"),
}


@FUZZ
@given(
    name=st.sampled_from(sorted(SAMPLES)),
    changes=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=8)), max_size=4
    ),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_damaged_sample_sheets_import_or_are_refused_with_messages(three_day_workshop, name, changes, cut):
    data = bytearray(SAMPLES[name])
    for where, replacement in changes:
        at = int(where * len(data))
        data[at : at + len(replacement)] = replacement
    if cut is not None:
        data = data[: int(cut * len(data))]
    assume(bytes(data) != SAMPLES[name])
    imports_or_refuses(three_day_workshop, bytes(data), name)

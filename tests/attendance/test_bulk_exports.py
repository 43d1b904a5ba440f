"""The bulk attendance CSV (``attendance.bulk_exports``) gives the same bytes whichever way it is
written: by PostgreSQL's COPY (on PostgreSQL) or by ``csv.writer`` (on every backend), and
both match a reference written row by row in Python with ``workshops.spreadsheets.neutralize`` and
the models' choice labels, on data made to trip them (formula triggers, phone numbers, commas,
quotes, line breaks, Arabic, missing values, an erased person). The COPY tests run only when
the test database is PostgreSQL (the CI runs the suite on SQLite and on PostgreSQL)."""

import csv
import datetime
import io
import tempfile

import pytest
from django.db import connection
from django.utils import translation
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from attendance import bulk_exports
from attendance.exports import neutralize
from organizations.models import Organization, Person
from organizations.privacy import erase_person
from tests.factories import (
    AttendanceFactory,
    OrganizationFactory,
    ParticipationFactory,
    PersonFactory,
    SessionFactory,
    WorkshopFactory,
    region,
)
from workshops import spreadsheets
from workshops.models import Attendance, Participation

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY: the test database is not PostgreSQL"
)

# (last name, first name, phone, e-mail): each a trap for the CSV or the neutralisation.
PEOPLE = [
    ("=SUM(A1:A9)", "Nezha", "+212700000101", "nezha@example.org"),
    ("Bennani", "Saïd", "+212 700 000 901", "said@example.org"),  # a phone number, left alone
    ("-", "Ali", "", ""),  # "-" alone: neutralised; no phone, no e-mail
    ("Dupont, Jr.", "@home", "+", "-x@example.org"),  # "+" alone is no phone number
    ('Say "hi"', '"quoted"', "+212-600-000-902", "quote@example.org"),
    ("Line\nbreak", "CR\rinside", "+ 212 600", "lf@example.org"),
    ("\r\nstarts", "\tTab", "+٢١٢٦٠٠", "tab@example.org"),  # Arabic-Indic digits: not [0-9]
    ("بناني", "سعيد", "+212700000103 ", "arabic@example.org"),  # trailing space: still a phone
    ("O'Brien", "", "+212700000104", "cr\r@example.org"),
    ("Trailing,", ",Leading", "+2", "+212700000105"),  # a phone-like e-mail: left alone
    ("\\.", "\\N", "0600000106", "backslash@example.org"),  # COPY's end marker, text NULL
]


@pytest.fixture
def tricky():
    """Two workshops: one in Fès-Meknès in 2024 (two sessions) with every person of ``PEOPLE``
    plus an erased one, organisations named like formulas and phone numbers, every gender, age
    band, role and status; one without a venue region (one session, one person, no region of
    origin, no organisation)."""
    fes = WorkshopFactory(venue_region=region("03"), start_date="2024-05-02", end_date="2024-05-03")
    sessions = [SessionFactory(workshop=fes), SessionFactory(workshop=fes, date=datetime.date(2024, 5, 3))]
    organizations = [
        OrganizationFactory(name="=cmd|' /C calc'!A0"),
        OrganizationFactory(name="+33 1 23 45 67 89"),
        OrganizationFactory(name='Association "Amal", Fès'),
        OrganizationFactory(name="جمعية الأمل"),
        None,
    ]
    # ``Organization.save`` collapses white space; a bulk write (an old import) might not.
    Organization.objects.filter(pk=organizations[3].pk).update(name="جمعية الأمل\nللتنمية")
    organizations[3].refresh_from_db()
    genders, ages = Person.Gender.values, [*Person.AgeBand.values, ""]
    roles, statuses = Participation.Role.values, Participation.Status.values
    people = []
    for index, (last, first, phone, email) in enumerate(PEOPLE):
        people.append(
            PersonFactory(
                last_name=last,
                first_name=first,
                phone=phone,
                email=email,
                gender=genders[index % len(genders)],
                age_band=ages[index % len(ages)],
                region=region("03") if index % 3 else None,
            )
        )
    erased = PersonFactory(last_name="=erase me", first_name="-", region=region("01"))
    erase_person(erased, write_log=False)
    people.append(erased)
    for index, person in enumerate(people):
        participation = ParticipationFactory(
            workshop=fes,
            person=person,
            organization=organizations[index % len(organizations)],
            role=roles[index % len(roles)],
            status=statuses[index % len(statuses)],
        )
        for session in sessions[: 1 + index % 2]:
            AttendanceFactory(participation=participation, session=session)
    nowhere = WorkshopFactory(venue_region=None, start_date="2025-01-10", end_date="2025-01-10")
    AttendanceFactory(
        participation=ParticipationFactory(
            workshop=nowhere, person=PersonFactory(region=None, age_band=""), organization=None
        ),
        session=SessionFactory(workshop=nowhere),
    )
    return fes, nowhere


def reference_rows(selection):
    """The rows the export must hold, computed one by one in Python, independently of the SQL:
    labels from the models, typed text through ``neutralize``, ``""`` for what is missing."""
    marks = bulk_exports.selected(selection).select_related(
        "session__workshop__venue_region",
        "participation__person__region",
        "participation__organization",
    )
    rows = []
    for mark in marks:
        workshop, person, participation = (
            mark.session.workshop,
            mark.participation.person,
            mark.participation,
        )
        organization = participation.organization
        rows.append(
            [
                workshop.slug,
                workshop.start_date,
                workshop.venue_region.code if workshop.venue_region else "",
                mark.session.position,
                mark.session.date,
                neutralize(person.last_name),
                neutralize(person.first_name),
                str(person.get_gender_display()),
                str(person.get_age_band_display()),
                neutralize(person.phone),
                neutralize(person.email),
                person.region.code if person.region else "",
                neutralize(organization.name) if organization else "",
                str(participation.get_role_display()),
                str(participation.get_status_display()),
            ]
        )
    return rows


def reference_csv(selection):
    """The reference file: byte-order mark, header, ``reference_rows``, by ``csv.writer``."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(bulk_exports.header())
    writer.writerows(reference_rows(selection))
    return buffer.getvalue()


SELECTIONS = [
    bulk_exports.Selection(),
    bulk_exports.Selection(year=2024),
    bulk_exports.Selection(year=2025),  # the workshop without a venue region
    bulk_exports.Selection(year=2023),  # nothing: the header alone
]


@pytest.mark.parametrize("selection", SELECTIONS, ids=["all", "2024", "2025", "none"])
def test_csv_writer_path_matches_the_python_reference(tricky, selection):
    expected = reference_csv(selection)
    assert "".join(bulk_exports.csv_chunks(selection, rows_per_chunk=3, copy=False)) == expected
    stream = io.StringIO()
    count = bulk_exports.write_csv(selection, stream, copy=False)
    assert stream.getvalue() == expected
    assert count == bulk_exports.selected(selection).count()


def test_the_reference_holds_the_traps(tricky):
    table = list(csv.reader(io.StringIO(reference_csv(bulk_exports.Selection())[1:])))
    cells = {cell for row in table for cell in row}
    assert Attendance.objects.count() == len(table) - 1 == 19
    assert {"'=SUM(A1:A9)", "+212 700 000 901", "'-", "'@home", "'+", "'-x@example.org"} <= cells
    assert {"'+212-600-000-902", "'+ 212 600", "'+٢١٢٦٠٠", "+212700000103 ", "+212700000105"} <= cells
    assert {"'\r\nstarts", "'\tTab", "Line\nbreak", "CR\rinside", 'Say "hi"', "Trailing,"} <= cells
    assert {"'=cmd|' /C calc'!A0", "+33 1 23 45 67 89", "جمعية الأمل\nللتنمية", "\\.", "\\N"} <= cells
    erased = Person.objects.get(erased_at__isnull=False)
    assert f"erased-{erased.pk}" in cells and "'=erase me" not in cells
    assert table[-1][2] == table[-1][11] == table[-1][12] == ""  # no region, no organisation


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_labels_are_translated_in_the_database(tricky, language):
    selection = bulk_exports.Selection(year=2024)
    with translation.override(language):
        expected = reference_csv(selection)
        assert "".join(bulk_exports.csv_chunks(selection, copy=False)) == expected
        if bulk_exports.uses_copy():
            assert "".join(bulk_exports.csv_chunks(selection, copy=True)) == expected
    assert expected != reference_csv(selection)  # English outside the override


def test_copy_line_ends_outside_quotes_become_crlf_across_chunks():
    data = b'a,"x\ny""\n",b\nc,"\r\n"\n'
    whole, quoted = bulk_exports._crlf(data, False)
    assert whole == b'a,"x\ny""\n",b\r\nc,"\r\n"\r\n' and not quoted
    for cut in range(len(data) + 1):
        first, quoted = bulk_exports._crlf(data[:cut], False)
        second, quoted = bulk_exports._crlf(data[cut:], quoted)
        assert first + second == whole and not quoted


def test_copy_is_used_on_postgresql_only():
    assert bulk_exports.uses_copy() == (connection.vendor == "postgresql")


@postgresql_only
@pytest.mark.parametrize("selection", SELECTIONS, ids=["all", "2024", "2025", "none"])
def test_copy_path_gives_the_same_bytes_as_the_csv_writer(tricky, selection):
    expected = reference_csv(selection)
    assert "".join(bulk_exports.csv_chunks(selection, copy=True)) == expected
    stream = io.StringIO()
    assert bulk_exports.write_csv(selection, stream) == bulk_exports.selected(selection).count()
    assert stream.getvalue() == expected


@postgresql_only
def test_copy_in_small_chunks(tricky, monkeypatch):
    monkeypatch.setattr(bulk_exports, "COPY_CHUNK_BYTES", 1)
    selection = bulk_exports.Selection()
    chunks = list(bulk_exports.csv_chunks(selection, copy=True))
    assert len(chunks) == Attendance.objects.count() == 19  # one row a chunk
    assert "".join(chunks) == reference_csv(selection)


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_copy_left_half_read_leaves_the_connection_usable(tricky, monkeypatch):
    """A client that disconnects mid-download closes the generator: psycopg cancels the COPY."""
    monkeypatch.setattr(bulk_exports, "COPY_CHUNK_BYTES", 1)
    chunks = bulk_exports.csv_chunks(bulk_exports.Selection(), copy=True)
    assert next(chunks).startswith("\ufeff")
    chunks.close()
    assert Attendance.objects.count() == 19


# XLSX (rustpy-xlsxwriter, ``workshops.spreadsheets.stream_table``) ---------------------------


def read_xlsx(selection, path, **kwargs):
    """``(count, sheet)``: ``write_xlsx`` of ``selection`` to ``path``, read back by openpyxl."""
    count = bulk_exports.write_xlsx(selection, path, **kwargs)
    return count, load_workbook(path).active


def test_xlsx_holds_the_reference_rows_with_their_types(tricky, tmp_path):
    """Values read by calamine, as a spreadsheet reads them: openpyxl does not decode the
    ``_x000D_`` that keeps a carriage return (XML would turn a bare one into a line feed)."""
    selection = bulk_exports.Selection()
    count = bulk_exports.write_xlsx(selection, tmp_path / "all.xlsx")
    table = CalamineWorkbook.from_path(tmp_path / "all.xlsx").get_sheet_by_index(0).to_python()
    assert count == len(table) - 1 == 19
    assert table[0] == bulk_exports.header()
    # Whole numbers come back as floats (the file holds 1.0); dates as dates.
    expected = [[float(v) if type(v) is int else v for v in row] for row in reference_rows(selection)]
    assert table[1:] == expected
    sheet = load_workbook(tmp_path / "all.xlsx").active
    dates = [cell for row in sheet.iter_rows(min_row=2, max_col=5) for cell in (row[1], row[4])]
    assert all(cell.is_date and cell.number_format == "yyyy-mm-dd" for cell in dates)
    assert {cell.data_type for cell in sheet["D"][1:]} == {"n"}  # the session number


def test_xlsx_writes_formula_like_text_as_text(tricky, tmp_path):
    _count, sheet = read_xlsx(bulk_exports.Selection(), tmp_path / "all.xlsx")
    cells = {cell.value: cell.data_type for row in sheet.iter_rows(min_row=2) for cell in row if cell.value}
    assert cells["'=SUM(A1:A9)"] == cells["+212 700 000 901"] == cells["'@home"] == "s"
    assert cells["+33 1 23 45 67 89"] == cells["'=cmd|' /C calc'!A0"] == "s"
    assert "f" not in cells.values()  # no formula anywhere


@pytest.mark.parametrize(("language", "rtl"), [("en", False), ("fr", False), ("ar", True)])
def test_xlsx_header_is_styled_and_frozen_right_to_left_in_arabic(tricky, tmp_path, language, rtl):
    with translation.override(language):
        _count, sheet = read_xlsx(bulk_exports.Selection(year=2024), tmp_path / "2024.xlsx")
        assert [cell.value for cell in sheet[1]] == bulk_exports.header()
        assert sheet.title == translation.gettext("Attendance")
    assert sheet.freeze_panes == "A2"
    assert bool(sheet.sheet_view.rightToLeft) is rtl
    for cell in sheet[1]:
        assert cell.font.b and cell.font.color.rgb == "FFFFFFFF"
        assert (cell.fill.fill_type, cell.fill.fgColor.rgb) == ("solid", "FF1F4E78")
    assert not sheet["A2"].font.b


def test_xlsx_round_trips_arabic_and_french_text(tricky, tmp_path):
    _count, sheet = read_xlsx(bulk_exports.Selection(year=2024), tmp_path / "2024.xlsx")
    cells = {cell for row in sheet.iter_rows(min_row=2, values_only=True) for cell in row}
    assert {"بناني", "سعيد", "Saïd", "جمعية الأمل\nللتنمية", 'Association "Amal", Fès'} <= cells
    assert {"Line\nbreak", "'\tTab", "\\N"} <= cells


def test_xlsx_of_nothing_holds_the_header_alone(tricky, tmp_path):
    calls = []
    count, sheet = read_xlsx(bulk_exports.Selection(year=2023), tmp_path / "none.xlsx", progress=calls.append)
    assert count == 0 and calls == []
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [bulk_exports.header()]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b


def test_xlsx_reports_progress_every_few_thousand_rows(tricky, tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheets, "PROGRESS_EVERY", 5)
    calls = []
    count, _sheet = read_xlsx(bulk_exports.Selection(), tmp_path / "all.xlsx", progress=calls.append)
    assert (count, calls) == (19, [5, 10, 15])


def test_xlsx_to_a_binary_file(tricky):
    with tempfile.TemporaryFile() as target:
        assert bulk_exports.write_xlsx(bulk_exports.Selection(year=2025), target) == 1
        target.seek(0)
        sheet = load_workbook(target).active
    assert sheet.max_row == 2 and sheet["C2"].value is None  # no venue region


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_export_column_titles_are_distinct_in_every_language(language):
    """``stream_table`` keys each row by column title: two equal titles would be refused."""
    with translation.override(language):
        titles = bulk_exports.header()
    assert len(set(titles)) == len(titles) == len(bulk_exports.COLUMNS)


def test_stream_table_refuses_equal_titles_and_rows_of_another_length(tmp_path):
    with pytest.raises(ValueError, match="distinct"):
        spreadsheets.stream_table(tmp_path / "x.xlsx", "T", ["a", "a"], [])
    with pytest.raises(ValueError):
        spreadsheets.stream_table(tmp_path / "y.xlsx", "T", ["a", "b"], [["1", "2", "3"]])


def test_stream_table_writes_every_string_as_text(tmp_path):
    """The writer never turns a string into a formula, a number or a link, whatever it holds."""
    values = ["=1+1", "+1", "-1", "@SUM(A1)", "1e5", "0612", "http://example.org", "TRUE"]
    assert spreadsheets.stream_table(tmp_path / "s.xlsx", "T" * 40, ["v"], [[v] for v in values]) == 8
    sheet = load_workbook(tmp_path / "s.xlsx").active
    assert sheet.title == "T" * 31
    assert [(c.value, c.data_type) for c in sheet["A"][1:]] == [(v, "s") for v in values]
    assert not sheet._hyperlinks

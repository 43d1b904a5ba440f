"""Every format and encoding the import reads gives exactly the same participants, genders,
regions and per-day attendance as the organisers' own sheet (48, 50, 45)."""

import codecs

import openpyxl.xml
import pytest

from attendance.apply import import_attendance
from attendance.sheets import decode_text, read_sheets
from organizations.models import Person
from tests.attendance.conftest import sample
from tests.attendance.sheetmakers import (
    sample_rows,
    to_csv,
    to_ods,
    to_two_row_header_xlsx,
    to_xls,
    to_xlsx,
)

pytestmark = pytest.mark.django_db

AR = "marrakech-2021-03-attendance-ar.csv"
FR = "marrakech-2021-03-attendance-fr.csv"


def ticks_as_x(rows):
    """Windows-1256 has no ✓: organisers on such machines type x."""
    return [[("x" if cell == "✓" else cell) for cell in row] for row in rows]


def ar_rows():
    return sample_rows(AR)


def fr_rows():
    return sample_rows(FR)


CASES = {
    "utf8-no-bom-comma.csv": lambda: (to_csv(ar_rows()), "ar"),
    "utf8-bom-semicolon.csv": lambda: (to_csv(ar_rows(), delimiter=";", bom=codecs.BOM_UTF8), "ar"),
    "excel-unicode-text-utf16le.txt": lambda: (
        to_csv(ar_rows(), "utf-16-le", "\t", bom=codecs.BOM_UTF16_LE),
        "ar",
    ),
    "utf16be-bom-tab.txt": lambda: (to_csv(ar_rows(), "utf-16-be", "\t", bom=codecs.BOM_UTF16_BE), "ar"),
    "utf16le-without-bom.tsv": lambda: (to_csv(ar_rows(), "utf-16-le", "\t"), "ar"),
    "arabic-windows-1256.csv": lambda: (to_csv(ticks_as_x(ar_rows()), "cp1256", ";"), "ar"),
    "french-windows-1252.csv": lambda: (to_csv(fr_rows(), "cp1252", ";"), "fr"),
    "french-latin-1-comma.csv": lambda: (to_csv(fr_rows(), "latin-1", ","), "fr"),
    "french-tab.tsv": lambda: (to_csv(fr_rows(), "utf-8", "\t"), "fr"),
    "titles-and-rtl.xlsx": lambda: (to_xlsx(ar_rows(), [["ورقة الحضور"], [], ["مراكش"]], rtl=True), "ar"),
    "two-row-merged-header.xlsx": lambda: (to_two_row_header_xlsx(ar_rows()), "ar"),
    "legacy.xls": lambda: (to_xls(ar_rows()), "ar"),
    "french-legacy.xls": lambda: (to_xls(fr_rows()), "fr"),
    "libreoffice.ods": lambda: (to_ods(ar_rows(), title="ورقة الحضور"), "ar"),
    "xlsx-saved-with-an-xls-name.xls": lambda: (to_xlsx(fr_rows()), "fr"),
}


def participants(workshop):
    """{phone: (last name, first name, gender, region code, e-mail, days present)}."""
    people = Person.objects.filter(participations__workshop=workshop).select_related("region")
    return {
        p.phone: (
            p.last_name,
            p.first_name,
            p.gender,
            p.region.code,
            p.email,
            tuple(
                p.participations.get(workshop=workshop)
                .attendances.order_by("session__position")
                .values_list("session__position", flat=True)
            ),
        )
        for p in people
    }


@pytest.fixture
def reference(three_day_workshop):
    """What the organisers' XLSX (Arabic) and the French CSV give, per language."""
    from tests.factories import SessionFactory, WorkshopFactory

    result = {}
    for language, (data, name) in {
        "ar": (sample("marrakech-2021-03-attendance-ar.xlsx"), "a.xlsx"),
        "fr": (sample(FR), "f.csv"),
    }.items():
        workshop = WorkshopFactory(
            start_date=three_day_workshop.start_date, end_date=three_day_workshop.end_date
        )
        for session in three_day_workshop.sessions.all():
            SessionFactory(workshop=workshop, date=session.date)
        import_attendance(workshop, data, name)
        result[language] = participants(workshop)
        Person.objects.all().delete()
    return result


@pytest.mark.parametrize("name", list(CASES))
def test_every_format_and_encoding_imports_the_same_people(three_day_workshop, reference, name):
    data, language = CASES[name]()
    result = import_attendance(three_day_workshop, data, name)
    assert result.rows == 50
    assert [s.attendances.count() for s in three_day_workshop.sessions.order_by("position")] == [48, 50, 45]
    people = participants(three_day_workshop)
    assert people == reference[language]
    genders = [value[2] for value in people.values()]
    assert (genders.count("female"), genders.count("male")) == (23, 27)
    regions = [value[3] for value in people.values()]
    assert (regions.count("03"), regions.count("05"), regions.count("01")) == (17, 17, 16)


def test_the_two_samples_are_the_same_people_in_two_scripts(reference):
    assert reference["ar"].keys() == reference["fr"].keys()
    for phone, (*_names, gender, region, email, days) in reference["ar"].items():
        assert reference["fr"][phone][2:] == (gender, region, email, days)


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("الاسم;الجهة\nنزهة بناني;فاس مكناس\n", "cp1256", "cp1256"),
        ("Nom;Région\nÉlodie Bennani;Fès-Meknès\n", "cp1252", "cp1252"),
        ("Nom;Région\nÉlodie;Fès\n", "utf-8", "utf-8"),
    ],
)
def test_single_byte_encodings_are_told_apart(text, encoding, expected):
    decoded, codec = decode_text(text.encode(encoding))
    assert (decoded, codec) == (text, expected)


def test_latin_1_bytes_outside_windows_1252_still_decode():
    decoded, codec = decode_text(b"Nom;Pr\xe9nom\n\x81A;B\n")
    assert codec == "latin-1"
    assert decoded.startswith("Nom;Prénom")


def test_excel_sep_line_gives_the_delimiter():
    [sheet] = read_sheets(b"sep=|\nNom|Sexe\nAlaoui|F\n", "a.csv")
    assert sheet.rows == [(2, ["Nom", "Sexe"]), (3, ["Alaoui", "F"])]


def test_blank_rows_and_trailing_empty_columns_are_ignored(three_day_workshop):
    data = to_csv(
        [
            ["Nom complet", "Genre", "Région", "GSM", "Jour 1", "Jour 2", "Jour 3", "", "", ""],
            ["", "", "", "", "", "", "", "", "", ""],
            ["Salma Idrissi", "Femme", "Fès - Meknès", "0612345678", "X", "", "oui", "", "", ""],
            [],
            ["Omar Bennis", "Homme", "الجهة الشرقية", "0612345679", "", "P", "حاضر", "", "", ""],
        ]
    )
    result = import_attendance(three_day_workshop, data, "sheet.csv")
    assert result.rows == 2
    assert [s.attendances.count() for s in three_day_workshop.sessions.order_by("position")] == [1, 1, 2]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Sexe (H / F)", "gender"),
        ("Sexe(H/F)", "gender"),
        ("الجنس", "gender"),
        ("Tél.", "phone"),
        ("N° de téléphone", "phone"),
        ("الهاتف", "phone"),
        ("Nom et prénom(s)", "full_name"),
        ("الاسم الكامل", "full_name"),
        ("Full name", "full_name"),
        ("Région d'origine", "region"),
        ("الجهة", "region"),
        ("Statut", "status"),
        ("الحالة", "status"),
    ],
)
def test_header_variants(header, field):
    from attendance.headers import header_field

    assert header_field(header) == field


def test_openpyxl_parses_through_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True

"""Bugs a tester found in an earlier importer, each reproduced against the current one: people
without phone or e-mail, oversized or broken files, over-long and control characters, stray
quotes in CSV, sheets that claim to be huge, header spellings, and the export command."""

import io
import re
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook

from attendance.apply import import_attendance
from attendance.headers import header_field
from attendance.vocabulary import AttendanceImportError
from organizations.models import ExportLog, Organization, Person
from tests.attendance.conftest import sample
from tests.attendance.sheetmakers import sample_rows, save, to_csv, to_ods, to_xls, to_xlsx, zip_bytes
from tests.conftest import _grant
from tests.factories import ParticipationFactory, PersonFactory
from workshops.models import Attendance, Participation
from workshops.reports import workshop_figures

pytestmark = pytest.mark.django_db

FR = "marrakech-2021-03-attendance-fr.csv"


def counts():
    """(people, organisations other than organisers, participations, attendance marks)."""
    return (
        Person.objects.count(),
        Organization.objects.filter(organized_workshops=None).count(),
        Participation.objects.count(),
        Attendance.objects.count(),
    )


def refused(workshop, data, name):
    """The AttendanceImportError's errors, after checking nothing was saved."""
    before = counts()
    with pytest.raises(AttendanceImportError) as excinfo:
        import_attendance(workshop, data, name)
    assert counts() == before
    return excinfo.value.errors


@pytest.fixture(autouse=True)
def staging_dir(settings, tmp_path):
    settings.ATTENDANCE_STAGING_DIR = tmp_path / "staging"


@pytest.fixture
def importer(django_user_model):
    user = django_user_model.objects.create_user("importer", password="x", is_staff=True)
    _grant(user, "workshops.import_attendance", "workshops.view_workshop", "workshops.change_workshop")
    return django_user_model.objects.get(pk=user.pk)


def upload(client, workshop, data, name):
    url = reverse("admin:workshops_workshop_import_attendance", args=[workshop.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


# 1. People without phone or e-mail -------------------------------------------------------------

NO_CONTACT = "NOM;PRÉNOM;Sexe;J1\nDURAND;Sarah;F;x\n".encode()


def test_reimporting_a_sheet_without_phone_or_email_changes_nothing(three_day_workshop):
    import_attendance(three_day_workshop, NO_CONTACT, "a.csv")
    before = counts()
    result = import_attendance(three_day_workshop, NO_CONTACT, "a.csv")
    assert counts() == before == (1, 0, 1, 1)
    assert (result.people_created, result.people_matched, result.changes_anything) == (0, 1, False)
    [planned] = result.plan
    assert planned.matched_by == "name"


def test_reimporting_a_sheet_without_contacts_keeps_public_figures(example):
    assert workshop_figures(example)["participants"] == 50
    import_attendance(example, NO_CONTACT, "a.csv")
    import_attendance(example, NO_CONTACT, "a.csv")
    assert workshop_figures(example)["participants"] == 51


def test_a_match_on_name_only_is_a_warning_naming_the_row(three_day_workshop):
    import_attendance(three_day_workshop, NO_CONTACT, "a.csv")
    result = import_attendance(three_day_workshop, NO_CONTACT, "a.csv")
    matched = [w for w in result.warnings if "matched only by name" in w.message]
    assert [(w.row, w.column) for w in matched] == [(2, None)]


def test_a_sheet_without_contact_columns_says_so(three_day_workshop):
    result = import_attendance(three_day_workshop, NO_CONTACT, "a.csv")
    [warning] = [w for w in result.warnings if "no phone or e-mail column" in w.message]
    assert warning.row is None


def test_rows_without_phone_or_email_are_flagged(three_day_workshop):
    data = to_csv(
        [
            ["Nom", "Prénom", "Tél", "E-mail", "J1"],
            ["DURAND", "Sarah", "0612345601", "", "x"],
            ["MARTIN", "Paul", "", "", "x"],
        ],
        delimiter=";",
    )
    result = import_attendance(three_day_workshop, data, "a.csv")
    flagged = [w for w in result.warnings if "neither phone nor e-mail" in w.message]
    assert [(w.row, w.column) for w in flagged] == [(3, "Tél")]
    assert [planned.contactless for planned in result.plan] == [False, True]


def test_name_match_needs_the_same_organisation(three_day_workshop):
    first = "Nom;Prénom;Organisation;J1\nDURAND;Sarah;Association A;x\n".encode()
    other = "Nom;Prénom;Organisation;J1\nDURAND;Sarah;Association B;x\n".encode()
    import_attendance(three_day_workshop, first, "a.csv")
    result = import_attendance(three_day_workshop, other, "a.csv")
    assert result.people_created == 1
    assert Person.objects.count() == 2


def test_name_match_ignores_case_accents_and_word_order(three_day_workshop):
    import_attendance(
        three_day_workshop, "Nom complet;Organisation;J1\nÉlise Durand;Assoc. A;x\n".encode(), "a.csv"
    )
    result = import_attendance(
        three_day_workshop, "Nom;Prénom;Organisation;J1\nDURAND;elise;ASSOC A;x\n".encode(), "b.csv"
    )
    assert (result.people_created, result.people_matched) == (0, 1)


def test_name_match_is_limited_to_the_workshop(three_day_workshop, example):
    PersonFactory(first_name="Sarah", last_name="DURAND", phone="", email="")
    result = import_attendance(three_day_workshop, NO_CONTACT, "a.csv")
    assert result.people_created == 1


def test_a_later_sheet_with_phones_completes_people_matched_by_name(three_day_workshop):
    import_attendance(three_day_workshop, NO_CONTACT, "a.csv")
    data = "Nom;Prénom;Tél;J1\nDURAND;Sarah;0612345601;x\n".encode()
    result = import_attendance(three_day_workshop, data, "b.csv")
    assert (result.people_created, result.people_completed) == (0, 1)
    assert Person.objects.get().phone == "+212612345601"


def test_a_saved_person_with_another_phone_is_not_matched_by_name(three_day_workshop):
    saved = PersonFactory(first_name="Sarah", last_name="DURAND", phone="+212612345609", email="")
    ParticipationFactory(workshop=three_day_workshop, person=saved)
    data = "Nom;Prénom;Tél;J1\nDURAND;Sarah;0612345601;x\n".encode()
    result = import_attendance(three_day_workshop, data, "b.csv")
    assert result.people_created == 1


def test_two_homonyms_without_contacts_are_matched_one_to_one(three_day_workshop):
    data = "Nom;Prénom;J1\nDURAND;Sarah;x\nDURAND;Sarah;\n".encode()
    import_attendance(three_day_workshop, data, "a.csv")
    before = counts()
    result = import_attendance(three_day_workshop, data, "a.csv")
    assert counts() == before == (2, 0, 2, 1)
    assert (result.people_created, result.marks_added, result.marks_removed) == (0, 0, 0)


def test_matching_by_name_takes_the_same_queries_for_3_or_60_rows(three_day_workshop):
    queries = []
    for start, count in ((0, 3), (100, 60)):
        rows = [["Nom", "Prénom", "Organisation", "J1"]]
        rows += [[f"Nom{i}", f"Prénom{i}", f"Association {i % 4}", "x"] for i in range(start, start + count)]
        data = to_csv(rows, delimiter=";")
        import_attendance(three_day_workshop, data, "a.csv")
        with CaptureQueriesContext(connection) as captured:
            result = import_attendance(three_day_workshop, data, "a.csv")
        assert (result.people_matched_by_name, result.changes_anything) == (count, False)
        queries.append(len(captured))
    assert queries[0] == queries[1]


# 2. A cell over the CSV module's field limit ----------------------------------------------------


def long_cell_sheet():
    return ("Nom;Prénom;Remarques;J1\nDURAND;Sarah;" + "x" * 200_000 + ";x\n").encode()


def test_a_huge_csv_cell_is_a_message_naming_row_and_column(three_day_workshop):
    [error] = refused(three_day_workshop, long_cell_sheet(), "a.csv")
    assert (error.row, error.column) == (2, "Remarques")
    assert "characters" in error.message


def test_a_huge_csv_cell_in_the_admin_is_a_message(client, importer, three_day_workshop):
    client.force_login(importer)
    response = upload(client, three_day_workshop, long_cell_sheet(), "a.csv")
    assert response.status_code == 200
    assert "Row 2, column “Remarques”" in response.content.decode()


def test_a_huge_csv_cell_in_the_command_is_a_command_error(three_day_workshop, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(long_cell_sheet())
    with pytest.raises(CommandError):
        call_command("import_attendance", str(three_day_workshop.pk), str(path), stderr=io.StringIO())
    assert counts() == (0, 0, 0, 0)


def test_the_import_command_refuses_an_oversized_file_without_reading_it(
    three_day_workshop, tmp_path, settings
):
    settings.ATTENDANCE_UPLOAD_MAX_BYTES = 1000
    path = tmp_path / "a.csv"
    path.write_bytes(sample(FR))
    with pytest.raises(CommandError, match="too large"):
        call_command("import_attendance", str(three_day_workshop.pk), str(path))


def test_the_import_command_reports_a_folder_given_as_file(three_day_workshop, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_attendance", str(three_day_workshop.pk), str(tmp_path))


# 3. Damaged workbooks ---------------------------------------------------------------------------


def with_member(data, name, change):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    members[name] = change(members[name])
    return zip_bytes(members)


def test_an_xlsx_with_truncated_sheet_xml_is_a_clear_message(three_day_workshop):
    data = with_member(
        sample("marrakech-2021-03-attendance-ar.xlsx"),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml[: len(xml) // 2],
    )
    [error] = refused(three_day_workshop, data, "a.xlsx")
    assert "cannot be read" in error.message or "not a valid .xlsx" in error.message


def test_an_ods_with_truncated_content_is_a_clear_message(three_day_workshop):
    data = with_member(to_ods(sample_rows(FR)), "content.xml", lambda xml: xml[: len(xml) // 2])
    [error] = refused(three_day_workshop, data, "a.ods")
    assert "not a valid .ods" in error.message


def corrupted(data, name, count=40):
    """Copies of the zip ``data`` with 16 bytes of member ``name``'s compressed data zeroed, at
    ``count`` places spread over it (zlib errors, CRC errors, broken XML…)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    step = max(info.compress_size // count, 1)
    for offset in range(0, info.compress_size, step):
        at = start + offset
        yield data[:at] + bytes(16) + data[at + 16 :]


@pytest.mark.parametrize(
    ("maker", "member", "name"),
    [
        (lambda: sample("marrakech-2021-03-attendance-ar.xlsx"), "xl/worksheets/sheet1.xml", "a.xlsx"),
        (lambda: sample("marrakech-2021-03-attendance-ar.xlsx"), "xl/styles.xml", "a.xlsx"),
        (lambda: to_ods(sample_rows(FR)), "content.xml", "a.ods"),
    ],
)
def test_a_workbook_with_corrupt_compressed_data_is_a_clear_message(three_day_workshop, maker, member, name):
    for data in corrupted(maker(), member):
        try:
            import_attendance(three_day_workshop, data, name, dry_run=True)
        except AttendanceImportError as exc:
            [error] = exc.errors
            assert error.row is None and error.message


def encrypted(data):
    """The zip ``data`` with every member flagged as password-protected."""
    data = bytearray(data)
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + flags] |= 1
            at = data.find(signature, at + 4)
    return bytes(data)


@pytest.mark.parametrize(
    ("maker", "name"),
    [
        (lambda: to_ods(sample_rows(FR)), "a.ods"),
        (lambda: sample("marrakech-2021-03-attendance-ar.xlsx"), "a.xlsx"),
    ],
)
def test_a_password_protected_workbook_is_a_clear_message(three_day_workshop, maker, name):
    [error] = refused(three_day_workshop, encrypted(maker()), name)
    assert "not a valid" in error.message or "cannot be read" in error.message


def test_a_truncated_xls_is_a_clear_message(three_day_workshop):
    data = to_xls(sample_rows(FR))
    [error] = refused(three_day_workshop, data[: len(data) // 2], "a.xls")
    assert "not a valid .xls" in error.message


# 4. Over-long values and control characters ----------------------------------------------------


def fr_sheet(**changes):
    """The French sample with cells replaced: ``{(row index, column index): value}``."""
    rows = sample_rows(FR)
    for (r, c), value in changes.get("cells", {}).items():
        rows[r][c] = value
    return to_csv(rows, delimiter=";")


@pytest.mark.parametrize(
    ("column", "value", "header"),
    [
        (1, "D" * 150, "Nom"),
        (2, "S" * 101, "Prénom"),
        (4, "A" * 256, "Organisation"),
        (5, "P" * 151, "Fonction"),
        (6, "V" * 101, "Ville"),
        (9, "a" * 250 + "@example.org", "E-mail"),
    ],
)
def test_over_long_values_are_refused_naming_row_and_column(three_day_workshop, column, value, header):
    errors = refused(three_day_workshop, fr_sheet(cells={(3, column): value}), "a.csv")
    assert [(e.row, e.column) for e in errors] == [(4, header)]
    assert "at most" in errors[0].message


def test_an_organisation_whose_matching_key_is_too_long_is_refused(three_day_workshop):
    # NFKC expands the ligature ﷺ to 18 characters: the folded key outgrows its column.
    errors = refused(three_day_workshop, fr_sheet(cells={(3, 4): "ﷺ" * 20}), "a.csv")
    assert [(e.row, e.column) for e in errors] == [(4, "Organisation")]


def test_nul_and_control_characters_are_removed_before_saving(three_day_workshop):
    data = fr_sheet(cells={(3, 1): "BEL\x00HAJ\x07", (3, 4): "Réseau\x1b des jeunes\x00"})
    import_attendance(three_day_workshop, data, "a.csv")
    person = Person.objects.get(phone="+212600000903")
    assert person.last_name == "BELHAJ"
    assert person.organization.name == "Réseau des jeunes"


def test_control_characters_in_xls_cells_are_removed(three_day_workshop):
    rows = sample_rows(FR)
    rows[3][1] = "BEL\x00HAJ\x1b"
    import_attendance(three_day_workshop, to_xls(rows), "a.xls")
    assert Person.objects.get(phone="+212600000903").last_name == "BELHAJ"


@pytest.fixture
def failing_person_insert(db):
    """A database trigger that refuses any new person, as a server-side error would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_person() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_person BEFORE INSERT ON organizations_person "
                "FOR EACH ROW EXECUTE FUNCTION refuse_person()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse_person BEFORE INSERT ON organizations_person "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            )


def test_a_database_error_while_writing_is_a_message_and_nothing_is_saved(
    three_day_workshop, failing_person_insert
):
    [error] = refused(three_day_workshop, sample(FR), "a.csv")
    assert "nothing was imported" in error.message
    assert Organization.objects.filter(organized_workshops=None).count() == 0


# 6. A stray quote in a CSV ---------------------------------------------------------------------


def stray_quote_sample():
    text = sample(FR).decode("utf-8-sig")
    text = text.replace(";Réseau des jeunes de Al Hoceïma", ';"Réseau des jeunes de Al Hoceïma', 1)
    return text.encode("utf-8-sig")


def test_a_stray_quote_is_refused_naming_the_row_where_it_opened(three_day_workshop):
    [error] = refused(three_day_workshop, stray_quote_sample(), "a.csv")
    assert (error.row, error.column) == (4, "Organisation")
    assert "quotation mark" in error.message
    assert "Réseau des jeunes de Al Hoceïma" in error.message


def test_a_stray_quote_closed_further_down_is_refused(three_day_workshop):
    text = sample(FR).decode("utf-8-sig")
    text = text.replace(";Réseau des jeunes de Al Hoceïma", ';"Réseau des jeunes de Al Hoceïma', 1)
    text = text.replace(";Réseau des jeunes de Meknès", ';Réseau des jeunes" de Meknès', 1)
    [error] = refused(three_day_workshop, text.encode(), "a.csv")
    assert (error.row, error.column) == (4, "Organisation")


def test_a_stray_quote_swallowing_a_huge_tail_is_refused_at_its_row(three_day_workshop):
    text = stray_quote_sample().decode("utf-8-sig")
    text += "".join(f"{i};X;Y;F;;;;;;;;;\n" for i in range(51, 20000))
    [error] = refused(three_day_workshop, text.encode(), "a.csv")
    assert (error.row, error.column) == (4, "Organisation")


def test_a_stray_quote_in_the_admin_is_a_message(client, importer, three_day_workshop):
    client.force_login(importer)
    response = upload(client, three_day_workshop, stray_quote_sample(), "a.csv")
    assert response.status_code == 200
    assert "Row 4, column “Organisation”" in response.content.decode()
    assert Person.objects.count() == 0


def test_a_quoted_cell_on_two_lines_is_still_read(three_day_workshop):
    data = 'Nom;Prénom;Organisation;J1\nDURAND;Sarah;"Association A\nsection de Fès";x\nMARTIN;Paul;;x\n'
    result = import_attendance(three_day_workshop, data.encode(), "a.csv")
    assert result.rows == 2
    assert Organization.objects.get(members__last_name="DURAND").name == "Association A section de Fès"


def test_quoted_cells_with_delimiters_are_still_read(three_day_workshop):
    data = 'Nom;Prénom;Organisation;J1\nDURAND;Sarah;"Association A; section ""Fès""";x\n'
    import_attendance(three_day_workshop, data.encode(), "a.csv")
    assert Person.objects.get().organization.name == 'Association A; section "Fès"'


# 7. Sheets that claim to be huge -----------------------------------------------------------------


def peak_memory(function):
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def far_corner_xlsx():
    workbook = Workbook()
    sheet = workbook.active
    for row in sample_rows(FR):
        sheet.append(row)
    sheet["XFD1048576"] = "x"
    return save(workbook)


def test_an_xlsx_with_a_cell_at_xfd1048576_is_read_in_little_memory(three_day_workshop):
    data = far_corner_xlsx()
    assert len(data) < 20_000
    results = []
    peak = peak_memory(
        lambda: results.append(import_attendance(three_day_workshop, data, "a.xlsx", dry_run=True))
    )
    assert results[0].rows == 50
    assert peak < 100 * 1024 * 1024


def lying_dimension_xlsx():
    """One header and one person, with a sheet dimension that claims A1:XFD1048576."""
    data = to_xlsx([["Nom", "Prénom", "J1"], ["DURAND", "Sarah", "x"]])
    return with_member(
        data,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="[A-Z0-9:]+" ?/>', b'<dimension ref="A1:XFD1048576"/>', xml),
    )


def test_an_xlsx_whose_dimension_lies_is_read_in_little_memory(three_day_workshop):
    data = lying_dimension_xlsx()
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    peak = peak_memory(lambda: import_attendance(three_day_workshop, data, "a.xlsx", dry_run=True))
    assert peak < 100 * 1024 * 1024


def sheet_xlsx(rows_xml, dimension=b""):
    """An XLSX whose only worksheet holds a header and a person, then ``rows_xml`` (bytes);
    ``dimension`` is put before the data, as writers do (none by default)."""
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + dimension
        + b"<sheetData>"
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>Nom</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>J1</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>DURAND</t></is></c>'
        b'<c r="B2" t="inlineStr"><is><t>x</t></is></c></row>' + rows_xml + b"</sheetData></worksheet>"
    )
    return with_member(to_xlsx([["a"]]), "xl/worksheets/sheet1.xml", lambda _xml: sheet)


def refused_in_little_memory(workshop, data, name):
    """The errors refusing ``data``, checking the import's peak memory stays under 100 MB."""
    errors = []

    def run():
        with pytest.raises(AttendanceImportError) as excinfo:
            import_attendance(workshop, data, name, dry_run=True)
        errors.extend(excinfo.value.errors)

    assert peak_memory(run) < 100 * 1024 * 1024
    return errors


def test_an_xlsx_without_dimension_and_a_million_empty_rows_is_refused_in_little_memory(three_day_workshop):
    # openpyxl would read the whole sheet when opening the workbook, keeping every row element.
    data = sheet_xlsx(b"".join(b'<row r="%d"/>' % i for i in range(3, 1_000_000)))
    assert len(data) < 5 * 1024 * 1024
    [error] = refused_in_little_memory(three_day_workshop, data, "a.xlsx")
    assert "more than 20000 rows" in error.message


def test_an_xlsx_whose_rows_all_claim_to_be_row_2_is_refused_in_little_memory(three_day_workshop):
    data = sheet_xlsx(b'<row r="2"/>' * 50_000, dimension=b'<dimension ref="A1:B2"/>')
    [error] = refused_in_little_memory(three_day_workshop, data, "a.xlsx")
    assert "more than 20000 rows" in error.message


def test_an_xlsx_with_formatted_empty_rows_past_the_limit_still_imports(three_day_workshop):
    workbook = Workbook()
    sheet = workbook.active
    for row in sample_rows(FR):
        sheet.append(row)
    for number in range(60, 30_000):
        sheet.row_dimensions[number].height = 20
    result = import_attendance(three_day_workshop, save(workbook), "a.xlsx", dry_run=True)
    assert result.rows == 50


def wide_row_xlsx(cells):
    """A header and a person, then one row of ``cells`` numbered cells written without a
    coordinate (so that no column limit of the format applies)."""
    return sheet_xlsx(b'<row r="3">' + b"".join(b"<c><v>%d</v></c>" % i for i in range(cells)) + b"</row>")


@pytest.mark.parametrize("dimension", [b"", b'<dimension ref="A1:B3"/>'])
def test_an_xlsx_row_wider_than_any_spreadsheet_is_refused_in_little_memory(three_day_workshop, dimension):
    data = sheet_xlsx(
        b'<row r="3">' + b"".join(b"<c><v>%d</v></c>" % i for i in range(1_000_000)) + b"</row>", dimension
    )
    [error] = refused_in_little_memory(three_day_workshop, data, "a.xlsx")
    assert (error.row, "more than 200 columns" in error.message) == (3, True)


def repeated_ods(tables, rows, columns):
    """``tables`` tables of ``rows`` identical rows of ``columns`` two-letter cells, written as
    LibreOffice does with repeat counts (a few kilobytes)."""
    document = OpenDocumentSpreadsheet()
    for index in range(tables):
        table = Table(name=f"T{index}")
        row = TableRow(numberrowsrepeated=rows)
        cell = TableCell(valuetype="string", numbercolumnsrepeated=columns)
        cell.addElement(P(text="ab"))
        row.addElement(cell)
        table.addElement(row)
        document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def test_an_ods_of_repeated_rows_is_read_in_little_memory(three_day_workshop):
    data = repeated_ods(tables=5, rows=20_000, columns=200)
    assert len(data) < 20_000

    def run():
        with pytest.raises(AttendanceImportError):
            import_attendance(three_day_workshop, data, "a.ods", dry_run=True)

    assert peak_memory(run) < 100 * 1024 * 1024


def test_a_csv_with_one_very_wide_line_is_refused_in_little_memory(three_day_workshop):
    data = ("Nom;Prénom;J1\n" + "ab;" * 1_600_000 + "\n").encode()
    errors = []

    def run():
        with pytest.raises(AttendanceImportError) as excinfo:
            import_attendance(three_day_workshop, data, "a.csv", dry_run=True)
        errors.extend(excinfo.value.errors)

    assert peak_memory(run) < 100 * 1024 * 1024
    assert "more than 200 columns" in errors[0].message


def test_an_xls_with_a_far_cell_is_refused_in_little_memory(three_day_workshop):
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Feuil1")
    for r, row in enumerate(sample_rows(FR)):
        for c, value in enumerate(row):
            if value:
                sheet.write(r, c, value)
    sheet.write(65_000, 255, "x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    errors = []

    def run():
        with pytest.raises(AttendanceImportError) as excinfo:
            import_attendance(three_day_workshop, buffer.getvalue(), "a.xls", dry_run=True)
        errors.extend(excinfo.value.errors)

    assert peak_memory(run) < 100 * 1024 * 1024
    assert "more than 20000 rows" in errors[0].message


def test_errors_shown_are_capped(three_day_workshop):
    rows = [["Nom", "Sexe", "J1"], *[[f"P{i}", "?", "?"] for i in range(2000)]]
    errors = refused(three_day_workshop, to_csv(rows), "a.csv")
    assert len(errors) <= 201
    assert "more" in errors[-1].message


# 8. Header spellings and unknown columns ---------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Sexe(H / F)", "gender"),
        ("Sexe (H/F)", "gender"),
        ("Genre (F/M)", "gender"),
        ("الجنس (ذ/أ)", "gender"),
        ("N° de téléphone", "phone"),
        ("Téléphone portable", "phone"),
    ],
)
def test_reported_header_spellings_are_recognised(header, field):
    assert header_field(header) == field


def test_unrecognised_columns_are_listed_as_warnings(three_day_workshop):
    data = to_csv(
        [
            ["Nom", "Prénom", "Sexe (H/F)", "N° groupe", "Référent", "Tél", "J1"],
            ["DURAND", "Sarah", "F", "1", "M. X", "0612345601", "x"],
        ],
        delimiter=";",
    )
    result = import_attendance(three_day_workshop, data, "a.csv")
    unknown = [w for w in result.warnings if "not understood by the import" in w.message]
    assert [(w.row, w.column) for w in unknown] == [(1, "N° groupe"), (1, "Référent")]
    assert Person.objects.count() == 1


def test_unknown_column_warning_is_translated(three_day_workshop):
    data = "Nom;Prénom;Tél;Référent;J1\nDURAND;Sarah;0612345601;X;x\n".encode()
    with translation.override("fr"):
        result = import_attendance(three_day_workshop, data, "a.csv", dry_run=True)
        texts = [str(w) for w in result.warnings]
    assert any(text.startswith("Ligne 1") and "Référent" in text for text in texts)


# 14. The export command ----------------------------------------------------------------------------


def test_export_command_takes_the_format_from_the_file_name(example, tmp_path):
    call_command(
        "export_attendance", str(example.pk), "--output", str(tmp_path / "r.csv"), stdout=io.StringIO()
    )
    assert (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    call_command(
        "export_attendance", str(example.pk), "--output", str(tmp_path / "r.xlsx"), stdout=io.StringIO()
    )
    assert (tmp_path / "r.xlsx").read_bytes().startswith(b"PK")


def test_export_command_refuses_a_format_that_contradicts_the_file_name(example, tmp_path):
    with pytest.raises(CommandError, match="r.csv"):
        call_command(
            "export_attendance", str(example.pk), "--format", "xlsx", "--output", str(tmp_path / "r.csv")
        )
    assert not (tmp_path / "r.csv").exists()


def test_export_command_takes_format_for_a_neutral_extension(example, tmp_path):
    call_command(
        "export_attendance",
        str(example.pk),
        "--format",
        "csv",
        "--output",
        str(tmp_path / "r.txt"),
        stdout=io.StringIO(),
    )
    assert (tmp_path / "r.txt").read_bytes().startswith(b"\xef\xbb\xbf")


def test_export_command_needs_a_format_for_an_unknown_extension(example, tmp_path):
    with pytest.raises(CommandError, match="--format"):
        call_command("export_attendance", str(example.pk), "--output", str(tmp_path / "report"))


def test_export_command_reports_an_unwritable_output_and_logs_nothing(example, tmp_path):
    with pytest.raises(CommandError, match="no-such-folder"):
        call_command(
            "export_attendance", str(example.pk), "--output", str(tmp_path / "no-such-folder" / "r.csv")
        )
    assert ExportLog.objects.count() == 0

"""Reading files that are damaged, lie about their size or hold stray quotes and huge cells: a
message naming the row and column, nothing saved, little memory used."""

import io
import re
import tracemalloc
import zipfile

import pytest
from django.core.management import CommandError, call_command
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook

from attendance.apply import import_attendance
from attendance.vocabulary import AttendanceImportError
from organizations.models import Organization, Person
from tests.attendance.conftest import counts, refused, sample, upload
from tests.attendance.sheetmakers import sample_rows, save, to_ods, to_xls, to_xlsx, zip_bytes

pytestmark = pytest.mark.django_db

FR = "marrakech-2021-03-attendance-fr.csv"


# A cell over the CSV module's field limit ----------------------------------------------------


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


# Damaged workbooks ---------------------------------------------------------------------------


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


# A stray quote in a CSV ---------------------------------------------------------------------


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


# Sheets that claim to be huge -----------------------------------------------------------------


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

"""The sheet readers give the same text whatever library reads the file: XLSX through calamine
or openpyxl, and the same typed cells in XLS and ODS; the row cap counts rows of people; the
import's queries do not grow with the rows."""

import datetime
import io
import zipfile

import pytest
import xlwt
from django.db import connection
from django.test.utils import CaptureQueriesContext
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from attendance.apply import import_attendance
from attendance.sheets import read_sheets
from attendance.sheets.xlsx import _plain_workbook, _read_with_calamine, _read_with_openpyxl
from organizations.models import Person
from tests.attendance.conftest import refused
from tests.attendance.sheetmakers import save, to_csv, to_xlsx, zip_bytes

TYPED_ROW = [
    "نزهة بناني",
    612345678,
    3.5,
    # Spreadsheet cells hold naive date-times.
    datetime.datetime(2021, 3, 5),  # noqa: DTZ001
    datetime.datetime(2021, 3, 5, 10, 30),  # noqa: DTZ001
    True,
    False,
    "  Fès   - Meknès ",
]
TYPED_TEXT = ["نزهة بناني", "612345678", "3.5", "2021-03-05", "2021-03-05 10:30:00", "1", "0", "Fès - Meknès"]


def with_sheet_xml(data, change):
    """The XLSX ``data`` with its first worksheet's XML passed through ``change``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    members["xl/worksheets/sheet1.xml"] = change(members["xl/worksheets/sheet1.xml"])
    return zip_bytes(members)


def typed_workbook():
    """A merged title over three cells, a blank row, a header, a row of every cell type, formula
    cells (one without a cached value, two with one), formatted but empty cells to the right and
    below, and a hidden sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Présence"
    sheet.append(["ورقة الحضور – Liste de présence"])
    sheet.merge_cells("A1:C1")
    sheet.append([])
    sheet.append(["Nom", "Tél", "Note", "Date", "Heure", "J1", "J2", "Région"])
    sheet.append(TYPED_ROW)
    sheet.append(["=1+2", '=HYPERLINK("http://x","y")', "=SUM(B4:C4)"])
    grey = PatternFill("solid", fgColor="DDDDDD")
    for row in range(1, 40):
        sheet.cell(row=row, column=20).fill = grey
    hidden = workbook.create_sheet("caché")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "hidden"
    data = save(workbook)
    # Cached values, as a spreadsheet program stores them next to the formula.
    return with_sheet_xml(
        data,
        lambda xml: xml.replace(
            b'<c r="A5"><f>1+2</f><v /></c>', b'<c r="A5"><f>1+2</f><v>3</v></c>'
        ).replace(
            b'<c r="B5"><f>HYPERLINK("http://x","y")</f><v /></c>',
            b'<c r="B5" t="str"><f>HYPERLINK("http://x","y")</f><v>y</v></c>',
        ),
    )


def test_calamine_reads_an_xlsx_to_the_same_text_as_openpyxl():
    data = typed_workbook()
    assert b"<v>3</v>" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert _plain_workbook(data)
    [by_calamine] = _read_with_calamine(data)
    [by_openpyxl] = _read_with_openpyxl(data)
    # openpyxl also lists the formatted but empty rows at the end, which nothing reads.
    assert by_openpyxl.rows[5:] == [(number, []) for number in range(6, 40)]
    by_openpyxl.rows = by_openpyxl.rows[:5]
    assert by_calamine == by_openpyxl
    assert by_calamine.name == "Présence"
    assert by_calamine.rows == [
        (1, ["ورقة الحضور – Liste de présence"]),
        (2, []),
        (3, ["Nom", "Tél", "Note", "Date", "Heure", "J1", "J2", "Région"]),
        (4, TYPED_TEXT),
        # A formula gives its cached value, never its text; without one, nothing.
        (5, ["3", "y"]),
    ]


@pytest.mark.parametrize(
    "change",
    [
        # A value at XFD1048576: calamine would ask for half a terabyte at once.
        lambda xml: xml.replace(
            b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
        ),
        # A cell without its position.
        lambda xml: xml.replace(b'<c r="A4" t="inlineStr">', b'<c t="inlineStr">', 1),
        # An error value, read as its text (#N/A) by openpyxl.
        lambda xml: xml.replace(b'<c r="C4" t="n"><v>3.5</v></c>', b'<c r="C4" t="e"><v>#N/A</v></c>'),
        # A namespace prefix on the cells.
        lambda xml: xml.replace(b"<c ", b"<x:c ").replace(b"</c>", b"</x:c>"),
        # A document type declaration (entities are refused by defusedxml on the openpyxl path).
        lambda xml: b'<!DOCTYPE worksheet [<!ENTITY a "b">]>' + xml,
    ],
    ids=["far cell", "no position", "error value", "prefix", "DTD"],
)
def test_a_worksheet_calamine_cannot_read_as_openpyxl_does_goes_through_openpyxl(change):
    data = with_sheet_xml(typed_workbook(), change)
    assert data != typed_workbook()
    assert not _plain_workbook(data)


def test_an_error_value_is_read_as_its_text_as_before():
    data = with_sheet_xml(
        typed_workbook(),
        lambda xml: xml.replace(b'<c r="C4" t="n"><v>3.5</v></c>', b'<c r="C4" t="e"><v>#N/A</v></c>'),
    )
    [sheet] = read_sheets(data, "a.xlsx")
    assert sheet.rows[3][1][2] == "#N/A"


def save_typed_xlsx():
    workbook = Workbook()
    workbook.active.append(TYPED_ROW)
    return save(workbook)


def typed_xls():
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Présence")
    date, moment = xlwt.easyxf(num_format_str="YYYY-MM-DD"), xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM")
    for column, value in enumerate(TYPED_ROW):
        style = (
            (date if value.hour == 0 else moment)
            if isinstance(value, datetime.datetime)
            else xlwt.Style.default_style
        )
        sheet.write(0, column, value, style)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def typed_ods_cell(value):
    if isinstance(value, bool):
        return TableCell(valuetype="boolean", booleanvalue=str(value).lower())
    if isinstance(value, datetime.datetime):
        return TableCell(valuetype="date", datevalue=value.isoformat())
    if isinstance(value, int | float):
        return TableCell(valuetype="float", value=value)
    cell = TableCell(valuetype="string")
    cell.addElement(P(text=value))
    return cell


def typed_ods():
    row = TableRow()
    for value in TYPED_ROW:
        row.addElement(typed_ods_cell(value))
    table = Table(name="Présence")
    table.addElement(row)
    document = OpenDocumentSpreadsheet()
    document.spreadsheet.addElement(table)
    with io.BytesIO() as buffer:
        document.write(buffer)
        return buffer.getvalue()


@pytest.mark.parametrize(
    ("maker", "name"),
    [(save_typed_xlsx, "a.xlsx"), (typed_xls, "a.xls"), (typed_ods, "a.ods")],
    ids=["xlsx", "xls", "ods"],
)
def test_typed_cells_read_to_the_same_text_in_every_format(maker, name):
    [sheet, *_others] = read_sheets(maker(), name)
    assert sheet.rows[0] == (1, TYPED_TEXT)


# Rows of people, not title lines, are capped ------------------------------------------------------

TITLE_LINES = [["Liste de présence"], ["Marrakech, 5-7 mars 2021"], []]


def people(count):
    return [["Nom", "Prénom", "Tél", "J1"]] + [
        [f"Nom{i}", f"Prénom{i}", f"06123{i:05d}", "x"] for i in range(count)
    ]


@pytest.mark.parametrize("maker", [to_xlsx, lambda rows, title_lines: to_csv([*title_lines, *rows])])
def test_title_lines_do_not_count_toward_the_row_cap(three_day_workshop, settings, maker):
    settings.ATTENDANCE_MAX_ROWS = 20
    data = maker(people(20), title_lines=TITLE_LINES)
    assert import_attendance(three_day_workshop, data, "a.xlsx" if data[:2] == b"PK" else "a.csv").rows == 20
    assert Person.objects.count() == 20


@pytest.mark.parametrize("maker", [to_xlsx, lambda rows, title_lines: to_csv([*title_lines, *rows])])
def test_one_row_of_people_past_the_cap_is_refused(three_day_workshop, settings, maker):
    settings.ATTENDANCE_MAX_ROWS = 20
    data = maker(people(21), title_lines=TITLE_LINES)
    [error] = refused(three_day_workshop, data, "a.xlsx" if data[:2] == b"PK" else "a.csv")
    assert (error.row, "more than 20 rows" in error.message) == (25, True)


# Queries --------------------------------------------------------------------------------------------


def people_sheet(count, start):
    rows = [["Nom", "Prénom", "Sexe", "Organisation", "Région", "Tél", "J1", "J2", "J3"]]
    rows += [
        [
            f"Nom{i}",
            f"Prénom{i}",
            "F" if i % 2 else "H",
            f"Association {start + i % 4}",
            "Oriental",
            f"06123{i:05d}",
            "x",
            "",
            "x",
        ]
        for i in range(start, start + count)
    ]
    return to_xlsx(rows)


def test_an_import_of_n_or_3n_rows_makes_the_same_queries(three_day_workshop):
    counts = []
    # 15 and 45 rows: SQLite takes at most 999 parameters a query, 58 people (17 columns).
    for start, count in ((0, 15), (100, 45)):
        with CaptureQueriesContext(connection) as queries:
            result = import_attendance(three_day_workshop, people_sheet(count, start), "a.xlsx")
        assert (result.people_created, result.marks_added) == (count, 2 * count)
        counts.append(len(queries))
    # 18, plus organisation aliases (3), place aliases and names (4), and the refresh of the
    # public summary tables (18: ``workshops.summaries``, once at the end, the workshop's
    # published margins included), and the second level of summary (6: the people reached and
    # the margins counted before and after, the differences added to their sums).
    assert counts == [49, 49]

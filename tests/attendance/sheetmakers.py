"""Attendance sheets made inside the tests, in every format and encoding the import reads.

The rows come from the sample CSVs in attendance/example/ (fictional people); writers turn a
list of rows (lists of str) into the bytes a spreadsheet program would save.
"""

import csv
import datetime
import io
import zipfile

import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import CoveredTableCell, Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook

from tests.attendance.conftest import sample


def sample_rows(name):
    """The rows of a sample CSV (UTF-8 with BOM; the French one is ``;``-separated)."""
    text = sample(name).decode("utf-8-sig")
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def to_csv(rows, encoding="utf-8", delimiter=",", bom=b""):
    """Rows as delimited text in ``encoding`` (strict), ``bom`` bytes in front."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return bom + buffer.getvalue().encode(encoding)


def to_xlsx(rows, title_lines=(), rtl=False, text_cells=()):
    """Rows in an XLSX workbook below ``title_lines`` (lists of cells). ``text_cells``: values
    written as text cells even when they start with "=" (as Excel stores ``'=…``)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.sheet_view.rightToLeft = rtl
    for line in title_lines:
        sheet.append(list(line))
    for row in rows:
        sheet.append([None if value == "" else value for value in row])
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value in text_cells:
                cell.data_type = "s"
    return save(workbook)


def save(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_two_row_header_xlsx(rows, sessions=3):
    """Rows whose header spans two lines, as organisers draw it: every field header merged over
    both lines, and one "الحضور" (presence) cell merged over the day columns, whose own headers
    stand on the second line. Title lines above, a blank row inside the data, and formatted
    but empty columns on the right."""
    from openpyxl.styles import PatternFill

    header, data = rows[0], rows[1:]
    fields, days = header[:-sessions], header[-sessions:]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ورشة التخطيط الاستراتيجي"])
    sheet.append(["مراكش، 5-7 مارس 2021"])
    sheet.append([])
    sheet.append([*fields, "الحضور", *[None] * (sessions - 1)])
    sheet.append([*[None] * len(fields), *days])
    first_day = len(fields) + 1
    sheet.merge_cells(start_row=4, start_column=first_day, end_row=4, end_column=first_day + sessions - 1)
    for column in range(1, len(fields) + 1):
        sheet.merge_cells(start_row=4, start_column=column, end_row=5, end_column=column)
    for index, row in enumerate(data):
        if index == 20:
            sheet.append([])
        sheet.append([None if value == "" else value for value in row])
    grey = PatternFill("solid", fgColor="DDDDDD")
    for row in range(4, sheet.max_row + 1):
        sheet.cell(row=row, column=first_day + sessions + 5).fill = grey
    return save(workbook)


def to_xls(rows):
    """Rows in a legacy Excel 97-2003 workbook (xlwt)."""
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Feuil1")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value != "":
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_ods(rows, title=""):
    """Rows in an OpenDocument spreadsheet (odfpy) below a ``title`` merged over two cells,
    with the repeated empty cells and rows LibreOffice writes."""
    document = OpenDocumentSpreadsheet()
    table = Table(name="Feuille1")
    if title:
        title_row = TableRow()
        cell = TableCell(valuetype="string", numbercolumnsspanned=2)
        cell.addElement(P(text=title))
        title_row.addElement(cell)
        title_row.addElement(CoveredTableCell())
        table.addElement(title_row)
        table.addElement(TableRow(numberrowsrepeated=2))
    for line in rows:
        table_row = TableRow()
        for value in line:
            cell = TableCell(valuetype="string")
            if value != "":
                cell.addElement(P(text=str(value)))
            table_row.addElement(cell)
        table_row.addElement(TableCell(numbercolumnsrepeated=1000))
        table.addElement(table_row)
    table.addElement(TableRow(numberrowsrepeated=1048000))
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def zip_bytes(members):
    """A zip archive of ``{name: bytes}``, deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# Shapes of real sheets (made here; the real files are not copied) -----------------------------


def schools_export_shape():
    """A directorate's export of schools: right to left, seven title lines with merged cells,
    Arabic header on row 8, stray spaces, a US-format date and a 0-100 percentage column."""
    academy = [None, "الأكاديمية : ", "جهة الشرق", *[None] * 7, "تاريخ التحميل : ", "10/08/2025"]
    title_lines = [[], [None] * 5 + ["العملية", None, "تقييم مكتسبات المتعلمين"], [], [], academy, [], []]
    header = [None] + (
        "الاكاديمية|م. الاقليمية|الجماعة|رمز المؤسسة|المؤسسة|السلك|نوع التعليم|المراقبة المستمرة"
        "|القيمة المستهدفة|القيمة الحالية|النسبة المئوية(%)"
    ).split("|")
    rows = [header]
    for i in range(12):
        rows.append(
            [
                None,
                "جهة الشرق",
                "إقليم:  بركان",
                "بركان (البلدية)",
                f"0{5600 + i}X",
                f"  مدرسة النور {i} ",
                " الابتدائي",
                "عمومي",
                None,
                40 + i,
                38 + i,
                [100, 93.33, 7.5][i % 3],
            ]
        )
    workbook = Workbook()
    ws = workbook.active
    ws.sheet_view.rightToLeft = True
    for line in [*title_lines, *rows]:
        ws.append(line)
    ws.merge_cells("F2:G2")
    ws.merge_cells("H2:L2")
    return save(workbook)


FRENCH_PEOPLE = [
    ("LEMAIRE", "Paul", "H"),
    ("GAUTHIER", "Claire", "F"),
    ("PERRIN", "Louis", "H"),
    ("MARCHAND", "Sophie", "F"),
    ("DUPUIS", "Marc", "H"),
    ("LAMBERT", "Élise", "F"),
    ("FONTAINE", "Hervé", "H"),
    ("ROUSSEL", "Anaïs", "F"),
    ("BLANC", "Olivier", "H"),
    ("GUERIN", "Camille", "F"),
    ("BOYER", "Victor", "H"),
    ("GARNIER", "Lucie", "F"),
    ("CHEVALIER", "Bruno", "H"),
    ("FRANCOIS", "Mélanie", "F"),
    ("LEGRAND", "Yves", "H"),
    ("GAUTIER", "Noémie", "F"),
    ("MULLER", "Rémi", "H"),
    ("HENRY", "Tristan", "H"),
    ("RIVIERE", "Gaël", "H"),
    ("LUCAS", "Damien", "H"),
    ("BRUN", "Loïc", "H"),
    ("MEYER", "Fabien", "H"),
]


def french_sign_in_template_shape():
    """A training company's sign-in template: key-value lines, a table of days with morning and
    afternoon times, a group block, then NOM / PRÉNOM / Sexe(H / F) (14 H, 8 F)."""
    blocks = [
        [],
        [],
        ["Bénéficiaire", "Société exemple"],
        ["Intitulé de la formation :", "Animation de réunions"],
        ["Langue :", "Français"],
        ["Lieu :", "Centre de formation, Rabat"],
        [],
        ["Jour", "Début matinée", "Fin matinée", "Début après-midi", "Fin après-midi", "Heures"],
        [datetime.date(2025, 11, 26), None, datetime.time(12), datetime.time(14), datetime.time(18), 7],
        [datetime.date(2025, 11, 27), datetime.time(8, 30), datetime.time(12, 30), None, None, 4],
        [],
        ["Nombre de groupes", "Participants par groupe"],
        [3, 8],
        [],
        ["NOM", "PRÉNOM", "Sexe(H / F)", None, "N° groupe", "Référent"],
    ]
    people = [
        [last, first, sex, None, (i % 3) + 1 if i < 3 else None, None]
        for i, (last, first, sex) in enumerate(FRENCH_PEOPLE)
    ]
    return to_xlsx([], title_lines=[*blocks, *people])

"""Spreadsheet files for staff and open data: formula neutralisation, content types and styled
XLSX tables (openpyxl).

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return) are neutralised by a leading apostrophe (OWASP "CSV injection"), except phone
numbers (digits and spaces after an optional ``+``), which no spreadsheet runs. Sheets read right
to left when the active language is Arabic.
"""

import io
import re

from django.utils.translation import get_language_bidi
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# "+212 600 000 901" is a phone number, not a formula: only digits and spaces follow the "+".
PHONE_NUMBER = re.compile(r"\+?[0-9][0-9 ]*")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)
MAX_COLUMN_WIDTH = 40


def neutralize(value):
    """Return ``value`` safe to open in a spreadsheet: strings that start with a formula trigger
    get a leading ``'``, unless they are a phone number (``+212600000901``); numbers and other
    strings are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not PHONE_NUMBER.fullmatch(value):
        return "'" + value
    return value


def style_header_row(sheet, row=1):
    """Give ``sheet``'s row ``row`` the report header style (bold white on dark blue)."""
    for cell in sheet[row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT


def fit_columns(sheet):
    """Set each column's width to its longest value (capped at ``MAX_COLUMN_WIDTH``)."""
    widths = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), len(str(cell.value)))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, MAX_COLUMN_WIDTH)


def new_workbook():
    """An empty openpyxl Workbook with no sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def add_table_sheet(workbook, title, header, rows):
    """Append a sheet ``title`` with a styled, frozen, filterable ``header`` and ``rows``
    (every value neutralised); right to left when the active language is."""
    sheet = workbook.create_sheet(title[:31])
    sheet.sheet_view.rightToLeft = bool(get_language_bidi())
    sheet.append([neutralize(v) for v in header])
    for row in rows:
        sheet.append([neutralize(v) for v in row])
    style_header_row(sheet)
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions
    fit_columns(sheet)
    return sheet


def workbook_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

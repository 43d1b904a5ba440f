"""Spreadsheet files for staff and open data: formula neutralisation, content types and styled
XLSX tables: small workbooks built in memory with openpyxl (``new_workbook``, ``add_table_sheet``),
large single tables streamed with rustpy-xlsxwriter (``stream_table``).

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return) are neutralised by a leading apostrophe (OWASP "CSV injection"), except phone
numbers (digits and spaces after an optional ``+``), which no spreadsheet runs. Sheets read right
to left when the active language is Arabic.
"""

import io
import os
import re
import shutil
import tempfile
from pathlib import Path

from django.utils.translation import get_language_bidi
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from rustpy_xlsxwriter import Format, write_worksheet

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
# ``stream_table`` calls its ``progress`` every this many rows (about a tenth of a second).
PROGRESS_EVERY = 5_000


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


class _Records:
    """``rows`` as dicts keyed by ``header`` (rustpy-xlsxwriter's records), counting them and
    calling ``progress(rows done)`` every ``PROGRESS_EVERY`` rows. With no row, one row of
    nothing, so that the header is still written (it adds no row to the sheet)."""

    def __init__(self, header, rows, progress):
        self.header, self.rows, self.progress, self.count = header, rows, progress, 0

    def __iter__(self):
        header, progress = self.header, self.progress
        for row in self.rows:
            yield dict(zip(header, row, strict=True))
            self.count += 1
            if progress is not None and self.count % PROGRESS_EVERY == 0:
                progress(self.count)
        if not self.count:
            yield dict.fromkeys(header)


def stream_table(target, title, header, rows, progress=None):
    """Write an XLSX of one sheet ``title`` (cut to Excel's 31 characters) to ``target`` (a
    path or a binary file): the styled, frozen, filterable ``header`` (distinct ``str``), then
    ``rows`` (an iterable of sequences as long as the header); returns the number of rows.

    Written by rustpy-xlsxwriter (Rust; chosen by ``bench/xlsx_writers.py``) in constant memory:
    rows go to a temporary file as they come; a file object is given the finished file. Every
    ``str`` is written as text, never as a formula, but neutralise typed text anyway
    (``neutralize``: a copy saved as CSV keeps the protection); ``datetime.date`` as a date
    (``yyyy-mm-dd``), numbers as numbers, ``None`` and ``""`` as empty cells. Right to left when
    the active language is. ``progress``: a callable given the number of rows written so far,
    every ``PROGRESS_EVERY`` rows.

    Raises ValueError if two column titles are equal (the records are keyed by title),
    ValueError or RuntimeError from the writer (a text over Excel's 32,767 characters, a row of
    another length), OSError if ``target`` cannot be written; an error raised by ``rows`` or
    ``progress`` propagates."""
    header = [str(name) for name in header]
    if len(set(header)) != len(header):
        raise ValueError(f"column titles must be distinct: {header}")
    if isinstance(target, str | os.PathLike):
        return _stream_to_path(target, title, header, rows, progress)
    # Given a file object, rustpy-xlsxwriter builds the whole file in memory (+48 MiB for a
    # million rows): write it to a file of our own, then copy that in blocks.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "table.xlsx"
        count = _stream_to_path(path, title, header, rows, progress)
        with path.open("rb") as source:
            shutil.copyfileobj(source, target)
    return count


def _stream_to_path(path, title, header, rows, progress):
    """``stream_table`` to ``path`` (str or PathLike), ``header`` checked; the number of rows."""
    records = _Records(header, rows, progress)
    write_worksheet(
        iter(records),
        path,
        sheet_name=title[:31],
        freeze_row=1,
        header_format=_header_format(),
        column_widths=[min(max(len(name) + 2, 12), MAX_COLUMN_WIDTH) for name in header],
        datetime_format="yyyy-mm-dd",
        autofilter=True,
        sheet_view={"right_to_left": bool(get_language_bidi())},
    )
    return records.count


def _header_format():
    """``HEADER_FONT``, ``HEADER_FILL`` and ``HEADER_ALIGNMENT`` as a rustpy-xlsxwriter Format."""
    return (
        Format()
        .set_bold()
        .set_font_color(f"#{HEADER_FONT.color.rgb[-6:]}")
        .set_background_color(f"#{HEADER_FILL.fgColor.rgb[-6:]}")
        .set_align("vcenter")
        .set_text_wrap()
    )

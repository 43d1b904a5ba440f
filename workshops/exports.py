"""Attendance report files for staff: CSV (UTF-8 with byte-order mark), XLSX and the PDF
sign-in sheet.

The CSV and XLSX carry PERSONAL DATA and are produced only behind the
``workshops.export_attendance`` permission (admin view) or from the command line. Cells that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return) are neutralised by a leading apostrophe (OWASP "CSV injection"), except phone numbers
(digits and spaces after an optional ``+``), which no spreadsheet runs. The XLSX reads right
to left when the active language is Arabic. ``export_attendance`` renders a file and writes
the export log (``organizations.ExportLog``); every download and the command go through it.
"""

import csv
import io
import re
from dataclasses import dataclass

from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from organizations.models import ExportLog
from workshops.reports import attendance_table

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# "+212 600 000 901" is a phone number, not a formula: only digits and spaces follow the "+".
PHONE_NUMBER = re.compile(r"\+?[0-9][0-9 ]*")
FORMATS = ("csv", "xlsx", "pdf")
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


def export_filename(workshop, fmt, blank=False):
    """``attendance-<slug>.<fmt>``, ``sign-in-<slug>.pdf`` or ``sign-in-blank-<slug>.pdf``
    (the slug may be Arabic; browsers handle it)."""
    if fmt == "pdf":
        return f"sign-in-{'blank-' if blank else ''}{workshop.slug}.pdf"
    return f"attendance-{workshop.slug}.{fmt}"


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


def _render(workshop, fmt, blank=False):
    """Return ``(bytes, rows written)``."""
    if fmt == "pdf":
        from workshops.signin import render_sign_in_sheet

        return render_sign_in_sheet(workshop, prefill=not blank)
    header, rows, summary = attendance_table(workshop)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([neutralize(v) for v in header])
        writer.writerows([neutralize(v) for v in row] for row in rows)
        writer.writerow([])
        writer.writerows([neutralize(v) for v in row] for row in summary)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8"), len(rows)
    if fmt == "xlsx":
        workbook = new_workbook()
        add_table_sheet(workbook, _("Participants"), header, rows)
        summary_sheet = workbook.create_sheet(_("Summary")[:31])
        summary_sheet.sheet_view.rightToLeft = bool(get_language_bidi())
        starts_table = True
        for row in summary:
            summary_sheet.append([neutralize(v) for v in row])
            if starts_table and row:
                style_header_row(summary_sheet, summary_sheet.max_row)
            starts_table = not row
        fit_columns(summary_sheet)
        return workbook_bytes(workbook), len(rows)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def render_attendance(workshop, fmt, blank=False):
    """Return the attendance report of ``workshop`` as bytes in ``fmt`` ("csv", "xlsx", "pdf").

    CSV: the participant table, a blank line, then the summary table, UTF-8 with BOM so that
    Excel shows Arabic. XLSX: sheets "Participants" and "Summary", styled header, frozen first
    row, right to left in Arabic. PDF: the sign-in sheet (``workshops.signin``), pre-filled
    with the participants unless ``blank``. Raises ValueError for another format. Writes no
    log entry: use ``export_attendance`` for anything that leaves the server.
    """
    return _render(workshop, fmt, blank)[0]


@dataclass
class Export:
    """A rendered export: ``content`` (bytes), ``content_type``, ``filename``, ``rows``."""

    content: bytes
    content_type: str
    filename: str
    rows: int


def export_attendance(workshop, fmt, *, user=None, username="", channel=ExportLog.Channel.ADMIN, blank=False):
    """Render ``workshop``'s attendance export in ``fmt`` and log it; returns an ``Export``.

    ``user``: who downloads it (admin), or ``username`` (command line). The log entry names
    the workshop, the format, the rows written and whether they hold personal data (all but
    the blank sign-in sheet do).
    """
    content, rows = _render(workshop, fmt, blank)
    ExportLog.record(
        kind=ExportLog.Kind.SIGN_IN_SHEET if fmt == "pdf" else ExportLog.Kind.ATTENDANCE_LIST,
        file_format=fmt,
        user=user,
        username=username,
        workshop=workshop,
        rows=rows,
        channel=channel,
        personal_data=not (fmt == "pdf" and blank),
    )
    return Export(content, CONTENT_TYPES[fmt], export_filename(workshop, fmt, blank), rows)

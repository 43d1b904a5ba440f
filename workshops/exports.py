"""Attendance report files for staff: CSV (UTF-8 with byte-order mark) and XLSX.

Both carry PERSONAL DATA and are produced only behind the ``workshops.export_attendance``
permission (admin view) or from the command line. Cells that a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) are neutralised by a leading
apostrophe (OWASP "CSV injection").
"""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from workshops.reports import attendance_table

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def neutralize(value):
    """Return ``value`` safe to open in a spreadsheet: strings that start with a formula trigger
    get a leading ``'``; numbers and other strings are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def export_filename(workshop, fmt):
    """``attendance-<workshop slug>.<fmt>`` (the slug may be Arabic; browsers handle it)."""
    return f"attendance-{workshop.slug}.{fmt}"


def render_attendance(workshop, fmt):
    """Return the attendance report of ``workshop`` as bytes in ``fmt`` (``"csv"`` or ``"xlsx"``).

    CSV: the participant table, a blank line, then the summary table, UTF-8 with BOM so that
    Excel shows Arabic. XLSX: sheets "Participants" and "Summary". Raises ValueError for another
    format.
    """
    header, rows, summary = attendance_table(workshop)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([neutralize(v) for v in header])
        writer.writerows([neutralize(v) for v in row] for row in rows)
        writer.writerow([])
        writer.writerows([neutralize(v) for v in row] for row in summary)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Participants")[:31]
        sheet.append([neutralize(v) for v in header])
        for row in rows:
            sheet.append([neutralize(v) for v in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        summary_sheet = workbook.create_sheet(_("Summary")[:31])
        for row in summary:
            summary_sheet.append([neutralize(v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")

"""Attendance report files for staff: CSV (UTF-8 with byte-order mark), XLSX and the PDF
sign-in sheet.

The CSV and XLSX carry PERSONAL DATA and are produced only behind the
``workshops.export_attendance`` permission (admin view) or from the command line. Cells that a
spreadsheet would run as a formula are neutralised (``workshops.spreadsheets.neutralize``). The
XLSX reads right to left when the active language is Arabic. ``export_attendance`` renders a file and writes
the export log (``organizations.ExportLog``); every download and the command go through it.
"""

import csv
import io
from dataclasses import dataclass

from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from organizations.models import ExportLog
from workshops.reports import SUMMARY_LABEL, attendance_table
from workshops.spreadsheets import (
    CONTENT_TYPES,
    add_table_sheet,
    fit_columns,
    neutralize,
    new_workbook,
    style_header_row,
    workbook_bytes,
)

FORMATS = ("csv", "xlsx", "pdf")


def export_filename(workshop, fmt, blank=False):
    """``attendance-<slug>.<fmt>``, ``sign-in-<slug>.pdf`` or ``sign-in-blank-<slug>.pdf``
    (the slug may be Arabic; browsers handle it)."""
    if fmt == "pdf":
        return f"sign-in-{'blank-' if blank else ''}{workshop.slug}.pdf"
    return f"attendance-{workshop.slug}.{fmt}"


def _render(workshop, fmt, blank=False, contacts=True):
    """Return ``(bytes, rows written)``."""
    if fmt == "pdf":
        from attendance.signin import render_sign_in_sheet

        return render_sign_in_sheet(workshop, prefill=not blank, contacts=contacts)
    header, rows, summary = attendance_table(workshop)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([neutralize(v) for v in header])
        writer.writerows([neutralize(v) for v in row] for row in rows)
        # A blank line, then a line "Summary" that the import stops at (not people).
        writer.writerow([])
        writer.writerow([str(SUMMARY_LABEL)])
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


def render_attendance(workshop, fmt, blank=False, contacts=True):
    """Return the attendance report of ``workshop`` as bytes in ``fmt`` ("csv", "xlsx", "pdf").

    CSV: the participant table, a blank line, a line "Summary", then the summary table, UTF-8
    with BOM so that Excel shows Arabic. XLSX: sheets "Participants" (the people only) and
    "Summary", styled header, frozen first row, right to left in Arabic. Both import back into
    the workshop unchanged (``attendance.apply``): the import reads the headers and labels in
    every language and stops at the summary. PDF: the sign-in sheet (``attendance.signin``), pre-filled
    with the participants unless ``blank``, their phone and e-mail only with ``contacts``.
    Raises ValueError for another format. Writes no log entry: use ``export_attendance`` for
    anything that leaves the server.
    """
    return _render(workshop, fmt, blank, contacts)[0]


@dataclass
class Export:
    """A rendered export: ``content`` (bytes), ``content_type``, ``filename``, ``rows``."""

    content: bytes
    content_type: str
    filename: str
    rows: int


def export_attendance(
    workshop, fmt, *, user=None, username="", channel=ExportLog.Channel.ADMIN, blank=False, contacts=True
):
    """Render ``workshop``'s attendance export in ``fmt`` and log it; returns an ``Export``.

    ``user``: who downloads it (admin), or ``username`` (command line). ``contacts``: the
    sign-in sheet shows phone and e-mail (the CSV and XLSX always do; their callers check the
    right). The log entry names the workshop, the format, the rows written and whether they
    hold personal data (all but the blank sign-in sheet do).
    """
    content, rows = _render(workshop, fmt, blank, contacts)
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

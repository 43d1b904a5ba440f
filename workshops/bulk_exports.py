"""Attendance of many workshops at once (a region and year, or the whole database) as CSV or
XLSX, written with constant memory. PERSONAL DATA: staff with ``workshops.export_attendance``
only (``workshops.report_views.AttendanceExportView``) or the command line
(``manage.py export_all_attendance``); every export is logged (``organizations.ExportLog``).

One row per attendance mark (a person present at one session), in mark order. Rows are read
with ``values_list`` (only the columns written) through ``QuerySet.iterator(chunk_size=...)``
(a server-side cursor on PostgreSQL), so memory does not grow with the number of rows: CSV is
produced by a generator of text chunks (``csv_chunks``, for ``StreamingHttpResponse``), XLSX by
openpyxl's write-only workbook, which keeps rows in a temporary file (``write_xlsx``). Text
cells are neutralised against spreadsheet formulas (``workshops.exports.neutralize``).
"""

import csv
import io
from dataclasses import dataclass
from itertools import islice

from django.utils.translation import gettext as _
from openpyxl import Workbook

from organizations.models import Person
from workshops.exports import FORMULA_TRIGGERS, neutralize
from workshops.models import Attendance, Participation

CHUNK_SIZE = 5_000
# Columns read from the database, in the order written (see ``header``).
COLUMNS = (
    "session__workshop__slug",
    "session__workshop__start_date",
    "session__workshop__venue_region__code",
    "session__position",
    "session__date",
    "participation__person__last_name",
    "participation__person__first_name",
    "participation__person__gender",
    "participation__person__age_band",
    "participation__person__phone",
    "participation__person__email",
    "participation__person__region__code",
    "participation__organization__name",
    "participation__role",
    "participation__status",
)
# Indexes of the text columns that a person typed (the others are codes, dates and numbers).
TYPED = (5, 6, 9, 10, 12)


@dataclass(frozen=True)
class Selection:
    """Which marks to export: workshops held in ``region`` (a Region or None for all) and
    started in ``year`` (int or None for all)."""

    region: object = None
    year: int | None = None

    def describe(self):
        """A line for the export log and file names, e.g. ``attendance: region 03, 2024``."""
        parts = [_("region %(code)s") % {"code": self.region.code} if self.region else _("all regions")]
        parts.append(str(self.year) if self.year else _("all years"))
        return _("attendance: %(scope)s") % {"scope": ", ".join(parts)}

    def filename(self, fmt):
        region = self.region.code if self.region else "all"
        return f"attendance-{region}-{self.year or 'all'}.{fmt}"


def marks(selection):
    """The attendance marks of ``selection``, as a QuerySet of tuples in ``COLUMNS`` order."""
    queryset = Attendance.objects.all()
    if selection.region is not None:
        queryset = queryset.filter(session__workshop__venue_region=selection.region)
    if selection.year is not None:
        queryset = queryset.filter(session__workshop__start_date__year=selection.year)
    # Mark order (primary key): no sort of a million rows, a stable order across runs.
    return queryset.order_by("pk").values_list(*COLUMNS)


def batched(iterable, size):
    """Lists of ``size`` items of ``iterable`` (the last may be shorter)."""
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def header():
    """Column titles (translated), in ``COLUMNS`` order."""
    return [
        _("Workshop"),
        _("Workshop start"),
        _("Workshop region"),
        _("Session"),
        _("Session date"),
        _("Last name"),
        _("First name"),
        _("Gender"),
        _("Age band"),
        _("Phone"),
        _("E-mail"),
        _("Region"),
        _("Organisation"),
        _("Role"),
        _("Status"),
    ]


def rows(selection):
    """The export's rows (lists), labels translated and typed text neutralised; a generator."""
    genders = {value: str(label) for value, label in Person.Gender.choices}
    ages = {value: str(label) for value, label in Person.AgeBand.choices}
    roles = {value: str(label) for value, label in Participation.Role.choices}
    statuses = {value: str(label) for value, label in Participation.Status.choices}
    for values in marks(selection).iterator(chunk_size=CHUNK_SIZE):
        row = list(values)
        for index in TYPED:
            value = row[index]
            # The same rule as ``neutralize``, tested first on one character: a million rows.
            if value and value[0] in FORMULA_TRIGGERS:
                row[index] = neutralize(value)
            elif value is None:
                row[index] = ""
        row[2] = row[2] or ""
        row[7] = genders.get(row[7], row[7])
        row[8] = ages.get(row[8], row[8])
        row[11] = row[11] or ""
        row[13] = roles.get(row[13], row[13])
        row[14] = statuses.get(row[14], row[14])
        yield row


def csv_chunks(selection, rows_per_chunk=2_000):
    """The CSV file (UTF-8 with byte-order mark, for Excel) as a generator of ``str`` chunks
    of ``rows_per_chunk`` rows each (the first also holds the header)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header())
    for batch in batched(rows(selection), rows_per_chunk):
        writer.writerows(batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def write_csv(selection, stream):
    """Write the CSV to the text ``stream``; returns the number of rows (marks) written."""
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(header())
    count = 0
    for batch in batched(rows(selection), 2_000):
        writer.writerows(batch)
        count += len(batch)
    return count


def write_xlsx(selection, target):
    """Write the XLSX (one sheet, header row first) to ``target`` (a path or binary file);
    returns the number of rows (marks) written. openpyxl's write-only mode: constant memory."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Attendance")[:31])
    sheet.append(header())
    count = 0
    for row in rows(selection):
        sheet.append(row)
        count += 1
    workbook.save(target)
    return count

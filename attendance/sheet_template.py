"""The empty attendance template of a workshop (XLSX): the attendance report's header, without
anyone in it, for partners to fill in and send back.

It holds no personal data. Its header row is the report's (``workshops.reports``), in the
active language, with one column per session of the workshop, so the import recognises it in
any language; drop-down lists (on a hidden sheet) offer the labels the import reads for gender,
age band, region, role, counted, status and presence.
"""

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from organizations.models import Person
from regions.models import Region
from workshops.models import Participation
from workshops.reports import ATTENDANCE_COLUMNS, COUNTED_LABELS, session_heading
from workshops.spreadsheets import MAX_COLUMN_WIDTH, add_table_sheet, new_workbook, workbook_bytes

# Rows offered with drop-down lists below the header.
TEMPLATE_ROWS = 500
# What is ticked for "present" in a session column.
PRESENT_MARK = "✓"
# Width (characters) of a free-text column (names, contacts, organisation, position): the
# header alone ("Nom", "الهيئة") made them too narrow to read what is typed.
TEXT_COLUMN_WIDTH = 20


def template_filename(workshop):
    """``attendance-template-<slug>.xlsx`` (the slug may be Arabic; browsers handle it)."""
    return f"attendance-template-{workshop.slug}.xlsx"


def _choices(field):
    """The drop-down values of the column of ``field`` (a key of ``ATTENDANCE_COLUMNS`` or
    "session"), translated; None for a free-text column."""
    labels = {
        "gender": Person.Gender,
        "age_band": Person.AgeBand,
        "role": Participation.Role,
        "status": Participation.Status,
    }
    if field in labels:
        return [str(label) for _value, label in labels[field].choices]
    if field == "counts":
        return [str(label) for label in COUNTED_LABELS.values()]
    if field == "region":
        return [region.name for region in Region.objects.order_by("code")]
    if field == "session":
        return [PRESENT_MARK]
    return None


def render_template(workshop):
    """The empty attendance template of ``workshop`` as XLSX bytes, in the active language.

    Sheet 1: the header (``ATTENDANCE_COLUMNS`` then one column per session, headed as in the
    report) and ``TEMPLATE_ROWS`` empty rows with drop-down lists; a hidden sheet holds the
    lists. Two queries (sessions, regions).
    """
    fields = [*ATTENDANCE_COLUMNS, *["session"] * workshop.sessions.count()]
    header = [
        *[str(label) for label in ATTENDANCE_COLUMNS.values()],
        *[session_heading(session) for session in workshop.sessions.all()],
    ]
    workbook = new_workbook()
    sheet = add_table_sheet(workbook, _("Participants"), header, [])
    lists = workbook.create_sheet(_("Lists")[:31])
    lists.sheet_state = "hidden"
    ranges = {}
    choices = {field: _choices(field) for field in dict.fromkeys(fields)}
    for field, values in choices.items():
        if values:
            column = lists.max_column + 1 if ranges else 1
            for row, value in enumerate(values, start=1):
                lists.cell(row=row, column=column, value=value)
            letter = lists.cell(row=1, column=column).column_letter
            ranges[field] = f"'{lists.title}'!${letter}$1:${letter}${len(values)}"
    for index, field in enumerate(fields, start=1):
        _fit_column(sheet, index, choices[field])
        if field in ranges:
            validation = DataValidation(type="list", formula1=ranges[field], allow_blank=True)
            letter = sheet.cell(row=1, column=index).column_letter
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(validation)
    return workbook_bytes(workbook)


def _fit_column(sheet, index, values):
    """Widen column ``index`` (1-based) of ``sheet`` to its longest drop-down value (``values``;
    None for free text: ``TEXT_COLUMN_WIDTH``), never narrower than its header."""
    dimension = sheet.column_dimensions[get_column_letter(index)]
    wanted = max(map(len, values)) + 2 if values else TEXT_COLUMN_WIDTH
    dimension.width = min(max(dimension.width or 0, wanted), MAX_COLUMN_WIDTH)

"""Import of a programme's projects from the table a commune publishes (XLSX, XLS, ODS, CSV).

The sheet is read by the attendance import's readers (``attendance.sheets.read_sheets``: format
told by the content, text encoding detected, size and zip-bomb limits); the header row is found
among the first rows by folded column names in Arabic, French or English (``HEADER_ALIASES``, in
the manner of ``attendance.vocabulary``), and each row is read by a table of (field, parser).

``read_table`` gives a ``Table``: the rows it understood and the errors, each naming its row and
column. ``save_rows`` creates the projects all together or none (``transaction.atomic``).
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attendance.sheets import SheetReadError, read_sheets
from programmes.cells import CellError, parse_cost, parse_years
from programmes.models import ActionProgramme, Project
from regions.names import fold

HEADER_SEARCH_ROWS = 30
MAX_PROJECTS = 1000

# Column header spellings, folded with regions.names.fold before comparison; a header matches an
# alias exactly or starts with it ("Coût estimatif (DH)", "الكلفة التقديرية بالدرهم").
HEADER_ALIASES = {
    "title": [
        "projet",
        "projets",
        "intitule",
        "intitule du projet",
        "nom du projet",
        "designation",
        "project",
        "project title",
        "المشروع",
        "المشاريع",
        "اسم المشروع",
        "عنوان المشروع",
        "تسمية المشروع",
    ],
    "sector": ["secteur", "domaine", "sector", "القطاع", "المجال"],
    "cost": [
        "cout",
        "cout estimatif",
        "cout estime",
        "cout global",
        "montant",
        "cost",
        "estimated cost",
        "الكلفة",
        "التكلفة",
        "الكلفة التقديرية",
        "التكلفة التقديرية",
        "الكلفة الإجمالية",
        "المبلغ",
    ],
    "years": [
        "annees",
        "annee",
        "periode",
        "duree",
        "calendrier",
        "annees prevues",
        "years",
        "period",
        "planned years",
        "السنوات",
        "السنة",
        "الفترة",
        "المدة",
        "مدة الإنجاز",
        "سنة الإنجاز",
        "سنوات الإنجاز",
        "البرمجة",
    ],
    "partners": ["partenaires", "partenariat", "partners", "الشركاء", "الشراكة"],
    "location": ["lieu", "localisation", "emplacement", "location", "الموقع", "مكان الإنجاز", "موقع المشروع"],
}
HEADER_INDEX = {fold(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}
FIELD_LABELS = {
    "title": gettext_lazy("project"),
    "sector": gettext_lazy("sector"),
    "cost": gettext_lazy("estimated cost"),
    "years": gettext_lazy("planned years"),
    "partners": gettext_lazy("partners"),
    "location": gettext_lazy("location"),
}
# (field, model field, longest text accepted)
TEXT_FIELDS = [("title", "title", 500), ("sector", "sector", 150), ("partners", "partners_text", 500)]
TEXT_FIELDS += [("location", "location", 255)]


@dataclass
class RowError:
    """A problem on ``row`` (sheet row number; None for the whole file) in ``column`` (a label)."""

    row: int | None
    column: str
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        return _("Row %(row)s, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class Table:
    """What a sheet holds: ``rows`` (dicts of Project field values plus ``"row"``, the sheet
    row number), ``errors`` (RowError) and ``columns`` (the fields found, in sheet order)."""

    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    columns: list = field(default_factory=list)


def header_field(cell):
    """The field a header cell names (``"title"``, ``"cost"``…), or None."""
    key = fold(cell)
    if key in HEADER_INDEX:
        return HEADER_INDEX[key]
    return next((name for alias, name in HEADER_INDEX.items() if key.startswith(alias + " ")), None)


def find_header(rows):
    """``(row index, {field: column})`` of the first of ``rows`` (Sheet rows) naming the project
    column and one more known column, among the first ``HEADER_SEARCH_ROWS``; None if none."""
    for index, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = {}
        for column, cell in enumerate(cells):
            name = header_field(cell)
            if name and name not in columns:
                columns[name] = column
        if "title" in columns and len(columns) > 1:
            return index, columns
    return None


def read_table(data, filename, programme, encoding=None):
    """The ``Table`` of the first worksheet of ``data`` (bytes named ``filename``) that has a
    header, read for ``programme`` (planned years must lie within its period)."""
    try:
        sheets = list(read_sheets(data, filename, encoding=encoding))
    except SheetReadError as error:
        return Table(errors=[RowError(error.row, "", str(error))])
    for sheet in sheets:
        found = find_header(sheet.rows)
        if found:
            return _read_rows(sheet.rows[found[0] + 1 :], found[1], programme)
    names = ", ".join(str(FIELD_LABELS[name]) for name in HEADER_ALIASES)
    message = _(
        "No header row found: the table needs a column named “Projet” or “المشروع” and at least one "
        "of these: %(names)s."
    ) % {"names": names}
    return Table(errors=[RowError(None, "", message)])


def _read_rows(rows, columns, programme):
    table = Table(columns=sorted(columns, key=columns.get))
    for number, cells in rows:
        values = {
            name: (cells[column] if column < len(cells) else "").strip() for name, column in columns.items()
        }
        if not any(values.values()):
            continue
        row = _read_row(number, values, programme, table.errors)
        if row is not None:
            table.rows.append(row)
    if len(table.rows) > MAX_PROJECTS:
        message = _("The table has more than %(limit)s projects.") % {"limit": MAX_PROJECTS}
        table.errors.insert(0, RowError(None, "", message))
    _check_repeats(table, programme)
    return table


def _read_row(number, values, programme, errors):
    """One project's field values from the row's ``values`` (by field), or None after adding
    its errors to ``errors``."""
    row, before = {"row": number}, len(errors)
    if not values.get("title"):
        errors.append(RowError(number, str(FIELD_LABELS["title"]), _("the project has no title.")))
    for name, model_field, length in TEXT_FIELDS:
        text = values.get(name, "")
        if len(text) > length:
            message = _("longer than %(limit)s characters.") % {"limit": length}
            errors.append(RowError(number, str(FIELD_LABELS[name]), message))
        row[model_field] = text
    readers = [
        ("cost", lambda text: {"estimated_cost": parse_cost(text)}),
        ("years", lambda text: dict(zip(("start_year", "end_year"), _years(text, programme), strict=True))),
    ]
    for name, reader in readers:
        try:
            row.update(reader(values.get(name, "")))
        except CellError as error:
            errors.append(RowError(number, str(FIELD_LABELS[name]), str(error)))
    return row if len(errors) == before else None


def _years(text, programme):
    return parse_years(text, programme.start_year, programme.end_year)


def _check_repeats(table, programme):
    """A project already in the programme, or twice in the sheet, is an error (so that importing
    the same sheet twice adds nothing)."""
    seen = {fold(title): None for title in programme.projects.values_list("title", flat=True)}
    for row in table.rows:
        key = fold(row["title"])
        if key in seen:
            message = (
                _("the project is listed twice in the sheet (row %(row)s).") % {"row": seen[key]}
                if seen[key]
                else _("the programme already has this project.")
            )
            table.errors.append(RowError(row["row"], str(FIELD_LABELS["title"]), message))
        seen[key] = row["row"]


@transaction.atomic
def save_rows(programme, rows):
    """Create a Project of ``programme`` for each of ``rows`` (``Table.rows``), numbered after the
    programme's last project; all or none. Returns the projects created."""
    # Two confirmations at once would number their projects alike: the second waits here.
    ActionProgramme.objects.select_for_update().filter(pk=programme.pk).first()
    last = programme.projects.aggregate(last=Max("position"))["last"] or 0
    projects = [
        Project(programme=programme, position=last + index, **_values(row))
        for index, row in enumerate(rows, start=1)
    ]
    return Project.objects.bulk_create(projects)


def _values(row):
    """Model values of ``row`` (its cost may come back from a signed preview as text)."""
    return {
        name: Project._meta.get_field(name).to_python(value) for name, value in row.items() if name != "row"
    }

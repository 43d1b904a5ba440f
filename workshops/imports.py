"""Attendance sheets → people, organisations, participations and per-session attendance.

Entry point: ``import_attendance(workshop, data, filename, dry_run=False)``. The same code
serves the admin upload (preview, then confirm) and ``manage.py import_attendance``.

Accepted input
    ``.xlsx``, legacy ``.xls``, ``.ods`` and delimited text (``.csv``, ``.tsv``, ``.txt``) in
    UTF-8 (with or without byte-order mark), UTF-16, Windows-1256 or Windows-1252, ``,`` ``;``
    or tab separated: all detected from the content by ``workshops.sheets``, which also
    refuses oversized files and zip bombs. The header row may stand below title lines and
    other blocks: it is the first of the first ``HEADER_SEARCH_ROWS`` rows in which a name
    column and at least one other known column are recognised. A second header row below it
    (day columns under a merged "Présence" cell, say) is read with it. Headers are understood
    in Arabic, French and English (``HEADER_ALIASES``; a note in brackets, as in
    ``Sexe (H/F)``, is ignored); a per-session column is headed by a day number (``J1``,
    ``Jour 1``, ``اليوم 1``, ``Day 1``, ``Présence J1``) and/or a date (``05/03/2021``,
    ``2021-03-05`` or a date cell), matched to the workshop's sessions by date when one is
    given, else by order. An optional status column (``Statut``, ``الحالة``) may say
    registered, present, absent or cancelled (``annulé``, ``ملغى``).

Values
    gender: F/Femme/أنثى/female… or H/M/Homme/ذكر/male…, blank for not stated; presence: ✓ x 1
    oui نعم حاضر P yes (present) or blank, 0, non, لا, غائب, A (absent); region: any common
    spelling (``Region.objects.matcher``); phone: normalised to E.164 with ``phonenumbers``,
    Morocco as default region; e-mail: validated and lower-cased; dates: dd/mm/yyyy or
    yyyy-mm-dd or a date cell. Cell text is kept as text: a name starting with ``=`` is stored
    as typed (exports neutralise it).

People
    Rows with the same phone or e-mail are one person: they are merged (presence ticked on
    any of them counts) and a warning names the rows. A row whose phone matches one saved
    person and e-mail another is matched on the phone, with a warning. A row that no phone
    or e-mail matches is matched, with a warning, to a person already registered for the
    workshop with the same name (``name_key``) and organisation, when no phone, e-mail or
    organisation contradicts it: so a sheet without contacts imported twice changes nothing
    (homonyms pair up one to one). Rows without phone or e-mail are flagged, and a sheet
    without either column is said to be one. Otherwise rows with the same name and
    organisation but different contacts, in the file or against saved people, are warned
    about, never merged.

Columns
    Header cells the import does not read (unknown headings, a second column for a field)
    are listed as warnings. Every value must fit the model fields it is written to
    (``VALUE_FIELDS``, and the organisation's folded ``name_key``); control characters are
    removed when the sheet is read (``workshops.sheets.cell_text``).

Guarantees
    All or nothing: every row is checked first; any error raises ``AttendanceImportError``
    carrying every ``SheetError`` (row number as the spreadsheet shows it, column header as
    typed, translated message; at most ``MAX_MESSAGES`` listed) and nothing is written; a
    file that cannot be read (damaged, a CSV quote left open…) is one such error, and so is
    a database error while writing. The import is planned without writing
    (``ImportResult.plan`` lists, row by row, what will be created, matched or changed: the
    admin's preview), then written in one transaction with a fixed number of queries whatever
    the number of rows. Importing the same sheet twice changes nothing the second time.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

import phonenumbers
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils import get_column_letter

from organizations.models import Organization, Person
from organizations.privacy import skip_erased
from regions.models import Region
from regions.names import collapse_spaces, fold, name_key
from workshops.models import Attendance, Participation
from workshops.sheets import FORMAT_LABELS, SheetReadError, read_sheets

# Far enough down for sign-in templates that put key-value lines, a table of days and a group
# block above the list of people.
HEADER_SEARCH_ROWS = 60
# Lookups by phone, e-mail or name go to the database in slices of this many values.
QUERY_CHUNK = 500

# Column header spellings, folded with regions.names.fold before comparison.
HEADER_ALIASES = {
    "number": ["n", "no", "n°", "num", "numero", "#", "الرقم", "رقم", "ر ت", "ت", "number"],
    "last_name": [
        "nom",
        "nom de famille",
        "last name",
        "surname",
        "family name",
        "الاسم العائلي",
        "النسب",
        "الإسم العائلي",
        "اللقب",
    ],
    "first_name": ["prenom", "prenoms", "first name", "given name", "الاسم الشخصي", "الإسم الشخصي"],
    "full_name": [
        "nom complet",
        "nom et prenom",
        "nom prenom",
        "full name",
        "name",
        "الاسم الكامل",
        "الاسم",
        "الإسم",
        "الاسم و النسب",
        "الاسم والنسب",
        "الاسم و اللقب",
        "الاسم واللقب",
        "الاسم الكامل للمشارك",
        "اسم المشارك",
        "nom et prenoms",
        "prenom et nom",
        "prenom nom",
        "nom du participant",
        "nom complet du participant",
        "participant",
        "participant name",
        "name and surname",
    ],
    "gender": ["sexe", "genre", "gender", "sex", "الجنس", "النوع", "النوع الاجتماعي", "h f", "f h", "m f"],
    "organization": [
        "organisation",
        "organization",
        "association",
        "structure",
        "institution",
        "organisme",
        "الهيئة",
        "المنظمة",
        "الجمعية",
        "المؤسسة",
        "الجهة المنتمى اليها",
        "الهيئة المنتمى اليها",
        "اسم الجمعية",
        "entite",
        "etablissement",
        "structure d appartenance",
        "organisation association",
        "association organisation",
    ],
    "position": ["fonction", "poste", "qualite", "role", "position", "title", "الصفة", "المهمة"],
    "city": ["ville", "city", "commune", "localite", "المدينة", "الجماعة"],
    "region": ["region", "الجهة", "الجهه", "جهة", "region d origine", "region of origin", "جهة الانتماء"],
    "phone": [
        "tel",
        "telephone",
        "gsm",
        "phone",
        "mobile",
        "portable",
        "telephone portable",
        "n de telephone",
        "numero de telephone",
        "n tel",
        "num tel",
        "phone number",
        "whatsapp",
        "الهاتف",
        "رقم الهاتف",
        "الهاتف النقال",
        "رقم الهاتف النقال",
        "الهاتف المحمول",
    ],
    "email": [
        "e mail",
        "email",
        "mail",
        "courriel",
        "adresse e mail",
        "adresse mail",
        "adresse electronique",
        "email address",
        "البريد الالكتروني",
        "البريد الإلكتروني",
        "البريد",
    ],
    "age": ["age", "العمر", "السن"],
    "consent_date": ["date de consentement", "date du consentement", "consent date", "تاريخ الموافقة"],
    "status": ["statut", "status", "etat", "الحالة", "الوضعية", "حالة المشاركة", "statut de participation"],
}
_HEADER_INDEX = {fold(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
NAME_FIELDS = ("full_name", "last_name", "first_name")

_DAY_HEADER = re.compile(
    r"^(?:(?:presence|emargement|signature|attendance|حضور|الحضور|التوقيع|توقيع)\s+)?"
    r"(?:j|jour|day|d|اليوم|يوم|journee|session|seance|الجلسه|الحصه)\s*(?P<number>\d{1,2})\b(?P<rest>.*)$"
)
_DATE_IN_TEXT = re.compile(r"(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})")
_DATE_ONLY = re.compile(r"\(?\s*\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*\)?")

GENDER_VALUES = {
    Person.Gender.FEMALE: [
        *("f", "femme", "feminin", "fem", "mme", "madame", "mlle", "female", "woman", "w"),
        *("انثى", "انثي", "امراه", "امراة", "سيدة", "ا", "ث"),
    ],
    Person.Gender.MALE: [
        "h",
        "m",
        "homme",
        "masculin",
        "masc",
        "mr",
        "monsieur",
        "male",
        "man",
        "ذكر",
        "رجل",
        "ذ",
    ],
}
_GENDER_INDEX = {fold(v): gender for gender, values in GENDER_VALUES.items() for v in values}
PRESENT_SYMBOLS = {"✓", "✔", "☑", "✅", "+"}
ABSENT_SYMBOLS = {"-", "—", "–", "✗", "✘", "☐", "/"}
PRESENT_WORDS = {
    fold(v)
    for v in [
        "x",
        "1",
        "oui",
        "yes",
        "y",
        "o",
        "نعم",
        "حاضر",
        "حاضرة",
        "p",
        "present",
        "présent",
        "présente",
        "v",
    ]
}
ABSENT_WORDS = {fold(v) for v in ["0", "non", "no", "n", "لا", "غائب", "غائبة", "a", "absent", "absente"]}

# Values of the optional status column.
STATUS_VALUES = {
    Participation.Status.REGISTERED: ["registered", "inscrit", "inscrite", "inscrit e", "مسجل", "مسجلة"],
    Participation.Status.ATTENDED: [
        "attended",
        "present",
        "presente",
        "present e",
        "participe",
        "حاضر",
        "حاضرة",
        "حضر",
    ],
    Participation.Status.NO_SHOW: [
        "no show",
        "noshow",
        "absent",
        "absente",
        "absent e",
        "غائب",
        "غائبة",
        "غياب",
    ],
    Participation.Status.CANCELLED: [
        "cancelled",
        "canceled",
        "annule",
        "annulee",
        "annulation",
        "desiste",
        "desistement",
        "ملغى",
        "ملغاة",
        "الغاء",
        "اعتذر",
        "معتذر",
    ],
}
_STATUS_INDEX = {fold(v): status for status, values in STATUS_VALUES.items() for v in values}


def parse_presence(value):
    """Return True (present), False (absent or empty) or None (not a presence mark)."""
    value = (value or "").strip()
    if not value or value in ABSENT_SYMBOLS:
        return False
    if value in PRESENT_SYMBOLS:
        return True
    key = fold(value)
    if key in PRESENT_WORDS:
        return True
    if key in ABSENT_WORDS:
        return False
    return None


# Every model field a sheet value is written to: a value must fit the shortest of them.
VALUE_FIELDS = {
    "first_name": [Person._meta.get_field("first_name")],
    "last_name": [Person._meta.get_field("last_name")],
    "organization": [Organization._meta.get_field("name")],
    "position": [Person._meta.get_field("position"), Participation._meta.get_field("position")],
    "city": [Person._meta.get_field("city"), Organization._meta.get_field("city")],
    "email": [Person._meta.get_field("email")],
    "phone": [Person._meta.get_field("phone")],
}
MAX_LENGTHS = {name: min(f.max_length for f in fields) for name, fields in VALUE_FIELDS.items()}
# An organisation's folded name is stored too (Organization.name_key): NFKC can lengthen it.
ORGANIZATION_KEY_LENGTH = Organization._meta.get_field("name_key").max_length
# Errors and warnings listed at most (a sheet of 20,000 wrong rows must not give a page of
# 100,000 messages); the last line says how many more there are.
MAX_MESSAGES = 200

AGE_BANDS = [
    (17, Person.AgeBand.UNDER_18),
    (24, Person.AgeBand.AGE_18_24),
    (34, Person.AgeBand.AGE_25_34),
    (44, Person.AgeBand.AGE_35_44),
    (54, Person.AgeBand.AGE_45_54),
    (64, Person.AgeBand.AGE_55_64),
]


@dataclass
class SheetError:
    """One problem in a sheet. ``row``: 1-based row number as shown by the spreadsheet (None
    for the whole file); ``column``: the header as typed (None if not about a column)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self):
        if self.row and self.column:
            return _("Row %(row)s, column “%(column)s”: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        if self.column:
            return _("Column “%(column)s”: %(message)s") % {"column": self.column, "message": self.message}
        return self.message


class AttendanceImportError(Exception):
    """Raised when a sheet cannot be imported; ``errors`` lists every ``SheetError``."""

    def __init__(self, errors):
        self.errors = capped(
            list(errors),
            lambda count: (
                ngettext(
                    "… and %(count)s more problem, not listed: correct these first.",
                    "… and %(count)s more problems, not listed: correct these first.",
                    count,
                )
                % {"count": count}
            ),
        )
        super().__init__("\n".join(str(e) for e in self.errors))


def capped(messages, more):
    """The first ``MAX_MESSAGES`` of ``messages`` (SheetErrors), plus one saying how many more
    there are (``more(count)`` gives its text) when there are."""
    if len(messages) <= MAX_MESSAGES:
        return messages
    return [*messages[:MAX_MESSAGES], SheetError(None, None, more(len(messages) - MAX_MESSAGES))]


@dataclass
class PlannedRow:
    """What the import does with one participant (one or more merged sheet rows).

    ``rows``: sheet row numbers; ``person``: the saved Person matched, or an unsaved one to
    create; ``person_action``: "new", "matched" or "completed" (blank fields filled, named in
    ``filled``); ``matched_by``: "phone", "email", "name" (no phone or e-mail matched: a
    participant of the workshop with the same name and organisation) or ""; ``contactless``:
    True when the sheet gives neither phone nor e-mail; ``participation_action``: "new",
    "updated" or "unchanged"; ``old_status``/``status``: Participation.Status values;
    ``marks``: ``[(Session, present bool or None when the sheet has no column for it)]``;
    ``added``/``removed``: attendance marks changed.
    """

    rows: list
    name: str
    person: Person
    person_action: str
    matched_by: str = ""
    contactless: bool = False
    filled: list = field(default_factory=list)
    participation_action: str = "new"
    old_status: str = ""
    status: str = ""
    marks: list = field(default_factory=list)
    added: int = 0
    removed: int = 0
    participation: Participation | None = None

    @property
    def first_row(self):
        return self.rows[0]

    def get_status_display(self):
        return Participation.Status(self.status).label

    def get_old_status_display(self):
        return Participation.Status(self.old_status).label if self.old_status else ""


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would do). All counts are ints.

    ``plan``: one ``PlannedRow`` per participant, in sheet order; ``warnings``: SheetErrors
    that do not stop the import (merges, look-alikes, missing day columns); ``file_format``
    ("XLSX", "XLS", "ODS", "CSV"), ``encoding`` (text files) and ``sheet_name``: what was read;
    ``header_row``: the header's row number; ``not_in_sheet``: people already registered for
    the workshop whom the sheet does not list (left unchanged).
    """

    rows: int = 0
    people_created: int = 0
    people_matched: int = 0
    people_matched_by_name: int = 0
    people_completed: int = 0
    rows_merged: int = 0
    organizations_created: int = 0
    participations_created: int = 0
    participations_updated: int = 0
    marks_added: int = 0
    marks_removed: int = 0
    not_in_sheet: int = 0
    sessions: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    plan: list = field(default_factory=list)
    file_format: str = ""
    encoding: str = ""
    sheet_name: str = ""
    header_row: int | None = None
    # [(ParsedRow, ErasureRecord)]: rows skipped because they are an erased person.
    erased: list = field(default_factory=list)

    def summary(self):
        """The counts as ``[(translated label, int), …]`` for messages and pages."""
        erased = [(_("Rows skipped: people erased at their request or after retention"), len(self.erased))]
        return [
            (_("Rows read"), self.rows),
            (_("Rows merged into another (same person)"), self.rows_merged),
            *(erased if self.erased else []),
            (_("New people"), self.people_created),
            (_("People already known"), self.people_matched),
            (_("Known people recognised only by name"), self.people_matched_by_name),
            (_("Known people with details added"), self.people_completed),
            (_("New organisations"), self.organizations_created),
            (_("New participations"), self.participations_created),
            (_("Participations updated"), self.participations_updated),
            (_("Attendance marks added"), self.marks_added),
            (_("Attendance marks removed"), self.marks_removed),
            (_("Registered people not on this sheet (unchanged)"), self.not_in_sheet),
        ]

    def summary_text(self):
        """The counts on one line: ``"Rows read: 50 · New people: 50 · …"``."""
        return " · ".join(
            _("%(label)s: %(count)s") % {"label": label, "count": count} for label, count in self.summary()
        )

    @property
    def changes_anything(self):
        """False when confirming would save nothing (the same sheet imported again)."""
        return any(
            (
                self.people_created,
                self.people_completed,
                self.organizations_created,
                self.participations_created,
                self.participations_updated,
                self.marks_added,
                self.marks_removed,
            )
        )


@dataclass
class ParsedRow:
    """A checked sheet row; after merging, ``rows`` lists every sheet row it stands for."""

    row: int
    first_name: str
    last_name: str
    gender: str
    organization: str
    position: str
    city: str
    region: Region | None
    phone: str
    email: str
    age_band: str
    consent_date: dt.date | None
    present: dict  # session pk -> bool
    status: str = ""
    rows: list = field(default_factory=list)

    @property
    def name(self):
        return " ".join(part for part in (self.first_name, self.last_name) if part)


# Reading files -----------------------------------------------------------------------------


def read_rows(data, filename):
    """Return the first worksheet's rows as a list of ``(row_number, [cell str, …])``.

    See ``workshops.sheets.read_sheets`` for the formats. Raises AttendanceImportError for an
    unsupported, oversized, unsafe or corrupt file.
    """
    try:
        for sheet in read_sheets(data, filename):
            return sheet.rows
    except SheetReadError as exc:
        raise AttendanceImportError([read_error(exc)]) from exc
    return []


def read_error(exc, sessions=()):
    """The SheetError for a ``SheetReadError``: its row, and its column named by the header
    found in the rows read before it (else by its letter, as spreadsheets show it)."""
    column = None
    if exc.column is not None:
        column = get_column_letter(exc.column + 1)
        try:
            header = find_header(exc.rows, list(sessions))
        except AttendanceImportError:
            header = None
        if header is not None and header.number < (exc.row or 0):
            if exc.column < len(header.cells) and header.cells[exc.column]:
                column = header.cells[exc.column]
    return SheetError(exc.row, column, str(exc))


# Understanding headers and values ----------------------------------------------------------


def parse_date(text):
    """Parse ``dd/mm/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy`` or ``yyyy-mm-dd`` (two-digit years
    are 20yy). Returns a ``datetime.date``; raises ValueError for anything else."""
    match = _DATE_IN_TEXT.search(text or "")
    if not match:
        raise ValueError(text)
    a, b, c = match.groups()
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    else:
        day, month, year = int(a), int(b), int(c)
        if year < 100:
            year += 2000
    return dt.date(year, month, day)


def _column_for_session(header, sessions):
    """Return ``(session, None)`` if ``header`` names a session, ``(None, message)`` if it looks
    like one but is wrong, ``(None, None)`` if it is not a session column."""
    key = fold(header)
    day = _DAY_HEADER.match(key)
    date_match = _DATE_IN_TEXT.search(header)
    if not day and not _DATE_ONLY.fullmatch(header.strip()):
        return None, None
    if date_match:
        try:
            date = parse_date(date_match.group(0))
        except ValueError:
            return None, _("“%(value)s” is not a valid date.") % {"value": date_match.group(0)}
        matching = [s for s in sessions if s.date == date]
        if not matching:
            return None, _("%(date)s is not the date of a session of this workshop.") % {
                "date": date.strftime("%d/%m/%Y")
            }
        if day:
            by_number = [s for s in matching if s.position == int(day.group("number"))]
            if by_number:
                return by_number[0], None
        return matching[0], None
    number = int(day.group("number"))
    for session in sessions:
        if session.position == number:
            return session, None
    return None, _("This workshop has no session number %(number)s (it has %(count)s).") % {
        "number": number,
        "count": len(sessions),
    }


def header_field(cell):
    """The field a header cell names ("last_name", "gender"…), or None. A note in brackets is
    ignored: ``Sexe (H / F)`` is the gender column."""
    name = _HEADER_INDEX.get(fold(cell))
    if name is None and ("(" in cell or "[" in cell):
        name = _HEADER_INDEX.get(fold(_BRACKETED.sub(" ", cell)))
    return name


def _looks_like_session(cell):
    return bool(_DAY_HEADER.match(fold(cell)) or _DATE_ONLY.fullmatch(cell.strip()))


def _fields(cells):
    columns = {}
    for col, cell in enumerate(cells):
        name = header_field(cell) if cell else None
        if name and name not in columns:
            columns[name] = col
    return columns


def _second_header_row(cells, columns, below):
    """Return the header completed by the row ``below`` when that row is a second header line
    (day columns under a merged "Présence" cell, say), else None.

    It is one when it leaves the name columns empty (or repeats their header) and names a
    session or a field in a column the first line leaves blank or does not understand.
    """
    name_cols = [columns[name] for name in NAME_FIELDS if name in columns]
    if any(col < len(below) and below[col] and not header_field(below[col]) for col in name_cols):
        return None
    combined, added = list(cells), False
    for col, cell in enumerate(below):
        if not cell:
            continue
        if col < len(combined) and combined[col] and header_field(combined[col]):
            continue
        if _looks_like_session(cell) or header_field(cell):
            combined.extend([""] * (col + 1 - len(combined)))
            combined[col] = cell
            added = True
    return combined if added else None


@dataclass
class Header:
    """The located header: ``index`` in rows of its (last) line, ``number`` as the sheet shows
    it, ``cells`` (the header text per column, two lines combined), ``columns`` (field name →
    column index), ``session_columns`` (column index → Session), ``errors`` about it."""

    index: int
    number: int
    cells: list
    columns: dict
    session_columns: dict
    errors: list


def find_header(rows, sessions):
    """Locate the header row and map its columns; returns a ``Header``.

    Raises AttendanceImportError if no header is found, naming the row that came closest and
    the columns it lacks.
    """
    best = None
    for index, (number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = _fields(cells)
        has_name = any(name in columns for name in NAME_FIELDS)
        if not has_name:
            if len(columns) >= 2 and (best is None or len(columns) > len(best[1])):
                best = (number, columns)
            continue
        if len(columns) < 2 and not any(_looks_like_session(cell) for cell in cells if cell):
            continue
        header_cells, last = list(cells), index
        if index + 1 < len(rows):
            combined = _second_header_row(cells, columns, rows[index + 1][1])
            if combined is not None:
                header_cells, last = combined, index + 1
                columns = _fields(combined)
        session_columns, errors = {}, []
        for col, cell in enumerate(header_cells):
            if not cell or col in columns.values():
                continue
            session, message = _column_for_session(cell, sessions)
            if message:
                errors.append(SheetError(rows[last][0], cell, message))
            elif session:
                if session in session_columns.values():
                    errors.append(SheetError(rows[last][0], cell, _("Two columns are for the same session.")))
                session_columns[col] = session
        return Header(last, rows[last][0], header_cells, columns, session_columns, errors)
    labels = field_labels()
    if best is not None:
        number, columns = best
        found = ", ".join(str(labels[name]) for name in labels if name in columns)
        missing = ", ".join(str(labels[name]) for name in labels if name not in columns)
        raise AttendanceImportError(
            [
                SheetError(
                    number,
                    None,
                    _(
                        "This does not look like a list of participants: this row has headers "
                        "(recognised: %(found)s) but no name column. Missing columns: %(missing)s. "
                        "A participant list needs a column headed, for example, “Nom”, “Nom complet”, "
                        "“الاسم الكامل” or “Full name”."
                    )
                    % {"found": found, "missing": missing},
                )
            ]
        )
    expected = ", ".join(
        [
            _("last name"),
            _("first name"),
            _("full name"),
            _("gender"),
            _("organisation"),
            _("region"),
            _("phone"),
            _("e-mail"),
        ]
    )
    raise AttendanceImportError(
        [
            SheetError(
                None,
                None,
                _(
                    "No header row found in the first %(n)s rows: a row must name at least a name column and "
                    "one other known column (%(expected)s), in Arabic, French or English."
                )
                % {"n": HEADER_SEARCH_ROWS, "expected": expected},
            )
        ]
    )


def field_labels():
    """Translated names of the columns the import understands, in the order shown to users."""
    return {
        "last_name": _("last name"),
        "first_name": _("first name"),
        "full_name": _("full name"),
        "gender": _("gender"),
        "organization": _("organisation"),
        "position": _("position"),
        "city": _("city"),
        "region": _("region"),
        "phone": _("phone"),
        "email": _("e-mail"),
        "age": _("age"),
        "consent_date": _("consent date"),
        "status": _("status"),
        "sessions": _("presence per day (J1, اليوم 1, a date…)"),
    }


def normalize_phone(text):
    """Return ``text`` as an E.164 phone number (``+212…``; Morocco is the default region).

    Raises ValueError if it is not a valid number."""
    try:
        number = phonenumbers.parse(text, "MA")
    except phonenumbers.NumberParseException as exc:
        raise ValueError(text) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _age_band(text):
    age = int(text)
    if not 5 <= age <= 120:
        raise ValueError(text)
    for upper, band in AGE_BANDS:
        if age <= upper:
            return band
    return Person.AgeBand.AGE_65_PLUS


def parse_rows(rows, sessions, region_matcher):
    """Check every data row below the header.

    Returns ``(parsed_rows, errors, warnings, session_list)``: rows with the same phone or
    e-mail come back merged into one ``ParsedRow`` (its ``rows`` lists them) with a warning;
    see ``import_attendance`` for the rules. Raises AttendanceImportError without a header.
    """
    found = find_header(rows, sessions)
    header_cells, columns, session_columns = found.cells, found.columns, found.session_columns
    errors = list(found.errors)
    warnings = []
    if not session_columns:
        warnings.append(
            SheetError(
                None,
                None,
                _(
                    "No per-session presence columns found (such as “J1”, “اليوم 1” or a date): people "
                    "are recorded as registered, without attendance."
                ),
            )
        )

    def cell(cells, name):
        col = columns.get(name)
        return cells[col] if col is not None and col < len(cells) else ""

    def header(name):
        return header_cells[columns[name]] if name in columns else name

    parsed = []
    for number, cells in rows[found.index + 1 :]:
        meaningful = [c for i, c in enumerate(cells) if c and i != columns.get("number")]
        if not meaningful:
            continue
        row_errors = []
        first, last = cell(cells, "first_name"), cell(cells, "last_name")
        if not (first or last):
            last = cell(cells, "full_name")
        if not (first or last):
            name_col = (
                header("full_name")
                if "full_name" in columns
                else header("last_name" if "last_name" in columns else "first_name")
            )
            row_errors.append(SheetError(number, name_col, _("The name is missing.")))
        raw_gender = cell(cells, "gender")
        gender = Person.Gender.UNSPECIFIED
        if raw_gender:
            gender = _GENDER_INDEX.get(fold(raw_gender))
            if gender is None:
                row_errors.append(
                    SheetError(
                        number,
                        header("gender"),
                        _(
                            "“%(value)s” is not a gender this sheet understands (use F/H, أنثى/ذكر, "
                            "female/male)."
                        )
                        % {"value": raw_gender},
                    )
                )
        raw_region = cell(cells, "region")
        region = None
        if raw_region:
            region = region_matcher(raw_region)
            if region is None:
                row_errors.append(
                    SheetError(
                        number,
                        header("region"),
                        _("Unknown region “%(value)s”: use one of Morocco's 12 regions.")
                        % {"value": raw_region},
                    )
                )
        phone = cell(cells, "phone")
        if phone:
            try:
                phone = normalize_phone(phone)
            except ValueError:
                row_errors.append(
                    SheetError(
                        number,
                        header("phone"),
                        _("“%(value)s” is not a valid phone number.") % {"value": phone},
                    )
                )
        email = cell(cells, "email").lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row_errors.append(
                    SheetError(
                        number,
                        header("email"),
                        _("“%(value)s” is not a valid e-mail address.") % {"value": email},
                    )
                )
        age_band = ""
        if cell(cells, "age"):
            try:
                age_band = _age_band(cell(cells, "age"))
            except ValueError:
                row_errors.append(
                    SheetError(
                        number,
                        header("age"),
                        _("“%(value)s” is not an age in years.") % {"value": cell(cells, "age")},
                    )
                )
        consent_date = None
        if cell(cells, "consent_date"):
            try:
                consent_date = parse_date(cell(cells, "consent_date"))
            except ValueError:
                row_errors.append(
                    SheetError(
                        number,
                        header("consent_date"),
                        _("“%(value)s” is not a valid date (use dd/mm/yyyy).")
                        % {"value": cell(cells, "consent_date")},
                    )
                )
        present = {}
        for col, session in session_columns.items():
            value = cells[col] if col < len(cells) else ""
            mark = parse_presence(value)
            if mark is not None:
                present[session.pk] = mark
            else:
                row_errors.append(
                    SheetError(
                        number,
                        header_cells[col],
                        _(
                            "“%(value)s” is not a presence mark (use ✓, x or 1 for present, leave empty "
                            "for absent)."
                        )
                        % {"value": value},
                    )
                )
        raw_status = cell(cells, "status")
        status = ""
        if raw_status:
            status = _STATUS_INDEX.get(fold(raw_status), "")
            ticked = any(present.values())
            if not status:
                row_errors.append(
                    SheetError(
                        number,
                        header("status"),
                        _(
                            "“%(value)s” is not a status this sheet understands (use registered, present, "
                            "absent or cancelled; inscrit, présent, absent, annulé; مسجل، حاضر، غائب، ملغى)."
                        )
                        % {"value": raw_status},
                    )
                )
            elif ticked and status != Participation.Status.ATTENDED:
                row_errors.append(
                    SheetError(
                        number,
                        header("status"),
                        _("“%(value)s” contradicts the presence ticked on this row.") % {"value": raw_status},
                    )
                )
            elif session_columns and not ticked and status == Participation.Status.ATTENDED:
                warnings.append(
                    SheetError(
                        number,
                        header("status"),
                        _("Marked present, but no day is ticked: recorded as attended without days."),
                    )
                )
        organization = cell(cells, "organization")
        if not fold(organization):
            organization = ""  # "-", "?", "/": no organisation given
        texts = (
            ("first_name", first),
            ("last_name", last),
            ("organization", organization),
            ("position", cell(cells, "position")),
            ("city", cell(cells, "city")),
            ("email", email),
            ("phone", phone),
        )
        flagged = {error.column for error in row_errors}
        for name, value in texts:
            column = header(name) if name in columns else header("full_name")
            if column in flagged:
                continue
            if len(value) > MAX_LENGTHS[name]:
                row_errors.append(
                    SheetError(
                        number,
                        column,
                        _("Too long: at most %(limit)s characters (this has %(length)s).")
                        % {"limit": MAX_LENGTHS[name], "length": len(value)},
                    )
                )
            elif name == "organization" and len(fold(value)) > ORGANIZATION_KEY_LENGTH:
                row_errors.append(
                    SheetError(
                        number,
                        column,
                        _(
                            "Too long for matching: written out in full (ligatures such as “ﷺ” "
                            "spelled out), this has %(length)s characters; at most %(limit)s."
                        )
                        % {"limit": ORGANIZATION_KEY_LENGTH, "length": len(fold(value))},
                    )
                )
        errors.extend(row_errors)
        if not row_errors:
            parsed.append(
                ParsedRow(
                    row=number,
                    first_name=first,
                    last_name=last,
                    gender=gender,
                    organization=organization,
                    position=cell(cells, "position"),
                    city=cell(cells, "city"),
                    region=region,
                    phone=phone,
                    email=email,
                    age_band=age_band,
                    consent_date=consent_date,
                    present=present,
                    status=status,
                    rows=[number],
                )
            )
    if not parsed and not errors:
        errors.append(SheetError(None, None, _("The sheet has a header but no participant rows.")))
    labels = {name: header(name) for name in columns}
    parsed, merge_warnings = merge_duplicates(parsed, labels)
    warnings.extend(merge_warnings)
    warnings.extend(_look_alikes(parsed))
    warnings.extend(ignored_columns(found))
    warnings.extend(_without_contacts(parsed, columns, header))
    ordered_sessions = sorted(set(session_columns.values()), key=lambda s: s.position)
    return parsed, errors, warnings, ordered_sessions


MERGED_FIELDS = (
    "first_name",
    "last_name",
    "gender",
    "organization",
    "position",
    "city",
    "region",
    "phone",
    "email",
    "age_band",
    "consent_date",
    "status",
)


def _blank(value):
    return value in ("", None, Person.Gender.UNSPECIFIED)


def merge_rows(base, other, labels=None):
    """Merge the ParsedRow ``other`` into ``base`` (changed in place) and return warnings.

    ``base`` keeps its values; its blanks take ``other``'s; a session ticked on either row
    counts as present. Each field where both rows hold different values gives a SheetError
    on ``other``'s row naming the value kept. ``labels`` maps field names to the column
    headers as typed.
    """
    labels = labels or {}
    warnings = []
    for name in MERGED_FIELDS:
        mine, theirs = getattr(base, name), getattr(other, name)
        if _blank(theirs):
            continue
        if _blank(mine):
            setattr(base, name, theirs)
        elif (fold(str(mine)) if isinstance(mine, str) else mine) != (
            fold(str(theirs)) if isinstance(theirs, str) else theirs
        ):
            warnings.append(
                SheetError(
                    other.row,
                    labels.get(name) or field_labels().get(name, name),
                    _("“%(value)s” differs from row %(row)s (“%(kept)s”), whose value is kept.")
                    % {"value": theirs, "row": base.row, "kept": mine},
                )
            )
    for session_pk, present in other.present.items():
        base.present[session_pk] = base.present.get(session_pk, False) or present
    base.rows = sorted({*base.rows, *other.rows})
    return warnings


def merge_duplicates(parsed, labels=None):
    """Merge rows that share a phone or an e-mail (directly or through another row).

    Returns ``(rows, warnings)``: one ParsedRow per person in the order of their first row,
    and for every merge a SheetError naming the rows, plus one per conflicting value.
    """
    parent = list(range(len(parsed)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with = {}
    for index, row in enumerate(parsed):
        for key in (("phone", row.phone), ("email", row.email)):
            if not key[1]:
                continue
            if key in first_with:
                a, b = root(first_with[key]), root(index)
                parent[max(a, b)] = min(a, b)
            else:
                first_with[key] = index
    groups = {}
    for index in range(len(parsed)):
        groups.setdefault(root(index), []).append(index)
    merged, warnings = [], []
    for members in groups.values():
        base = parsed[members[0]]
        for index in members[1:]:
            warnings.extend(merge_rows(base, parsed[index], labels))
        if len(members) > 1:
            warnings.append(
                SheetError(
                    base.row,
                    None,
                    _(
                        "Rows %(rows)s are the same person (same phone or e-mail): they are merged into "
                        "one participant."
                    )
                    % {"rows": ", ".join(str(parsed[i].row) for i in members)},
                )
            )
        merged.append(base)
    merged.sort(key=lambda row: row.row)
    warnings.sort(key=lambda w: w.row or 0)
    return merged, warnings


def ignored_columns(header):
    """Warnings naming the header cells the import does not read: headings it does not
    understand, and second columns for a field another column already gives."""
    labels = {**field_labels(), "number": _("row number")}
    used = {*header.columns.values(), *header.session_columns}
    warnings = []
    for col, text in enumerate(header.cells):
        if not text or col in used:
            continue
        name = header_field(text)
        if name:
            message = _("Another column already gives the %(field)s: this one is ignored.") % {
                "field": labels.get(name, name)
            }
        else:
            message = _(
                "This column is not understood by the import: it is ignored. If it should be read, "
                "rename its header (for example “Nom”, “Tél”, “الجنس” or “J1”)."
            )
        warnings.append(SheetError(header.number, text, message))
    return warnings


def _without_contacts(parsed, columns, header):
    """Warnings for people the sheet gives no phone or e-mail for: they can be recognised on a
    later import only by name and organisation, within the workshop."""
    if "phone" not in columns and "email" not in columns:
        return [
            SheetError(
                None,
                None,
                _(
                    "The sheet has no phone or e-mail column: people are recognised only by name and "
                    "organisation among those already registered for this workshop, and anyone new "
                    "to it is recorded as a new person."
                ),
            )
        ]
    column = header("phone" if "phone" in columns else "email")
    return [
        SheetError(
            row.row,
            column,
            _(
                "This row has neither phone nor e-mail: the person can be recognised later only by "
                "name and organisation, among those registered for this workshop."
            ),
        )
        for row in parsed
        if not row.phone and not row.email
    ]


def _look_alikes(parsed):
    """Warn about rows with the same name and organisation but different contacts."""
    seen, warnings = {}, []
    for row in parsed:
        key = (name_key(row.first_name, row.last_name), fold(row.organization))
        if key in seen:
            warnings.append(
                SheetError(
                    row.row,
                    None,
                    _(
                        "Same name and organisation as row %(other)s, but not the same phone or e-mail: "
                        "two people will be recorded. If they are one person, give both rows the same "
                        "phone or e-mail, or delete one."
                    )
                    % {"other": seen[key]},
                )
            )
        else:
            seen[key] = row.row
    return warnings


# Planning and writing ---------------------------------------------------------------------


def import_attendance(workshop, data, filename, dry_run=False):
    """Import an attendance sheet into ``workshop``.

    ``data``: the file's bytes; ``filename``: its name (for the extension). Returns an
    ``ImportResult`` whose ``plan`` says, row by row, what is (or with ``dry_run``, would be)
    done. Raises ``AttendanceImportError`` (nothing saved) when the file or any row is wrong.

    The first worksheet with a recognisable header is read. Per participant: the person is
    found by phone, then e-mail, then (among the workshop's participants) by name and
    organisation, else created; blank fields of a found person are filled,
    others left as staff may have corrected them. The organisation is found by folded name or
    created (kind guessed from its name). The participation's status is the sheet's status
    column when it has one; else ``attended`` if present at any session, ``no_show`` if the
    sheet has session columns and none is ticked (a cancelled participation stays cancelled),
    else ``registered`` for a new participation. Attendance marks of the sessions the sheet
    covers are set to exactly what the sheet says.
    """
    sheet, rows = _first_sheet_with_header(data, filename, workshop)
    sessions = list(workshop.sessions.all())
    parsed, errors, warnings, covered = parse_rows(rows, sessions, Region.objects.matcher())
    if errors:
        raise AttendanceImportError(errors)
    result = ImportResult(
        rows=sum(len(row.rows) for row in parsed),
        rows_merged=sum(len(row.rows) - 1 for row in parsed),
        sessions=covered,
        warnings=warnings,
        file_format=FORMAT_LABELS.get(sheet.fmt, sheet.fmt),
        encoding=sheet.encoding,
        sheet_name=sheet.name,
        header_row=find_header(rows, sessions).number,
    )
    # People erased stay erased: their rows are skipped; a name alone only warns.
    parsed, result.erased, look_alikes = skip_erased(parsed)
    result.warnings += [
        SheetError(
            row.row,
            None,
            _(
                "Same name as a person %(erased)s, but not the same phone or e-mail: a new person "
                "will be recorded. If it is them, remove the row unless they gave a new consent."
            )
            % {"erased": record.why_skipped},
        )
        for row, record in look_alikes
    ]
    plan = plan_import(workshop, parsed, covered, result)
    if not dry_run:
        try:
            with transaction.atomic():
                apply_plan(workshop, plan)
                record_in_audit_trail(workshop, result)
        except IntegrityError as exc:
            raise AttendanceImportError(
                [
                    SheetError(
                        None,
                        None,
                        _("The sheet conflicts with data already saved (%(reason)s); nothing was imported.")
                        % {"reason": exc},
                    )
                ]
            ) from exc
        except DatabaseError as exc:
            # The checks above should leave nothing for the database to refuse; if it still
            # does (a server-side rule, a lost connection), say so rather than fail.
            raise AttendanceImportError(
                [
                    SheetError(
                        None,
                        None,
                        _("The database refused the sheet (%(reason)s); nothing was imported.")
                        % {"reason": str(exc).strip()[:300]},
                    )
                ]
            ) from exc
    return result


def record_in_audit_trail(workshop, result):
    """Write one audit entry on ``workshop`` for a confirmed import: its bulk inserts do not go
    through the audit trail's signals. Counts only; the author is the logged-in user when
    there is one (django-auditlog's middleware)."""
    LogEntry.objects.log_create(
        workshop,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"attendance import": ["", result.summary_text()]},
    )


def _first_sheet_with_header(data, filename, workshop):
    """Return ``(sheet, rows)`` of the first worksheet whose header is found; if none has one,
    raise the first worksheet's error."""
    sessions = list(workshop.sessions.all())
    first_error, first = None, None
    try:
        for sheet in read_sheets(data, filename):
            first = first or sheet
            try:
                find_header(sheet.rows, sessions)
            except AttendanceImportError as exc:
                first_error = first_error or exc
                continue
            return sheet, sheet.rows
    except SheetReadError as exc:
        raise AttendanceImportError([read_error(exc, sessions)]) from exc
    if first_error is not None:
        raise first_error
    raise AttendanceImportError([SheetError(None, None, _("The file holds no worksheet."))])


@dataclass
class Plan:
    """Everything ``apply_plan`` writes, gathered by ``plan_import`` without writing.

    ``organizations``: unsaved Organization objects; ``people``: unsaved Person objects;
    ``completed``: saved Person objects with filled blanks and ``completed_fields`` (names);
    ``participations``/``status_changes``: unsaved / changed Participations; ``marks``:
    ``[(PlannedRow, session_pk)]`` to add; ``removed_marks``: Attendance pks to delete.
    """

    rows: list = field(default_factory=list)
    organizations: list = field(default_factory=list)
    people: list = field(default_factory=list)
    completed: list = field(default_factory=list)
    completed_fields: set = field(default_factory=set)
    participations: list = field(default_factory=list)
    status_changes: list = field(default_factory=list)
    marks: list = field(default_factory=list)
    removed_marks: list = field(default_factory=list)


def _chunks(values):
    values = sorted(values)
    for start in range(0, len(values), QUERY_CHUNK):
        yield values[start : start + QUERY_CHUNK]


PERSON_FIELDS = (
    "first_name",
    "last_name",
    "gender",
    "phone",
    "email",
    "position",
    "city",
    "region",
    "age_band",
    "consent_date",
)


def plan_import(workshop, parsed, covered, result):
    """Decide, without writing, what importing ``parsed`` (merged ParsedRows) into ``workshop``
    does. Fills ``result`` (counts, ``plan``, warnings) and returns a ``Plan`` for
    ``apply_plan``. A fixed number of queries (in slices of ``QUERY_CHUNK`` values)."""
    by_phone, by_email = {}, {}
    for chunk in _chunks({row.phone for row in parsed if row.phone}):
        by_phone.update({p.phone: p for p in Person.objects.filter(phone__in=chunk)})
    for chunk in _chunks({row.email for row in parsed if row.email}):
        by_email.update({p.email: p for p in Person.objects.filter(email__in=chunk)})
    organizations = {}
    for chunk in _chunks({fold(row.organization) for row in parsed if row.organization}):
        for organization in Organization.objects.filter(name_key__in=chunk).order_by("-pk"):
            organizations[organization.name_key] = organization  # the oldest wins
    participations = {p.person_id: p for p in workshop.participations.all()}
    marks = {
        (participation_id, session_id): pk
        for pk, participation_id, session_id in Attendance.objects.filter(
            participation__workshop=workshop
        ).values_list("pk", "participation_id", "session_id")
    }

    # Resolve people; rows that reach the same saved person become one participant.
    resolved, by_person = [], {}
    for row in parsed:
        person, matched_by = None, ""
        phone_match = by_phone.get(row.phone) if row.phone else None
        email_match = by_email.get(row.email) if row.email else None
        if phone_match is not None:
            person, matched_by = phone_match, "phone"
            if email_match is not None and email_match.pk != phone_match.pk:
                result.warnings.append(
                    SheetError(
                        row.row,
                        None,
                        _(
                            "The phone belongs to %(phone_person)s and the e-mail to %(email_person)s, "
                            "two people already saved: matched on the phone; the e-mail is not copied."
                        )
                        % {"phone_person": phone_match, "email_person": email_match},
                    )
                )
                row.email = ""
        elif email_match is not None:
            person, matched_by = email_match, "email"
        if person is not None and person.pk in by_person:
            earlier = by_person[person.pk][0]
            result.warnings.extend(merge_rows(earlier, row))
            result.warnings.append(
                SheetError(
                    row.row,
                    None,
                    _(
                        "Rows %(rows)s are the same saved person (%(person)s, found by phone on one and "
                        "by e-mail on another): they are merged into one participant."
                    )
                    % {"rows": ", ".join(str(n) for n in earlier.rows), "person": person},
                )
            )
            result.rows_merged += 1
            continue
        resolved.append([row, person, matched_by])
        if person is not None:
            by_person[person.pk] = (row, matched_by)
    if any(person is None for _row, person, _by in resolved):
        _match_by_name(workshop, resolved, by_person, result)

    plan = Plan()
    new_names = {}
    for row, person, matched_by in resolved:
        organization = None
        if row.organization:
            key = fold(row.organization)
            organization = organizations.get(key)
            if organization is None:
                organization = Organization(
                    name=collapse_spaces(row.organization),
                    name_key=key,
                    kind=Organization.guess_kind(row.organization),
                    region=row.region,
                    city=row.city,
                )
                organizations[key] = organization
                plan.organizations.append(organization)
        values = {name: getattr(row, name) for name in PERSON_FIELDS}
        if person is None:
            person = Person(**values, organization=organization, consent_given=row.consent_date is not None)
            plan.people.append(person)
            planned = PlannedRow(row.rows, row.name, person, "new")
            new_names.setdefault(
                (name_key(row.first_name, row.last_name), fold(row.organization)), []
            ).append(planned)
        else:
            values["organization"] = organization
            blanks = {
                name: value
                for name, value in values.items()
                if not _blank(value)
                and _blank(getattr(person, Person._meta.get_field(name).attname))
                and not (name == "phone" and value in by_phone)
                and not (name == "email" and value in by_email)
            }
            planned = PlannedRow(row.rows, row.name, person, "matched", matched_by)
            result.people_matched_by_name += matched_by == "name"
            if blanks:
                for name, value in blanks.items():
                    setattr(person, name, value)
                planned.person_action = "completed"
                planned.filled = [str(Person._meta.get_field(name).verbose_name) for name in blanks]
                plan.completed.append(person)
                plan.completed_fields |= set(blanks)
        planned.contactless = not row.phone and not row.email
        _plan_participation(planned, row, covered, participations, marks, organization, plan)
        plan.rows.append(planned)

    _warn_saved_look_alikes(new_names, result)
    listed = {planned.person.pk for planned in plan.rows if planned.person.pk}
    result.not_in_sheet = sum(
        1
        for person_id, participation in participations.items()
        if person_id not in listed and participation.status != Participation.Status.CANCELLED
    )
    result.plan = plan.rows
    result.people_created = len(plan.people)
    result.people_matched = len(plan.rows) - len(plan.people)
    result.people_completed = len(plan.completed)
    result.organizations_created = len(plan.organizations)
    result.participations_created = len(plan.participations)
    result.participations_updated = len(plan.status_changes)
    result.marks_added = len(plan.marks)
    result.marks_removed = len(plan.removed_marks)
    result.warnings.sort(key=lambda w: w.row or 0)
    result.warnings = capped(
        result.warnings,
        lambda count: (
            ngettext(
                "… and %(count)s more warning, not listed.",
                "… and %(count)s more warnings, not listed.",
                count,
            )
            % {"count": count}
        ),
    )
    return plan


def _organization_keys(participation):
    """Folded names of the organisations a saved participant is known by ("" for none)."""
    return {
        organization.name_key if organization else ""
        for organization in (participation.organization, participation.person.organization)
    }


def _match_by_name(workshop, resolved, taken, result):
    """Match rows that no phone or e-mail matched to people already registered for the
    workshop with the same name (``name_key``) and organisation, so that a sheet without
    contacts imported twice changes nothing.

    ``resolved``: ``[row, person or None, matched_by]`` lists, changed in place; ``taken``:
    pks of saved people already matched. One query. A saved person is matched at most once (homonyms
    pair up in sheet order and saved order) and only when nothing contradicts: a phone or
    e-mail on both sides (they would differ), or two different organisations. An exact
    organisation match is preferred to a blank one. Each match is a warning on its row.
    """
    candidates = {}
    participations = workshop.participations.select_related("person__organization", "organization")
    for participation in participations.order_by("person_id"):
        person = participation.person
        if person.pk not in taken:
            candidates.setdefault(name_key(person.first_name, person.last_name), []).append(participation)
    for entry in resolved:
        row, person, _matched_by = entry
        group = candidates.get(name_key(row.first_name, row.last_name)) if person is None else None
        if not group:
            continue
        org = fold(row.organization)
        compatible = [
            p
            for p in group
            if not (row.phone and p.person.phone)
            and not (row.email and p.person.email)
            and (not org or org in _organization_keys(p) or _organization_keys(p) == {""})
        ]
        exact = [p for p in compatible if org in _organization_keys(p)]
        chosen = (exact or compatible or [None])[0]
        if chosen is None:
            continue
        group.remove(chosen)
        taken[chosen.person.pk] = (row, "name")
        entry[1], entry[2] = chosen.person, "name"
        result.warnings.append(
            SheetError(
                row.row,
                None,
                _(
                    "No phone or e-mail on this row identifies a saved person: matched only by name "
                    "and organisation with %(person)s, already registered for this workshop. If this "
                    "is someone else, give the row a phone or e-mail."
                )
                % {"person": chosen.person},
            )
        )


def _plan_participation(planned, row, covered, participations, marks, organization, plan):
    if row.status:
        status = row.status
    elif covered:
        status = Participation.Status.ATTENDED if any(row.present.values()) else Participation.Status.NO_SHOW
    else:
        status = Participation.Status.REGISTERED
    participation = participations.get(planned.person.pk) if planned.person.pk else None
    planned.status = status
    if participation is None:
        participation = Participation(
            person=planned.person, organization=organization, position=row.position, status=status
        )
        plan.participations.append(participation)
        planned.participation_action = "new"
    else:
        planned.old_status = participation.status
        keep_cancelled = (
            not row.status
            and participation.status == Participation.Status.CANCELLED
            and status == Participation.Status.NO_SHOW
        )
        if not (row.status or covered) or keep_cancelled:
            planned.status = participation.status
            planned.participation_action = "unchanged"
        elif participation.status != status:
            participation.status = status
            plan.status_changes.append(participation)
            planned.participation_action = "updated"
        else:
            planned.participation_action = "unchanged"
    planned.participation = participation
    for session in covered:
        present = row.present.get(session.pk, False)
        planned.marks.append((session, present))
        mark = marks.get((participation.pk, session.pk)) if participation.pk else None
        if present and mark is None:
            plan.marks.append((planned, session.pk))
            planned.added += 1
        elif not present and mark is not None:
            plan.removed_marks.append(mark)
            planned.removed += 1


def _warn_saved_look_alikes(new_names, result):
    """Warn when a person about to be created has the name and organisation of a saved one."""
    if not new_names:
        return
    org_keys = {org for _name, org in new_names if org}
    last_names = {planned.person.last_name for group in new_names.values() for planned in group}
    candidates = []
    for chunk in _chunks(org_keys):
        candidates += Person.objects.filter(organization__name_key__in=chunk).values_list(
            "first_name", "last_name", "organization__name_key", "phone", "email"
        )
    for chunk in _chunks(last_names):
        candidates += Person.objects.filter(organization=None, last_name__in=chunk).values_list(
            "first_name", "last_name", "organization__name_key", "phone", "email"
        )
    for first, last, org_key, phone, email in candidates:
        for planned in new_names.get((name_key(first, last), org_key or ""), []):
            result.warnings.append(
                SheetError(
                    planned.first_row,
                    None,
                    _(
                        "A person with this name and organisation is already saved (%(contact)s), but "
                        "without this row's phone or e-mail: a new person will be recorded. If it is "
                        "the same person, put the saved phone or e-mail on the sheet."
                    )
                    % {"contact": phone or email or _("no phone or e-mail")},
                )
            )


def apply_plan(workshop, plan):
    """Write ``plan`` (from ``plan_import``): bulk inserts and updates, a fixed number of
    queries. Call inside a transaction; raises IntegrityError on a conflict."""
    Organization.objects.bulk_create(plan.organizations)
    returns_pks = connection.features.can_return_rows_from_bulk_insert
    if not returns_pks:
        for organization in plan.organizations:
            organization.pk = Organization.objects.filter(name_key=organization.name_key).values_list(
                "pk", flat=True
            )[0]
    # bulk_create and bulk_update copy the primary keys of the objects just inserted into the
    # foreign keys that refer to them.
    if returns_pks:
        Person.objects.bulk_create(plan.people)
    else:
        for person in plan.people:
            person.save()
    if plan.completed:
        now = timezone.now()
        for person in plan.completed:
            person.updated_at = now
        Person.objects.bulk_update(plan.completed, sorted({*plan.completed_fields, "updated_at"}))
    for participation in plan.participations:
        participation.workshop = workshop
    if returns_pks:
        Participation.objects.bulk_create(plan.participations)
    else:
        for participation in plan.participations:
            participation.save()
    Participation.objects.bulk_update(plan.status_changes, ["status"])
    Attendance.objects.bulk_create(
        Attendance(participation=planned.participation, session_id=session_pk)
        for planned, session_pk in plan.marks
    )
    for chunk in _chunks(plan.removed_marks):
        Attendance.objects.filter(pk__in=chunk).delete()

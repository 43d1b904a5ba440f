"""Attendance sheets → people, organisations, participations and per-session attendance.

Entry point: ``import_attendance(workshop, data, filename)``. The same code serves the admin
upload and ``manage.py import_attendance``.

Accepted input
    ``.xlsx`` (first worksheet) or ``.csv`` (UTF-8, with or without byte-order mark; ``,`` ``;``
    or tab separated, detected). The header row may stand below title lines: it is the first of
    the first 30 rows in which a name column and at least one other known column are recognised.
    Headers are understood in Arabic, French and English (``HEADER_ALIASES``); a per-session
    column is headed by a day number (``J1``, ``Jour 1``, ``اليوم 1``, ``Day 1``) and/or a date
    (``05/03/2021``, ``2021-03-05`` or a date cell), matched to the workshop's sessions by
    date when one is given, else by order.

Values
    gender: F/Femme/أنثى/female… or H/M/Homme/ذكر/male…, blank for not stated; presence: ✓ x 1
    oui نعم حاضر P yes (present) or blank, 0, non, لا, غائب, A (absent); region: any common
    spelling (``Region.objects.matcher``); phone: normalised to E.164 with ``phonenumbers``,
    Morocco as default region; e-mail: validated and lower-cased; dates: dd/mm/yyyy or
    yyyy-mm-dd or a date cell.

Guarantees
    All or nothing: every row is checked first; any error raises ``AttendanceImportError``
    carrying every ``SheetError`` (row number as the spreadsheet shows it, column header as
    typed, translated message) and nothing is written. Writing happens in one transaction.
    People are matched on phone, then e-mail; organisations on their folded name. Importing the
    same sheet twice changes nothing the second time.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from organizations.models import Organization, Person
from regions.models import Region
from regions.names import collapse_spaces, fold
from workshops.models import Attendance, Participation

HEADER_SEARCH_ROWS = 30

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
    ],
    "first_name": ["prenom", "first name", "given name", "الاسم الشخصي", "الإسم الشخصي"],
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
    ],
    "gender": ["sexe", "genre", "gender", "sex", "الجنس", "النوع"],
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
    ],
    "position": ["fonction", "poste", "qualite", "role", "position", "title", "الصفة", "المهمة"],
    "city": ["ville", "city", "commune", "localite", "المدينة", "الجماعة"],
    "region": ["region", "الجهة", "الجهه"],
    "phone": ["tel", "telephone", "gsm", "phone", "mobile", "portable", "الهاتف", "رقم الهاتف"],
    "email": [
        "e mail",
        "email",
        "mail",
        "courriel",
        "adresse e mail",
        "البريد الالكتروني",
        "البريد الإلكتروني",
        "البريد",
    ],
    "age": ["age", "العمر", "السن"],
    "consent_date": ["date de consentement", "date du consentement", "consent date", "تاريخ الموافقة"],
}
_HEADER_INDEX = {fold(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}

_DAY_HEADER = re.compile(
    r"^(?:j|jour|day|d|اليوم|يوم|journee|session|seance|الجلسه)\s*(?P<number>\d{1,2})\b(?P<rest>.*)$"
)
_DATE_IN_TEXT = re.compile(r"(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})")
_DATE_ONLY = re.compile(r"\(?\s*\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}\s*\)?")

GENDER_VALUES = {
    Person.Gender.FEMALE: ["f", "femme", "female", "woman", "w", "انثى", "انثي", "امراه", "ا", "ث"],
    Person.Gender.MALE: ["h", "m", "homme", "male", "man", "ذكر", "رجل", "ذ"],
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
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would do). All counts are ints."""

    rows: int = 0
    people_created: int = 0
    people_matched: int = 0
    organizations_created: int = 0
    participations_created: int = 0
    participations_updated: int = 0
    marks_added: int = 0
    marks_removed: int = 0
    sessions: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def summary(self):
        """The counts as ``[(translated label, int), …]`` for messages and pages."""
        return [
            (_("Rows read"), self.rows),
            (_("New people"), self.people_created),
            (_("People already known"), self.people_matched),
            (_("New organisations"), self.organizations_created),
            (_("New participations"), self.participations_created),
            (_("Participations updated"), self.participations_updated),
            (_("Attendance marks added"), self.marks_added),
            (_("Attendance marks removed"), self.marks_removed),
        ]

    def summary_text(self):
        """The counts on one line: ``"Rows read: 50 · New people: 50 · …"``."""
        return " · ".join(
            _("%(label)s: %(count)s") % {"label": label, "count": count} for label, count in self.summary()
        )


@dataclass
class ParsedRow:
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


# Reading files -----------------------------------------------------------------------------


def read_rows(data, filename):
    """Return the sheet's rows as a list of ``(row_number, [cell str, …])``.

    ``data``: bytes; ``filename``: used for its extension (``.xlsx`` or ``.csv``). Cells are
    stripped strings; dates become ``YYYY-MM-DD``; whole numbers lose their ``.0``.
    Raises AttendanceImportError for an unsupported, oversized, corrupt or non-UTF-8 file.
    """
    limit = settings.ATTENDANCE_UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise AttendanceImportError(
            [
                SheetError(
                    None,
                    None,
                    _("The file is too large (%(size)s bytes; the limit is %(limit)s bytes).")
                    % {"size": len(data), "limit": limit},
                )
            ]
        )
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(data)
    if suffix == ".csv":
        return _read_csv(data)
    raise AttendanceImportError(
        [
            SheetError(
                None,
                None,
                _("Unsupported file type “%(suffix)s”: upload an .xlsx or .csv attendance sheet.")
                % {"suffix": suffix or filename},
            )
        ]
    )


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return collapse_spaces(str(value))


def _read_xlsx(data):
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise AttendanceImportError([SheetError(None, None, _("This file is not a valid .xlsx workbook."))])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise AttendanceImportError(
            [
                SheetError(
                    None, None, _("This file is not a valid .xlsx workbook (%(reason)s).") % {"reason": exc}
                )
            ]
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        return [
            (number, [_cell_text(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _read_csv(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AttendanceImportError(
            [
                SheetError(
                    None,
                    None,
                    _("This CSV file is not UTF-8 encoded. In Excel or LibreOffice, save it as “CSV UTF-8”."),
                )
            ]
        ) from exc
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(number, [_cell_text(v) for v in values]) for number, values in enumerate(reader, start=1)]


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


def find_header(rows, sessions):
    """Locate the header row and map its columns.

    Returns ``(index_in_rows, columns, session_columns, errors)`` where ``columns`` maps a field
    name to a column index, ``session_columns`` maps a column index to a Session, ``errors`` is a
    list of SheetError about the header. Raises AttendanceImportError if no header is found.
    """
    for index, (number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = {}
        for col, cell in enumerate(cells):
            name = _HEADER_INDEX.get(fold(cell))
            if name and name not in columns:
                columns[name] = col
        has_name = "full_name" in columns or "last_name" in columns or "first_name" in columns
        if has_name and len(columns) >= 2:
            session_columns, errors = {}, []
            for col, cell in enumerate(cells):
                if not cell or col in columns.values():
                    continue
                session, message = _column_for_session(cell, sessions)
                if message:
                    errors.append(SheetError(number, cell, message))
                elif session:
                    if session in session_columns.values():
                        errors.append(SheetError(number, cell, _("Two columns are for the same session.")))
                    session_columns[col] = session
            return index, columns, session_columns, errors
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
    """Check every data row below the header. Returns ``(parsed_rows, errors, warnings,
    session_list)``; see ``import_attendance`` for the rules."""
    header_index, columns, session_columns, errors = find_header(rows, sessions)
    header_number, header_cells = rows[header_index]
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

    parsed, seen_phone, seen_email = [], {}, {}
    for number, cells in rows[header_index + 1 :]:
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
        for value, seen, col in ((phone, seen_phone, "phone"), (email, seen_email, "email")):
            if value and not row_errors:
                if value in seen:
                    row_errors.append(
                        SheetError(
                            number,
                            header(col),
                            _("Same person as row %(other)s (same %(what)s); remove one of the rows.")
                            % {"other": seen[value], "what": header(col)},
                        )
                    )
                else:
                    seen[value] = number
        errors.extend(row_errors)
        if not row_errors:
            parsed.append(
                ParsedRow(
                    row=number,
                    first_name=first,
                    last_name=last,
                    gender=gender,
                    organization=cell(cells, "organization"),
                    position=cell(cells, "position"),
                    city=cell(cells, "city"),
                    region=region,
                    phone=phone,
                    email=email,
                    age_band=age_band,
                    consent_date=consent_date,
                    present=present,
                )
            )
    if not parsed and not errors:
        errors.append(SheetError(None, None, _("The sheet has a header but no participant rows.")))
    ordered_sessions = sorted(set(session_columns.values()), key=lambda s: s.position)
    return parsed, errors, warnings, ordered_sessions


# Writing -----------------------------------------------------------------------------------


def import_attendance(workshop, data, filename, dry_run=False):
    """Import an attendance sheet into ``workshop``.

    ``data``: the file's bytes; ``filename``: its name (for the type). Returns an
    ``ImportResult``. With ``dry_run`` the work is done in a transaction that is rolled back,
    so the result says what would happen. Raises ``AttendanceImportError`` (nothing saved) when
    the file or any row is wrong.

    Per row: the person is found by phone, then e-mail, else created; blank fields of a found
    person are filled, others left as staff may have corrected them. The organisation is found
    by folded name or created (kind guessed from its name). The participation's status becomes
    ``attended`` if present at any session, ``no_show`` if the sheet has session columns and
    none is ticked, else ``registered``; attendance marks of the sessions the sheet covers are
    set to exactly what the sheet says.
    """
    rows = read_rows(data, filename)
    sessions = list(workshop.sessions.all())
    parsed, errors, warnings, covered = parse_rows(rows, sessions, Region.objects.matcher())
    if errors:
        raise AttendanceImportError(errors)
    result = ImportResult(rows=len(parsed), sessions=covered, warnings=warnings)
    try:
        with transaction.atomic():
            _write(workshop, parsed, covered, result)
            if dry_run:
                transaction.set_rollback(True)
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
    return result


def _write(workshop, parsed, covered, result):
    phones = {p.phone for p in parsed if p.phone}
    emails = {p.email for p in parsed if p.email}
    by_phone = {p.phone: p for p in Person.objects.filter(phone__in=phones)}
    by_email = {p.email: p for p in Person.objects.filter(email__in=emails)}
    organizations = {}
    participations = {p.person_id: p for p in workshop.participations.all()}
    marks = set(
        Attendance.objects.filter(participation__workshop=workshop).values_list(
            "participation_id", "session_id"
        )
    )
    new_marks, removed = [], []
    for row in parsed:
        organization = None
        if row.organization:
            key = fold(row.organization)
            organization = organizations.get(key) or Organization.objects.find_by_name(row.organization)
            if organization is None:
                organization = Organization.objects.create(
                    name=row.organization,
                    kind=Organization.guess_kind(row.organization),
                    region=row.region,
                    city=row.city,
                )
                result.organizations_created += 1
            organizations[key] = organization
        person = by_phone.get(row.phone) if row.phone else None
        if person is None and row.email:
            person = by_email.get(row.email)
        values = {
            "first_name": row.first_name,
            "last_name": row.last_name,
            "gender": row.gender,
            "phone": row.phone,
            "email": row.email,
            "organization": organization,
            "position": row.position,
            "city": row.city,
            "region": row.region,
            "age_band": row.age_band,
            "consent_date": row.consent_date,
        }
        if person is None:
            person = Person.objects.create(**values, consent_given=row.consent_date is not None)
            result.people_created += 1
        else:
            result.people_matched += 1
            blanks = {
                name: value
                for name, value in values.items()
                if value and getattr(person, name) in ("", None, Person.Gender.UNSPECIFIED)
            }
            if blanks:
                for name, value in blanks.items():
                    setattr(person, name, value)
                person.save(update_fields=[*blanks, "updated_at"])
        if row.phone:
            by_phone[row.phone] = person
        if row.email:
            by_email[row.email] = person
        if not covered:
            status = Participation.Status.REGISTERED
        elif any(row.present.values()):
            status = Participation.Status.ATTENDED
        else:
            status = Participation.Status.NO_SHOW
        participation = participations.get(person.pk)
        if participation is None:
            participation = Participation.objects.create(
                workshop=workshop,
                person=person,
                organization=organization,
                position=row.position,
                status=status,
            )
            participations[person.pk] = participation
            result.participations_created += 1
        elif covered and participation.status != status:
            participation.status = status
            participation.save(update_fields=["status"])
            result.participations_updated += 1
        for session_pk, is_present in row.present.items():
            mark = (participation.pk, session_pk)
            if is_present and mark not in marks:
                new_marks.append(Attendance(participation=participation, session_id=session_pk))
                marks.add(mark)
            elif not is_present and mark in marks:
                removed.append(mark)
                marks.discard(mark)
    Attendance.objects.bulk_create(new_marks)
    result.marks_added = len(new_marks)
    for participation_id, session_id in removed:
        Attendance.objects.filter(participation_id=participation_id, session_id=session_id).delete()
    result.marks_removed = len(removed)

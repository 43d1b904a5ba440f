"""Checking every data row of an attendance sheet below its header.

Values
    gender: F/Femme/أنثى/female… or H/M/Homme/ذكر/male…, blank for not stated; presence: ✓ x 1
    oui نعم حاضر P yes (present) or blank, 0, non, لا, غائب, A (absent); region: any common
    spelling (``Region.objects.matcher``); phone: normalised to E.164 with ``phonenumbers``,
    Morocco as default region; e-mail: validated and lower-cased; dates: dd/mm/yyyy or
    yyyy-mm-dd or a date cell; status (optional): registered, present, absent or cancelled
    (``annulé``, ``ملغى``…); role, age band, counted (optional): the labels the attendance
    report writes, in every language (``vocabulary``), and common spellings (animateur,
    oui/non, نعم/لا, 1/0). Below the people, an exported report's summary ends the rows.
    Names (people's, organisation, position, city) are never formulas:
    text that a spreadsheet would run (``=…``, or ``+``, ``-``, ``@`` before a function call, a
    cell reference or arithmetic) is refused naming row and column. A reader that gives a
    formula cell's cached value (what the spreadsheet showed) gives plain text, read as such.
    A leading ``'`` before ``=``, ``+``, ``-`` or ``@`` (how our exports neutralise such text,
    ``workshops.spreadsheets.neutralize``) is dropped, so an export reads back as typed.

Every value must fit the model fields it is written to (``VALUE_FIELDS``, and the
organisation's folded ``name_key``). Each column is read by one entry of a table
(``value_columns``: field, parser, message) in one loop; a parser raises ValueError for a
value it refuses, and the message names the value.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attendance.headers import find_header, ignored_columns, parse_date
from attendance.vocabulary import (
    SheetError,
    age_band_index,
    gender_index,
    is_summary_start,
    parse_counted,
    parse_presence,
    role_index,
    status_index,
)
from organizations.models import Organization, Person
from organizations.phones import normalise_phone
from regions.models import Region
from regions.names import fold
from workshops.models import Participation

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
# The text values checked against MAX_LENGTHS, in the order their errors are listed.
TEXT_FIELDS = ("first_name", "last_name", "organization", "position", "city", "email", "phone")

# Text a spreadsheet runs as a formula: "=…", or "+", "-", "@" before a function call, a cell
# reference or arithmetic ("+SUM(A1)", "-A1", "-2+3", "@HYPERLINK(…)"); "- Ahmed" is not one.
FORMULA = re.compile(
    r"\s*(?:=|[+\-@]\s*(?:[A-Za-z_][\w.]*\s*\(|\$?[A-Za-z]{1,3}\$?[0-9]+\b|[0-9.]+\s*[-+*/^&]))"
)
# The fields holding names: never a formula.
NAME_FIELDS = ("first_name", "last_name", "full_name", "organization", "position", "city")
# What our exports put before text starting with a formula trigger (workshops.spreadsheets).
NEUTRALISED = re.compile(r"'(?=[=+\-@])")

AGE_BANDS = [
    (17, Person.AgeBand.UNDER_18),
    (24, Person.AgeBand.AGE_18_24),
    (34, Person.AgeBand.AGE_25_34),
    (44, Person.AgeBand.AGE_35_44),
    (54, Person.AgeBand.AGE_45_54),
    (64, Person.AgeBand.AGE_55_64),
]


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
    role: str = ""  # a Participation.Role, "" when the sheet gives none
    counts: bool | None = None  # None when the sheet does not say: the role decides

    @property
    def name(self):
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@dataclass
class ParsedSheet:
    """What ``parse_rows`` read: ``header`` (``headers.Header``), ``rows`` (ParsedRows without
    errors, in sheet order, not merged yet), ``errors`` and ``warnings`` (SheetErrors), and
    ``sessions``: the sessions the sheet has a column for, in session order."""

    header: object
    rows: list
    errors: list
    warnings: list
    sessions: list


def age_band(text):
    """The ``Person.AgeBand`` of an age in years (5 to 120); ValueError for anything else."""
    age = int(text)
    if not 5 <= age <= 120:
        raise ValueError(text)
    for upper, band in AGE_BANDS:
        if age <= upper:
            return band
    return Person.AgeBand.AGE_65_PLUS


def _looked_up(index):
    """A parser returning ``index()``'s value for the folded text; ValueError when absent."""

    def parse(text):
        value = index().get(fold(text))
        if value is None:
            raise ValueError(text)
        return value

    return parse


def _email(text):
    try:
        validate_email(text)
    except ValidationError as exc:
        raise ValueError(text) from exc
    return text


@dataclass(frozen=True)
class Column:
    """How one optional column is read: ``field`` (a ``HEADER_ALIASES`` key), ``parse`` (cell
    text → value; ValueError when refused), ``message`` (translated, naming ``%(value)s``) and
    ``blank``, the value of an empty cell or a missing column. A parser ``with_row`` is also
    given the sheet row number; one may raise ``attendance.places.PlaceRefused``, whose own
    message is shown."""

    field: str
    parse: Callable
    message: str
    blank: object = ""
    with_row: bool = False


def value_columns(regions):
    """The table of columns read from every row, in the order their errors are listed:
    gender, region (by ``regions``, an ``attendance.places.RegionReader``), phone, e-mail, age, age
    band, consent date, role, counted. The status column is read after presence
    (``STATUS_COLUMN``)."""
    return (
        Column(
            "gender",
            _looked_up(gender_index),
            gettext_lazy(
                "“%(value)s” is not a gender this sheet understands (use F/H, أنثى/ذكر, female/male)."
            ),
            Person.Gender.UNSPECIFIED,
        ),
        Column(
            "region",
            regions,
            gettext_lazy("Unknown region “%(value)s”: use one of Morocco's 12 regions."),
            None,
            with_row=True,
        ),
        Column("phone", normalise_phone, gettext_lazy("“%(value)s” is not a valid phone number.")),
        Column("email", _email, gettext_lazy("“%(value)s” is not a valid e-mail address.")),
        Column("age", age_band, gettext_lazy("“%(value)s” is not an age in years.")),
        Column(
            "age_band",
            _looked_up(age_band_index),
            gettext_lazy("“%(value)s” is not an age band this sheet understands (use 18-24, 25-34…)."),
        ),
        Column(
            "consent_date",
            parse_date,
            gettext_lazy("“%(value)s” is not a valid date (use dd/mm/yyyy)."),
            None,
        ),
        Column(
            "role",
            _looked_up(role_index),
            gettext_lazy(
                "“%(value)s” is not a role this sheet understands (use participant, facilitator, "
                "speaker or organising staff; participant, animateur, intervenant, organisateur; "
                "مشارك، ميسر، متدخل، منظم)."
            ),
        ),
        Column(
            "counts",
            parse_counted,
            gettext_lazy("“%(value)s” is not a yes or no (use yes/no, oui/non, نعم/لا, 1/0)."),
            None,
        ),
    )


STATUS_COLUMN = Column(
    "status",
    _looked_up(status_index),
    gettext_lazy(
        "“%(value)s” is not a status this sheet understands (use registered, present, "
        "absent or cancelled; inscrit, présent, absent, annulé; مسجل، حاضر، غائب، ملغى)."
    ),
)


def parse_rows(rows, sessions, regions):
    """Check every data row below the header of ``rows`` (``[(row number, [cell text…])]``).

    ``sessions``: the workshop's sessions; ``regions``: an ``attendance.places.RegionReader``
    (its questions are the caller's to show). Returns a ``ParsedSheet``. Raises
    AttendanceImportError when no header is found.
    """
    header = find_header(rows, sessions)
    errors, warnings = list(header.errors), []
    # With sessions, a sheet without day columns is asked about instead (attendance.days).
    if not header.session_columns and not sessions:
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
    columns = value_columns(regions)
    parsed = []
    for number, cells in rows[header.index + 1 :]:
        if is_summary_start(cells):
            break  # the summary below an exported report's people: not people
        if not any(c for i, c in enumerate(cells) if c and i != header.columns.get("number")):
            continue
        row, row_errors, row_warnings = parse_row(header, number, cells, columns)
        errors.extend(row_errors)
        warnings.extend(row_warnings)
        if not row_errors:
            parsed.append(row)
    if not parsed and not errors:
        errors.append(SheetError(None, None, _("The sheet has a header but no participant rows.")))
    if regions.questions:
        warnings.extend(regions.warnings(header.label("region")))
    warnings.extend(ignored_columns(header))
    ordered_sessions = sorted(set(header.session_columns.values()), key=lambda s: s.position)
    return ParsedSheet(header, parsed, errors, warnings, ordered_sessions)


def is_formula(text):
    """True when a spreadsheet would run ``text`` (a cell's text) as a formula."""
    return bool(FORMULA.match(text))


def _name_texts(header, number, cells, errors):
    """``{field: text}`` of the row's name fields (``NAME_FIELDS``), an export's neutralising
    ``'`` dropped; an error for each that is a formula."""
    texts = {}
    for name in NAME_FIELDS:
        text = NEUTRALISED.sub("", header.cell(cells, name), count=1)
        if is_formula(text):
            errors.append(
                SheetError(
                    number,
                    header.label(name),
                    _(
                        "“%(value)s” is a spreadsheet formula, not a name: type the name itself (or copy "
                        "the cells and paste them as values only)."
                    )
                    % {"value": text},
                )
            )
        texts[name] = text
    return texts


def parse_row(header, number, cells, columns):
    """Check one data row (sheet row ``number``, ``cells``) against the table ``columns``.

    Returns ``(ParsedRow, errors, warnings)``; the row is to be dropped when there are errors.
    """
    errors, warnings = [], []
    names = _name_texts(header, number, cells, errors)
    first, last = _name(header, number, names, errors)
    texts = {name: names[name] for name in ("position", "city")}
    values = {}
    for column in columns:
        text = header.cell(cells, column.field)
        if column.field == "email":
            text = text.lower()
        texts[column.field] = text
        values[column.field] = _read(column, text, header, number, errors)
    present = _presence(header, number, cells, errors)
    raw_status = header.cell(cells, "status")
    status = _read(STATUS_COLUMN, raw_status, header, number, errors)
    if status:
        _check_status(header, number, raw_status, status, present, errors, warnings)
    organization = names["organization"]
    if not fold(organization):
        organization = ""  # "-", "?", "/": no organisation given
    texts.update(first_name=first, last_name=last, organization=organization)
    texts.update(email=values["email"], phone=values["phone"] or texts["phone"])
    _check_lengths(header, number, texts, errors)
    row = ParsedRow(
        row=number,
        first_name=first,
        last_name=last,
        gender=values["gender"],
        organization=organization,
        position=texts["position"],
        city=texts["city"],
        region=values["region"],
        phone=values["phone"],
        email=values["email"],
        age_band=values["age_band"] or values["age"],
        consent_date=values["consent_date"],
        present=present,
        status=status,
        rows=[number],
        role=values["role"],
        counts=values["counts"],
    )
    return row, errors, warnings


def _read(column, text, header, number, errors):
    """``column``'s value for cell ``text``: its blank when empty; on a refused value, a
    SheetError in ``errors`` and the blank."""
    if not text:
        return column.blank
    try:
        return column.parse(text, number) if column.with_row else column.parse(text)
    except ValueError as exc:
        message = getattr(exc, "message", None) or column.message % {"value": text}
        errors.append(SheetError(number, header.label(column.field), message))
        return column.blank


def _name(header, number, names, errors):
    """``(first name, last name)`` of a row from its name ``names`` (``_name_texts``); a full
    name goes in the last name. An error when there is none."""
    first, last = names["first_name"], names["last_name"]
    if not (first or last):
        last = names["full_name"]
    if not (first or last):
        columns = header.columns
        name = (
            "full_name" if "full_name" in columns else "last_name" if "last_name" in columns else "first_name"
        )
        errors.append(SheetError(number, header.label(name), _("The name is missing.")))
    return first, last


def _presence(header, number, cells, errors):
    """``{session pk: present}`` from the row's day columns; an error per unreadable mark."""
    present = {}
    for col, session in header.session_columns.items():
        value = cells[col] if col < len(cells) else ""
        mark = parse_presence(value)
        if mark is not None:
            present[session.pk] = mark
        else:
            errors.append(
                SheetError(
                    number,
                    header.cells[col],
                    _(
                        "“%(value)s” is not a presence mark (use ✓, x or 1 for present, leave empty "
                        "for absent)."
                    )
                    % {"value": value},
                )
            )
    return present


def _check_status(header, number, raw_status, status, present, errors, warnings):
    """A status that contradicts the days ticked is an error; "present" without any day
    ticked (on a sheet with day columns) a warning."""
    ticked = any(present.values())
    column = header.label("status")
    if ticked and status != Participation.Status.ATTENDED:
        errors.append(
            SheetError(
                number,
                column,
                _("“%(value)s” contradicts the presence ticked on this row.") % {"value": raw_status},
            )
        )
    elif header.session_columns and not ticked and status == Participation.Status.ATTENDED:
        warnings.append(
            SheetError(
                number,
                column,
                _("Marked present, but no day is ticked: recorded as attended without days."),
            )
        )


def _check_lengths(header, number, texts, errors):
    """An error for each text of ``texts`` (field → value) longer than its model fields allow,
    unless its column already has an error on this row."""
    flagged = {error.column for error in errors}
    for name in TEXT_FIELDS:
        value = texts[name]
        column = header.label(name) if name in header.columns else header.label("full_name")
        if column in flagged:
            continue
        if len(value) > MAX_LENGTHS[name]:
            errors.append(
                SheetError(
                    number,
                    column,
                    _("Too long: at most %(limit)s characters (this has %(length)s).")
                    % {"limit": MAX_LENGTHS[name], "length": len(value)},
                )
            )
        elif name == "organization" and len(fold(value)) > ORGANIZATION_KEY_LENGTH:
            errors.append(
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

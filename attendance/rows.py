"""Checking every data row of an attendance sheet below its header.

Values
    gender: F/Femme/أنثى/female… or H/M/Homme/ذكر/male…, blank for not stated; presence: ✓ x 1
    oui نعم حاضر P yes (present) or blank, 0, non, لا, غائب, A (absent); region: any common
    spelling (``Region.objects.matcher``); phone: normalised to E.164 with ``phonenumbers``,
    Morocco as default region; e-mail: validated and lower-cased; dates: dd/mm/yyyy or
    yyyy-mm-dd or a date cell; status (optional): registered, present, absent or cancelled
    (``annulé``, ``ملغى``…). Cell text is kept as text: a name starting with ``=`` is stored as
    typed (exports neutralise it).

Every value must fit the model fields it is written to (``VALUE_FIELDS``, and the
organisation's folded ``name_key``). Each column is read by one entry of a table
(``value_columns``: field, parser, message) in one loop; a parser raises ValueError for a
value it refuses, and the message names the value.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attendance.headers import find_header, ignored_columns, parse_date
from attendance.vocabulary import GENDER_INDEX, STATUS_INDEX, SheetError, parse_presence
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
    """A parser returning ``index``'s value for the folded text; ValueError when absent."""

    def parse(text):
        value = index.get(fold(text))
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
    gender, region (by ``regions``, an ``attendance.places.RegionReader``), phone, e-mail, age,
    consent date. The status column is read after presence (``STATUS_COLUMN``)."""
    return (
        Column(
            "gender",
            _looked_up(GENDER_INDEX),
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
            "consent_date",
            parse_date,
            gettext_lazy("“%(value)s” is not a valid date (use dd/mm/yyyy)."),
            None,
        ),
    )


STATUS_COLUMN = Column(
    "status",
    _looked_up(STATUS_INDEX),
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
    if not header.session_columns:
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


def parse_row(header, number, cells, columns):
    """Check one data row (sheet row ``number``, ``cells``) against the table ``columns``.

    Returns ``(ParsedRow, errors, warnings)``; the row is to be dropped when there are errors.
    """
    errors, warnings = [], []
    first, last = _name(header, number, cells, errors)
    texts = {name: header.cell(cells, name) for name in ("position", "city")}
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
    organization = header.cell(cells, "organization")
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
        age_band=values["age"],
        consent_date=values["consent_date"],
        present=present,
        status=status,
        rows=[number],
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


def _name(header, number, cells, errors):
    """``(first name, last name)`` of a row; a full name goes in the last name. An error when
    there is none."""
    first, last = header.cell(cells, "first_name"), header.cell(cells, "last_name")
    if not (first or last):
        last = header.cell(cells, "full_name")
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

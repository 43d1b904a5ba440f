"""Attendance of many workshops at once (a region and year, or the whole database) as CSV or
XLSX, written with constant memory. PERSONAL DATA: staff with ``workshops.export_attendance``
only (``workshops.report_views.AttendanceExportView``) or the command line
(``manage.py export_all_attendance``); every export is logged (``organizations.ExportLog``).

One row per attendance mark (a person present at one session), in mark order. The database
computes each cell's final value (``marks``): choice labels translated into the active
language, typed text neutralised against spreadsheet formulas (the rule of
``workshops.spreadsheets.neutralize``), NULL for an empty or missing value. Python then only writes:

- CSV (UTF-8 with byte-order mark, rows ended by ``\\r\\n`` as Python's ``csv`` writes them):
  on PostgreSQL (psycopg 3), PostgreSQL writes the rows itself with ``COPY (query) TO STDOUT
  (FORMAT csv)`` and they are streamed as they arrive; elsewhere (SQLite) the rows are read
  through ``QuerySet.iterator(chunk_size=...)`` and written by ``csv.writer``. Both give the same
  bytes for the same data (``tests/workshops/test_bulk_exports.py``). ``csv_chunks`` yields
  text chunks (for ``StreamingHttpResponse``), ``write_csv`` writes to a text stream.
- XLSX: rustpy-xlsxwriter (Rust), which keeps rows in a temporary file (``write_xlsx``); about
  ten times openpyxl's write-only mode (``bench/xlsx_writers.py``, ``docs/performance.md``).

Memory does not grow with the number of rows.
"""

import codecs
import csv
import io
from dataclasses import dataclass
from itertools import islice

from django.db import connections
from django.db.models import Case, CharField, F, Func, Value, When
from django.db.models.functions import Concat, NullIf, Ord, Substr
from django.db.models.lookups import Exact, In
from django.utils.translation import gettext as _

from config.wording import join_list
from organizations.models import Person
from workshops.models import Attendance, Participation
from workshops.spreadsheets import FORMULA_TRIGGERS, stream_table

CHUNK_SIZE = 5_000
# Size of a CSV chunk read from COPY before it is passed on, in bytes (about 2,500 rows).
COPY_CHUNK_BYTES = 256 * 1024
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
# Indexes of the date and number columns, written as they are.
NOT_TEXT = (1, 3, 4)


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
        return _("attendance: %(scope)s") % {"scope": join_list(parts)}

    def filename(self, fmt):
        region = self.region.code if self.region else "all"
        return f"attendance-{region}-{self.year or 'all'}.{fmt}"


class _LTrimChars(Func):
    """``LTRIM(text, characters)``: ``text`` without the leading characters found in
    ``characters`` (PostgreSQL and SQLite both have it; Django's ``LTrim`` trims spaces only)."""

    function = "LTRIM"
    arity = 2
    output_field = CharField()


def _text(field):
    """``field``'s text, NULL when empty: COPY writes NULL as nothing but ``''`` as ``""``,
    while ``csv.writer`` writes both as nothing."""
    return NullIf(F(field), Value(""), output_field=CharField())


def _label(field, choices):
    """``field``'s choice label in the active language (the stored value if it has none)."""
    whens = [When(**{field: value}, then=Value(str(label))) for value, label in choices]
    return Case(*whens, default=_text(field), output_field=CharField())


def _neutralised(field):
    """``field``'s text neutralised as ``workshops.spreadsheets.neutralize`` does it, in SQL: a
    value starting with a formula trigger gets a leading ``'``, unless it is a phone number
    (``PHONE_NUMBER``: ``+``, a digit, then only digits and spaces). NULL when empty.

    ``Ord`` is the first character's code point (PostgreSQL's ``ASCII``, which needs a UTF-8
    database for non-ASCII text, SQLite's ``UNICODE``): integer comparisons, cheaper than a
    substring per row. The phone test is a nested CASE so that it is evaluated only for values
    starting with a trigger, and so that its NULLs (SQLite's ``UNICODE('')`` for the value
    ``+``) count as "not a phone number"."""
    value = F(field)
    rest = Substr(value, 2)
    phone = (
        Exact(Ord(value), ord("+"))
        & In(Ord(rest), [ord(digit) for digit in "0123456789"])
        & Exact(_LTrimChars(rest, Value("0123456789 ")), "")
    )
    return NullIf(
        Case(
            When(
                In(Ord(value), [ord(trigger) for trigger in FORMULA_TRIGGERS]),
                then=Case(
                    When(phone, then=value),
                    default=Concat(Value("'"), value, output_field=CharField()),
                    output_field=CharField(),
                ),
            ),
            default=value,
            output_field=CharField(),
        ),
        Value(""),
        output_field=CharField(),
    )


def columns():
    """The expressions of the export's columns, in ``COLUMNS`` order (labels in the active
    language, so build them when the export runs)."""
    labels = {
        "participation__person__gender": Person.Gender.choices,
        "participation__person__age_band": Person.AgeBand.choices,
        "participation__role": Participation.Role.choices,
        "participation__status": Participation.Status.choices,
    }
    expressions = []
    for index, field in enumerate(COLUMNS):
        if index in NOT_TEXT:
            expressions.append(F(field))
        elif index in TYPED:
            expressions.append(_neutralised(field))
        elif field in labels:
            expressions.append(_label(field, labels[field]))
        else:
            expressions.append(_text(field))
    return expressions


def selected(selection):
    """The attendance marks of ``selection``, as a QuerySet of ``Attendance`` in mark order."""
    queryset = Attendance.objects.all()
    if selection.region is not None:
        queryset = queryset.filter(session__workshop__venue_region=selection.region)
    if selection.year is not None:
        queryset = queryset.filter(session__workshop__start_date__year=selection.year)
    # Mark order (primary key): no sort of a million rows, a stable order across runs.
    return queryset.order_by("pk")


def marks(selection):
    """The attendance marks of ``selection``, as a QuerySet of 15-tuples in ``COLUMNS`` order,
    each value final: dates (``datetime.date``) and the session number (int) as stored, every
    text a ``str`` as written (labels translated, typed text neutralised) or None where empty
    or missing (no venue region, no organisation, no e-mail...)."""
    return selected(selection).values_list(*columns())


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
    """The export's rows (lists in ``COLUMNS`` order, ``""`` where empty), for the XLSX; a
    generator."""
    for values in marks(selection).iterator(chunk_size=CHUNK_SIZE):
        yield ["" if value is None else value for value in values]


def uses_copy(using="default"):
    """Whether the CSV of database ``using`` is written by PostgreSQL's COPY: PostgreSQL
    through psycopg 3, with dates written as ``YYYY-MM-DD`` (``DateStyle`` ISO, PostgreSQL's
    default), as ``csv.writer`` writes a ``datetime.date``."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    if not is_psycopg3:
        return False
    connection.ensure_connection()
    return (connection.connection.info.parameter_status("DateStyle") or "").startswith("ISO")


def copy_statement(queryset):
    """``COPY (the query of queryset) TO STDOUT (FORMAT csv)``, its parameters bound in the text
    (``str``). PostgreSQL takes no parameters in a COPY: psycopg's client-side binding
    (``ClientCursor.mogrify``) quotes them as literals. PostgreSQL with psycopg 3 only."""
    import psycopg

    connection = connections[queryset.db]
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.ClientCursor(connection.connection) as cursor:
        return f"COPY ({cursor.mogrify(sql, params)}) TO STDOUT (FORMAT csv)"


def _crlf(data, quoted):
    """``(data with "\\r\\n" for each "\\n" outside quotes, whether data ends inside quotes)``,
    for ``data`` (bytes) of a COPY CSV that starts inside quotes if ``quoted``.

    COPY ends rows with ``\\n``; ``csv.writer`` with ``\\r\\n``. Both quote every value that
    holds ``"``, ``\\r`` or ``\\n`` and double its ``"``, so outside quotes a ``\\n`` can only end a
    row, and the parts of ``data`` split at ``"`` alternate outside / inside quotes."""
    parts = data.split(b'"')
    first_outside = 1 if quoted else 0
    for index in range(first_outside, len(parts), 2):
        parts[index] = parts[index].replace(b"\n", b"\r\n")
    # An odd number of quotes (one fewer than parts) switches inside / outside.
    return b'"'.join(parts), quoted ^ (len(parts) % 2 == 0)


def _copy_chunks(queryset):
    """The CSV rows of ``queryset`` as written by PostgreSQL's COPY, with ``\\r\\n`` line ends:
    a generator of ``str`` chunks of about ``COPY_CHUNK_BYTES``; returns the number of rows.

    The COPY runs on the queryset's database connection from the first chunk to the last: the
    connection serves nothing else meanwhile. Closing the generator early (a client that
    disconnects) cancels the COPY; inside a transaction, that aborts the transaction."""
    import psycopg

    connection = connections[queryset.db]
    statement = copy_statement(queryset)
    # Incremental: a chunk could end inside a character (PostgreSQL sends one message per row,
    # but nothing here relies on it).
    decoder = codecs.getincrementaldecoder(connection.connection.info.encoding)()
    quoted = False
    with connection.wrap_database_errors, psycopg.ClientCursor(connection.connection) as cursor:
        with cursor.copy(statement) as copy:
            buffer = bytearray()
            # A block a row: a million at full scale, so nothing else is done per block.
            for block in copy:
                buffer += block
                if len(buffer) >= COPY_CHUNK_BYTES:
                    data, quoted = _crlf(buffer, quoted)
                    yield decoder.decode(data)
                    buffer.clear()
            data, quoted = _crlf(buffer, quoted)
            if text := decoder.decode(data, final=True):
                yield text
        return cursor.rowcount


def _python_chunks(queryset, rows_per_chunk):
    """The CSV rows of ``queryset`` written by ``csv.writer``: a generator of ``str`` chunks
    of ``rows_per_chunk`` rows; returns the number of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    count = 0
    for batch in batched(queryset.iterator(chunk_size=CHUNK_SIZE), rows_per_chunk):
        writer.writerows(batch)
        count += len(batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    return count


def body_chunks(selection, rows_per_chunk=2_000, copy=None):
    """The CSV rows of ``selection`` without the header, as a generator of ``str`` chunks;
    returns the number of rows. ``copy``: written by PostgreSQL's COPY (True, chunks of about
    ``COPY_CHUNK_BYTES``) or by ``csv.writer`` (False, chunks of ``rows_per_chunk`` rows);
    None: COPY wherever ``uses_copy``. The two give the same text."""
    queryset = marks(selection)
    if copy is None:
        copy = uses_copy(queryset.db)
    if copy:
        return _copy_chunks(queryset)
    return _python_chunks(queryset, rows_per_chunk)


def header_line():
    """The byte-order mark and the header row, as ``csv.writer`` writes them (``str``)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer).writerow(header())
    return buffer.getvalue()


def csv_chunks(selection, rows_per_chunk=2_000, copy=None):
    """The CSV file (UTF-8 with byte-order mark, for Excel) as a generator of ``str`` chunks:
    the header with the first rows, then chunks of ``rows_per_chunk`` rows (about
    ``COPY_CHUNK_BYTES`` when PostgreSQL writes them). ``copy`` as for ``body_chunks``."""
    head = header_line()
    for chunk in body_chunks(selection, rows_per_chunk, copy):
        yield head + chunk
        head = ""
    if head:
        yield head


def write_csv(selection, stream, copy=None, progress=None):
    """Write the CSV to the text ``stream`` (open it with ``newline=""``: rows end with
    ``\\r\\n``); returns the number of rows (marks) written. ``copy`` as for ``body_chunks``.
    ``progress(rows)``, if given, is called with the rows written so far (counted by line ends,
    so a value holding a line break counts twice) after each chunk written by ``csv.writer``;
    while PostgreSQL's COPY holds the connection no other query may run, so then it is not
    called."""
    if copy is None:
        copy = uses_copy(selected(selection).db)
    stream.write(header_line())
    chunks = body_chunks(selection, copy=copy)
    written = 0
    while True:
        try:
            chunk = next(chunks)
        except StopIteration as end:  # the generator's return value: the number of rows
            return end.value
        stream.write(chunk)
        if progress is not None and not copy:
            written += chunk.count("\n")
            progress(written)


def write_xlsx(selection, target, progress=None):
    """Write the XLSX to ``target`` (a path or a binary file): one sheet, the styled, frozen
    header row first, right to left in Arabic, dates as dates and the session number as a
    number; returns the number of rows (marks) written. Constant memory
    (``workshops.spreadsheets.stream_table``, rustpy-xlsxwriter). ``progress``: a callable given
    the number of rows written so far, every few thousand rows (for a progress bar)."""
    return stream_table(target, _("Attendance"), header(), rows(selection), progress=progress)

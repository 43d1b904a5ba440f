"""Attendance sheets → people, organisations, participations and per-session attendance.

Entry point: ``import_attendance(workshop, data, filename, dry_run=False)``. The same code
serves the admin upload (preview, then confirm) and ``manage.py import_attendance``. The data
flows one way through the modules of this app: ``sheets`` (bytes → rows of text, any format
and encoding) → ``headers`` (where the header is, what each column holds) → ``rows`` (every
value checked) → ``people`` (who is who) → ``plan`` (what would change) → ``apply`` (written);
``vocabulary`` (words, the error type) sits below them all.

Guarantees
    All or nothing: every row is checked first; any error raises ``AttendanceImportError``
    carrying every ``SheetError`` (row number as the spreadsheet shows it, column header as
    typed, translated message; at most ``MAX_MESSAGES`` listed) and nothing is written; a
    file that cannot be read (damaged, a CSV quote left open…) is one such error, and so is
    a database error while writing. The import is planned without writing, then written in
    one transaction with a fixed number of queries whatever the number of rows. Importing
    the same sheet twice changes nothing the second time.
"""

import os
import re
from contextlib import contextmanager

from auditlog.models import LogEntry
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.choices import MAX_QUESTIONS, Choices
from attendance.days import looks_like_sign_in
from attendance.headers import encoding_question, first_sheet_with_header, garbled_cells
from attendance.people import sheet_people, skip_erased_people
from attendance.places import RegionReader, remember_answers
from attendance.plan import ImportResult, plan_import
from attendance.rights import ImporterRights
from attendance.rows import parse_rows
from attendance.sheets import FORMAT_LABELS
from attendance.sheets.encodings import encoding_name
from attendance.vocabulary import AttendanceImportError, SheetError, chunks
from organizations.models import Organization, OrganizationAlias, Person
from workshops import reports, summaries
from workshops.models import Attendance, Participation, Workshop

# How long an import waits for another one of the same database to finish (SQLite).
LOCK_WAIT_SECONDS = 60
# Rows a bulk INSERT or UPDATE writes at most: bounds the SQL of one statement (an UPDATE of
# many rows is a CASE over all of them). SQLite's 999 parameters cut INSERTs smaller still.
WRITE_BATCH = 1000


def forget_imported(workshop, result):
    """Forget what the import ``result`` into ``workshop`` changed on public pages: a change of
    who attended (``workshops.reports.forget_attendance``), of that workshop only, or of every
    workshop's page when known people had blank details filled in (``people_completed``: a
    region or gender now counted at the other workshops they attended too)."""
    if result.people_completed:
        reports.forget_attendance()
    else:
        reports.forget_attendance(workshop)


def import_attendance(
    workshop,
    data,
    filename,
    dry_run=False,
    choices=None,
    rights=None,
):
    """Import an attendance sheet into ``workshop``.

    ``data``: the file's bytes; ``filename``: its name (for the extension). Returns an
    ``ImportResult`` whose ``plan`` says, row by row, what is (or with ``dry_run``, would be)
    done. Raises ``AttendanceImportError`` (nothing saved) when the file or any row is wrong.
    The first worksheet with a recognisable header is read; see ``plan`` for what is done
    with each participant.

    One import at a time per workshop (``one_import_at_a_time``): a second import of the same
    workshop waits for the first, then plans against what the first saved, so the same sheet
    sent twice at once is saved once (the second changes nothing).

    ``rights``: what whoever imports may see and record (``attendance.rights.ImporterRights``;
    None: every right, as for the management command): without contacts, no message names the
    saved person a row's phone or e-mail leads to; without names, the preview names nobody;
    without the alias rights, answers record no organisation or place alias.

    ``choices``: the staff member's answers to the preview's questions (``attendance.choices``;
    None: every proposed answer). ``ImportResult.questions`` (or ``AttendanceImportError.questions``)
    lists the questions with the answers used.
    """
    choices = choices if choices is not None else Choices()
    try:
        result, parsed = read_sheet(workshop, data, filename, choices)
    except AttendanceImportError as exc:
        refuse_too_many_questions(exc.questions, exc.errors)
        raise
    result.rights = rights if rights is not None else ImporterRights()
    if dry_run:
        plan_import(workshop, parsed, result.sessions, result)
        refuse_too_many_questions(result.questions)
        return result
    with database_refusal_as_sheet_error(), one_import_at_a_time(workshop):
        plan = plan_import(workshop, parsed, result.sessions, result)
        refuse_too_many_questions(result.questions)
        apply_plan(workshop, plan)
        remember_answers(workshop, result)
        record_in_audit_trail(workshop, result)
    return result


def refuse_too_many_questions(questions, errors=()):
    """Raise AttendanceImportError (one saying why, then ``errors``; no question) when a sheet
    raises more than ``choices.MAX_QUESTIONS`` questions: a preview form holding them all could
    not be sent back (Django refuses more than ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` fields), so
    the sheet could be neither confirmed nor cancelled, nor answered by hand."""
    if len(questions) <= MAX_QUESTIONS:
        return
    message = _(
        "This sheet raises %(count)s questions (spellings of regions or organisations that are "
        "not known), more than the %(max)s one preview can ask: correct the region and "
        "organisation columns, or split the sheet, and upload it again."
    ) % {"count": len(questions), "max": MAX_QUESTIONS}
    raise AttendanceImportError([SheetError(None, None, message), *errors], [])


def read_sheet(workshop, data, filename, choices=None):
    """Read and check the sheet (bytes ``data`` named ``filename``) for ``workshop`` with the
    staff member's ``choices`` (``attendance.choices.Choices``); returns ``(ImportResult with
    what was read and the questions asked, merged ParsedRows)``. Raises AttendanceImportError."""
    choices = choices if choices is not None else Choices()
    questions = []
    sessions = list(workshop.sessions.all())
    encoding = encoding_question(data, filename)
    if encoding is not None:
        questions.append(encoding)
        encoding = choices.answer(encoding)
    try:
        sheet, rows = first_sheet_with_header(data, filename, sessions, encoding=encoding)
    except AttendanceImportError as exc:
        exc.questions[:0] = questions
        raise
    regions = RegionReader(choices)
    parsed = parse_rows(rows, sessions, regions)
    questions.extend(regions.questions)
    garbled = garbled_cells(rows, parsed.header, asked=encoding is not None)
    if garbled and sheet.fmt == "text":
        # The wrong encoding's text is never saved; the other errors (and questions about the
        # garbled places) would only repeat it.
        raise AttendanceImportError(garbled, [q for q in questions if q.kind == "encoding"])
    if parsed.errors:
        raise AttendanceImportError(parsed.errors, questions)
    people, warnings = sheet_people(parsed)
    result = ImportResult(
        rows=sum(len(row.rows) for row in people),
        rows_merged=sum(len(row.rows) - 1 for row in people),
        sessions=parsed.sessions,
        workshop_sessions=sessions,
        warnings=[*garbled, *parsed.warnings, *warnings],
        file_format=FORMAT_LABELS.get(sheet.fmt, sheet.fmt),
        encoding=encoding_name(sheet.encoding) if sheet.encoding else "",
        sheet_name=sheet.name,
        header_row=parsed.header.number,
        questions=questions,
        choices=choices,
        sign_in_sheet=looks_like_sign_in(rows, parsed.header, filename, sheet.name),
    )
    people, result.erased = skip_erased_people(people, result.warnings)
    result.warnings += other_workshops_export(workshop, filename)
    return result, people


# The name ``attendance.exports.export_filename`` gives a workshop's attendance report, as a
# browser saves it (" (1)" added to a second download).
_EXPORT_NAME = re.compile(r"^attendance-(?P<slug>.+?)(?: ?\(\d+\))?\.(?:csv|xlsx)$")


def other_workshops_export(workshop, filename):
    """``[SheetError]``: a warning when ``filename`` is the attendance report of another
    workshop (two workshops on the same days read each other's reports without error). One
    query, only for a report's name that is not ``workshop``'s."""
    found = _EXPORT_NAME.match(os.path.basename(filename or ""))
    if not found or found["slug"] == workshop.slug:
        return []
    other = Workshop.objects.filter(slug=found["slug"]).exclude(pk=workshop.pk).first()
    if other is None:
        return []
    message = _(
        "This file is named as the attendance report of another workshop, “%(other)s”: check that "
        "it is the right file for this one."
    ) % {"other": other.title}
    return [SheetError(None, None, message)]


@contextmanager
def one_import_at_a_time(workshop):
    """A transaction in which ``workshop`` is imported into by no one else.

    PostgreSQL: the workshop's row is locked (``SELECT … FOR UPDATE``) until the transaction
    ends, so a second import of the same workshop waits there (imports of other workshops go
    on). SQLite has one writer at a time: the transaction starts with ``BEGIN IMMEDIATE``,
    which takes the write lock at once (waiting up to ``LOCK_WAIT_SECONDS`` for it), rather than
    at the first write, after the plan was read. Inside an enclosing transaction (tests, the
    example loader) it is a savepoint: the lock, if any, is the enclosing one's.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            list(Workshop.objects.select_for_update().filter(pk=workshop.pk).values_list("pk"))
            yield
        return
    connection.ensure_connection()
    mode, connection.transaction_mode = connection.transaction_mode, "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        timeout = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_SECONDS * 1000:d}")
    try:
        with transaction.atomic():
            connection.transaction_mode = mode
            yield
    finally:
        connection.transaction_mode = mode
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout):d}")


@contextmanager
def database_refusal_as_sheet_error():
    """Turn a database refusal while writing into an AttendanceImportError (nothing saved)."""
    try:
        yield
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


def apply_plan(workshop, plan):
    """Write ``plan`` (from ``plan.plan_import``): bulk inserts and updates of at most
    ``WRITE_BATCH`` rows a query (SQLite allows fewer), the marks in one ``executemany``; the
    number of queries depends on the rows only through those batches. The public summary
    tables of the workshop and of the people written are refreshed once, at the end
    (``workshops.summaries``). Call inside a transaction; raises IntegrityError on a conflict."""
    with summaries.batch():
        _write_plan(workshop, plan)
        # bulk_update sends no signal: people completed may have gained a region or gender.
        summaries.mark_people_changed([person.pk for person in plan.completed], now=False)
        summaries.mark(workshops=[workshop.pk], now=False)


def _write_plan(workshop, plan):
    Organization.objects.bulk_create(plan.organizations, batch_size=WRITE_BATCH)
    # An alias recorded meanwhile by an import into another workshop says the same thing.
    OrganizationAlias.objects.bulk_create(plan.aliases, ignore_conflicts=True, batch_size=WRITE_BATCH)
    returns_pks = connection.features.can_return_rows_from_bulk_insert
    if not returns_pks:
        for organization in plan.organizations:
            organization.pk = Organization.objects.filter(name_key=organization.name_key).values_list(
                "pk", flat=True
            )[0]
    # bulk_create and bulk_update copy the primary keys of the objects just inserted into the
    # foreign keys that refer to them.
    if returns_pks:
        Person.objects.bulk_create(plan.people, batch_size=WRITE_BATCH)
    else:
        for person in plan.people:
            person.save()
    if plan.completed:
        now = timezone.now()
        for person in plan.completed:
            person.updated_at = now
        fields = sorted({*plan.completed_fields, "updated_at"})
        Person.objects.bulk_update(plan.completed, fields, batch_size=WRITE_BATCH)
    for participation in plan.participations:
        participation.workshop = workshop
    if returns_pks:
        Participation.objects.bulk_create(plan.participations, batch_size=WRITE_BATCH)
    else:
        for participation in plan.participations:
            participation.save()
    Participation.objects.bulk_update(
        plan.status_changes, ["status", "role", "counts_toward_totals"], batch_size=WRITE_BATCH
    )
    insert_rows(
        Attendance,
        ("participation", "session"),
        [(planned.participation.pk, session_pk) for planned, session_pk in plan.marks],
    )
    for chunk in chunks(plan.removed_marks):
        Attendance.objects.filter(pk__in=chunk).delete()


def insert_rows(model, fields, rows):
    """Insert ``rows`` (tuples of database-ready values of ``fields``, names of ``model``'s
    fields) in one ``executemany``: one query whatever the number of rows, and no model
    instance per row (a mark is two numbers; ``bulk_create`` spent more on the instances than
    the database did on the rows). No primary keys are returned."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)

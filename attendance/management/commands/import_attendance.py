"""``manage.py import_attendance <workshop> <file> [--dry-run] [--without-days ANSWER]
[--encoding CODEC]``."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from attendance.apply import import_attendance
from attendance.choices import Choices
from attendance.days import EVERY_SESSION, REGISTERED_ONLY, answer_without_days_with
from attendance.headers import encoding_answer
from attendance.management.commands._workshop import get_workshop
from attendance.sheets.encodings import SINGLE_BYTE
from attendance.vocabulary import AttendanceImportError
from config.commands import OperatorCommand


class Command(OperatorCommand):
    help = (
        "Import an attendance sheet (.xlsx, .xls, .ods, or .csv/.tsv/.txt in UTF-8, UTF-16, "
        "Windows-1256, Windows-1252, Latin-1 or ISO-8859-6, all detected) into a workshop, given by "
        "id or slug. All "
        "or nothing: on any error, every problem is listed by row and column and nothing is "
        "saved (exit status 1). Warnings (rows merged as one person, look-alike names) are "
        "printed; --dry-run shows what would change without saving. The preview's questions take "
        "their proposed answers (each is printed), except a sheet without day columns with "
        "--without-days."
    )

    def add_arguments(self, parser):
        parser.add_argument("workshop", help="the workshop's id or slug")
        parser.add_argument("file", type=Path, help="path to the sheet")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report what would change, save nothing"
        )
        parser.add_argument(
            "--without-days",
            metavar="ANSWER",
            help=(
                f"for a sheet without day columns: {EVERY_SESSION} (present at every session), "
                f"{REGISTERED_ONLY} (registered only) or session-N (present at session N only); "
                "default: the proposed answer"
            ),
        )
        parser.add_argument(
            "--encoding",
            choices=SINGLE_BYTE,
            help="read a text file whose encoding is not certain (no byte-order mark, not UTF-8) "
            "with this one rather than the one detected",
        )

    def handle(self, *args, workshop, file, dry_run, without_days=None, encoding=None, **options):
        target = get_workshop(workshop)
        limit = settings.ATTENDANCE_UPLOAD_MAX_BYTES
        try:
            with file.open("rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                # Never read more than the limit into memory, whatever the file's size.
                data = handle.read(limit + 1)
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror or exc}
            ) from exc
        if len(data) > limit:
            raise CommandError(
                _("The file is too large (%(size)s bytes; the limit is %(limit)s bytes).")
                % {"size": max(size, len(data)), "limit": limit}
            )
        try:
            choices = Choices(answer_without_days_with(without_days) if without_days else {})
            if encoding:
                choices.answers.update(encoding_answer(encoding).answers)
            result = import_attendance(target, data, file.name, dry_run=dry_run, choices=choices)
        except AttendanceImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(_("Nothing was imported.")) from exc
        if result.encoding:
            self.stderr.write(_("Text encoding: %(encoding)s.") % {"encoding": result.encoding})
        for warning in result.warnings:
            self.stderr.write(str(warning))
        for question in result.questions:
            answer = dict(question.options).get(question.answer, question.answer)
            self.stderr.write(f"{question.text} → {answer}")
        if dry_run:
            message = _("Check only, nothing was saved. %(summary)s")
        else:
            message = _("Attendance imported. %(summary)s")
        self.stdout.write(message % {"summary": result.summary_text()})

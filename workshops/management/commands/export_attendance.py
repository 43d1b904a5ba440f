"""``manage.py export_attendance <workshop> --format csv|xlsx|pdf --output FILE [--blank]``."""

import getpass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from organizations.models import ExportLog
from workshops.exports import FORMATS, export_attendance
from workshops.management.commands._workshop import get_workshop


class Command(BaseCommand):
    help = (
        "Write a workshop's attendance report (PERSONAL DATA: one row per participant with "
        "contacts, per-session presence, and a gender x region summary) as CSV (UTF-8 with BOM) "
        "or XLSX, or its printable sign-in sheet as PDF (pre-filled with the participants, or "
        "blank with --blank). The workshop is given by id or slug. Every export is written to "
        "the export log."
    )

    def add_arguments(self, parser):
        parser.add_argument("workshop", help="the workshop's id or slug")
        parser.add_argument("--format", choices=FORMATS, default="xlsx")
        parser.add_argument("--output", type=Path, required=True, help="file to write")
        parser.add_argument(
            "--blank", action="store_true", help="PDF only: empty lines instead of the participants' names"
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="language of headers and sheet direction (Arabic reads right to left)",
        )

    def handle(self, *args, workshop, format, output, blank, language, **options):
        target = get_workshop(workshop)
        if blank and format != "pdf":
            raise CommandError(_("--blank applies to the PDF sign-in sheet only."))
        with translation.override(language):
            export = export_attendance(
                target,
                format,
                username=_("%(user)s (command line)") % {"user": getpass.getuser()},
                channel=ExportLog.Channel.COMMAND,
                blank=blank,
            )
        output.write_bytes(export.content)
        self.stdout.write(_("Wrote %(file)s.") % {"file": output})

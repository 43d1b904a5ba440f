"""``manage.py export_attendance <workshop> --output FILE [--format csv|xlsx|pdf|certificates] [--blank]``."""

import getpass
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from attendance import certificates
from attendance.exports import FORMATS, export_attendance
from attendance.management.commands._workshop import get_workshop
from config.commands import OperatorCommand
from organizations.models import ExportLog


def output_format(output, requested):
    """The format to write ``output`` (a Path) in: ``requested`` (``--format``) or, without it,
    the one its extension names (.csv, .xlsx, .pdf). Raises CommandError when neither gives
    one, or when the extension names another format than ``requested``."""
    suffix = output.suffix.lower().lstrip(".")
    named = suffix if suffix in FORMATS else None
    if requested == CERTIFICATES and named == "pdf":
        return requested
    if requested is None:
        if named is None:
            raise CommandError(
                _("Cannot tell the format from “%(file)s”: name it .csv, .xlsx or .pdf, or give --format.")
                % {"file": output}
            )
        return named
    if named is not None and named != requested:
        raise CommandError(
            _(
                "“%(file)s” is named as a .%(named)s file but --format is %(format)s: rename it or "
                "change --format."
            )
            % {"file": output, "named": named, "format": requested}
        )
    return requested


# The certificates of participation, one PDF (``attendance.certificates``).
CERTIFICATES = "certificates"


def write_certificates(workshop, output):
    """Issue the certificates of ``workshop`` (everyone meeting the completion rule), write them
    to ``output`` as one PDF and log it; returns how many. Raises CommandError when nobody meets
    the rule. The verification links start with ``settings.SITE_URL``."""
    participations = list(certificates.eligible(workshop))
    if not participations:
        raise CommandError(_("No participant of this workshop meets the completion rule: no certificate."))
    pdf, issued = certificates.export_certificates(
        participations, settings.SITE_URL, username=getpass.getuser(), channel=ExportLog.Channel.COMMAND
    )
    output.write_bytes(pdf)
    return len(issued)


class Command(OperatorCommand):
    help = (
        "Write a workshop's attendance report (PERSONAL DATA: one row per participant with "
        "contacts, per-session presence, and a gender x region summary) as CSV (UTF-8 with BOM) "
        "or XLSX, or its printable sign-in sheet as PDF (pre-filled with the participants, or "
        "blank with --blank). The workshop is given by id or slug; the format by --format or, "
        "without it, by the output file's extension. Every export is written to the export log "
        "(not when the file cannot be written)."
    )

    def add_arguments(self, parser):
        parser.add_argument("workshop", help="the workshop's id or slug")
        parser.add_argument(
            "--format",
            choices=(*FORMATS, CERTIFICATES),
            default=None,
            help="csv, xlsx, pdf (sign-in sheet) or certificates (PDF; default: the --output extension)",
        )
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
        fmt = output_format(output, format)
        if blank and fmt != "pdf":
            raise CommandError(_("--blank applies to the PDF sign-in sheet only."))
        try:
            # The log entry is kept only if the file was written.
            with transaction.atomic(), translation.override(language):
                if fmt == CERTIFICATES:
                    issued = write_certificates(target, output)
                    self.stdout.write(
                        _("Wrote %(count)s certificates to %(file)s.") % {"count": issued, "file": output}
                    )
                    return
                export = export_attendance(
                    target,
                    fmt,
                    # The channel field says "command line"; the name stays language-free data.
                    username=getpass.getuser(),
                    channel=ExportLog.Channel.COMMAND,
                    blank=blank,
                )
                output.write_bytes(export.content)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s") % {"file": output, "reason": exc.strerror or exc}
            ) from exc
        self.stdout.write(_("Wrote %(file)s.") % {"file": output})

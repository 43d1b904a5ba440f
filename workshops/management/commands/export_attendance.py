"""``manage.py export_attendance <workshop> --format csv|xlsx --output FILE``."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from workshops.exports import FORMATS, render_attendance
from workshops.management.commands._workshop import get_workshop


class Command(BaseCommand):
    help = (
        "Write a workshop's attendance report (PERSONAL DATA: one row per participant with "
        "contacts, per-session presence, and a gender x region summary) as CSV (UTF-8 with BOM) "
        "or XLSX. The workshop is given by id or slug."
    )

    def add_arguments(self, parser):
        parser.add_argument("workshop", help="the workshop's id or slug")
        parser.add_argument("--format", choices=FORMATS, default="xlsx")
        parser.add_argument("--output", type=Path, required=True, help="file to write")

    def handle(self, *args, workshop, format, output, **options):
        target = get_workshop(workshop)
        output.write_bytes(render_attendance(target, format))
        self.stdout.write(_("Wrote %(file)s.") % {"file": output})

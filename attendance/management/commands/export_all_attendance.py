"""``manage.py export_all_attendance --output FILE [--region CODE] [--year YYYY] [--format csv|xlsx]``."""

import getpass
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from attendance import bulk_exports
from config.commands import OperatorCommand
from organizations.models import ExportLog
from regions.models import Region


class Command(OperatorCommand):
    help = (
        "Write every attendance mark (PERSONAL DATA: one row per person present at a session) of "
        "the workshops held in a region (--region, official code) and started in a year (--year), "
        "or of all, as CSV (UTF-8 with BOM) or XLSX, with constant memory. The format is --format "
        "or the output file's extension. The export is written to the export log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, required=True, help="file to write")
        parser.add_argument("--region", help="official region code, e.g. 03 (default: all)")
        parser.add_argument("--year", type=int, help="year the workshops started (default: all)")
        parser.add_argument("--format", choices=["csv", "xlsx"], default=None)

    def handle(self, *args, output, region, year, format, **options):
        fmt = format or output.suffix.lower().lstrip(".")
        if fmt not in {"csv", "xlsx"}:
            raise CommandError(_("Name the output .csv or .xlsx, or give --format."))
        region_obj = None
        if region:
            region_obj = Region.objects.filter(code=region.zfill(2)).first()
            if region_obj is None:
                raise CommandError(_("No region has the code “%(code)s”.") % {"code": region})
        selection = bulk_exports.Selection(region_obj, year)
        try:
            if fmt == "csv":
                with output.open("w", encoding="utf-8", newline="") as stream:
                    count = bulk_exports.write_csv(selection, stream)
            else:
                count = bulk_exports.write_xlsx(selection, output)
        except OSError as error:
            raise CommandError(str(error)) from error
        ExportLog.record(
            kind=ExportLog.Kind.REPORT,
            file_format=fmt,
            username=getpass.getuser(),
            scope=selection.describe(),
            rows=count,
            channel=ExportLog.Channel.COMMAND,
            personal_data=True,
        )
        self.stdout.write(_("%(rows)s rows written to %(file)s") % {"rows": count, "file": output})

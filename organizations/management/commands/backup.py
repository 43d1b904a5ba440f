"""``manage.py backup [--output FILE]``: a portable, compressed backup of the tracker's data."""

import gzip
import io

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext as _

from config.commands import OperatorCommand

# What a backup holds: business data, accounts and roles, the audit trail, two-factor devices.
# Content types and permissions are rebuilt by `migrate`; sessions and login-lockout counters
# are short-lived and left out.
BACKUP_MODELS = [
    "regions",
    "organizations",
    "workshops",
    "auth.user",
    "auth.group",
    "auditlog",
    "otp_totp",
    "otp_static",
]


class Command(OperatorCommand):
    help = (
        "Write the database's data as gzipped JSON (Django's dumpdata with natural keys), readable "
        "by `manage.py restore` on SQLite or PostgreSQL. It contains PERSONAL DATA: store it "
        "encrypted and with the same care as the database. Default file: BACKUP_DIR/"
        "tracker-<date>.json.gz."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to write (.json.gz)")

    def handle(self, *args, output, **options):
        if output is None:
            settings.BACKUP_DIR.mkdir(parents=True, exist_ok=True)
            output = settings.BACKUP_DIR / f"tracker-{timezone.localtime():%Y%m%d-%H%M%S}.json.gz"
        buffer = io.StringIO()
        call_command(
            "dumpdata",
            *BACKUP_MODELS,
            natural_foreign=True,
            natural_primary=False,
            stdout=buffer,
            indent=None,
        )
        with gzip.open(output, "wt", encoding="utf-8") as file:
            file.write(buffer.getvalue())
        self.stdout.write(_("Backup written to %(file)s.") % {"file": output})

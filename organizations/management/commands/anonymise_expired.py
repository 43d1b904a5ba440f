"""``manage.py anonymise_expired [--dry-run]``: apply the personal-data retention period."""

from django.conf import settings
from django.utils.translation import ngettext

from config.commands import OperatorCommand
from organizations.privacy import anonymise_expired, expired_people


class Command(OperatorCommand):
    help = (
        "Anonymise the participants whose last workshop ended more than PERSONAL_DATA_RETENTION_DAYS "
        "ago: names and contacts are erased, counts are kept. Run it daily (cron or systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count who would be anonymised")

    def handle(self, *args, dry_run, **options):
        if dry_run:
            count = expired_people().count()
            self.stdout.write(
                ngettext(
                    "%(count)s person is past the retention period of %(days)s days (nothing changed).",
                    "%(count)s people are past the retention period of %(days)s days (nothing changed).",
                    count,
                )
                % {"count": count, "days": settings.PERSONAL_DATA_RETENTION_DAYS}
            )
            return
        count = anonymise_expired()
        self.stdout.write(
            ngettext("%(count)s person anonymised.", "%(count)s people anonymised.", count) % {"count": count}
        )

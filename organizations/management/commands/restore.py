"""``manage.py restore FILE``: load a backup into an empty database, then replay erasures."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organizations.privacy import replay_erasures
from workshops.models import Workshop


class Command(BaseCommand):
    help = (
        "Restore a backup written by `manage.py backup` into a freshly migrated database (no "
        "workshop yet), then erase again the people listed in the erasure log (ERASURE_LOG_PATH) "
        "whom the backup brings back: an erasure survives a restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .json.gz backup")

    def handle(self, *args, file, **options):
        if Workshop.objects.exists():
            raise CommandError(
                _("The database already holds workshops: restore into an empty, migrated database.")
            )
        call_command("loaddata", file, verbosity=0)
        erased = replay_erasures()
        self.stdout.write(
            ngettext(
                "Restored %(file)s; %(count)s erasure replayed from the erasure log.",
                "Restored %(file)s; %(count)s erasures replayed from the erasure log.",
                erased,
            )
            % {"file": file, "count": erased}
        )

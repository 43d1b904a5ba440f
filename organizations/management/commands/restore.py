"""``manage.py restore FILE [--no-erasure-log]``: load a backup into an empty database, then
replay erasures."""

import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.commands import OperatorCommand
from organizations.models import ErasureRecord
from organizations.privacy import replay_erasures
from workshops.models import Workshop


class Command(OperatorCommand):
    help = (
        "Restore a backup written by `manage.py backup` into a freshly migrated database (no "
        "workshop yet), then erase again the people listed in the erasure log (ERASURE_LOG_PATH) "
        "whom the backup brings back: an erasure survives a restore. Refuses to run when the "
        "erasure log is missing, unless --no-erasure-log says that none exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .json.gz backup")
        parser.add_argument(
            "--no-erasure-log",
            action="store_true",
            help="restore although ERASURE_LOG_PATH does not exist: erasures made after the backup are lost",
        )

    def handle(self, *args, file, no_erasure_log, **options):
        if Workshop.objects.exists():
            raise CommandError(
                _("The database already holds workshops: restore into an empty, migrated database.")
            )
        log_exists = Path(settings.ERASURE_LOG_PATH).exists()
        if not log_exists and not no_erasure_log:
            raise CommandError(
                _(
                    "The erasure log %(path)s does not exist: without it, the people erased after this "
                    "backup was written would come back with their names and contacts. Restore the log "
                    "(it is kept outside the database and its backups) or set ERASURE_LOG_PATH to it; if "
                    "no erasure log exists at all, run again with --no-erasure-log."
                )
                % {"path": settings.ERASURE_LOG_PATH}
            )
        call_command("loaddata", file, verbosity=0)
        # loaddata writes rows as stored, past save(): a backup older than the search keys, or
        # than a change of the fold, brings none or stale ones.
        call_command("rebuild_search_keys", stdout=io.StringIO())
        # The same for the public summary tables (a backup older than them has none).
        call_command("rebuild_public_figures", stdout=io.StringIO())
        if not log_exists:
            self.stderr.write(self._no_log_warning())
            return
        erased = replay_erasures()
        self.stdout.write(
            ngettext(
                "Restored %(file)s; %(count)s erasure replayed from the erasure log.",
                "Restored %(file)s; %(count)s erasures replayed from the erasure log.",
                erased,
            )
            % {"file": file, "count": erased}
        )

    def _no_log_warning(self):
        held = ErasureRecord.objects.count()
        return self.style.WARNING(
            ngettext(
                "WARNING: restored WITHOUT the erasure log (%(path)s): no erasure could be replayed. "
                "Every person erased after this backup was written is back with their name and "
                "contacts, and an import will not recognise them: erase them again. The backup itself "
                "holds %(count)s erasure record, which stays applied.",
                "WARNING: restored WITHOUT the erasure log (%(path)s): no erasure could be replayed. "
                "Every person erased after this backup was written is back with their name and "
                "contacts, and an import will not recognise them: erase them again. The backup itself "
                "holds %(count)s erasure records, which stay applied.",
                held,
            )
            % {"path": settings.ERASURE_LOG_PATH, "count": held}
        )

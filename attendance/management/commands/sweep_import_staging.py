"""``manage.py sweep_import_staging``: delete uploads left waiting between preview and confirmation."""

from django.conf import settings
from django.utils.translation import ngettext

from attendance import staging
from config.commands import OperatorCommand


class Command(OperatorCommand):
    help = (
        "Delete attendance sheets kept between an import's preview and its confirmation "
        "(ATTENDANCE_STAGING_DIR) once older than ATTENDANCE_STAGING_MAX_AGE seconds: previews "
        "never confirmed, imports whose worker died. They hold personal data; run it from cron "
        "(every hour, say) so that they go even when nobody uploads."
    )

    def handle(self, *args, **options):
        removed = staging.sweep()
        message = ngettext(
            "%(count)s staged file older than %(seconds)s seconds deleted.",
            "%(count)s staged files older than %(seconds)s seconds deleted.",
            removed,
        )
        self.stdout.write(message % {"count": removed, "seconds": settings.ATTENDANCE_STAGING_MAX_AGE})

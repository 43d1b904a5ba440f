"""``manage.py delete_expired_job_files``: delete the files of background jobs whose time is over."""

from django.core.management.base import BaseCommand

from jobs.tasks import delete_expired_files


class Command(BaseCommand):
    help = (
        "Delete the files of background jobs kept longer than JOB_FILES_MAX_AGE seconds, and files "
        "no job owns any more. Run it from cron (hourly): files then go even when nobody asks for a job."
    )

    def handle(self, *args, **options):
        removed = delete_expired_files()
        self.stdout.write(f"{removed} file(s) deleted.")

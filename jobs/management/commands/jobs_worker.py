"""``manage.py jobs_worker``: run the background jobs' worker of the configured queue."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run the worker of background jobs: django-tasks' database worker (db_worker), or RQ's "
        "(rqworker) when REDIS_URL is set. --batch: run the waiting jobs, then stop."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run the waiting jobs, then stop.")

    def handle(self, *args, batch=False, **options):
        if settings.JOBS_REDIS_URL:
            extra = ["--burst"] if batch else []
            call_command("rqworker", "default", "--job-class", "django_tasks_rq.Job", *extra)
        else:
            extra = ["--batch"] if batch else []
            call_command("db_worker", "--no-reload", "--interval", "1", *extra)

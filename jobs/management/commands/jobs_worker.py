"""``manage.py jobs_worker``: run the background jobs' worker of the configured queue."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tasks import task_backends

from jobs.tasks import fail_stalled


class Command(BaseCommand):
    help = (
        "Run the worker of background jobs: RQ's (rqworker) when the tasks' backend is RQ "
        "(REDIS_URL set), else django-tasks' database worker (db_worker). --batch: run the waiting "
        "jobs, then stop."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run the waiting jobs, then stop.")

    def handle(self, *args, batch=False, **options):
        # Jobs left "running" by a worker that was stopped or died say so before new work starts.
        fail_stalled()
        if type(task_backends["default"]).__module__.startswith("django_tasks_rq"):
            extra = ["--burst"] if batch else []
            call_command("rqworker", "default", "--job-class", "django_tasks_rq.Job", *extra)
        else:
            extra = ["--batch", "--no-startup-delay"] if batch else []
            call_command("db_worker", "--no-reload", "--interval", "1", *extra)

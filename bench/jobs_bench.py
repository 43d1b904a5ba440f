"""Background jobs: what running long work as a job costs, next to the same work done directly.

Run from the project folder::

    .venv/bin/python bench/jobs_bench.py [--scale small] [--repeat 3] [--polls 200]

It creates a throw-away SQLite database in a temporary folder (migrations, ``bench/generate.py``'s
data at ``--scale``; DEBUG off and the production caches, as in production), unless
``DATABASE_URL`` names one already generated (``--no-generate``), and prints, best of
``--repeat``:

- the bulk attendance export (every mark) written directly by ``write_csv`` / ``write_xlsx`` (the
  anchor: what the request used to do), then the same as a job run at once (``start`` with
  django-tasks' ImmediateBackend: the job's row, its progress writes, its file) and as a job
  through the database queue (``start``, then ``manage.py jobs_worker --batch`` in-process);
- the progress endpoint (``jobs:status``, JSON) per request, median of ``--polls``, next to
  ``/healthz`` (one query: the anchor of a minimal view), both through Django's test client.

The load average (1 minute) is printed beside the figures: the machine is shared. Figures are
printed, not asserted; docs/jobs.md keeps the ones measured.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def best(repeat, function):
    """``(best seconds, result)`` of ``repeat`` calls of ``function()``."""
    times, result = [], None
    for _i in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def median_ms(count, function):
    """Median milliseconds of ``count`` calls of ``function()``."""
    times = []
    for _i in range(count):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def setup(args, folder):
    """Settings for a production-like run, Django set up, the database migrated and filled."""
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("ERASURE_HASH_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("JOB_FILES_DIR", f"{folder}/job-files")
    os.environ.setdefault("FIGURES_CACHE_DIR", f"{folder}/figures-cache")
    os.environ.setdefault("PAGE_CACHE_DIR", f"{folder}/page-cache")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.generate:
        from generate import generate

        generate(args.scale, verbose=False)


def export_figures(args, folder, user):
    """``{label: seconds}`` of the export written directly, as an immediate job and queued."""
    from django.core.management import call_command
    from django.test import override_settings

    from attendance import bulk_exports
    from jobs.models import Job
    from jobs.tasks import start

    selection = bulk_exports.Selection()

    def direct_csv():
        with open(f"{folder}/direct.csv", "w", encoding="utf-8", newline="") as stream:
            return bulk_exports.write_csv(selection, stream)

    def job(fmt):
        parameters = {"region": None, "year": None}
        return start(user, Job.Kind.ATTENDANCE_EXPORT, parameters=parameters, file=(f"a.{fmt}", fmt, ""))

    def queued(fmt):
        job(fmt)
        call_command("jobs_worker", "--batch", verbosity=0)

    figures = {}
    figures["csv direct (anchor)"], rows = best(args.repeat, direct_csv)
    figures["xlsx direct (anchor)"], _ = best(
        args.repeat, lambda: bulk_exports.write_xlsx(selection, f"{folder}/d.xlsx")
    )
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ):
        figures["csv job, immediate"], done = best(args.repeat, lambda: job("csv"))
        figures["xlsx job, immediate"], _ = best(args.repeat, lambda: job("xlsx"))
    assert done.state == "done" and done.rows_done == rows, (done.state, done.error)
    figures["csv job, database queue + worker"], _ = best(args.repeat, lambda: queued("csv"))
    return rows, figures


def poll_figures(args, user):
    """``(status ms, healthz ms)``: medians of the progress endpoint and of the minimal view."""
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from jobs.models import Job

    job = Job.objects.create(
        user=user, kind=Job.Kind.REPORT_XLSX, state=Job.State.RUNNING, started_at=timezone.now(), rows_done=5
    )
    Job.objects.filter(pk=job.pk).update(rows_total=10)
    client = Client(HTTP_HOST="testserver")
    client.force_login(user)
    status_url = reverse("jobs:status", args=[job.pk])
    assert client.get(status_url, secure=True).status_code == 200
    assert client.get("/healthz", secure=True).status_code == 200
    status = median_ms(args.polls, lambda: client.get(status_url, secure=True))
    healthz = median_ms(args.polls, lambda: client.get("/healthz", secure=True))
    return status, healthz


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small", help="bench/generate.py's scale (small, national)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each figure; the best is kept")
    parser.add_argument("--polls", type=int, default=200, help="requests of the progress endpoint")
    parser.add_argument("--no-generate", dest="generate", action="store_false", help="DATABASE_URL is filled")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="jobs-bench-")
    setup(args, folder)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db import connection

    user = get_user_model().objects.create_user(f"bench-{time.time_ns()}", is_staff=True, is_superuser=False)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_participation", "export_attendance", "view_workshop"])
    )
    rows, figures = export_figures(args, folder, user)
    status, healthz = poll_figures(args, user)
    print(
        f"{connection.vendor}; {rows} rows; best of {args.repeat}; {os.cpu_count()} CPUs; "
        f"load average (1 min) {os.getloadavg()[0]:.2f}"
    )
    print("| work | s | ratio to its anchor |")
    print("|---|---|---|")
    for label, seconds in figures.items():
        anchor = figures["xlsx direct (anchor)" if "xlsx" in label else "csv direct (anchor)"]
        print(f"| {label} | {seconds:.2f} | {seconds / anchor:.2f} |")
    print(f"| progress endpoint, median of {args.polls} | {status:.1f} ms | {status / healthz:.2f} |")
    print(f"| /healthz (anchor), median of {args.polls} | {healthz:.1f} ms | 1.00 |")
    print(f"load average (1 min) after: {os.getloadavg()[0]:.2f}")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Time the cross-workshop report with no filter (the whole country), next to anchors measured in
the same run: a bare ``COUNT(*)`` of the counted participations, and loading those
participations into Python as the report did before it aggregated in the database.

Fills a SQLite database (``--db``, kept for the next run; ``DATABASE_URL`` is set to it) with
``bench/generate.py``'s national scale divided by ``--divide`` (10: 500 workshops, 15,000 people,
100,000 marks, a couple of minutes), then prints the median and slowest of ``--runs`` of each,
the peak Python memory (tracemalloc) and the load average. Figures are printed, not asserted::

    .venv/bin/python bench/report_bench.py --divide 10
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(label, function, runs):
    """Run ``function`` ``runs`` times; print median and slowest seconds and peak memory."""
    times = []
    for _i in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    median, slowest = statistics.median(times), max(times)
    print(f"  {label:<52} median {median:7.3f} s  slowest {slowest:7.3f} s  peak {peak / 2**20:7.1f} MiB")


def fill(divide):
    """Generate the data (once): the national scale divided by ``divide``."""
    import generate

    from workshops.models import Workshop

    if Workshop.objects.exists():
        return
    generate.SCALES["bench"] = {key: max(1, n // divide) for key, n in generate.SCALES["national"].items()}
    generate.generate("bench")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def render_page():
    """The report page as staff get it (no filter, first page of the per-workshop table)."""
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from workshops.report_views import DisaggregationView

    request = RequestFactory().get("/en/reports/participants/")
    request.user = get_user_model()(username="bench", is_staff=True, is_superuser=True, is_active=True)
    request.user.is_verified = lambda: True  # as if past the one-time code (django-otp's middleware)
    response = DisaggregationView.as_view()(request)
    response.render()
    return response


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--divide", type=int, default=10)
    parser.add_argument("--db", default="/tmp/report-bench.sqlite3")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"sqlite:///{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    call_command("migrate", verbosity=0)
    fill(args.divide)
    translation.activate("en")
    from workshops.disaggregation import Scope, build_report
    from workshops.models import Attendance, Participation

    counted = Participation.objects.counted()
    print(
        f"{counted.count():,} counted participations, {Attendance.objects.count():,} marks; "
        f"load average at start {'/'.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    columns = ["pk", "workshop_id", "person_id", "person__gender", "person__age_band", "person__region_id"]
    measure("anchor: COUNT(*) of counted participations", counted.count, args.runs)
    measure(
        "anchor: counted participations into Python (old path)",
        lambda: list(counted.values_list(*columns, "organization__kind")),
        args.runs,
    )
    measure("report, no filter (staff)", lambda: build_report(Scope()), args.runs)
    measure("report, no filter (for publication)", lambda: build_report(Scope(), public=True), args.runs)
    measure("report page, no filter (render)", render_page, args.runs)
    print(f"  page size {len(render_page().content) / 1024:.0f} KiB")
    print(f"load average at end {'/'.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

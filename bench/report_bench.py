"""Time the cross-workshop report with no filter (the whole country), next to anchors measured in
the same run: a bare ``COUNT(*)`` of the counted participations, and loading those
participations into Python as the report did before it aggregated in the database. The
settings are production's (``DJANGO_DEBUG`` off, the counts cached,
``PUBLIC_FIGURES_CACHE_SECONDS``): the report is timed as the first request after an edit (the
cached figures forgotten first, untimed): the page, which shows the counts kept from before the
edit marked stale while one recount runs in a background thread (``workshops.kept_counts``),
the same page while that recount runs, the time until the recount has kept the current counts,
and the report counted at once (the XLSX export's call); then with its counts cached. Each
round times every item once, so anchors and figures alternate; a recount started by an item
is waited for (untimed) before the next.

Fills a SQLite database (``--db``, kept for the next run; ``DATABASE_URL`` is set to it) with
``bench/generate.py``'s national scale divided by ``--divide`` (10: 500 workshops, 15,000 people,
100,000 marks, a couple of minutes), then prints the median and slowest of ``--runs`` of each,
the peak Python memory (tracemalloc) and the load average. Figures are printed, not asserted::

    .venv/bin/python bench/report_bench.py --divide 10
    .venv/bin/python bench/report_bench.py --db /tmp/national-copy.sqlite3 --runs 5
    .venv/bin/python bench/report_bench.py --url postgres://tracker:tracker@127.0.0.1:5433/national_copy
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(items, runs):
    """Time each ``(label, prepare, function)`` of ``items`` in turn, ``runs`` rounds (so that
    the anchors and the figures share the machine's load); ``prepare()`` runs untimed before
    each call, and the background recounts it started are waited for, untimed, after it. Print
    each one's median and slowest seconds and its peak memory."""
    from workshops.kept_counts import wait_for_recounts

    times = {label: [] for label, _prepare, _function in items}
    for _round in range(runs):
        for label, prepare, function in items:
            prepare()
            start = time.perf_counter()
            function()
            times[label].append(time.perf_counter() - start)
            wait_for_recounts()
    for label, prepare, function in items:
        prepare()
        tracemalloc.start()
        function()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        wait_for_recounts()
        median, slowest = statistics.median(times[label]), max(times[label])
        print(f"  {label:<58} median {median:7.3f} s  slowest {slowest:7.3f} s  peak {peak / 2**20:7.1f} MiB")


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


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--divide", type=int, default=10)
    parser.add_argument("--db", default="/tmp/report-bench.sqlite3")
    parser.add_argument(
        "--url", help="a DATABASE_URL (e.g. PostgreSQL) to use instead of --db, already filled"
    )
    parser.add_argument("--runs", type=int, default=5)
    return parser.parse_args()


def setup(args):
    """Django on the database ``args`` names, with production's settings, migrated (and filled
    first unless ``--url``)."""
    os.environ["DATABASE_URL"] = args.url or f"sqlite:///{args.db}"
    os.environ.setdefault("DJANGO_DEBUG", "0")  # production's settings
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("ERASURE_HASH_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not args.url:
        fill(args.divide)


def main():
    args = parse_args()
    setup(args)
    from django.conf import settings
    from django.utils import translation

    translation.activate("en")
    from workshops.disaggregation import Scope, build_report
    from workshops.kept_counts import wait_for_recounts
    from workshops.models import Attendance, Participation
    from workshops.reports import forget_public_figures

    counted = Participation.objects.counted()
    print(
        f"{counted.count():,} counted participations, {Attendance.objects.count():,} marks; "
        f"PUBLIC_FIGURES_CACHE_SECONDS={settings.PUBLIC_FIGURES_CACHE_SECONDS}; "
        f"load average at start {'/'.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    columns = ["pk", "workshop_id", "person_id", "person__gender", "person__age_band", "person__region_id"]
    nothing = lambda: None  # noqa: E731

    def start_recount():
        forget_public_figures()
        assert render_page().context_data["report"].stale

    def until_recounted():
        render_page()
        wait_for_recounts()
        assert not build_report(Scope(), stale_ok=True).stale

    measure(
        [
            ("anchor: COUNT(*) of counted participations", nothing, counted.count),
            (
                "anchor: counted participations into Python (old path)",
                nothing,
                lambda: list(counted.values_list(*columns, "organization__kind")),
            ),
            (
                "report, no filter, first after an edit, counted (export)",
                forget_public_figures,
                lambda: build_report(Scope()),
            ),
            ("report, no filter (counts cached)", nothing, lambda: build_report(Scope())),
            (
                "report, no filter, for publication (counts cached)",
                nothing,
                lambda: build_report(Scope(), public=True),
            ),
            ("report page, no filter, first after an edit (stale)", forget_public_figures, render_page),
            ("report page, no filter, while the recount runs", start_recount, render_page),
            ("page after an edit until the recount is kept", forget_public_figures, until_recounted),
            ("report page, no filter (counts cached)", nothing, render_page),
        ],
        args.runs,
    )
    print(f"  page size {len(render_page().content) / 1024:.0f} KiB")
    print(f"load average at end {'/'.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

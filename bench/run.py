"""Benchmark of the public pages, admin lists, bulk exports and import, on a generated database.

Starts no server: pages are served in-process by ``django.test.Client`` (DEBUG off, the full
middleware stack), against the database named by ``DATABASE_URL``, which ``bench/generate.py``
filled beforehand. For example::

    export DATABASE_URL=sqlite:////tmp/bench.sqlite3
    .venv/bin/python manage.py migrate && .venv/bin/python bench/generate.py --scale national
    .venv/bin/python bench/run.py

For PostgreSQL, start a throw-away server as ``.ci/run`` does (as the postgres user, on
127.0.0.1), create a database, and give its URL as ``DATABASE_URL``; see docs/performance.md.

For each page and admin list it prints the median and 95th percentile server time over
``--repeat`` requests after two warm-up requests, the number of queries, and the ratio of the
median to that of a minimal Django view (a view returning "ok", served the same way) and to
that of a page made of the site's base template alone. Public
pages are measured in three states (``MODES``): served from the page cache, rendered with the
public figures cached, and everything live. For the exports (region and year,
then the whole database; CSV and XLSX), each run in a fresh subprocess: rows per second and the
peak resident memory (``ru_maxrss``) less the memory before the export; on PostgreSQL also the
CSV written by ``csv.writer`` instead of COPY ("csv-writer", the SQLite way), next to the time
of ``COPY (the export's query) TO STDOUT (FORMAT csv)``, the ratio, and the time of a COPY of the
stored columns alone ("plain COPY": no labels, no neutralisation). Last, bench/import_bench.py
with a 5,000-row sheet. It writes only a staff user ``bench-staff`` and export log entries.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("ERASURE_HASH_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()


def add_minimal_views():
    """Put the two baselines in front of the project's URLs: ``/bench-minimal/`` (a view that
    returns "ok") and ``/fr/bench-page/`` (the site's base template with "ok" as its content, no
    query: what any page of the site costs before its own work)."""
    from django.conf.urls.i18n import i18n_patterns
    from django.http import HttpResponse
    from django.template import RequestContext, Template
    from django.urls import clear_url_caches, path

    from config import urls

    page = Template('{% extends "base.html" %}{% block content %}ok{% endblock content %}')

    def minimal_page(request):
        return HttpResponse(page.render(RequestContext(request)))

    urls.urlpatterns.insert(0, path("bench-minimal/", lambda request: HttpResponse("ok")))
    urls.urlpatterns[1:1] = i18n_patterns(path("bench-page/", minimal_page))
    clear_url_caches()


def measure(client, url, repeat):
    """``(median ms, p95 ms, queries, status)`` of ``repeat`` GETs of ``url`` after 2 warm-ups."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(url)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    return statistics.median(times), p95, len(queries), response.status_code


def pages():
    """The public pages and admin lists measured: list of ``(label, url, needs_login)``."""
    from django.db.models import Count

    from regions.models import Region
    from workshops.models import MonitoringCommittee, Workshop

    region = Region.objects.annotate(n=Count("hosted_workshops")).order_by("-n").first()
    workshop = (
        Workshop.objects.published().held().annotate(n=Count("participations")).order_by("-n", "pk").first()
    )
    committee = MonitoringCommittee.objects.public().order_by("pk").first()
    year = workshop.start_date.year
    return [
        ("home", "/fr/", False),
        ("regions", "/fr/regions/", False),
        ("region", f"/fr/regions/{region.slug}/", False),
        ("workshop list", "/fr/workshops/", False),
        ("workshop list ?region&year", f"/fr/workshops/?region={region.pk}&year={year}", False),
        ("workshop list ?q&page=3", "/fr/workshops/?q=Atelier&page=3", False),
        ("workshop", workshop.get_absolute_url().replace("/ar/", "/fr/", 1), False),
        ("tracker", "/fr/tracker/", False),
        ("committee", committee.get_absolute_url().replace("/ar/", "/fr/", 1), False),
        ("admin participations", "/fr/admin/workshops/participation/", True),
        ("admin participations ?q", "/fr/admin/workshops/participation/?q=Bennani", True),
        # Admin searches: two words, no match (every row read), with filters; a sorted column.
        ("admin participations ?q 2 words", f"{PARTICIPATIONS}?q=Hajar+Bennani", True),
        ("admin participations ?q no match", f"{PARTICIPATIONS}?q=zzzz", True),
        ("admin participations ?gender", f"{PARTICIPATIONS}?person__gender__exact=female", True),
        ("admin participations ?q&gender", f"{PARTICIPATIONS}?q=Bennani&person__gender__exact=female", True),
        (
            "admin participations ?3 filters",
            f"{PARTICIPATIONS}?person__gender__exact=female&person__region__id__exact={region.pk}"
            "&status__exact=attended",
            True,
        ),
        ("admin participations ?o=status", f"{PARTICIPATIONS}?o=5", True),
        ("admin attendance", "/fr/admin/workshops/attendance/", True),
        ("admin attendance ?q", "/fr/admin/workshops/attendance/?q=Bennani", True),
        ("admin workshops", "/fr/admin/workshops/workshop/", True),
        ("admin workshops ?q", "/fr/admin/workshops/workshop/?q=Atlas", True),
        ("admin workshops ?o=participants", "/fr/admin/workshops/workshop/?o=-8", True),
        ("admin people", "/fr/admin/organizations/person/", True),
        ("admin people ?q", "/fr/admin/organizations/person/?q=Bennani", True),
        ("admin people ?q no match", "/fr/admin/organizations/person/?q=zzzz", True),
        (
            "admin people ?gender&region",
            f"/fr/admin/organizations/person/?gender__exact=female&region__id__exact={region.pk}",
            True,
        ),
    ]


PARTICIPATIONS = "/fr/admin/workshops/participation/"


def sign_in_verified(client, user):
    """Sign ``user`` in on ``client`` past the one-time code a superuser must give after the
    password (config/two_factor.py), as the OTP middleware would record it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device, _new = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def print_baselines(minimal, minimal_cached, base):
    """Print the table's header and its three anchor rows ((median, p95, queries, status) each)."""
    print(
        f"\n{'page':<34} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'x minimal':>10} {'x base page':>12}"
    )
    print(f"{'minimal view':<34} {minimal[0]:>10.2f} {minimal[1]:>8.2f} {minimal[2]:>8}")
    print(
        f"{'minimal view, page cache on':<34} {minimal_cached[0]:>10.2f} {minimal_cached[1]:>8.2f} "
        f"{minimal_cached[2]:>8} {minimal_cached[0] / minimal[0]:>10.1f}"
    )
    print(
        f"{'base template page':<34} {base[0]:>10.2f} {base[1]:>8.2f} {base[2]:>8} "
        f"{base[0] / minimal[0]:>10.1f}"
    )


def bench_pages(repeat):
    """Measure the baselines, then each page of ``pages()``: public pages in three states
    (``MODES``), admin lists signed in. Returns ``{label: (median, p95, queries, status)}``."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import caches
    from django.test import Client

    add_minimal_views()
    user, _created = get_user_model().objects.get_or_create(
        username="bench-staff", defaults={"is_staff": True, "is_superuser": True}
    )
    figures_seconds = settings.PUBLIC_FIGURES_CACHE_SECONDS
    page_seconds = settings.CACHE_MIDDLEWARE_SECONDS

    def client(mode, login=False):
        # Django's cache middleware reads its settings when a client's handler is built: one
        # client per state.
        settings.PUBLIC_FIGURES_CACHE_SECONDS = figures_seconds if mode != "live" else 0
        settings.CACHE_MIDDLEWARE_SECONDS = page_seconds if mode == "page cached" else 0
        for alias in settings.CACHES:
            caches[alias].clear()
        new = Client()
        if login:
            sign_in_verified(new, user)
        return new

    minimal = measure(client("figures cached"), "/bench-minimal/", repeat)
    minimal_cached = measure(client("page cached"), "/bench-minimal/", repeat)
    base = measure(client("figures cached"), "/fr/bench-page/", repeat)
    print_baselines(minimal, minimal_cached, base)
    results = {"minimal": minimal, "minimal, page cache on": minimal_cached, "base": base}
    staff = client("figures cached", login=True)
    for label, url, login in pages():
        for mode in ["figures cached"] if login else MODES:
            median, p95, queries, status = measure(staff if login else client(mode), url, repeat)
            note = "" if status == 200 else f"  HTTP {status}"
            name = label if login else f"{label} ({mode})"
            print(
                f"{name:<34} {median:>10.2f} {p95:>8.2f} {queries:>8} {median / minimal[0]:>10.1f} "
                f"{median / base[0]:>12.1f}{note}",
                flush=True,
            )
            results[name] = (median, p95, queries, status)
    settings.PUBLIC_FIGURES_CACHE_SECONDS = figures_seconds
    settings.CACHE_MIDDLEWARE_SECONDS = page_seconds
    return results


# The states a public page is measured in: served whole from the page cache (what visitors
# get between two changes); rendered with the figures cached (another URL, e.g. a filter, of
# data already summed); everything live (the first request after a change, both caches empty).
MODES = ("page cached", "figures cached", "live")


def export_child(kind, fmt):
    """In a subprocess: run one export to a temporary file; print JSON with rows, seconds, MiB."""
    import resource
    import tempfile

    from attendance import bulk_exports

    selection = export_selection(kind)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"export.{fmt.split('-')[0]}"
        if fmt in ("csv", "csv-writer"):
            with target.open("w", encoding="utf-8", newline="") as stream:
                rows = bulk_exports.write_csv(selection, stream, copy=False if fmt == "csv-writer" else None)
        else:
            rows = bulk_exports.write_xlsx(selection, target)
        size = target.stat().st_size
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": seconds,
                "peak_mib": peak / 1024,
                "growth_mib": (peak - before) / 1024,
                "bytes": size,
            }
        )
    )


def export_selection(kind):
    from django.db.models import Count

    from attendance import bulk_exports
    from regions.models import Region

    if kind == "all":
        return bulk_exports.Selection()
    region = Region.objects.annotate(n=Count("hosted_workshops")).order_by("-n").first()
    return bulk_exports.Selection(region, 2024)


def copy_seconds(kind, plain=False):
    """Seconds PostgreSQL takes for ``COPY (the CSV export's query) TO STDOUT (FORMAT csv)``,
    read to the end by psycopg as the export reads it; with ``plain``, of the query that selects
    the same columns as stored (codes, no neutralisation: what the export read before it had
    PostgreSQL compute each cell)."""
    from attendance import bulk_exports

    selection = export_selection(kind)
    if plain:
        queryset = bulk_exports.selected(selection).values_list(*bulk_exports.COLUMNS)
    else:
        queryset = bulk_exports.marks(selection)
    return copy_read_seconds(bulk_exports.copy_statement(queryset))


def copy_read_seconds(statement):
    """Seconds to run the COPY ``statement`` and read its output to the end."""
    import psycopg
    from django.db import connection

    with psycopg.ClientCursor(connection.connection) as cursor:
        start = time.perf_counter()
        with cursor.copy(statement) as copy:
            for _block in copy:
                pass
        return time.perf_counter() - start


def bench_exports(formats):
    """Run each export of ``formats`` ("csv", "xlsx"; on PostgreSQL also "csv-writer": the CSV
    written by ``csv.writer`` as on SQLite) for a region and year, then for everything, in
    fresh subprocesses; print a line each, with COPY's time and the ratio on PostgreSQL."""
    from django.db import connection

    postgresql = connection.vendor == "postgresql"
    if postgresql and "csv" in formats:
        formats = [*formats[:1], "csv-writer", *formats[1:]]
    print(
        f"\n{'export':<26} {'rows':>10} {'s':>7} {'rows/s':>9} {'peak MiB':>9} {'+MiB':>6} "
        f"{'COPY s':>7} {'ratio':>6} {'plain COPY s':>13}"
    )
    for kind in ("region-year", "all"):
        copy = copy_seconds(kind) if postgresql else None
        plain = copy_seconds(kind, plain=True) if postgresql else None
        for fmt in formats:
            output = subprocess.run(
                [sys.executable, __file__, "--export-child", kind, fmt],
                capture_output=True,
                text=True,
                check=True,
                env=os.environ,
            ).stdout
            result = json.loads(output.strip().splitlines()[-1])
            speed = result["rows"] / result["seconds"]
            copy_text = (
                f"{copy:>7.2f} {result['seconds'] / copy:>6.2f} {plain:>13.2f}"
                if copy
                else f"{'-':>7} {'-':>6} {'-':>13}"
            )
            print(
                f"{kind + ' ' + fmt:<26} {result['rows']:>10,} {result['seconds']:>7.2f} {speed:>9,.0f} "
                f"{result['peak_mib']:>9.0f} {result['growth_mib']:>6.0f} {copy_text}",
                flush=True,
            )


def fill(scale):
    """Migrate the database and, when it holds no workshop, fill it at ``scale``
    (``bench/generate.py``); a database already filled is used as it is."""
    from django.core.management import call_command
    from django.db import connection

    from bench.generate import generate
    from workshops.models import Workshop

    call_command("migrate", verbosity=0)
    if Workshop.objects.exists():
        print(f"The database already holds workshops: measured as it is (--scale {scale} ignored)")
        return
    generate(scale)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument(
        "--skip", nargs="*", default=[], choices=["pages", "edits", "exports", "xlsx", "import"]
    )
    parser.add_argument(
        "--scale",
        choices=["small", "tenth", "national"],
        help="migrate and fill an empty database at this scale first (bench/generate.py)",
    )
    parser.add_argument("--export-child", nargs=2, metavar=("KIND", "FORMAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    from bench.after_edit import bench_edits, load, use_temporary_caches

    use_temporary_caches()
    setup_django()
    if args.export_child:
        export_child(*args.export_child)
        return
    if args.scale:
        fill(args.scale)
    from django.conf import settings
    from django.db import connection

    from workshops.models import Attendance, Workshop

    print(
        f"Database: {connection.vendor} {connection.settings_dict['NAME']}; "
        f"{Workshop.objects.count():,} workshops, {Attendance.objects.count():,} attendance marks; "
        f"caches {settings.CACHES['pages']['BACKEND'].rsplit('.', 1)[-1]}; load {load()}"
    )
    if "pages" not in args.skip:
        bench_pages(args.repeat)
    if "edits" not in args.skip:
        bench_edits()
    if "exports" not in args.skip:
        bench_exports(["csv"] if "xlsx" in args.skip else ["csv", "xlsx"])
    if "import" not in args.skip:
        print("\nImport of a 5,000-row sheet (bench/import_bench.py, its own SQLite database):", flush=True)
        env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "import_bench.py"), "--rows", "5000"], check=True, env=env
        )


if __name__ == "__main__":
    main()

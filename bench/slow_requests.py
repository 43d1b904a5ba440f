"""Every staff and public request that could be slow at a national scale, timed next to a minimal
view in the same run (issue 15: "no staff or public request over 2 s at national scale").

Serves each request in-process (``django.test.Client``, DEBUG off, the full middleware stack,
production's caches: files in a temporary folder, or Redis with ``REDIS_URL``), signed in as a
superuser past the one-time code for staff pages. Each round requests the minimal view, then
every URL once, so the anchor and the figures share the machine's load; the first round is a
warm-up. Public pages are timed as the first visitor after an edit to a follow-up gets them:
their page forgotten, the public figures cached. Admin pages: the list, a search, a filter and
the change page of the largest object of every model the admin shows. For each it prints the
median and slowest time, the queries of the last request, the status and the size, and marks
what is over 2 s. Figures are printed, not asserted::

    DATABASE_URL=sqlite:////tmp/national-copy.sqlite3 .venv/bin/python bench/slow_requests.py --runs 3
    .venv/bin/python bench/slow_requests.py --only admin --runs 2

It writes a superuser ``bench-staff``, a finished job of theirs and export log entries.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

LIMIT = 2.0  # seconds: the target
SEARCH = "Bennani"


def public_urls():
    """``[(label, url)]`` of public pages: lists, the largest region, commune and workshop,
    open data, feeds, registration and the commune search."""
    from django.db.models import Count
    from django.urls import reverse

    from regions.models import Commune, Region
    from workshops.models import MonitoringCommittee, Workshop

    region = Region.objects.annotate(n=Count("hosted_workshops")).order_by("-n").first()
    commune = Commune.objects.annotate(n=Count("people")).order_by("-n").first()
    workshop = Workshop.objects.published().annotate(n=Count("participations")).order_by("-n").first()
    planned = Workshop.objects.published().filter(status=Workshop.Status.PLANNED).first()
    committee = MonitoringCommittee.objects.public().first()
    urls = [
        ("home", reverse("workshops:home")),
        ("regions", reverse("regions:list")),
        (f"region {region.slug}", reverse("regions:detail", args=[region.slug])),
        ("communes ?q", reverse("regions:communes") + "?q=casa"),
        (f"commune {commune.slug}", reverse("regions:commune", args=[commune.slug])),
        ("commune data.csv", reverse("regions:commune_data", args=[commune.slug, "csv"])),
        ("commune data.json", reverse("regions:commune_data", args=[commune.slug, "json"])),
        ("province", reverse("regions:province", args=[commune.province.code])),
        ("workshops", reverse("workshops:list")),
        ("workshops ?q&page=3", reverse("workshops:list") + "?q=atelier&page=3"),
        ("workshop, the largest", reverse("workshops:detail", args=[workshop.slug])),
        ("recommendations", reverse("workshops:recommendations")),
        ("tracker", reverse("workshops:tracker")),
        ("commitments", reverse("workshops:commitments")),
        ("open data recommendations.csv", reverse("workshops:open_data", args=["recommendations", "csv"])),
        ("open data commitments.json", reverse("workshops:open_data", args=["commitments", "json"])),
        ("feed", reverse("workshops:feed")),
        ("feed, region", reverse("workshops:region_feed", args=[region.slug])),
        ("feed, commune", reverse("workshops:commune_feed", args=[commune.slug])),
        ("committees", reverse("workshops:committees")),
        ("programmes", reverse("programmes:list")),
        ("programmes feed", reverse("programmes:feed")),
        ("programmes projects.csv", reverse("programmes:open_data", args=["csv"])),
        ("registration, commune search", reverse("registrations:communes", args=[commune.province_id])),
        *sitemap_urls(),
    ]
    if committee:
        urls.append(("committee", reverse("workshops:committee", args=[committee.slug])))
        urls.append(("feed, committee", reverse("workshops:committee_feed", args=[committee.slug])))
    if planned:
        urls.append(("registration form", reverse("registrations:register", args=[planned.slug])))
    return urls


def sitemap_urls():
    """``[(label, url)]`` of the sitemap: its index, and the first and last page of every section."""
    from django.urls import reverse

    from config.urls import ALL_SITEMAPS

    urls = [("sitemap.xml (index)", reverse("sitemap"))]
    for section, sitemap in ALL_SITEMAPS.items():
        address = reverse("sitemap-section", args=[section])
        pages = sitemap().paginator.num_pages
        urls.append((f"sitemap {section}", address))
        if pages > 1:
            urls.append((f"sitemap {section} ?p={pages}", f"{address}?p={pages}"))
    return urls


def staff_urls(user):
    """``[(label, url)]`` of staff pages: the report with common filters, the roster and check-in
    of the largest workshop, the jobs page, and every admin list (with a search and a filter
    when it has them) and the change page of its largest object."""
    from django.db.models import Count
    from django.urls import reverse

    from jobs.models import Job
    from regions.models import Region
    from workshops.models import Project, Workshop

    largest = Workshop.objects.annotate(n=Count("participations")).order_by("-n").first()
    region = Region.objects.annotate(n=Count("hosted_workshops")).order_by("-n").first()
    project = Project.objects.annotate(n=Count("workshops")).order_by("-n").first()
    report = reverse("reports:participants")
    job = Job.objects.create(
        user=user, kind=Job.Kind.REPORT_XLSX, state=Job.State.RUNNING, description="bench"
    )
    urls = [
        ("report, no filter", report),
        ("report, region", f"{report}?region={region.pk}"),
        ("report, a year", f"{report}?start=2024-01-01&end=2024-12-31"),
        ("report, region and year", f"{report}?region={region.pk}&start=2024-01-01&end=2024-12-31"),
        ("report, for publication", f"{report}?public=on"),
        ("report, page 40", f"{report}?page=40"),
        ("staff home", reverse("staff:home")),
        ("roster, the largest workshop", reverse("staff:roster", args=[largest.slug])),
        ("roster ?q", reverse("staff:roster", args=[largest.slug]) + f"?q={SEARCH}"),
        ("check-in roster.json", reverse("checkin:roster", args=[largest.slug])),
        ("job progress page", reverse("jobs:detail", args=[job.pk])),
        ("job status", reverse("jobs:status", args=[job.pk])),
        ("workshop delete confirmation", reverse("admin:workshops_workshop_delete", args=[largest.pk])),
        (
            "import attendance (form)",
            reverse("admin:workshops_workshop_import_attendance", args=[largest.pk]),
        ),
        ("admin index", reverse("admin:index")),
    ]
    if project is not None:
        urls.append(("report, project", f"{report}?project={project.pk}"))
    return urls + admin_urls()


def admin_urls():
    """The list of every model the admin shows, with a search and its first filter, and the
    change page of its most recent object."""
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    urls = []
    for model, model_admin in admin.site._registry.items():
        name = f"{model._meta.app_label}_{model._meta.model_name}"
        try:
            changelist = reverse(f"admin:{name}_changelist")
        except NoReverseMatch:
            continue
        label = f"admin {model._meta.model_name}"
        urls.append((label, changelist))
        if model_admin.search_fields:
            urls.append((f"{label} ?q", f"{changelist}?q={SEARCH}"))
        latest = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
        if latest is not None:
            urls.append((f"{label} change page", reverse(f"admin:{name}_change", args=[latest])))
    return urls


def time_requests(client, urls, runs, minimal):
    """``{label: [seconds]}`` and ``{label: (queries, status, bytes)}`` of ``urls`` over
    ``runs`` rounds (the first a warm-up), the minimal view first in each round."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from config import pagecache

    times = {label: [] for label, _url in [("minimal view", minimal), *urls]}
    facts = {}
    for round_ in range(runs + 1):
        for label, url in [("minimal view", minimal), *urls]:
            pagecache.forget_pages(pagecache.SITE)
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                content = b"".join(response.streaming_content) if response.streaming else response.content
                seconds = time.perf_counter() - start
            if round_:
                times[label].append(seconds)
            facts[label] = (len(queries), response.status_code, len(content))
        print(f"  round {round_} done, load {load()}", file=sys.stderr, flush=True)
    return times, facts


def time_open_data_jobs(runs):
    """Seconds the background job takes to make each whole-country open-data file (what no
    request waits for: visitors get the previous file meanwhile), ``runs`` times each, in
    French: ``{label: [seconds]}``."""
    import tempfile
    from pathlib import Path

    from workshops import opendata_files

    times = {}
    with tempfile.TemporaryDirectory() as folder:
        for _round in range(runs):
            for dataset in opendata_files.DATASETS:
                for fmt in opendata_files.CONTENT_TYPES:
                    start = time.perf_counter()
                    opendata_files.write(Path(folder) / f"{dataset}-{fmt}-x-{_round}.{fmt}", dataset, fmt, "")
                    times.setdefault(f"job: open data {dataset}.{fmt}", []).append(
                        time.perf_counter() - start
                    )
    return times


def report(title, times, facts):
    anchor = statistics.median(times["minimal view"])
    print(f"\n{title}")
    columns = ["median s", "slowest s", "x minimal", "queries", "status", "KiB"]
    print(f"{'request':<44} " + " ".join(f"{column:>9}" for column in columns))
    for label, values in times.items():
        median, slowest = statistics.median(values), max(values)
        queries, status, size = facts[label]
        flag = "  OVER 2 s" if slowest > LIMIT else ""
        print(
            f"{label[:44]:<44} {median:>9.3f} {slowest:>9.3f} {median / anchor:>9.0f} {queries:>9} "
            f"{status:>9} {size / 1024:>9.0f}{flag}",
            flush=True,
        )


def load():
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed rounds after one warm-up (default 3)")
    parser.add_argument("--only", default="", help="only the requests whose label contains this")
    args = parser.parse_args()
    from after_edit import rebuild_at_once, use_temporary_caches
    from run import add_minimal_views, setup_django, sign_in_verified

    use_temporary_caches()
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import translation

    translation.activate("fr")  # the URLs below are reversed in French

    add_minimal_views()
    user, _created = get_user_model().objects.get_or_create(
        username="bench-staff", defaults={"is_staff": True, "is_superuser": True}
    )
    staff = Client()
    sign_in_verified(staff, user)
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}; load at start {load()}")
    for title, client, urls in [
        ("Public pages (their page forgotten, figures cached)", Client(), public_urls()),
        ("Staff pages (a superuser past the one-time code)", staff, staff_urls(user)),
    ]:
        urls = [(label, url) for label, url in urls if args.only in label]
        if urls:
            # Each round forgets every page: its request builds it (not the bounded rebuild
            # rate's latest copy).
            with rebuild_at_once():
                times, facts = time_requests(client, urls, args.runs, "/bench-minimal/")
            report(title, times, facts)
    if "job" in args.only or not args.only:
        jobs = time_open_data_jobs(args.runs)
        print(f"\nOpen data files made by the job (load {load()})")
        for label, values in jobs.items():
            print(f"{label:<44} {statistics.median(values):>9.3f} {max(values):>9.3f}")
    print(f"\nload at end {load()}")


if __name__ == "__main__":
    main()

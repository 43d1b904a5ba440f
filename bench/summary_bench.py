"""The first request after an edit, now that the public figures are summary tables.

Run on a database filled by ``bench/generate.py`` (``DATABASE_URL``, as for bench/run.py)::

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/summary_bench.py

Production caches on (the figures cache of ``settings.CACHES``; whole pages not kept, as for a
URL not yet in the page cache). For each public page (home, regions list, the busiest region,
commune and workshop) it prints, side by side in one run:

- the anchors: a minimal Django view ("ok"), and the page rendered with its figures cached
  (median of ``--repeat`` requests);
- the first request after an edit: ``--edits`` times, one participation of the busiest workshop
  changes status through the ORM as the roster does (the summary tables refresh in that write)
  and the public figures are forgotten (``reports.forget_public_figures``), then one GET is timed:
  median and worst time, queries, and the ratio to the figures-cached render (the issue's
  target: at most 12 queries and 3x);
- the time of that edit itself (the write plus the refresh of the summaries);
- for reference, the two national counts the pages made over every participation before the
  summary tables (distinct people reached, active organisations), timed live, and
  ``rebuild_public_figures``.

The edits are undone at the end (the participation gets its status back).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import add_minimal_views, measure, setup_django  # noqa: E402


def timed(function):
    """``(milliseconds, result)`` of one call of ``function``."""
    start = time.perf_counter()
    result = function()
    return (time.perf_counter() - start) * 1000, result


def targets():
    """``[(label, url)]`` of the pages measured and the participation the edits change."""
    from django.db.models import Count

    from regions.models import Commune, Region
    from workshops.models import Participation, Workshop

    region = Region.objects.annotate(n=Count("hosted_workshops")).order_by("-n").first()
    workshop = Workshop.objects.published().held().annotate(n=Count("participations")).order_by("-n").first()
    commune = Commune.objects.annotate(n=Count("hosted_workshops")).order_by("-n", "pk").first()
    participation = Participation.objects.counted().filter(workshop=workshop).order_by("pk").first()
    pages = [
        ("home", "/fr/"),
        ("regions", "/fr/regions/"),
        ("region", f"/fr/regions/{region.slug}/"),
        ("commune", commune.get_absolute_url().replace("/en/", "/fr/", 1)),
        ("workshop", workshop.get_absolute_url().replace("/en/", "/fr/", 1)),
    ]
    return pages, participation


def edit(participation, flip):
    """Change ``participation``'s status (attended, no-show, back) and forget the figures."""
    from workshops import reports
    from workshops.models import Participation

    participation.status = Participation.Status.NO_SHOW if flip else Participation.Status.ATTENDED
    participation.save()
    reports.forget_public_figures()


def first_after_edit(client, url, participation, edits):
    """``(median ms, worst ms, queries, median edit ms)`` of the first GET after each edit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, writes, queries = [], [], 0
    for index in range(edits):
        writes.append(timed(lambda index=index: edit(participation, index % 2 == 0))[0])
        with CaptureQueriesContext(connection) as captured:
            times.append(timed(lambda: client.get(url))[0])
        queries = max(queries, len(captured))
    edit(participation, False)
    return statistics.median(times), max(times), queries, statistics.median(writes)


def reference_counts():
    """Time the two national counts the pages made live before the summary tables."""
    from django.db.models import Count, Q

    from organizations.models import Organization, Person
    from workshops import reports, summaries
    from workshops.models import Reached, Workshop, WorkshopPartner

    def reach():
        people = Person.objects.filter(pk__in=reports.public_participations().values("person"))
        return list(people.order_by().values_list("region", "gender").annotate(n=Count("pk")))

    def organisations():
        workshops = Workshop.objects.published().held()
        return Organization.objects.filter(
            Q(pk__in=reports.public_participations().values("organization"))
            | Q(pk__in=workshops.values("organizer"))
            | Q(pk__in=WorkshopPartner.objects.filter(workshop__in=workshops).values("organization"))
        ).count()

    def reach_summary():
        return list(Reached.objects.order_by().values_list("region", "gender").annotate(n=Count("pk")))

    print("\nreference (ms, once each, no cache)")
    for label, function in [
        ("reach, live over the participations", reach),
        ("reach, from the summary table", reach_summary),
        ("active organisations, live", organisations),
        ("active organisations, from the summaries", lambda: reports.active_organizations().count()),
        ("rebuild_public_figures (all three tables)", summaries.rebuild),
    ]:
        print(f"  {label:<44} {timed(function)[0]:>9.1f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per anchor (default 20)")
    parser.add_argument("--edits", type=int, default=7, help="edits, each followed by one timed GET")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client

    add_minimal_views()
    settings.CACHE_MIDDLEWARE_SECONDS = 0  # pages not kept: every GET renders
    for alias in settings.CACHES:
        caches[alias].clear()
    client = Client()
    pages, participation = targets()
    print(f"database: {connection.vendor}; figures cache: {settings.CACHES['default']['BACKEND']}")
    print(f"public figures cached for {settings.PUBLIC_FIGURES_CACHE_SECONDS} s")
    minimal = measure(client, "/bench-minimal/", args.repeat)
    print(
        f"\n{'page':<10} {'cached ms':>10} {'after edit ms':>14} {'worst':>8} {'queries':>8} "
        f"{'x cached':>9} {'edit ms':>8}"
    )
    print(f"{'minimal':<10} {minimal[0]:>10.2f}")
    for label, url in pages:
        cached = measure(client, url, args.repeat)
        median, worst, queries, write = first_after_edit(client, url, participation, args.edits)
        print(
            f"{label:<10} {cached[0]:>10.2f} {median:>14.2f} {worst:>8.2f} {queries:>8} "
            f"{median / cached[0]:>9.2f} {write:>8.2f}",
            flush=True,
        )
    reference_counts()


if __name__ == "__main__":
    main()

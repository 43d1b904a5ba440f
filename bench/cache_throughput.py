"""Public throughput while staff save continuously: every page forgotten on each save (as
before scoped invalidation) next to only the pages that show the change, and the read-only
throughput as the anchor, all in one run; with the load average.

In-process (``django.test.Client``, DEBUG off, the full middleware stack, the production
caches: files, or Redis with ``REDIS_URL``), against the database ``bench/generate.py`` filled::

    export DATABASE_URL=sqlite:////tmp/bench.sqlite3
    .venv/bin/python manage.py migrate && .venv/bin/python bench/generate.py --scale small
    .venv/bin/python bench/cache_throughput.py --seconds 20 --readers 4 --writers 3

Readers request a mix of public pages at random (home, tracker, lists, region pages and the
pages of ``--workshops`` workshops); each writer records a follow-up on a random public
commitment (back to back, or ``--pause`` seconds apart), then forgets the public figures the
way the chosen mode says. Writes
follow-ups (``note`` "bench") as the user ``bench-staff``.
"""

import argparse
import os
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import setup_django  # noqa: E402


def public_paths(workshops):
    """The readers' mix: a list of URLs, one in three a workshop's page."""
    from django.urls import reverse
    from django.utils import translation

    from regions.models import Region
    from workshops.models import Workshop

    with translation.override("fr"):
        lists = [reverse(name) for name in ("workshops:home", "workshops:tracker", "workshops:list")]
        lists += [reverse("regions:list")]
        lists += [r.get_absolute_url() for r in Region.objects.order_by("code")[:4]]
        chosen = Workshop.objects.published().order_by("pk")[:workshops]
        return lists + [w.get_absolute_url() for w in chosen] * 2


def read(paths, stop, counts, seed):
    from django.db import connection
    from django.test import Client

    client, rng, done = Client(), random.Random(seed), 0
    while not stop.is_set():
        response = client.get(rng.choice(paths))
        assert response.status_code == 200, response.status_code
        done += 1
    counts.append(done)
    connection.close()


def write(mode, stop, counts, seed, pause):
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from workshops import reports
    from workshops.models import Commitment, FollowUp, ProgressStatus

    user, _ = get_user_model().objects.get_or_create(username="bench-staff", defaults={"is_staff": True})
    commitments = list(Commitment.objects.public().select_related("recommendation__workshop")[:200])
    rng, done = random.Random(seed), 0
    while not stop.is_set():
        commitment = rng.choice(commitments)
        with transaction.atomic():
            FollowUp(
                commitment=commitment,
                date=timezone.localdate(),
                new_status=rng.choice([ProgressStatus.LIMITED, ProgressStatus.SUBSTANTIAL]),
                note="bench",
            ).record(user)
            if mode != "forget-nothing":
                workshop = commitment.recommendation.workshop
                reports.forget_public_figures(None if mode == "everything" else workshop)
        done += 1
        stop.wait(pause)
    counts.append(done)
    connection.close()


def run(mode, paths, seconds, readers, writers, pause):
    """``(requests/s, saves/s)`` of ``readers`` threads over ``seconds``; ``mode`` is
    ``read-only``, ``forget-nothing`` (saves that forget no page: the cost of the writers
    themselves, an upper bound), ``everything`` (each save forgets every page) or ``scoped``."""
    from django.test import Client

    from workshops import reports

    reports.forget_public_figures()
    warm = Client()
    for path in set(paths):  # measured from a warm cache, as between two edits
        warm.get(path)
    stop, reads, saves = threading.Event(), [], []
    threads = [threading.Thread(target=read, args=(paths, stop, reads, i)) for i in range(readers)]
    if mode != "read-only":
        threads += [
            threading.Thread(target=write, args=(mode, stop, saves, i, pause)) for i in range(writers)
        ]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return sum(reads) / seconds, sum(saves) / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--writers", type=int, default=3)
    parser.add_argument("--workshops", type=int, default=40)
    parser.add_argument("--pause", type=float, default=0, help="seconds between two saves of a writer")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection

    paths = public_paths(args.workshops)
    print(
        f"{connection.vendor}, caches: {settings.CACHES['pages']['BACKEND'].rsplit('.', 1)[-1]}, "
        f"{len(set(paths))} pages, {args.readers} readers, {args.writers} writers "
        f"(pause {args.pause:g} s), {args.seconds:g} s each"
    )
    for mode in ("read-only", "forget-nothing", "everything", "scoped"):
        reads, saves = run(mode, paths, args.seconds, args.readers, args.writers, args.pause)
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"{mode:>10}: {reads:8.1f} requests/s  {saves:6.1f} saves/s  load {load}")


if __name__ == "__main__":
    main()

"""Time the roster page of a workshop of ``--people`` participants (3 sessions, everyone ticked
on day 1), against an anchor measured in the same run: the admin's participation list.

Makes a fresh SQLite database in a temporary folder (migrate), fills it with factories, signs in
a staff member who may tick and see contacts, then prints the median and slowest of ``--runs``
requests of each page, with the number of queries and the load average. Figures are printed,
not asserted::

    .venv/bin/python bench/roster_bench.py --people 500
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="roster-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/db.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path[:0] = [str(ROOT)]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    client, roster_url = _fill(args.people)
    from django.urls import reverse
    from django.utils import translation

    with translation.override("en"):
        anchor_url = reverse("admin:workshops_participation_changelist")
    anchor = _time(client, anchor_url, args.runs)
    roster = _time(client, roster_url, args.runs)
    print(f"load average {os.getloadavg()[0]:.2f}; {args.people} participants, {args.runs} runs")
    for name, (median, slowest, queries) in (("anchor: admin participations", anchor), ("roster", roster)):
        print(
            f"{name:32} median {median * 1000:7.1f} ms  slowest {slowest * 1000:7.1f} ms  {queries} queries"
        )


def _fill(people):
    """A three-day workshop with ``people`` participants; a signed-in staff client and its roster URL."""
    import datetime

    from django.contrib.auth.models import Permission, User
    from django.test import Client

    from organizations.models import Organization, Person
    from workshops.models import Attendance, Participation, Workshop

    workshop = Workshop.objects.create(
        title="Bench",
        slug="bench",
        organizer=Organization.objects.create(name="Bench association"),
        start_date=datetime.date(2026, 3, 5),
        end_date=datetime.date(2026, 3, 7),
    )
    workshop.sync_sessions()
    saved = Person.objects.bulk_create(
        Person(first_name="Khadija", last_name=f"Ait {n:04d}", phone=f"+2126003{n:05d}")
        for n in range(people)
    )
    rows = Participation.objects.bulk_create(
        Participation(workshop=workshop, person=p, counts_toward_totals=True, pass_token=f"{n:032x}")
        for n, p in enumerate(saved)
    )
    day1 = workshop.sessions.get(position=1)
    Attendance.objects.bulk_create(Attendance(participation=p, session=day1) for p in rows)
    user = User.objects.create_user("bench", password="x", is_staff=True)
    codenames = ["view_participation", "view_person", "change_participation", "add_participation"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client, f"/en/staff/workshops/{workshop.slug}/roster/"


def _time(client, url, runs):
    """``(median seconds, slowest seconds, queries of the last request)`` of GET ``url``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _run in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), max(times), len(queries)


if __name__ == "__main__":
    main()

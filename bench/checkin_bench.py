"""Check-in figures: the roster a phone downloads and one batch of ticks, for a workshop of
``--people`` participants and three sessions, on a fresh SQLite file in a temporary folder.

Prints, with the load average: the **anchor** (a fixed piece of Python work, to compare runs on
a busy machine), the roster (``attendance.checkin.roster``: time and JSON size), a batch of
``--batch`` ticks applied (``apply_batch``), the same batch again (all duplicates), and a batch
of unticks. Figures are printed, not asserted::

    .venv/bin/python bench/checkin_bench.py --people 500 --batch 200
"""

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def anchor():
    """Seconds for a fixed piece of work (folding 20,000 names)."""
    from regions.names import fold

    start = time.perf_counter()
    for n in range(20_000):
        fold.__wrapped__(f"Fatima-Zahra El Ḥajji {n} فاطمة الزّهراء")
    return time.perf_counter() - start


def setup(people):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from organizations.models import Organization, Person
    from workshops.models import Participation, Session, Workshop

    call_command("migrate", verbosity=0)
    organiser = Organization.objects.create(name="Organiser")
    workshop = Workshop.objects.create(
        title="Bench",
        slug="bench",
        organizer=organiser,
        start_date=date(2026, 3, 1),
        end_date=date(2026, 3, 3),
    )
    sessions = [
        Session.objects.create(workshop=workshop, position=n, date=date(2026, 3, n)) for n in (1, 2, 3)
    ]
    persons = Person.objects.bulk_create(
        Person(first_name="فاطمة", last_name=f"Participant {n}", phone=f"+2126009{n:05d}")
        for n in range(people)
    )
    Participation.objects.bulk_create(
        Participation(workshop=workshop, person=p, counts_toward_totals=True) for p in persons
    )
    user = get_user_model().objects.create_superuser("bench", password="x")
    return workshop, sessions, user


def timed(label, call):
    start = time.perf_counter()
    result = call()
    print(f"{label}: {1000 * (time.perf_counter() - start):.0f} ms")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="checkin-bench-")
    os.environ.update(DATABASE_URL=f"sqlite:///{folder}/db.sqlite3", DJANGO_DEBUG="1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from attendance import checkin

    print(f"load average at start: {os.getloadavg()}")
    print(f"anchor (fold 20,000 names): {1000 * anchor():.0f} ms")
    workshop, sessions, user = setup(args.people)
    data = timed(f"roster of {args.people} people", lambda: checkin.roster(workshop, user))
    print(f"roster JSON: {len(json.dumps(data, ensure_ascii=False).encode()) / 1024:.0f} KiB")
    ids = list(workshop.participations.values_list("pk", flat=True)[: args.batch])
    now = checkin.timezone.now()

    def batch(present, minutes):
        events = [
            {
                "id": str(uuid.uuid4()),
                "participation": pk,
                "session": sessions[0].pk,
                "present": present,
                "at": (now - timedelta(minutes=minutes)).isoformat(),
            }
            for pk in ids
        ]
        return {"device": "bench", "walk_ins": [], "events": events}

    ticks = batch(True, 10)
    timed(
        f"{args.batch} ticks applied", lambda: checkin.apply_batch(workshop, user, checkin.parse_batch(ticks))
    )
    timed(
        f"the same {args.batch} again",
        lambda: checkin.apply_batch(workshop, user, checkin.parse_batch(ticks)),
    )
    unticks = batch(False, 5)
    timed(f"{args.batch} unticks", lambda: checkin.apply_batch(workshop, user, checkin.parse_batch(unticks)))
    print(f"anchor again: {1000 * anchor():.0f} ms")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()

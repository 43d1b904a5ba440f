"""Time of one public registration (form posted, person matched or created, participation and
consent saved, redirect), against the anchor of the public workshop list in the same run.

Makes a fresh SQLite database in a temporary folder (or uses ``DATABASE_URL`` when set: give it
a scratch database, the script writes to it), migrates it, opens registration for a workshop
with ``--people`` + 10 places, then posts ``--people`` registrations through Django's test
client (each from its own address, new phones), then ``--people`` more with the same phones
(repeats: matched, nothing saved), and prints the median and 95th percentile in milliseconds
of each, with the anchor (GET of the public workshop list) and the load average::

    .venv/bin/python bench/registration.py --people 200
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(call, count):
    """Milliseconds of each of ``count`` calls of ``call(i)``."""
    spent = []
    for index in range(count):
        start = time.perf_counter()
        call(index)
        spent.append((time.perf_counter() - start) * 1000)
    return spent


def summary(name, spent):
    spent = sorted(spent)
    p95 = spent[int(len(spent) * 0.95) - 1]
    print(f"{name:<28} n={len(spent):<5} median {statistics.median(spent):7.1f} ms   p95 {p95:7.1f} ms")


def setup_django(folder):
    """Django on a fresh SQLite file in ``folder``, migrated, with caches and the rate limit out
    of the way."""
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("FIGURES_CACHE_DIR", f"{folder}/figures")
    os.environ.setdefault("PAGE_CACHE_DIR", f"{folder}/pages")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.REGISTRATION_RATE_LIMIT = 10**6
    settings.CACHE_MIDDLEWARE_SECONDS = 0
    call_command("migrate", verbosity=0)


def open_workshop(places):
    """A published workshop in ten days, open to registration with ``places`` places."""
    from django.utils import timezone

    from organizations.models import Organization
    from workshops.models import Workshop

    organizer = Organization.objects.create(name="Association Bench", cndp_declaration="D-1/2026")
    start = timezone.localdate() + datetime.timedelta(days=10)
    return Workshop.objects.create(
        title="ورشة القياس",
        slug="bench-registration",
        organizer=organizer,
        start_date=start,
        end_date=start,
        registration_open=True,
        registration_capacity=places,
        is_published=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=200)
    args = parser.parse_args()
    setup_django(tempfile.mkdtemp(prefix="registration-bench-"))
    from django.test import Client

    workshop = open_workshop(args.people + 10)
    url = f"/fr/register/{workshop.slug}/"

    def register(index, offset=0):
        client = Client(REMOTE_ADDR=f"10.0.{index // 250}.{index % 250 + 1}")
        response = client.post(
            url,
            {
                "first_name": f"Salma {index}",
                "last_name": "Tazi",
                "gender": "female",
                "phone": f"06610{index + offset:05d}",
                "consent": "on",
            },
        )
        assert response.status_code == 302, response.status_code

    anchor = Client()
    print(f"load average at start: {os.getloadavg()}")
    summary("anchor: GET /fr/workshops/", timed(lambda i: anchor.get("/fr/workshops/"), args.people))
    summary("new registration (POST)", timed(register, args.people))
    summary("repeat registration (POST)", timed(register, args.people))
    print(f"participations: {workshop.participations.count()}")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()

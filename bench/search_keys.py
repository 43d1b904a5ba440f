"""Search through the stored keys against the literal search it replaced, on generated data.

Run from the project folder on a database filled by ``bench/generate.py``::

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/search_keys.py

For each word: the rows found and the time (median and 95th percentile of 20 runs after 2
warm-ups, milliseconds) of the count and first page (100 rows by name) that an admin list asks
for, (a) the literal way (``icontains`` on each field, the anchor: what the admin did before)
and (b) through the keys (``Model.objects.search``). Then the time of rebuilding every key of
the people. Prints the load average, since the machine is shared.
"""

import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402

from organizations.models import Person  # noqa: E402
from workshops.models import Workshop  # noqa: E402

CASES = [
    (Person, ("first_name", "last_name"), ["last_name", "first_name"], ["احمد", "أحمد", "Mohamed", "fatima"]),
    (Workshop, ("title", "summary", "city"), ["-start_date"], ["democratie", "الديموقراطية", "Marrakech"]),
]


def timed(queryset, order):
    """Milliseconds of the count and first page of ``queryset``, and the count."""
    start = time.perf_counter()
    count = queryset.count()
    list(queryset.order_by(*order)[:100])
    return (time.perf_counter() - start) * 1000, count


def measure(queryset, order, runs=20):
    for _ in range(2):
        timed(queryset, order)
    times, count = zip(*(timed(queryset, order) for _ in range(runs)), strict=True)
    p95 = statistics.quantiles(times, n=20)[-1]
    return count[0], statistics.median(times), p95


def main():
    print(f"{connection.vendor}; load average {os.getloadavg()}")
    print(f"{'model':<10} {'word':<14} {'literal: rows, ms (median/p95)':<34} keys: rows, ms (median/p95)")
    for model, fields, order, words in CASES:
        for word in words:
            literal = model.objects.filter(
                Q.create([Q((f"{f}__icontains", word)) for f in fields], connector="OR")
            )
            a = measure(literal, order)
            b = measure(model.objects.search(word), order)
            print(
                f"{model.__name__:<10} {word:<14} {a[0]:>7} {a[1]:>8.1f} {a[2]:>8.1f}{'':<8}"
                f" {b[0]:>7} {b[1]:>8.1f} {b[2]:>8.1f}"
            )
    start = time.perf_counter()
    count = Person.objects.rebuild_search_keys()
    print(f"rebuild of {count} people's keys: {time.perf_counter() - start:.1f} s")
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()

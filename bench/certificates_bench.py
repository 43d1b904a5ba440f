"""Certificates of participation: time to issue and render the 50 of the example workshop.

Run from the project folder::

    .venv/bin/python bench/certificates_bench.py [--repeat 3]

It creates a throw-away SQLite database in a temporary folder (migrations, the example workshop;
DEBUG off, as in production) and times, best of ``--repeat``:

- **sign-in sheet**: the example's pre-filled sign-in sheet (PDF, 50 names), the anchor that the
  certificates are compared with, so that the ratio holds on a noisy machine;
- **issue**: ``attendance.certificates.issue`` for the 50 (database only);
- **render**: the 50 certificates as one PDF (``render_certificates``: HTML, 50 QR codes,
  WeasyPrint).

The load average (1 minute) is printed beside the figures: the machine is shared. Figures are
printed, not asserted; docs/performance.md keeps the ones measured.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def best(repeat, function):
    """``(best seconds, result)`` of ``repeat`` calls of ``function()``."""
    times, result = [], None
    for _i in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each figure; the best is kept")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="certificates-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("ERASURE_HASH_KEY", "bench-only-not-secret")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    from attendance import certificates
    from attendance.example import marrakech
    from attendance.signin import render_sign_in_sheet

    call_command("migrate", verbosity=0)
    workshop, _result = marrakech.load()
    participations = list(certificates.eligible(workshop))
    with translation.override("ar"):
        sheet, _pdf = best(args.repeat, lambda: render_sign_in_sheet(workshop))
        issue, issued = best(args.repeat, lambda: certificates.issue(participations, username="bench"))
        render, pdf = best(
            args.repeat, lambda: certificates.render_certificates(issued, "https://example.org")
        )
    load = os.getloadavg()[0]
    print(f"best of {args.repeat}; {os.cpu_count()} CPUs; load average (1 min) {load:.2f}")
    print(
        "| certificates | sign-in sheet s (anchor) | issue s | render s | per certificate s "
        "| PDF KiB | ratio |"
    )
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {len(issued)} | {sheet:.2f} | {issue:.3f} | {render:.2f} | {render / len(issued):.3f} "
        f"| {len(pdf) // 1024} | {render / sheet:.1f} |"
    )
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Attendance import benchmark: realistic sheets of 5,000 and 20,000 rows, XLSX and CSV, imported
into SQLite.

Run from the project folder::

    .venv/bin/python bench/import_bench.py [--rows 5000 20000] [--format xlsx csv] [--repeat 3] [--profile]

It makes a sheet like the organisers' (title lines, Arabic and French names, Moroccan mobile
numbers, regions spelled in every common way, organisations, three day columns ticked ✓ or x),
creates a throw-away SQLite database in a temporary folder (migrations included; DEBUG off, as
in production), and times, for
each number of rows and format, the best of ``--repeat`` runs of:

- **read**: the file merely read with the same reader (``attendance.sheets.read_sheets``), the
  anchor that the import is compared with, so that the ratio holds on a noisy machine;
- **preview**: ``attendance.apply.import_attendance`` with ``dry_run`` (every row checked, the
  plan made, nothing written);
- **import**: the same, written, into a database without these people (a copy of the fresh one);
- **again**: the same sheet imported once more (it changes nothing).

The load average (1 minute) is printed next to every figure: the machine is shared. Figures are
printed, not asserted; docs/performance.md keeps the ones measured. ``--profile`` prints where one
import of the first configuration spends its time (cProfile).
"""

import argparse
import io
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST_AR = ["نزهة", "المهدي", "هاجر", "عبد الرحيم", "سناء", "يوسف", "أسماء", "سعيد", "ليلى", "حنان", "عزيز"]
LAST_AR = ["بناني", "المرابط", "بلحاج", "البقالي", "أمزيان", "أوعلي", "أيت علي", "الإدريسي", "التازي"]
FIRST_FR = [
    "Nezha",
    "Mehdi",
    "Hajar",
    "Sanaa",
    "Youssef",
    "Asmae",
    "Said",
    "Leila",
    "Hanane",
    "Aziz",
    "Karima",
]
LAST_FR = ["BENNANI", "MRABET", "BELHAJ", "EL BAKKALI", "AMZIANE", "OUALI", "AIT ALI", "IDRISSI", "TAZI"]
REGIONS = [
    "Fès-Meknès",
    "fes meknes",
    "جهة فاس - مكناس",
    "Béni Mellal-Khénifra",
    "بني ملال - خنيفرة",
    "Tanger-Tétouan-Al Hoceïma",
    "TTA",
    "L'Oriental",
    "الجهة الشرقية",
    "Rabat-Salé-Kénitra",
    "Marrakech-Safi",
    "مراكش - آسفي",
    "Souss-Massa",
    "Drâa-Tafilalet",
]
ORGANISATIONS = [
    "جمعية نساء صفرو للمبادرة",
    "Association Tanmia Azrou",
    "شبكة شباب الحسيمة للمشاركة",
    "Commune de Fquih Ben Salah",
    "جماعة بني ملال",
    "Réseau des jeunes de Taza",
    "Fondation Al Amal",
]


def make_rows(count, seed=2021):
    """``count`` participant rows (lists of str) with the header first; unique phones and
    e-mails, about half the names in Arabic script."""
    rng = random.Random(seed)
    rows = [
        [
            "N°",
            "Nom",
            "Prénom",
            "Sexe",
            "Organisation",
            "Fonction",
            "Ville",
            "Région",
            "Tél",
            "E-mail",
            "J1",
            "J2",
            "J3",
        ]
    ]
    for i in range(count):
        arabic = i % 2 == 0
        female = rng.random() < 0.46
        rows.append(
            [
                str(i + 1),
                rng.choice(LAST_AR if arabic else LAST_FR),
                rng.choice(FIRST_AR if arabic else FIRST_FR),
                ("أنثى" if female else "ذكر") if arabic else ("F" if female else "H"),
                rng.choice(ORGANISATIONS) + ("" if i % 3 else f" {i % 40}"),
                "رئيس(ة) الجمعية" if arabic else "Membre",
                "صفرو" if arabic else "Taza",
                rng.choice(REGIONS),
                f"06 {61 + i // 1_000_000:02d} {i % 1_000_000:06d}",
                f"participant{i:05d}@example.org" if i % 4 else "",
                *[("✓" if arabic else "x") if rng.random() < 0.9 else "" for _day in range(3)],
            ]
        )
    return rows


def sheet_bytes(rows, fmt):
    if fmt == "csv":
        import csv

        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";").writerows(rows)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["ورقة الحضور – Liste de présence"])
    sheet.append([])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def best_of(repeat, function, before=None):
    """``(best seconds, load average then, last result, CPU seconds of the best)`` of ``repeat``
    calls of ``function``, each after ``before()`` (untimed) when given. CPU time is this
    process's (SQLite runs in it): what the wall time would be on an idle machine, nearly."""
    best, load, result, cpu = None, None, None, None
    for _ in range(repeat):
        if before is not None:
            before()
        start, start_cpu = time.perf_counter(), time.process_time()
        result = function()
        seconds = time.perf_counter() - start
        if best is None or seconds < best:
            best, load, cpu = seconds, os.getloadavg()[0], time.process_time() - start_cpu
    return best, load, result, cpu


class Bench:
    """A throw-away SQLite database with one three-day workshop, copied back to its fresh state
    before each import so that every import creates the same people."""

    def __init__(self, folder):
        import datetime

        from django.core.management import call_command
        from django.db import connection

        from organizations.models import Organization
        from workshops.models import Session, Workshop

        call_command("migrate", verbosity=0)
        organizer = Organization.objects.create(name="Bench organiser")
        self.workshop = Workshop.objects.create(
            title="Bench",
            slug="bench",
            organizer=organizer,
            start_date=datetime.date(2021, 3, 5),
            end_date=datetime.date(2021, 3, 7),
            status=Workshop.Status.HELD,
        )
        for day in range(3):
            date = datetime.date(2021, 3, 5 + day)
            Session.objects.create(workshop=self.workshop, position=day + 1, date=date)
        connection.close()
        self.database = Path(folder) / "bench.sqlite3"
        self.fresh = Path(folder) / "fresh.sqlite3"
        shutil.copyfile(self.database, self.fresh)

    def reset(self):
        from django.db import connection

        connection.close()
        shutil.copyfile(self.fresh, self.database)

    def fresh_start(self):
        """The database as before any import, and the caches of values (folded names, phone
        numbers) empty, as for a sheet of people the server has not seen: otherwise the best of
        several runs would time the lookups of the previous run's values."""
        self.reset()
        forget_values()

    def run(self, rows, fmt, repeat):
        """Time one configuration; returns a dict of figures."""
        from attendance.apply import import_attendance
        from attendance.sheets import read_sheets

        data = sheet_bytes(make_rows(rows), fmt)
        name = f"bench.{fmt}"
        figures = {"rows": rows, "format": fmt.upper(), "KiB": len(data) / 1024}
        figures["read"] = best_of(repeat, lambda: list(read_sheets(data, name)))
        figures["preview"] = best_of(
            repeat, lambda: import_attendance(self.workshop, data, name, dry_run=True), self.fresh_start
        )
        figures["import"] = best_of(
            repeat, lambda: import_attendance(self.workshop, data, name), self.fresh_start
        )
        created = figures["import"][2].people_created
        again = lambda: import_attendance(self.workshop, data, name)  # noqa: E731
        figures["again"] = best_of(repeat, again, forget_values)
        matched = figures["again"][2].people_matched
        assert created == matched == rows, "the sheet was not imported whole"
        return figures


def forget_values():
    """Empty the caches of values (not those of the vocabulary, which a server keeps warm)."""
    from organizations.phones import normalise_phone
    from regions.names import fold, name_key

    for cached in (normalise_phone, fold, name_key):
        cached.cache_clear()


def print_figures(figures):
    def cell(key, digits=2):
        seconds, load, _result, cpu = figures[key]
        return f"{seconds:.{digits}f} (cpu {cpu:.{digits}f}, load {load:.1f})"

    rows, read, imported = figures["rows"], figures["read"], figures["import"]
    print(
        f"| {rows:,} | {figures['format']} | {figures['KiB']:,.0f} | {cell('read', 3)} | {cell('preview')} "
        f"| {cell('import')} | {rows / imported[0]:,.0f} ({rows / imported[3]:,.0f} cpu) "
        f"| {imported[0] / read[0]:.1f} | {cell('again')} |",
        flush=True,
    )


def profile(bench, rows, fmt):
    """Print the 30 functions of our apps where one import spends the most time (cumulative)."""
    import cProfile
    import pstats

    from attendance.apply import import_attendance

    data = sheet_bytes(make_rows(rows), fmt)
    bench.reset()
    profiler = cProfile.Profile()
    profiler.runcall(import_attendance, bench.workshop, data, f"bench.{fmt}")
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(r"attendance|organizations|regions|workshops|django/db", 30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5000, 20000])
    parser.add_argument("--format", choices=["xlsx", "csv"], nargs="+", default=["xlsx", "csv"])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each figure; the best is kept")
    parser.add_argument("--profile", action="store_true", help="profile one import instead")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="import-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # As in production (and bench/run.py): with DEBUG on, Django keeps every query's SQL with
    # its parameters quoted, a third of the import's time.
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("ERASURE_HASH_KEY", "bench-only-not-secret")
    import django

    django.setup()
    from django.conf import settings

    settings.ATTENDANCE_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
    bench = Bench(folder)
    if args.profile:
        profile(bench, args.rows[0], args.format[0])
        return
    print(
        f"SQLite database in {folder}; best of {args.repeat}; load average (1 min) at the best run; "
        f"{os.cpu_count()} CPUs; ratio = import / read; cpu = this process's CPU seconds"
    )
    print("| rows | format | KiB | read s | preview s | import s | rows/s | ratio | again s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for rows in args.rows:
        for fmt in args.format:
            print_figures(bench.run(rows, fmt, args.repeat))
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

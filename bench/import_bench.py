"""Attendance import benchmark: a realistic 5,000-row sheet imported into SQLite.

Run from the project folder: ``.venv/bin/python bench/import_bench.py [--rows 5000] [--format xlsx|csv]``.

It makes a sheet like the organisers' (title lines, Arabic and French names, Moroccan mobile
numbers, regions spelled in every common way, organisations, three day columns ticked ✓ or x),
creates a throw-away SQLite database in a temporary folder (migrations included), and times
``attendance.apply.import_attendance`` with full validation: the preview (plan only), the
import itself, and the same sheet imported again (which changes nothing). Figures are printed,
not asserted; docs/performance.md keeps the ones measured.
"""

import argparse
import io
import os
import random
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="import-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import datetime

    from django.conf import settings
    from django.core.management import call_command

    from attendance.apply import import_attendance
    from organizations.models import Organization
    from workshops.models import Session, Workshop

    settings.ATTENDANCE_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
    call_command("migrate", verbosity=0)
    organizer = Organization.objects.create(name="Bench organiser")
    workshop = Workshop.objects.create(
        title="Bench",
        slug="bench",
        organizer=organizer,
        start_date=datetime.date(2021, 3, 5),
        end_date=datetime.date(2021, 3, 7),
        status=Workshop.Status.HELD,
    )
    for day in range(3):
        Session.objects.create(workshop=workshop, position=day + 1, date=datetime.date(2021, 3, 5 + day))

    rows = make_rows(args.rows)
    data = sheet_bytes(rows, args.format)
    print(f"sheet: {args.rows} rows, {args.format}, {len(data) / 1024:.0f} KiB; database: SQLite in {folder}")
    timings = {}
    for label, dry_run in (("preview (plan only)", True), ("import", False), ("same sheet again", False)):
        start = time.perf_counter()
        result = import_attendance(workshop, data, f"bench.{args.format}", dry_run=dry_run)
        timings[label] = time.perf_counter() - start
        print(
            f"{label:>20}: {timings[label]:6.2f} s, {args.rows / timings[label]:7.0f} rows/s "
            f"(people created {result.people_created}, matched {result.people_matched}, "
            f"marks added {result.marks_added})"
        )
    print(f"rows per second (import with full validation): {args.rows / timings['import']:.0f}")


if __name__ == "__main__":
    main()

"""Action programme import benchmark: a commune's table of projects (Arabic headers, costs with
no-break spaces, years as ranges) of 200 and 1,000 rows, as XLSX and CSV.

Run from the project folder (a throw-away SQLite database is made in a temporary folder)::

    .venv/bin/python bench/programme_import.py [--rows 200 1000] [--repeat 3]

For each size and format, the best of ``--repeat`` runs of:

- **read**: the file merely read (``attendance.sheets.read_sheets``), the anchor;
- **preview**: ``programmes.importing.read_table`` (header found, every cell parsed, repeats
  checked against the programme);
- **save**: ``programmes.importing.save_rows`` into an empty programme (rolled back after).

The load average (1 minute) is printed next to every figure: the machine is shared. Figures are
printed, not asserted.
"""

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = ["ر.ت", "المشروع", "القطاع", "الكلفة التقديرية (بالدرهم)", "سنوات الإنجاز", "الشركاء", "الموقع"]
SECTORS = ["البنية التحتية", "الماء والتطهير", "الشباب والرياضة", "التنمية الاجتماعية", "الصحة"]


def rows(count):
    """``count`` projects as a commune types them."""
    yield HEADER
    for n in range(1, count + 1):
        cost = f"{n * 12_500:,}".replace(",", "\u00a0") + (",00 درهم" if n % 2 else "")
        yield [
            str(n),
            f"مشروع رقم {n} لتهيئة الدوار",
            SECTORS[n % 5],
            cost,
            f"{2022 + n % 3}-{2025 + n % 3}",
            "",
            "",
        ]


def as_xlsx(count):
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows(count):
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_csv(count):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows(count))
    return buffer.getvalue().encode("utf-8-sig")


def best(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    folder = tempfile.mkdtemp()
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from attendance.sheets import read_sheets
    from programmes import example
    from programmes.importing import read_table, save_rows
    from programmes.models import ActionProgramme

    call_command("migrate", verbosity=0)
    commune = example.commune()
    programme = ActionProgramme.objects.create(commune=commune, start_year=2022, end_year=2027)
    for count in options.rows:
        for name, maker in (("xlsx", as_xlsx), ("csv", as_csv)):
            data = maker(count)
            filename = f"pac.{name}"
            read = best(
                lambda data=data, filename=filename: list(read_sheets(data, filename)), options.repeat
            )
            preview = best(
                lambda data=data, filename=filename: read_table(data, filename, programme), options.repeat
            )
            table = read_table(data, filename, programme)
            assert not table.errors, table.errors[:3]

            def save(table=table):
                with transaction.atomic():
                    save_rows(programme, table.rows)
                    transaction.set_rollback(True)

            saved = best(save, options.repeat)
            load = os.getloadavg()[0]
            print(
                f"{count:>5} rows {name:<4}  read {read * 1000:7.1f} ms  preview {preview * 1000:7.1f} ms "
                f"({preview / read:4.1f} x read)  save {saved * 1000:7.1f} ms  load {load:.1f}"
            )


if __name__ == "__main__":
    main()

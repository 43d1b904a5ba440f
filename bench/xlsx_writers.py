"""Which XLSX writer for the bulk attendance export: openpyxl's write-only mode, XlsxWriter's
``constant_memory`` mode and rustpy-xlsxwriter, side by side on the export's own rows, next to
PostgreSQL's COPY and the CSV export of the same rows, measured in the same run.

Run from the project folder against a database filled by ``bench/generate.py`` (national scale:
1,000,000 attendance marks, about 100,000 a year)::

    export DATABASE_URL=postgres://tracker:tracker@127.0.0.1:5433/bench
    .venv/bin/python bench/xlsx_writers.py                      # one year, then everything
    .venv/bin/python bench/xlsx_writers.py --kinds year --repeat 3 --methods copy-csv rustpy

Each export runs in a fresh subprocess (``--child``), which reads the rows as the product does
(``attendance.bulk_exports.rows``: the database computes every cell) and writes them to a
temporary file. Every writer does the same job: the styled, frozen header, right to left in
Arabic (``--language``), dates as dates, the session number as a number, typed text already
neutralised by the database. ``rustpy`` is the product's own ``bulk_exports.write_xlsx`` to a
path (``rustpy-file``: to an open temporary file, as the download view writes it); ``openpyxl``
and ``xlsxwriter`` are written here the fastest way each library allows (openpyxl:
``Workbook(write_only=True)``, ``append``; XlsxWriter: ``constant_memory``, typed ``write_*``
calls, no string turned into a formula, number or link). ``read`` only reads the rows (the
floor every writer stands on); ``copy-csv`` and ``csv-writer`` are ``bulk_exports.write_csv``
through COPY and through ``csv.writer``.

Printed for each: rows, wall seconds, the subprocess's CPU seconds (user + system; PostgreSQL's
own work is in its server process, not here), rows per CPU-second, peak resident memory
(``ru_maxrss``) and its growth during the export, the file's size, and the wall time over that of
``COPY (the export's query) TO STDOUT (FORMAT csv)`` read to the end (PostgreSQL only), measured
before and after the exports of each size (both printed; the ratio uses their mean). The load
average (``/proc/loadavg``) is printed with every line: the machine is shared.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Production settings (DEBUG off), as bench/run.py measures.
from run import copy_read_seconds, setup_django  # noqa: E402

METHODS = ("read", "copy-csv", "csv-writer", "openpyxl", "xlsxwriter", "rustpy", "rustpy-file")
# Columns of ``bulk_exports.COLUMNS`` holding a date, and the session number.
DATE_COLUMNS = (1, 4)
NUMBER_COLUMNS = (3,)


def load():
    """The one-minute load average."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def selection_of(kind):
    """``year``: the marks of workshops started in 2024 (about a tenth); ``all``: every mark."""
    from attendance import bulk_exports

    return bulk_exports.Selection(year=2024) if kind == "year" else bulk_exports.Selection()


def write_openpyxl(selection, path):
    """openpyxl's write-only workbook: rows kept in a temporary file, styled header cells."""
    from django.utils.translation import get_language_bidi
    from django.utils.translation import gettext as _
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from attendance import bulk_exports
    from workshops.spreadsheets import HEADER_ALIGNMENT, HEADER_FILL, HEADER_FONT

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Attendance")[:31])
    sheet.freeze_panes = "A2"
    sheet.sheet_view.rightToLeft = bool(get_language_bidi())
    header = []
    for title in bulk_exports.header():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in bulk_exports.rows(selection):
        sheet.append(row)
        count += 1
    workbook.save(path)
    return count


def write_xlsxwriter(selection, path):
    """XlsxWriter in ``constant_memory`` mode (rows flushed to a temporary file as each row
    ends), one typed call a cell."""
    import xlsxwriter
    from django.utils.translation import get_language_bidi
    from django.utils.translation import gettext as _

    from attendance import bulk_exports

    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    workbook = xlsxwriter.Workbook(str(path), options)
    sheet = workbook.add_worksheet(_("Attendance")[:31])
    if get_language_bidi():
        sheet.right_to_left()
    sheet.freeze_panes(1, 0)
    bold = workbook.add_format(
        {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78", "valign": "vcenter", "text_wrap": True}
    )
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, bulk_exports.header(), bold)
    number = {index: sheet.write_number for index in NUMBER_COLUMNS}
    count = 0
    for count, row in enumerate(bulk_exports.rows(selection), start=1):
        for column, value in enumerate(row):
            if value == "":
                continue
            if column in DATE_COLUMNS:
                sheet.write_datetime(count, column, value, date)
            else:
                number.get(column, sheet.write_string)(count, column, value)
    workbook.close()
    return count


def run(method, selection, folder):
    """Run ``method`` on ``selection`` into ``folder``; return ``(rows, file bytes)``."""
    from attendance import bulk_exports

    if method == "read":
        return sum(1 for _row in bulk_exports.rows(selection)), 0
    path = Path(folder) / ("export.csv" if "csv" in method else "export.xlsx")
    if method in ("copy-csv", "csv-writer"):
        with path.open("w", encoding="utf-8", newline="") as stream:
            rows = bulk_exports.write_csv(selection, stream, copy=method == "copy-csv")
    elif method == "rustpy-file":
        # As the download view does it: into an open temporary file.
        with tempfile.TemporaryFile() as target:
            return bulk_exports.write_xlsx(selection, target), target.tell()
    else:
        writers = {"openpyxl": write_openpyxl, "xlsxwriter": write_xlsxwriter}
        rows = writers.get(method, bulk_exports.write_xlsx)(selection, path)
    return rows, path.stat().st_size


def child(kind, method, language):
    """In a subprocess: one export; print JSON with rows, seconds, CPU seconds, MiB, bytes."""
    from django.utils import translation

    translation.activate(language)
    selection = selection_of(kind)
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        rows, size = run(method, selection, folder)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    result = {"rows": rows, "seconds": seconds, "cpu": cpu, "bytes": size}
    result.update(peak_mib=after.ru_maxrss / 1024, growth_mib=(after.ru_maxrss - before.ru_maxrss) / 1024)
    print(json.dumps(result))


def copy_seconds(kind):
    """Wall seconds of ``COPY (the export's query) TO STDOUT (FORMAT csv)`` read to the end."""
    from attendance import bulk_exports

    return copy_read_seconds(bulk_exports.copy_statement(bulk_exports.marks(selection_of(kind))))


def measure(kind, method, language):
    output = subprocess.run(
        [sys.executable, __file__, "--child", kind, method, "--language", language],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    ).stdout
    return json.loads(output.splitlines()[-1])


def bench(kinds, methods, repeat, language):
    """Print a line per export of ``methods`` for each of ``kinds``, next to COPY's time."""
    from django.db import connection

    postgresql = connection.vendor == "postgresql"
    print(f"{connection.vendor}, language {language}, load {load():.2f}; {os.uname().nodename}", flush=True)
    print(
        f"{'kind':<5} {'method':<11} {'rows':>9} {'wall s':>7} {'CPU s':>7} {'rows/CPU-s':>10} "
        f"{'peak MiB':>8} {'+MiB':>5} {'file MiB':>8} {'x COPY':>6} {'load':>5}"
    )
    for kind in kinds:
        copies = [copy_seconds(kind)] if postgresql else []
        if copies:
            print(f"{kind:<5} {'COPY':<11} {'':>9} {copies[0]:>7.2f} {'':>44} {load():>5.2f}", flush=True)
        results = [(method, measure(kind, method, language)) for method in methods for _ in range(repeat)]
        if postgresql:
            copies.append(copy_seconds(kind))
            print(f"{kind:<5} {'COPY':<11} {'':>9} {copies[1]:>7.2f} {'':>44} {load():>5.2f}", flush=True)
        for method, result in results:
            print_line(kind, method, result, sum(copies) / len(copies) if copies else None)


def print_line(kind, method, result, copy):
    ratio = f"{result['seconds'] / copy:>6.1f}" if copy else f"{'':>6}"
    print(
        f"{kind:<5} {method:<11} {result['rows']:>9,} {result['seconds']:>7.2f} {result['cpu']:>7.2f} "
        f"{result['rows'] / result['cpu']:>10,.0f} {result['peak_mib']:>8.0f} {result['growth_mib']:>5.0f} "
        f"{result['bytes'] / 2**20:>8.1f} {ratio} {load():>5.2f}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", nargs="+", choices=["year", "all"], default=["year", "all"])
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=list(METHODS))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--language", default="fr", help="language of labels and sheet (ar: right to left)")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "METHOD"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup_django()
    if args.child:
        child(*args.child, args.language)
    else:
        bench(args.kinds, args.methods, args.repeat, args.language)


if __name__ == "__main__":
    main()

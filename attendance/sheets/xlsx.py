"""XLSX workbooks, read with python-calamine (Rust; about 18 times faster than openpyxl's
read-only mode on a 5,000-row sheet) when a scan of the raw XML shows every worksheet is plain;
else with openpyxl in read-only mode after a streaming check of each worksheet's shape (rows and
cells counted before openpyxl builds them).

calamine builds a whole worksheet at once, as one block from its first to its last cell holding
a value: a value at XFD1048576 would ask for half a terabyte and abort the process. So it only
reads workbooks whose worksheets name every cell's position within the rows and columns read
(``limits``), in a block of at most ``CALAMINE_MAX_CELLS``; anything else (a far cell, a cell
without a position, a DTD, a namespace prefix, an error value such as ``#N/A``) goes through
openpyxl, which reads those exactly as before. Both give a formula cell's cached value (the
formula itself is never read; python-calamine 0.9 cannot tell a formula cell from a value).
"""

import io
import re
import xml.sax
import xml.sax.handler
import zipfile

from django.utils.translation import gettext as _

from attendance.sheets.base import (
    Sheet,
    SheetReadError,
    check_zip,
    collect,
    limits,
    too_many_columns,
    too_many_rows,
)

# No spreadsheet program writes a row wider than column XFD.
XLSX_MAX_CELLS_PER_ROW = 16384
# Cells in the block calamine builds (rows × columns): 20,061 rows of 49 columns, or 50,000
# cells of 20 bytes of Rust each and a Python list.
CALAMINE_MAX_CELLS = 1_000_000
# A cell and its position (column letters, row number), or two empty groups when it has none.
_CELL = re.compile(rb'<c(?=[\s>/])(?:[^>]*?\sr="([A-Z]{1,3})([0-9]{1,7})")?')
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:row|c)[\s>/]")


class _StopScan(Exception):
    pass


class _WorksheetShape(xml.sax.handler.ContentHandler):
    """Streams one zip member past, in constant memory, and refuses a worksheet that openpyxl
    would hold too much of: a row of more than ``XLSX_MAX_CELLS_PER_ROW`` cells (it builds a
    whole row at once), or more ``<row>`` elements than the row limit among those it reads.

    openpyxl reads rows until one is numbered past the limit (the ``r`` attribute, else one
    more than the previous row), but reads a sheet without a ``<dimension>`` in full when it
    opens the workbook: such a sheet is scanned to its end. Other members stop at their root.
    """

    def __init__(self, max_rows):
        super().__init__()
        self.max_rows, self.root, self.dimension, self.in_data = max_rows, None, False, False
        self.rows, self.number, self.cells, self.in_row = 0, 0, 0, False

    def startElement(self, name, attrs):
        local = name.rpartition(":")[2]
        if self.root is None:
            self.root = local
            if local != "worksheet":
                raise _StopScan
        elif local == "dimension" and not self.in_data:
            self.dimension = True
        elif local == "sheetData":
            self.in_data = True
        elif local == "row":
            try:
                self.number = int(float(attrs.get("r") or self.number + 1))
            except (ValueError, OverflowError):
                self.number += 1
            if self.dimension and self.number > self.max_rows + 1:
                raise _StopScan  # where iter_rows(max_row=…) stops
            self.rows += 1
            if self.rows > self.max_rows + 1:
                raise too_many_rows()
            self.cells, self.in_row = 0, True
        elif local == "c" and self.in_row:
            self.cells += 1
            if self.cells > XLSX_MAX_CELLS_PER_ROW:
                raise too_many_columns(limits()[1], self.number)

    def endElement(self, name):
        if name.rpartition(":")[2] == "row":
            self.in_row = False


def _check_worksheets(data):
    """Run ``_WorksheetShape`` over every member of the XLSX ``data`` before openpyxl opens it
    (openpyxl finds worksheets through the workbook's relationships, whatever their names).
    Members that are not XML are left to openpyxl."""
    from defusedxml.sax import make_parser

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            parser = make_parser()
            parser.setContentHandler(_WorksheetShape(limits()[0]))
            with archive.open(info) as source:
                try:
                    parser.parse(source)
                except (_StopScan, xml.sax.SAXParseException):
                    pass


def _column_number(letters):
    """1 for ``b"A"``, 27 for ``b"AA"``."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _plain_member(xml, max_rows, max_columns):
    """Whether calamine reads the zip member ``xml`` (bytes) as openpyxl does, in bounded
    memory: every cell (``<c>``) names its position, within ``max_rows`` and ``max_columns + 1``
    and a block of ``CALAMINE_MAX_CELLS``; no more ``<row>`` than ``max_rows``; no DTD,
    namespace prefix or error value. Members that are not worksheets (no ``sheetData``, where
    cells live) need only have no DTD. Byte scans only, no XML parse."""
    if b"<!DOCTYPE" in xml:
        return False
    if b"sheetData" not in xml:
        return True
    if b't="e"' in xml or b"t='e'" in xml or xml.count(b"<row") > max_rows or _PREFIXED.search(xml):
        return False
    if xml.count(b"<c") > CALAMINE_MAX_CELLS:  # at least the cells: a bound for the list below
        return False
    references = _CELL.findall(xml)
    rows = {row for _column, row in references}
    if not rows:
        return True
    if b"" in rows:  # a cell without its position
        return False
    last_row = max(map(int, rows))
    last_column = max(map(_column_number, {column for column, _row in references}))
    return (
        last_row <= max_rows
        and last_column <= max_columns + 1
        and last_row * last_column <= CALAMINE_MAX_CELLS
    )


def _plain_workbook(data):
    """Whether every member of the XLSX ``data`` passes ``_plain_member`` (calamine finds
    worksheets through the workbook's relationships, whatever their names)."""
    max_rows, max_columns = limits()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return all(
            _plain_member(archive.read(info), max_rows, max_columns)
            for info in archive.infolist()
            if not info.is_dir()
        )


def _not_valid(exc):
    return SheetReadError(_("This file is not a valid .xlsx workbook (%(reason)s).") % {"reason": exc})


def read_xlsx(data):
    """Yield each visible worksheet of an XLSX file (bytes) as a ``Sheet``, after ``check_zip``:
    with calamine when ``_plain_workbook``, else with openpyxl after the streaming shape check.
    Raises SheetReadError."""
    check_zip(data)
    try:
        plain = _plain_workbook(data)
    except Exception as exc:  # damaged members: zlib.error, BadZipFile, EOFError…
        raise _not_valid(exc) from exc
    yield from (_read_with_calamine if plain else _read_with_openpyxl)(data)


def _read_with_calamine(data):
    """Yield the visible worksheets of the plain XLSX ``data`` read with python-calamine."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # CalamineError, ZipError, XmlError…
        raise _not_valid(exc) from exc
    try:
        for index, metadata in enumerate(workbook.sheets_metadata):
            if metadata.visible != SheetVisibleEnum.Visible or metadata.typ != SheetTypeEnum.WorkSheet:
                continue
            try:
                # From A1 whatever the first cell holding a value, so rows keep their numbers.
                values = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
            except Exception as exc:
                raise _not_valid(exc) from exc
            yield Sheet(metadata.name, collect(enumerate(values, start=1)), "xlsx")
    finally:
        workbook.close()


def _read_with_openpyxl(data):
    """Yield the visible worksheets of the XLSX ``data`` read with openpyxl (read-only)."""
    from openpyxl import load_workbook

    try:
        _check_worksheets(data)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SheetReadError:
        raise
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise _not_valid(exc) from exc
    max_rows, max_columns = limits()
    try:
        for sheet in workbook.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            # Ignore the stored dimensions: some writers claim XFD1048576. max_row and max_col
            # stop openpyxl from padding rows to the dimension or reading further down.
            sheet.reset_dimensions()
            raw = enumerate(
                sheet.iter_rows(max_row=max_rows + 1, max_col=max_columns + 1, values_only=True),
                start=1,
            )
            yield Sheet(sheet.title, collect(raw), "xlsx")
    except SheetReadError:
        raise
    except Exception as exc:
        raise _not_valid(exc) from exc
    finally:
        workbook.close()

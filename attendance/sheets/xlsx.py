"""XLSX workbooks, read with openpyxl in read-only mode after a streaming check of each
worksheet's shape (rows and cells counted before openpyxl builds them)."""

import io
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
                raise too_many_rows(self.max_rows)
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


def read_xlsx(data):
    """Yield each worksheet of an XLSX file (bytes) as a ``Sheet``, after ``check_zip`` and the
    streaming shape check; raises SheetReadError."""
    from openpyxl import load_workbook

    check_zip(data)
    try:
        _check_worksheets(data)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SheetReadError:
        raise
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise SheetReadError(
            _("This file is not a valid .xlsx workbook (%(reason)s).") % {"reason": exc}
        ) from exc
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
        raise SheetReadError(
            _("This file is not a valid .xlsx workbook (%(reason)s).") % {"reason": exc}
        ) from exc
    finally:
        workbook.close()

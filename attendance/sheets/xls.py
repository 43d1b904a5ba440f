"""Legacy Excel workbooks (.xls), read with xlrd; rows are not padded."""

from django.utils.translation import gettext as _

from attendance.sheets.base import (
    Sheet,
    SheetReadError,
    collect,
    limits,
    too_many_rows,
)


def read_xls(data):
    """Yield each worksheet of a legacy XLS file (bytes) as a ``Sheet``; raises SheetReadError."""
    import xlrd

    max_rows, max_columns = limits()
    try:
        # formatting_info=False: blank formatted cells are not materialised (a memory bomb);
        # ragged_rows=True: rows are not padded to the widest one.
        book = xlrd.open_workbook(file_contents=data, on_demand=True, formatting_info=False, ragged_rows=True)
    except Exception as exc:  # xlrd raises XLRDError, struct.error, AssertionError…
        raise SheetReadError(_("This file is not a valid .xls workbook.")) from exc
    try:
        for index in range(book.nsheets):
            try:
                sheet = book.sheet_by_index(index)
            except Exception as exc:
                raise SheetReadError(_("This file is not a valid .xls workbook.")) from exc
            if sheet.nrows > max_rows:
                raise too_many_rows()
            raw = []
            for row_index in range(sheet.nrows):
                values = []
                width = min(sheet.row_len(row_index), max_columns + 1)
                for cell in sheet.row_slice(row_index, 0, width):
                    value = cell.value
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        try:
                            value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                            value = ""
                    elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                        value = ""
                    elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                        value = bool(value)
                    values.append(value)
                raw.append((row_index + 1, values))
            yield Sheet(sheet.name, collect(raw), "xls")
            book.unload_sheet(index)
    finally:
        book.release_resources()

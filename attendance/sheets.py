"""Uploaded attendance sheets → rows of text cells, whatever the format and encoding.

Entry point: ``read_sheets(data, filename)``, used by ``attendance.imports``. It decides the
format from the content (magic bytes), not from the name, checks the file is safe to open,
and yields each worksheet as ``Sheet(name, rows)``, ``rows`` a list of
``(row_number, [cell text, …])`` with row numbers as the spreadsheet shows them.

Formats
    ``.xlsx`` (openpyxl, read-only; its XML parsing goes through defusedxml when installed,
    which requirements.txt pins), legacy ``.xls`` (xlrd), ``.ods`` (read here with
    defusedxml's streaming parser: odfpy builds a whole document tree in memory and is no
    longer maintained) and delimited text (``.csv``, ``.tsv``, ``.txt``).

Text encodings, detected in this order
    byte-order mark (UTF-8, UTF-16 LE/BE: Excel's "Unicode text") → UTF-16 without a mark
    (every other byte zero) → strict UTF-8 → Windows-1256 if the bytes above 0x7F mostly come
    in runs, as Arabic letters do, else Windows-1252 (French accents stand alone between
    ASCII letters), else Latin-1. Delimiter: ``,`` ``;`` or tab, whichever gives the most rows
    of the same width (an Excel ``sep=;`` first line is obeyed).

Safety
    The size limit (``ATTENDANCE_UPLOAD_MAX_BYTES``) is checked first. Zipped formats (XLSX,
    ODS) are refused before opening when their members' declared sizes add up to more than
    ``ATTENDANCE_MAX_UNCOMPRESSED_BYTES`` or when a member expands more than
    ``ZIP_MAX_RATIO`` times (zip bombs); Python's zipfile never inflates a member past its
    declared size. XML goes through defusedxml (entity expansion refused). Every format stops
    reading past ``ATTENDANCE_MAX_ROWS`` rows and ``ATTENDANCE_MAX_COLUMNS`` columns before it
    builds the rows in memory: a sheet's declared dimension is ignored, an XLSX row is
    counted (streaming) before openpyxl reads it, ODS repeat counts are capped and repeated
    rows share their cells, legacy XLS rows are not padded, and a text line with too many
    delimiters is refused before it is split.

Cell text
    Control characters (NUL, escape…, and lone surrogates) are removed from every cell: no
    name needs them and PostgreSQL refuses NUL. Runs of white space become one space.

CSV quotes
    A quotation mark that opens a cell and is not closed where the cell should end makes the
    csv module read the following lines into that cell. A quoted cell is refused when it
    would take in lines that hold delimiters, when its quote is still open at the end of the
    file, or when it outgrows the csv module's field limit; the error names the row and
    column where the quote opened.

Errors raise ``SheetReadError`` with a translated message for the user; any other exception
raised while a file is read becomes one ("this file cannot be read").
"""

import csv
import datetime as dt
import io
import logging
import re
import xml.sax
import xml.sax.handler
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from regions.names import collapse_spaces

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
ACCEPTED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", *TEXT_SUFFIXES}
ZIP_MAX_RATIO = 200
ZIP_MAX_MEMBERS = 2000
# Small members (styles, themes) compress extremely well without being bombs.
ZIP_RATIO_FLOOR = 1024 * 1024

_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# Content that is certainly not a sheet, named in the error message.
BINARY_MAGIC = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"{\\rtf": "RTF",
}

FORMAT_LABELS = {"xlsx": "XLSX", "xls": "XLS", "ods": "ODS", "text": "CSV"}


class SheetReadError(Exception):
    """The file cannot be read as an attendance sheet; ``str(error)`` is for the user.

    ``row``: the row number the problem is on (None for the whole file); ``column``: its
    0-based column index (or None); ``rows``: the rows read before it, as in ``Sheet.rows``,
    so that the caller can name the column by its header.
    """

    def __init__(self, message, row=None, column=None, rows=()):
        super().__init__(message)
        self.row, self.column, self.rows = row, column, list(rows)


@dataclass
class Sheet:
    """One worksheet: ``name`` (str), ``rows`` [(row number, [cell str, …])], ``fmt`` ("xlsx",
    "xls", "ods" or "text") and ``encoding`` (for text files, the codec used, else "")."""

    name: str
    rows: list
    fmt: str
    encoding: str = ""


def _limits():
    return settings.ATTENDANCE_MAX_ROWS, settings.ATTENDANCE_MAX_COLUMNS


# Control characters that str.split() does not count as white space, and lone surrogates
# (which cannot be encoded): removed from every cell.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff]")


def cell_text(value):
    """A cell's value as stripped text: dates as ``YYYY-MM-DD``, whole numbers without ``.0``,
    control characters removed and white space collapsed."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return collapse_spaces(_CONTROL.sub("", str(value)))


def _trim(cells):
    """Drop trailing empty cells (sheets often carry formatted but empty columns)."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _too_many_rows(max_rows):
    return SheetReadError(
        _("The sheet has more than %(limit)s rows; split it into smaller sheets.") % {"limit": max_rows}
    )


def _too_many_columns(max_columns, row=None):
    return SheetReadError(
        _("The sheet has more than %(limit)s columns; remove the columns that are not needed.")
        % {"limit": max_columns},
        row=row,
    )


def _collect(raw_rows):
    """Turn ``(number, [values])`` into trimmed text rows, enforcing the row and column caps.

    Consecutive rows given as the very same list (ODS repeated rows) share one list of cells.
    """
    max_rows, max_columns = _limits()
    rows = []
    previous, cells = None, []
    for number, values in raw_rows:
        if number > max_rows:
            if any(v not in (None, "") for v in values):
                raise _too_many_rows(max_rows)
            continue
        if values is not previous:
            cells = _trim([cell_text(v) for v in values])
            previous = values
        if len(cells) > max_columns:
            raise _too_many_columns(max_columns, number)
        rows.append((number, cells))
    return rows


def sniff_format(data):
    """Return the format the bytes hold: "xlsx", "ods", "xls", "zip" (another zip archive),
    "text", or the name of a known non-sheet type ("PDF", "PNG"…); None when unknown binary."""
    if data.startswith(OLE2_MAGIC):
        return "xls"
    if data.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
                    return "ods"
                if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                    return "xlsx"
        except Exception:  # damaged or encrypted (RuntimeError), bad deflate data (zlib.error)…
            return None
        return "zip"
    for magic, label in BINARY_MAGIC.items():
        if data.startswith(magic):
            return label
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")) or _utf16_without_bom(data):
        return "text"
    # Binary files are full of control bytes; a text sheet may hold a stray one (removed later).
    sample = data[:4096]
    if len(_BINARY_BYTES.findall(sample)) * 100 > len(sample):
        return None
    return "text"


def _not_valid(suffix):
    labels = {".xlsx": ".xlsx", ".xlsm": ".xlsx", ".xls": ".xls", ".ods": ".ods"}
    if suffix in labels:
        return SheetReadError(_("This file is not a valid %(type)s workbook.") % {"type": labels[suffix]})
    return SheetReadError(_("This file is not a spreadsheet or a text (CSV) file."))


def read_sheets(data, filename):
    """Yield the worksheets of ``data`` (bytes) as ``Sheet`` objects, first sheet first.

    ``filename`` gives the extension, which must be one of ``ACCEPTED_SUFFIXES``; the
    content decides how it is read (an ``.xls`` that is really XLSX or tab-separated text,
    as some web exports are, is read as what it is). Raises ``SheetReadError``.
    """
    limit = settings.ATTENDANCE_UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise SheetReadError(
            _("The file is too large (%(size)s bytes; the limit is %(limit)s bytes).")
            % {"size": len(data), "limit": limit}
        )
    suffix = Path(filename or "").suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise SheetReadError(
            _("Unsupported file type “%(suffix)s”: upload an attendance sheet in .xlsx, .xls, .ods or .csv.")
            % {"suffix": suffix or filename}
        )
    fmt = sniff_format(data)
    readers = {"xlsx": _read_xlsx, "ods": _read_ods, "xls": _read_xls}
    if fmt == "text" and suffix not in {".xlsx", ".xlsm", ".ods"}:
        readers["text"] = _read_texts
    if fmt not in readers:
        raise _not_valid(suffix)
    try:
        yield from readers[fmt](data)
    except SheetReadError:
        raise
    except Exception as exc:  # parsers raise anything on damaged input: zlib.error, KeyError…
        logger.info("Unreadable %s upload", fmt, exc_info=True)
        raise SheetReadError(
            _(
                "This file cannot be read: it may be damaged or cut short (%(reason)s). Open it in "
                "a spreadsheet program, save it again and upload the saved copy."
            )
            % {"reason": f"{type(exc).__name__}: {exc}"[:200]}
        ) from exc


# Zipped formats ------------------------------------------------------------------------------


def check_zip(data):
    """Refuse a zip archive whose members would expand beyond the limits (zip bomb).

    Reads only the central directory. Raises SheetReadError.
    """
    cap = settings.ATTENDANCE_MAX_UNCOMPRESSED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SheetReadError(_("This file is a damaged zip archive.")) from exc
    if len(members) > ZIP_MAX_MEMBERS:
        raise SheetReadError(_("This file holds too many parts to be a spreadsheet."))
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > ZIP_RATIO_FLOOR and ratio > ZIP_MAX_RATIO:
            raise SheetReadError(
                _("This file expands to far more than its size (a “zip bomb”); it was not opened.")
            )
    if total > cap:
        raise SheetReadError(
            _(
                "This file would expand to %(size)s bytes once unzipped (the limit is %(limit)s); it "
                "was not opened."
            )
            % {"size": total, "limit": cap}
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
                raise _too_many_rows(self.max_rows)
            self.cells, self.in_row = 0, True
        elif local == "c" and self.in_row:
            self.cells += 1
            if self.cells > XLSX_MAX_CELLS_PER_ROW:
                raise _too_many_columns(_limits()[1], self.number)

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
            parser.setContentHandler(_WorksheetShape(_limits()[0]))
            with archive.open(info) as source:
                try:
                    parser.parse(source)
                except (_StopScan, xml.sax.SAXParseException):
                    pass


def _read_xlsx(data):
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
    max_rows, max_columns = _limits()
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
            yield Sheet(sheet.title, _collect(raw), "xlsx")
    except SheetReadError:
        raise
    except Exception as exc:
        raise SheetReadError(
            _("This file is not a valid .xlsx workbook (%(reason)s).") % {"reason": exc}
        ) from exc
    finally:
        workbook.close()


_ODS_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def _ods(prefix, name):
    return f"{{{_ODS_NS[prefix]}}}{name}"


def _ods_text(node):
    """The text of an ODS paragraph and its spans, with ``text:s`` spaces expanded."""
    parts = [node.text or ""]
    for child in node:
        if child.tag == _ods("text", "s"):
            # Runs of spaces collapse to one anyway; text:c="2000000000" must not be expanded.
            parts.append(" ")
        elif child.tag in {_ods("text", "tab"), _ods("text", "line-break")}:
            parts.append(" ")
        else:
            parts.append(_ods_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _ods_cell_value(element):
    kind = element.get(_ods("office", "value-type"))
    if kind in {"float", "percentage", "currency"}:
        try:
            return float(element.get(_ods("office", "value")))
        except (TypeError, ValueError):
            return ""
    if kind == "date":
        value = element.get(_ods("office", "date-value"), "")
        return value[:10] if value[10:] in ("", "T00:00:00") else value.replace("T", " ")
    if kind == "boolean":
        return element.get(_ods("office", "boolean-value")) == "true"
    return " ".join(_ods_text(p) for p in element if p.tag in {_ods("text", "p"), _ods("text", "h")})


def _repeat(element, attribute):
    """An ODS repeat count (``number-rows-repeated``…), at least 1."""
    return max(int(element.get(_ods("table", attribute), "1") or 1), 1)


def _read_ods(data):
    from defusedxml import ElementTree as SafeET
    from defusedxml.common import DefusedXmlException

    check_zip(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        content = archive.open("content.xml")
    except (KeyError, zipfile.BadZipFile, OSError) as exc:
        raise SheetReadError(_("This file is not a valid .ods workbook.")) from exc
    try:
        yield from _ods_tables(SafeET.iterparse(content, events=("start", "end")))
    except (SafeET.ParseError, DefusedXmlException, ValueError) as exc:
        raise SheetReadError(
            _("This file is not a valid .ods workbook (%(reason)s).") % {"reason": repr(exc)}
        ) from exc
    finally:
        archive.close()


def _ods_tables(events):
    """Yield a Sheet per ``table:table`` of ODS content.xml parse ``events``.

    Each cell is read and dropped as soon as it ends, so a row of a million cells is never
    held; repeat counts are capped at the row and column limits, and a repeated row is one
    list shared by its copies.
    """
    max_rows, max_columns = _limits()
    table_tag, row_tag = _ods("table", "table"), _ods("table", "table-row")
    cell_tag, covered_tag = _ods("table", "table-cell"), _ods("table", "covered-table-cell")
    raw, number, name, row, values = [], 0, "", None, []
    for event, element in events:
        tag = element.tag
        if event == "start":
            if tag == table_tag:
                raw, number, name = [], 0, element.get(_ods("table", "name"), "")
            elif tag == row_tag:
                row, values = element, []
        elif tag in (cell_tag, covered_tag) and row is not None:
            # Trailing empty cells are often repeated up to column 1024 or 16384.
            room = max_columns + 1 - len(values)
            if room > 0:
                value = cell_text(_ods_cell_value(element)) if tag == cell_tag else ""
                values.extend([value] * min(_repeat(element, "number-columns-repeated"), room))
            element.clear()
            if len(row) and row[0] is element:
                row.remove(element)
        elif tag == row_tag:
            repeat = _repeat(element, "number-rows-repeated")
            if any(values):
                if number + repeat > max_rows:
                    raise _too_many_rows(max_rows)
                raw.extend((number + i, values) for i in range(1, repeat + 1))
            number += repeat
            element.clear()
            row = None
        elif tag == table_tag:
            yield Sheet(name, _collect(raw), "ods")
            raw = []
            element.clear()


# Legacy Excel ---------------------------------------------------------------------------------


def _read_xls(data):
    import xlrd

    max_rows, max_columns = _limits()
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
                raise _too_many_rows(max_rows)
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
            yield Sheet(sheet.name, _collect(raw), "xls")
            book.unload_sheet(index)
    finally:
        book.release_resources()


# Text -----------------------------------------------------------------------------------------


def _utf16_without_bom(data):
    sample = data[:4096]
    if len(sample) < 8:
        return False
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    half = len(sample) // 2
    return max(even_zeros, odd_zeros) > 0.3 * half and min(even_zeros, odd_zeros) < 0.05 * half


def decode_text(data):
    """Decode a text sheet. Returns ``(text, codec)``; see the module docstring for the order."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise SheetReadError(
                    _("This text file starts like %(codec)s but is not valid %(codec)s.") % {"codec": codec}
                ) from exc
    if _utf16_without_bom(data):
        codec = "utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be"
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _looks_arabic_single_byte(data):
        return data.decode("cp1256", errors="replace"), "cp1256"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _looks_arabic_single_byte(data):
    """True if bytes above 0x7F mostly stand next to one another (Arabic words in Windows-1256)
    rather than alone between ASCII letters (accented letters in French, Windows-1252)."""
    runs = re.findall(rb"[\x80-\xff]+", data[:65536])
    in_runs = sum(len(run) for run in runs if len(run) > 1)
    alone = sum(1 for run in runs if len(run) == 1)
    return in_runs > alone


_SEP_LINE = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)
_LINE_END = re.compile(r"\r\n|\r|\n")
SAMPLE_LINE_LENGTH = 32768
# A quoted cell as the csv module reads one ("" is a quote inside it).
_QUOTED = re.compile(r'"[^"]*(?:""[^"]*)*"')


def _widths(lines, delimiter):
    """Widths (trailing empty cells dropped) of the non-empty records of ``lines`` read with
    ``delimiter``, up to the first record the csv module cannot read."""
    widths = []
    # A sample is enough: the head of each line, not millions of cells of a hostile one.
    reader = csv.reader((line[:SAMPLE_LINE_LENGTH] for line in lines), delimiter=delimiter)
    while True:
        try:
            row = next(reader)
        except (StopIteration, csv.Error):
            return widths
        if any(cell.strip() for cell in row):
            widths.append(len(_trim(row)))


def _common_width(widths):
    return max(set(widths), key=widths.count) if widths else 0


def _detect_delimiter(lines):
    """Pick ``,``, ``;`` or tab: the one giving the most non-empty lines of the most common width
    (at least two columns)."""
    best, best_score = ",", (0, 0)
    for delimiter in ("\t", ";", ","):
        widths = [w for w in _widths(lines, delimiter) if w >= 2]
        if not widths:
            continue
        common = _common_width(widths)
        score = (widths.count(common), common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _split_record(text, delimiter):
    """Split ``text`` (a record's lines, final line break removed) into raw fields as the csv
    module does. Returns ``(fields, open_field)``: ``open_field`` is the index of the field
    whose opening quotation mark is still open at the end of ``text``, else None."""
    fields, start, position = [], 0, 0
    while True:
        if text.startswith('"', position):
            search = position + 1
            while True:
                close = text.find('"', search)
                if close < 0:
                    fields.append(text[start:])
                    return fields, len(fields) - 1
                if not text.startswith('"', close + 1):
                    break
                search = close + 2
            position = close + 1
        end = text.find(delimiter, position)
        if end < 0:
            fields.append(text[start:])
            return fields, None
        fields.append(text[start:end])
        start = position = end + 1


def _check_line_widths(lines, start, delimiter, max_columns):
    """Refuse a line with more than ``max_columns`` cells before the csv module splits it (a
    5 MB line of ``a;`` would become millions of strings). Delimiters in quoted cells and
    trailing empty cells do not count."""
    for index in range(start, len(lines)):
        line = lines[index]
        if line.count(delimiter) < max_columns:
            continue
        outside = _QUOTED.sub("", line.rstrip("\r\n")).rstrip(delimiter + " ")
        if outside.count(delimiter) >= max_columns:
            raise _too_many_columns(max_columns, index + 1)


def _open_quote_error(cell, first, last, row, column, rows):
    """The error for a quotation mark that opens ``cell`` (its text, quote removed) at row
    ``row``, column index ``column``, and runs from line ``first`` to ``last`` (1-based)."""
    start = _LINE_END.split(cell, maxsplit=1)[0].strip()
    return SheetReadError(
        _(
            'A quotation mark (") opens this cell (“%(start)s…”) and is not closed where the cell '
            "ends, so lines %(first)s to %(last)s of the file would be read as this one cell. "
            "Delete the quotation mark, or close it, and upload the file again."
        )
        % {"start": start[:40], "first": first, "last": last},
        row=row,
        column=column,
        rows=rows,
    )


def _preview(raw):
    """The first rows read so far, as text, for naming a column by its header."""
    return [(number, [cell_text(v) for v in values]) for number, values in raw[:100]]


def _check_quoted_cells(values, lines, first, last, delimiter, width, row, raw):
    """Refuse a record spanning ``lines[first:last]`` when a quotation mark was left open: one
    of its cells takes in lines holding delimiters (rows of their own, read into the cell),
    or its quote is still open at the end of the file. A cell on two lines with an address or
    a second line of a name is fine."""
    enough = max(1, (width - 1) // 2)
    for column, cell in enumerate(values):
        continuation = _LINE_END.split(cell)[1:]
        if any(line.count(delimiter) >= enough for line in continuation):
            return _open_quote_error(cell, first + 1, last, row, column, _preview(raw))
    if last == len(lines):
        _fields, open_field = _split_record("".join(lines[first:last]).rstrip("\r\n"), delimiter)
        if open_field is not None:
            cell = values[open_field] if open_field < len(values) else ""
            return _open_quote_error(cell, first + 1, last, row, open_field, _preview(raw))
    return None


def _unreadable_record(lines, first, last, delimiter, row, raw, exc):
    """The error for a record the csv module refused (a cell over its field limit)."""
    fields, open_field = _split_record("".join(lines[first:last]).rstrip("\r\n"), delimiter)
    if open_field is not None and last - first > 1:
        cell = fields[open_field][1:]
        return _open_quote_error(cell, first + 1, last, row, open_field, _preview(raw))
    if "field limit" in str(exc):
        longest = max(range(len(fields)), key=lambda i: len(fields[i]))
        return SheetReadError(
            _(
                "This cell holds more than %(limit)s characters, far more than an attendance sheet "
                "needs: shorten it or delete it."
            )
            % {"limit": csv.field_size_limit()},
            row=row,
            column=longest,
            rows=_preview(raw),
        )
    return SheetReadError(
        _("This text file cannot be read as CSV (%(reason)s).") % {"reason": exc},
        row=row,
        rows=_preview(raw),
    )


def _read_texts(data):
    yield _read_text(data)


def _read_text(data):
    """Read delimited text into one Sheet; rows are numbered by record, as a spreadsheet
    program shows them (a cell on two lines is one row)."""
    text, codec = decode_text(data)
    # Only \r, \n and \r\n end lines (str.splitlines would also split at U+2028, form feed…).
    lines = io.StringIO(text, newline="").readlines()
    start = 0
    delimiter = None
    if lines and (match := _SEP_LINE.match(lines[0].rstrip("\r\n"))):
        delimiter, start = match.group(1), 1
    if delimiter is None:
        delimiter = _detect_delimiter(lines[start : start + 60])
    width = _common_width(_widths(lines[start : start + 60], delimiter))
    max_rows, max_columns = _limits()
    _check_line_widths(lines, start, delimiter, max_columns)
    reader = csv.reader(iter(lines[start:]), delimiter=delimiter)
    raw, number = [], start
    while number <= max_rows:
        first = start + reader.line_num  # index in lines of the record's first line
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise _unreadable_record(
                lines, first, start + reader.line_num, delimiter, number + 1, raw, exc
            ) from exc
        number += 1
        last = start + reader.line_num
        if last - first > 1:
            error = _check_quoted_cells(values, lines, first, last, delimiter, width, number, raw)
            if error is not None:
                raise error
        raw.append((number, values[: max_columns + 1]))
    return Sheet("", _collect(raw), "text", codec)

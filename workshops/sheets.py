"""Uploaded attendance sheets → rows of text cells, whatever the format and encoding.

Entry point: ``read_sheets(data, filename)``, used by ``workshops.imports``. It decides the
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
    reading past ``ATTENDANCE_MAX_ROWS`` rows and ``ATTENDANCE_MAX_COLUMNS`` columns.

Errors raise ``SheetReadError`` with a translated message for the user.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from regions.names import collapse_spaces

TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
ACCEPTED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", *TEXT_SUFFIXES}
ZIP_MAX_RATIO = 200
ZIP_MAX_MEMBERS = 2000
# Small members (styles, themes) compress extremely well without being bombs.
ZIP_RATIO_FLOOR = 1024 * 1024

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
    """The file cannot be read as an attendance sheet; ``str(error)`` is for the user."""


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


def cell_text(value):
    """A cell's value as stripped text: dates as ``YYYY-MM-DD``, whole numbers without ``.0``."""
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
    return collapse_spaces(str(value))


def _trim(cells):
    """Drop trailing empty cells (sheets often carry formatted but empty columns)."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _collect(raw_rows):
    """Turn ``(number, [values])`` into trimmed text rows, enforcing the row and column caps."""
    max_rows, max_columns = _limits()
    rows = []
    for number, values in raw_rows:
        if number > max_rows:
            if any(v not in (None, "") for v in values):
                raise SheetReadError(
                    _("The sheet has more than %(limit)s rows; split it into smaller sheets.")
                    % {"limit": max_rows}
                )
            continue
        cells = _trim([cell_text(v) for v in values])
        if len(cells) > max_columns:
            raise SheetReadError(
                _("The sheet has more than %(limit)s columns; remove the columns that are not needed.")
                % {"limit": max_columns}
            )
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
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
            return None
        return "zip"
    for magic, label in BINARY_MAGIC.items():
        if data.startswith(magic):
            return label
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")) or _utf16_without_bom(data):
        return "text"
    if b"\x00" in data[:4096]:
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
    if fmt == "xlsx":
        yield from _read_xlsx(data)
    elif fmt == "ods":
        yield from _read_ods(data)
    elif fmt == "xls":
        yield from _read_xls(data)
    elif fmt == "text" and suffix not in {".xlsx", ".xlsm", ".ods"}:
        yield _read_text(data)
    else:
        raise _not_valid(suffix)


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


def _read_xlsx(data):
    from openpyxl import load_workbook

    check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise SheetReadError(
            _("This file is not a valid .xlsx workbook (%(reason)s).") % {"reason": exc}
        ) from exc
    max_rows, max_columns = _limits()
    try:
        for sheet in workbook.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            # Ignore the stored dimensions: some writers claim XFD1048576.
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
            parts.append(" " * int(child.get(_ods("text", "c"), "1") or 1))
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


def _read_ods(data):
    from defusedxml import ElementTree as SafeET
    from defusedxml.common import DefusedXmlException

    check_zip(data)
    max_rows, max_columns = _limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        content = archive.open("content.xml")
    except (KeyError, zipfile.BadZipFile, OSError) as exc:
        raise SheetReadError(_("This file is not a valid .ods workbook.")) from exc
    table_tag, row_tag = _ods("table", "table"), _ods("table", "table-row")
    cell_tags = {_ods("table", "table-cell"), _ods("table", "covered-table-cell")}
    sheets, raw, number, name = [], [], 0, ""
    try:
        for event, element in SafeET.iterparse(content, events=("start", "end")):
            if event == "start" and element.tag == table_tag:
                raw, number, name = [], 0, element.get(_ods("table", "name"), "")
            elif event == "end" and element.tag == row_tag:
                values = []
                for cell in element:
                    if cell.tag not in cell_tags:
                        continue
                    value = _ods_cell_value(cell) if cell.tag == _ods("table", "table-cell") else ""
                    repeat = int(cell.get(_ods("table", "number-columns-repeated"), "1") or 1)
                    # Trailing empty cells are often repeated up to column 1024 or 16384.
                    values.extend([value] * max(min(repeat, max_columns + 1 - len(values)), 0))
                repeat = int(element.get(_ods("table", "number-rows-repeated"), "1") or 1)
                if any(v not in ("", None) for v in values):
                    for _i in range(repeat):
                        number += 1
                        raw.append((number, values))
                        if number > max_rows:
                            break
                else:
                    number += repeat
                element.clear()
            elif event == "end" and element.tag == table_tag:
                sheets.append(Sheet(name, _collect(raw), "ods"))
                element.clear()
    except (SafeET.ParseError, DefusedXmlException, ValueError) as exc:
        raise SheetReadError(
            _("This file is not a valid .ods workbook (%(reason)s).") % {"reason": repr(exc)}
        ) from exc
    finally:
        archive.close()
    yield from sheets


# Legacy Excel ---------------------------------------------------------------------------------


def _read_xls(data):
    import xlrd

    max_rows, max_columns = _limits()
    try:
        # formatting_info=False: blank formatted cells are not materialised (a memory bomb).
        book = xlrd.open_workbook(file_contents=data, on_demand=True, formatting_info=False)
    except Exception as exc:  # xlrd raises XLRDError, struct.error, AssertionError…
        raise SheetReadError(_("This file is not a valid .xls workbook.")) from exc
    try:
        for index in range(book.nsheets):
            try:
                sheet = book.sheet_by_index(index)
            except Exception as exc:
                raise SheetReadError(_("This file is not a valid .xls workbook.")) from exc
            if sheet.nrows > max_rows:
                raise SheetReadError(
                    _("The sheet has more than %(limit)s rows; split it into smaller sheets.")
                    % {"limit": max_rows}
                )
            raw = []
            for row_index in range(sheet.nrows):
                values = []
                for cell in sheet.row(row_index)[: max_columns + 1]:
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


def _detect_delimiter(lines):
    """Pick ``,``, ``;`` or tab: the one giving the most non-empty lines of the most common width
    (at least two columns)."""
    best, best_score = ",", (0, 0)
    for delimiter in ("\t", ";", ","):
        widths = [
            len(_trim(row))
            for row in csv.reader(lines, delimiter=delimiter)
            if any(cell.strip() for cell in row)
        ]
        widths = [w for w in widths if w >= 2]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = (widths.count(common), common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_text(data):
    text, codec = decode_text(data)
    lines = text.splitlines()
    start = 0
    delimiter = None
    if lines and (match := _SEP_LINE.match(lines[0])):
        delimiter, start = match.group(1), 1
    if delimiter is None:
        delimiter = _detect_delimiter(lines[start : start + 60])
    reader = csv.reader(io.StringIO("\n".join(lines[start:]), newline=""), delimiter=delimiter)
    max_rows, max_columns = _limits()
    raw = []
    try:
        for number, values in enumerate(reader, start=start + 1):
            raw.append((number, values[: max_columns + 1]))
            if number > max_rows:
                break
    except csv.Error as exc:
        raise SheetReadError(
            _("This text file cannot be read as CSV (%(reason)s).") % {"reason": exc}
        ) from exc
    return Sheet("", _collect(raw), "text", codec)

"""Sheet readers: bytes of any accepted format → ``Sheet`` objects (rows of text). The format is
told by the content, not the name (``sniff_format``); text files are decoded with the encoding
given or detected (``encodings``), with their delimiter detected (``text``)."""

import io
import logging
import re
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from attendance.sheets.base import Sheet, SheetReadError, cell_text, check_zip
from attendance.sheets.encodings import detect, utf16_without_bom
from attendance.sheets.ods import read_ods
from attendance.sheets.text import decode_text, head_rows, read_texts
from attendance.sheets.xls import read_xls
from attendance.sheets.xlsx import read_xlsx

__all__ = [
    "Sheet",
    "SheetReadError",
    "cell_text",
    "check_zip",
    "decode_text",
    "head_rows",
    "read_sheets",
    "sniff_format",
    "text_encoding",
]

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
ACCEPTED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", *TEXT_SUFFIXES}

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
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")) or utf16_without_bom(data):
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


def text_encoding(data, filename):
    """The ``encodings.Detection`` of a file that ``read_sheets`` would read as text, else None."""
    suffix = Path(filename or "").suffix.lower()
    if len(data) > settings.ATTENDANCE_UPLOAD_MAX_BYTES or suffix not in ACCEPTED_SUFFIXES:
        return None  # read_sheets refuses it
    if suffix in {".xlsx", ".xlsm", ".ods"} or sniff_format(data) != "text":
        return None
    return detect(data)


def read_sheets(data, filename, encoding=None):
    """Yield the worksheets of ``data`` (bytes) as ``Sheet`` objects, first sheet first.

    ``filename`` gives the extension, which must be one of ``ACCEPTED_SUFFIXES``; the
    content decides how it is read (an ``.xls`` that is really XLSX or tab-separated text,
    as some web exports are, is read as what it is). ``encoding``: the codec a text file is
    read with (None: detected; ignored for workbooks). Raises ``SheetReadError``.
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
    readers = {"xlsx": read_xlsx, "ods": read_ods, "xls": read_xls}
    if fmt == "text" and suffix not in {".xlsx", ".xlsm", ".ods"}:
        readers["text"] = lambda data: read_texts(data, encoding)
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

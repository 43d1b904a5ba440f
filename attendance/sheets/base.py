"""What every sheet reader shares: the error type, the worksheet, cell text, the row and column
caps and the zip-bomb check (see the package's docstring)."""

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from regions.names import collapse_spaces

ZIP_MAX_RATIO = 200
ZIP_MAX_MEMBERS = 2000
# Small members (styles, themes) compress extremely well without being bombs.
ZIP_RATIO_FLOOR = 1024 * 1024


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


# Rows above the people that do not count toward ATTENDANCE_MAX_ROWS: title lines and the
# header, looked for in the first 60 rows (headers.HEADER_SEARCH_ROWS), and a second header row.
TITLE_ROWS = 61


def limits():
    """``(rows read at most, ATTENDANCE_MAX_COLUMNS)``: ``ATTENDANCE_MAX_ROWS`` rows of people
    below up to ``TITLE_ROWS`` title and header rows (``headers`` caps the rows of people)."""
    return settings.ATTENDANCE_MAX_ROWS + TITLE_ROWS, settings.ATTENDANCE_MAX_COLUMNS


# Control characters that str.split() does not count as white space, and lone surrogates
# (which cannot be encoded): removed from every cell.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff]")


def cell_text(value):
    """A cell's value as stripped text: dates as ``YYYY-MM-DD``, whole numbers without ``.0``,
    control characters removed and white space collapsed."""
    # Most cells are already clean: printable text holds none of the characters removed and
    # no white space other than the plain space.
    if type(value) is str and value.isprintable() and "  " not in value and value[:1] != " " != value[-1:]:
        return value
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


def trim(cells):
    """Drop trailing empty cells (sheets often carry formatted but empty columns)."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def too_many_rows():
    """The SheetReadError for a sheet of more than ``ATTENDANCE_MAX_ROWS`` rows of people."""
    return SheetReadError(
        _("The sheet has more than %(limit)s rows; split it into smaller sheets.")
        % {"limit": settings.ATTENDANCE_MAX_ROWS}
    )


def too_many_columns(max_columns, row=None):
    """The SheetReadError for a sheet wider than ``max_columns`` columns (at ``row``, if known)."""
    return SheetReadError(
        _("The sheet has more than %(limit)s columns; remove the columns that are not needed.")
        % {"limit": max_columns},
        row=row,
    )


def collect(raw_rows):
    """Turn ``(number, [values])`` into trimmed text rows, enforcing the row and column caps.

    Consecutive rows given as the very same list (ODS repeated rows) share one list of cells.
    """
    max_rows, max_columns = limits()
    rows = []
    previous, cells = None, []
    for number, values in raw_rows:
        if number > max_rows:
            if any(v not in (None, "") for v in values):
                raise too_many_rows()
            continue
        if values is not previous:
            cells = trim([cell_text(v) for v in values])
            previous = values
        if len(cells) > max_columns:
            raise too_many_columns(max_columns, number)
        rows.append((number, cells))
    return rows


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

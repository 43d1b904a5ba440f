"""Finding the header of an attendance sheet and what each of its columns holds.

The header row may stand below title lines and other blocks: it is the first of the first
``HEADER_SEARCH_ROWS`` rows in which a name column and at least one other known column are
recognised. A second header row below it (day columns under a merged "Présence" cell, say) is
read with it. Headers are understood in Arabic, French and English
(``vocabulary.HEADER_ALIASES``; a note in brackets, as in ``Sexe (H/F)``, is ignored); a
per-session column is headed by a day number (``J1``, ``Jour 1``, ``اليوم 1``, ``Day 1``,
``Présence J1``) and/or a date (``05/03/2021``, ``2021-03-05`` or a date cell), matched to the
workshop's sessions by date when one is given, else by order.
"""

import datetime as dt
import re
from dataclasses import dataclass
from itertools import combinations

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from attendance.choices import Choices, Question
from attendance.sheets import SheetReadError, head_rows, read_sheets, text_encoding
from attendance.sheets.base import too_many_rows
from attendance.sheets.encodings import encoding_name, garbled
from attendance.vocabulary import (
    NAME_FIELDS,
    AttendanceImportError,
    SheetError,
    field_labels,
    header_index,
    is_signature_column,
)
from config.wording import join_list
from regions.names import fold

# Far enough down for sign-in templates that put key-value lines, a table of days and a group
# block above the list of people.
HEADER_SEARCH_ROWS = 60
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_DAY_HEADER = re.compile(
    r"^(?:(?:presence|emargement|signature|attendance|حضور|الحضور|التوقيع|توقيع)\s+)?"
    r"(?:j|jour|day|d|اليوم|يوم|journee|session|seance|الجلسه|الحصه)\s*(?P<number>\d{1,2})\b(?P<rest>.*)$"
)
_DATE_IN_TEXT = re.compile(r"(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})")
_DATE_ONLY = re.compile(r"\(?\s*\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*\)?")


def parse_date(text):
    """Parse ``dd/mm/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy`` or ``yyyy-mm-dd`` (two-digit years
    are 20yy). Returns a ``datetime.date``; raises ValueError for anything else."""
    match = _DATE_IN_TEXT.search(text or "")
    if not match:
        raise ValueError(text)
    a, b, c = match.groups()
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    else:
        day, month, year = int(a), int(b), int(c)
        if year < 100:
            year += 2000
    return dt.date(year, month, day)


def _column_for_session(header, sessions):
    """Return ``(session, None)`` if ``header`` names a session, ``(None, message)`` if it looks
    like one but is wrong, ``(None, None)`` if it is not a session column."""
    key = fold(header)
    day = _DAY_HEADER.match(key)
    date_match = _DATE_IN_TEXT.search(header)
    if not day and not _DATE_ONLY.fullmatch(header.strip()):
        return None, None
    if date_match:
        try:
            date = parse_date(date_match.group(0))
        except ValueError:
            return None, _("“%(value)s” is not a valid date.") % {"value": date_match.group(0)}
        matching = [s for s in sessions if s.date == date]
        if not matching:
            return None, _("%(date)s is not the date of a session of this workshop.") % {
                "date": date.strftime("%d/%m/%Y")
            }
        if day:
            by_number = [s for s in matching if s.position == int(day.group("number"))]
            if by_number:
                return by_number[0], None
        return matching[0], None
    number = int(day.group("number"))
    for session in sessions:
        if session.position == number:
            return session, None
    return None, _("This workshop has no session number %(number)s (it has %(count)s).") % {
        "number": number,
        "count": len(sessions),
    }


def header_field(cell):
    """The field a header cell names ("last_name", "gender"…), or None. A note in brackets is
    ignored: ``Sexe (H / F)`` is the gender column."""
    index = header_index()
    name = index.get(fold(cell))
    if name is None and ("(" in cell or "[" in cell):
        name = index.get(fold(_BRACKETED.sub(" ", cell)))
    return name


def _looks_like_session(cell):
    return bool(_DAY_HEADER.match(fold(cell)) or _DATE_ONLY.fullmatch(cell.strip()))


def _fields(cells):
    columns = {}
    for col, cell in enumerate(cells):
        name = header_field(cell) if cell else None
        if name and name not in columns:
            columns[name] = col
    if "role" in columns and not ("position" in columns or "counts" in columns):
        # A lone "Rôle" column is the position, as partners write it ("Présidente"); next to a
        # position or a "counts toward totals" column it is the participation's role.
        columns["position"] = columns.pop("role")
    return columns


def _second_header_row(cells, columns, below):
    """Return the header completed by the row ``below`` when that row is a second header line
    (day columns under a merged "Présence" cell, say), else None.

    It is one when it leaves the name columns empty (or repeats their header) and names a
    session or a field in a column the first line leaves blank or does not understand.
    """
    name_cols = [columns[name] for name in NAME_FIELDS if name in columns]
    if any(col < len(below) and below[col] and not header_field(below[col]) for col in name_cols):
        return None
    combined, added = list(cells), False
    for col, cell in enumerate(below):
        if not cell:
            continue
        if col < len(combined) and combined[col] and header_field(combined[col]):
            continue
        if _looks_like_session(cell) or header_field(cell):
            combined.extend([""] * (col + 1 - len(combined)))
            combined[col] = cell
            added = True
    return combined if added else None


@dataclass
class Header:
    """The located header: ``index`` in rows of its (last) line, ``number`` as the sheet shows
    it, ``cells`` (the header text per column, two lines combined), ``columns`` (field name →
    column index), ``session_columns`` (column index → Session), ``errors`` about it."""

    index: int
    number: int
    cells: list
    columns: dict
    session_columns: dict
    errors: list

    def cell(self, cells, name):
        """The text of a data row's ``cells`` in the column of field ``name`` ("" if none)."""
        col = self.columns.get(name)
        return cells[col] if col is not None and col < len(cells) else ""

    def label(self, name):
        """The header of field ``name``'s column as typed (``name`` itself when absent)."""
        return self.cells[self.columns[name]] if name in self.columns else name


def find_header(rows, sessions):
    """Locate the header row and map its columns; returns a ``Header``.

    Raises AttendanceImportError if no header is found, naming the row that came closest and
    the columns it lacks.
    """
    best = None
    for index, (number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = _fields(cells)
        if not any(name in columns for name in NAME_FIELDS):
            if len(columns) >= 2 and (best is None or len(columns) > len(best[1])):
                best = (number, columns)
            continue
        if len(columns) < 2 and not any(_looks_like_session(cell) for cell in cells if cell):
            continue
        header_cells, last = list(cells), index
        if index + 1 < len(rows):
            combined = _second_header_row(cells, columns, rows[index + 1][1])
            if combined is not None:
                header_cells, last = combined, index + 1
                columns = _fields(combined)
        session_columns, errors = _session_columns(header_cells, columns, sessions, rows[last][0])
        return Header(last, rows[last][0], header_cells, columns, session_columns, errors)
    raise AttendanceImportError([_no_header(best)])


def _session_columns(header_cells, columns, sessions, number):
    """``({column index: Session}, [SheetError])`` for the header cells that name a session."""
    session_columns, errors = {}, []
    for col, cell in enumerate(header_cells):
        if not cell or col in columns.values():
            continue
        session, message = _column_for_session(cell, sessions)
        if message:
            errors.append(SheetError(number, cell, message))
        elif session:
            if session in session_columns.values():
                errors.append(SheetError(number, cell, _("Two columns are for the same session.")))
            session_columns[col] = session
    return session_columns, errors


def _no_header(best):
    """The error for a sheet without a header: about ``best`` (``(row number, columns)`` of the
    row with most known headings but no name column), else about the whole sheet."""
    labels = field_labels()
    if best is not None:
        number, columns = best
        found = join_list(labels[name] for name in labels if name in columns)
        missing = join_list(labels[name] for name in labels if name not in columns)
        return SheetError(
            number,
            None,
            _(
                "This does not look like a list of participants: this row has headers "
                "(recognised: %(found)s) but no name column. Missing columns: %(missing)s. "
                "A participant list needs a column headed, for example, “Nom”, “Nom complet”, "
                "“الاسم الكامل” or “Full name”."
            )
            % {"found": found, "missing": missing},
        )
    expected = join_list(
        [
            _("last name"),
            _("first name"),
            _("full name"),
            _("gender"),
            _("organisation"),
            _("region"),
            _("phone"),
            _("e-mail"),
        ]
    )
    return SheetError(
        None,
        None,
        _(
            "No header row found in the first %(n)s rows: a row must name at least a name column and "
            "one other known column (%(expected)s), in Arabic, French or English."
        )
        % {"n": HEADER_SEARCH_ROWS, "expected": expected},
    )


def read_error(exc, sessions=()):
    """The SheetError for a ``SheetReadError``: its row, and its column named by the header
    found in the rows read before it (else by its letter, as spreadsheets show it)."""
    column = None
    if exc.column is not None:
        column = get_column_letter(exc.column + 1)
        try:
            header = find_header(exc.rows, list(sessions))
        except AttendanceImportError:
            header = None
        if header is not None and header.number < (exc.row or 0):
            if exc.column < len(header.cells) and header.cells[exc.column]:
                column = header.cells[exc.column]
    return SheetError(exc.row, column, str(exc))


def check_people_rows(rows, header):
    """Refuse more than ``ATTENDANCE_MAX_ROWS`` rows below ``header`` (title lines and the
    header do not count; blank rows at the end neither). Raises AttendanceImportError naming
    the last row holding something."""
    last = header.number + settings.ATTENDANCE_MAX_ROWS
    for number, cells in reversed(rows):
        if number <= last:
            return
        if cells:  # trimmed: a row of empty cells is an empty list
            error = too_many_rows()
            error.row = number
            raise AttendanceImportError([read_error(error)])


def first_sheet_with_header(data, filename, sessions, encoding=None):
    """Return ``(sheet, rows)`` of the first worksheet of the file (bytes ``data`` named
    ``filename``) whose header is found among ``sessions``; if none has one, raise the first
    worksheet's AttendanceImportError (or one for a file that cannot be read). ``encoding``:
    the codec of a text file (None: detected)."""
    first_error, first = None, None
    try:
        for sheet in read_sheets(data, filename, encoding=encoding):
            first = first or sheet
            try:
                header = find_header(sheet.rows, sessions)
            except AttendanceImportError as exc:
                first_error = first_error or exc
                continue
            check_people_rows(sheet.rows, header)
            return sheet, sheet.rows
    except SheetReadError as exc:
        raise AttendanceImportError([read_error(exc, sessions)]) from exc
    if first_error is not None:
        raise first_error
    raise AttendanceImportError([SheetError(None, None, _("The file holds no worksheet."))])


def ignored_columns(header):
    """Warnings naming the header cells the import does not read: headings it does not
    understand, and second columns for a field another column already gives. A signature column
    ("Émargement") is expected on a sign-in sheet: no warning (``attendance.days``)."""
    labels = {**field_labels(), "number": _("row number")}
    used = {*header.columns.values(), *header.session_columns}
    warnings = []
    for col, text in enumerate(header.cells):
        if not text or col in used or is_signature_column(text):
            continue
        name = header_field(text)
        if name:
            message = _("Another column already gives the %(field)s: this one is ignored.") % {
                "field": labels.get(name, name)
            }
        else:
            message = _(
                "This column is not understood by the import: it is ignored. If it should be read, "
                "rename its header (for example “Nom”, “Tél”, “الجنس” or “J1”)."
            )
        warnings.append(SheetError(header.number, text, message))
    return warnings


SAMPLE_NAMES = 3


def encoding_question(data, filename):
    """The sheet-wide ``Question(kind="encoding")`` for a text file whose encoding was guessed
    (not said by a byte-order mark or the UTF-8/UTF-16 shape) among codecs that read it
    differently, else None. Its options are those codecs, the detected one first, each
    labelled with its name and up to ``SAMPLE_NAMES`` names of the sheet as it reads them."""
    detection = text_encoding(data, filename)
    if detection is None or detection.certain or len(detection.candidates) < 2:
        return None
    heads = {codec: head_rows(data, codec) for codec in detection.candidates}
    positions = _sample_positions(heads, detection.codec)
    options = []
    for codec, rows in heads.items():
        samples = [_cells_text(rows, index, cols) for index, cols in positions]
        label = encoding_name(codec)
        if samples:
            label = _("%(encoding)s: %(names)s …") % {"encoding": label, "names": join_list(samples)}
        options.append((codec, label))
    text = _(
        "This text file does not say which encoding it is in: it was read as %(encoding)s. If the "
        "names shown with that choice look garbled, pick the encoding in which they read right "
        "and preview again."
    ) % {"encoding": encoding_name(detection.codec)}
    return Question("encoding", "", text, options)


def encoding_answer(codec):
    """``Choices`` answering the encoding question with ``codec`` (one of
    ``attendance.sheets.encodings.SINGLE_BYTE``), for a caller without the preview's form."""
    return Choices({Question("encoding", "", "", []).field_name: codec})


def _cells_text(rows, index, cols):
    cells = rows[index][1] if index < len(rows) else []
    return " ".join(cells[col] for col in cols if col < len(cells) and cells[col])[:60]


def _sample_positions(heads, codec):
    """Up to ``SAMPLE_NAMES`` ``(row index, [columns])`` of cells with letters outside ASCII in
    ``heads[codec]`` (``{codec: rows}``): first those telling apart two candidates that no
    cell chosen before tells apart (names before other cells), then more names."""
    rows = heads[codec]
    names, others = _name_and_other_cells(rows)
    chosen, shown, told_apart = [], set(), set()
    for position in names + others:
        pairs = {
            (a, b)
            for a, b in combinations(heads, 2)
            if _cells_text(heads[a], *position) != _cells_text(heads[b], *position)
        }
        if len(chosen) < SAMPLE_NAMES and pairs - told_apart:
            chosen.append(position)
            shown.add(_cells_text(rows, *position))
            told_apart |= pairs
    for position in names:
        text = _cells_text(rows, *position)
        if len(chosen) < SAMPLE_NAMES and not text.isascii() and text not in shown:
            chosen.append(position)
            shown.add(text)
    return chosen


def _name_and_other_cells(rows):
    """``(names, others)``: the ``(row index, [columns])`` of each data row's name and of its
    other cells one by one; every cell is an "other" when no header is found."""
    try:
        header = find_header(rows, [])
    except AttendanceImportError:
        return [], [(index, [col]) for index, (_n, cells) in enumerate(rows) for col in range(len(cells))]
    cols = [header.columns[name] for name in NAME_FIELDS if name in header.columns]
    data = range(header.index + 1, len(rows))
    names = [(index, cols) for index in data] if cols else []
    others = [(index, [col]) for index in data for col in range(len(rows[index][1])) if col not in cols]
    return names, others


def garbled_cells(rows, header, asked):
    """A ``SheetError`` for each cell of ``rows`` whose text looks decoded with the wrong
    encoding (``attendance.sheets.encodings.garbled``), its column named by ``header`` below
    it. ``asked``: the preview asks for the encoding, and the message points there."""
    if asked:
        message = _(
            "“%(text)s” looks like text read with the wrong encoding: pick another encoding under "
            "“Questions about this sheet” below, then preview again."
        )
    else:
        message = _(
            "“%(text)s” looks like text garbled by a wrong encoding before it was saved in this file "
            "(for example “Ã©” for “é”, or “ÑÔíÏ” for an Arabic name): correct it in the file and "
            "upload it again."
        )
    errors, seen = [], {}
    for index, (number, cells) in enumerate(rows):
        for col, cell in enumerate(cells):
            if cell not in seen:  # the same region or organisation comes back on many rows
                seen[cell] = bool(cell) and garbled(cell)
            if seen[cell]:
                below = index > header.index and col < len(header.cells) and header.cells[col]
                column = header.cells[col] if below else get_column_letter(col + 1)
                errors.append(SheetError(number, column, message % {"text": cell[:60]}))
    return errors

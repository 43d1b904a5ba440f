"""Delimited text (CSV, TSV): the encoding and the delimiter detected from the content, and
quoted cells that would swallow the lines below refused (see the package's docstring)."""

import csv
import io
import re

from django.utils.translation import gettext as _

from attendance.sheets.base import (
    Sheet,
    SheetReadError,
    cell_text,
    collect,
    limits,
    too_many_columns,
    trim,
)
from attendance.sheets.encodings import BOMS, detect


def decode_text(data, encoding=None):
    """Decode a text sheet with ``encoding`` (a codec name), or with the one detected when it
    is None (``attendance.sheets.encodings.detect``). Returns ``(text, codec)``. Bytes the
    encoding has no character for become U+FFFD, which the import refuses as garbled text;
    raises SheetReadError for a byte-order mark followed by something else."""
    if encoding is None:
        encoding = detect(data).codec
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        if any(data.startswith(bom) for bom, codec in BOMS if codec == encoding):
            raise SheetReadError(
                _("This text file starts like %(codec)s but is not valid %(codec)s.") % {"codec": encoding}
            ) from exc
        return data.decode(encoding, errors="replace"), encoding


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
            widths.append(len(trim(row)))


def _common_width(widths):
    return max(set(widths), key=widths.count) if widths else 0


def _detect_delimiter(lines):
    """Pick ``,``, ``;`` or tab: the one splitting the most non-empty lines in two columns or
    more, then giving the widest common width. Not "the most lines of the most common width":
    rows whose last days are blank are narrower (trailing empty cells are dropped), so a ``;``
    sheet whose organisation names hold one comma each read as two columns of ``,``."""
    best, best_score = ",", (0, 0)
    for delimiter in ("\t", ";", ","):
        widths = [w for w in _widths(lines, delimiter) if w >= 2]
        if not widths:
            continue
        score = (len(widths), _common_width(widths))
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
            raise too_many_columns(max_columns, index + 1)


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


def read_texts(data, encoding=None):
    """Yield the one ``Sheet`` of a delimited text file (bytes) read with ``encoding`` (a codec
    name; None: detected); raises SheetReadError."""
    yield _read_text(data, encoding)


def head_rows(data, encoding, lines=60):
    """The first ``lines`` rows of a text sheet (bytes) decoded with ``encoding``, as in
    ``Sheet.rows``, for showing what another encoding would give. Never raises."""
    text = data[: SAMPLE_LINE_LENGTH * 4].decode(encoding, errors="replace")
    head = io.StringIO(text, newline="").readlines()[:lines]
    if head and _SEP_LINE.match(head[0].rstrip("\r\n")):
        delimiter, head = _SEP_LINE.match(head[0].rstrip("\r\n")).group(1), head[1:]
    else:
        delimiter = _detect_delimiter(head)
    rows, reader = [], csv.reader(head, delimiter=delimiter)
    try:
        for number, values in enumerate(reader, start=1):
            rows.append((number, trim([cell_text(value) for value in values])))
    except csv.Error:
        pass  # a sample: what was read before the damaged line is enough
    return rows


def _read_text(data, encoding=None):
    """Read delimited text into one Sheet; rows are numbered by record, as a spreadsheet
    program shows them (a cell on two lines is one row)."""
    text, codec = decode_text(data, encoding)
    # Only \r, \n and \r\n end lines (str.splitlines would also split at U+2028, form feed…).
    lines = io.StringIO(text, newline="").readlines()
    start = 0
    delimiter = None
    if lines and (match := _SEP_LINE.match(lines[0].rstrip("\r\n"))):
        delimiter, start = match.group(1), 1
    if delimiter is None:
        delimiter = _detect_delimiter(lines[start : start + 60])
    width = _common_width(_widths(lines[start : start + 60], delimiter))
    max_rows, max_columns = limits()
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
    return Sheet("", collect(raw), "text", codec)

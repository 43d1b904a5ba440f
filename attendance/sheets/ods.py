"""OpenDocument spreadsheets (.ods), read here with defusedxml's streaming parser: odfpy builds
a whole document tree in memory and is no longer maintained."""

import io
import zipfile

from django.utils.translation import gettext as _

from attendance.sheets.base import (
    Sheet,
    SheetReadError,
    cell_text,
    check_zip,
    collect,
    limits,
    too_many_rows,
)

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


def read_ods(data):
    """Yield each table of an ODS file (bytes) as a ``Sheet``; raises SheetReadError."""
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
    max_rows, max_columns = limits()
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
                    raise too_many_rows()
                raw.extend((number + i, values) for i in range(1, repeat + 1))
            number += repeat
            element.clear()
            row = None
        elif tag == table_tag:
            yield Sheet(name, collect(raw), "ods")
            raw = []
            element.clear()

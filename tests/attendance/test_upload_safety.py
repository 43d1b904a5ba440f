"""Uploads are size-limited, typed by content, and safe against zip and XML bombs."""

import io
import zipfile

import pytest
from defusedxml import EntitiesForbidden

from attendance.apply import import_attendance
from attendance.sheets import sniff_format
from attendance.vocabulary import AttendanceImportError
from tests.attendance.conftest import sample
from tests.attendance.sheetmakers import sample_rows, to_csv, to_ods, to_xls, to_xlsx, zip_bytes

pytestmark = pytest.mark.django_db

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def refused(workshop, data, name):
    with pytest.raises(AttendanceImportError) as excinfo:
        import_attendance(workshop, data, name)
    return str(excinfo.value)


def minimal_xlsx_members(sheet_xml):
    content_types = (
        b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="xml" ContentType="application/xml"/></Types>'
    )
    return {
        "[Content_Types].xml": content_types,
        "xl/workbook.xml": b"<workbook/>",
        "xl/worksheets/sheet1.xml": sheet_xml,
    }


def test_zip_bomb_is_refused_before_opening(three_day_workshop):
    bomb = zip_bytes(minimal_xlsx_members(b"\0" * (20 * 1024 * 1024)))
    assert len(bomb) < 100_000
    assert "zip bomb" in refused(three_day_workshop, bomb, "sheet.xlsx")


def test_ods_zip_bomb_is_refused(three_day_workshop):
    bomb = zip_bytes(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": b" " * (20 * 1024 * 1024),
        }
    )
    assert "zip bomb" in refused(three_day_workshop, bomb, "sheet.ods")


def test_a_workbook_that_unzips_past_the_limit_is_refused(three_day_workshop, settings):
    settings.ATTENDANCE_MAX_UNCOMPRESSED_BYTES = 10_000
    data = sample("marrakech-2021-03-attendance-ar.xlsx")
    assert "once unzipped" in refused(three_day_workshop, data, "sheet.xlsx")


def causes(exc):
    """Every exception ``exc`` was raised from, directly or in its context."""
    while exc is not None:
        yield exc
        exc = exc.__cause__ or exc.__context__


def with_entity_declarations(data, member):
    """The zip ``data`` with an entity-expansion DTD added to its XML part ``member``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    xml = members[member]
    declaration_end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    members[member] = BILLION_LAUGHS + xml[declaration_end:].replace(b"</", b"&lol3;</", 1)
    return zip_bytes(members)


def test_xml_entity_bomb_in_xlsx_is_refused_by_defusedxml(three_day_workshop):
    data = with_entity_declarations(
        sample("marrakech-2021-03-attendance-ar.xlsx"), "xl/worksheets/sheet1.xml"
    )
    with pytest.raises(AttendanceImportError) as excinfo:
        import_attendance(three_day_workshop, data, "sheet.xlsx")
    assert "not a valid .xlsx workbook" in str(excinfo.value)
    assert any(isinstance(cause, EntitiesForbidden) for cause in causes(excinfo.value))


def test_xml_entity_bomb_in_ods_is_refused_by_defusedxml(three_day_workshop):
    data = with_entity_declarations(to_ods([["Nom", "Sexe"], ["A", "F"]]), "content.xml")
    message = refused(three_day_workshop, data, "sheet.ods")
    assert "not a valid .ods workbook" in message
    assert "EntitiesForbidden" in message


def test_oversized_file_is_refused_before_reading(three_day_workshop, settings):
    settings.ATTENDANCE_UPLOAD_MAX_BYTES = 1000
    data = sample("marrakech-2021-03-attendance-fr.csv")
    assert "too large" in refused(three_day_workshop, data, "sheet.csv")


@pytest.mark.parametrize(
    ("maker", "name"),
    [(to_csv, "a.csv"), (to_xlsx, "a.xlsx"), (to_xls, "a.xls"), (to_ods, "a.ods")],
)
def test_row_cap_applies_to_every_format(three_day_workshop, settings, maker, name):
    settings.ATTENDANCE_MAX_ROWS = 20
    data = maker(sample_rows("marrakech-2021-03-attendance-ar.csv"))
    assert "more than 20 rows" in refused(three_day_workshop, data, name)


@pytest.mark.parametrize(("maker", "name"), [(to_csv, "a.csv"), (to_xlsx, "a.xlsx"), (to_xls, "a.xls")])
def test_column_cap_applies(three_day_workshop, settings, maker, name):
    settings.ATTENDANCE_MAX_COLUMNS = 8
    data = maker(sample_rows("marrakech-2021-03-attendance-ar.csv"))
    assert "more than 8 columns" in refused(three_day_workshop, data, name)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (sample("marrakech-2021-03-attendance-ar.xlsx"), "xlsx"),
        (to_xls([["a"]]), "xls"),
        (to_ods([["a"]]), "ods"),
        (b"Nom;Sexe\n", "text"),
        ("Nom\tSexe\n".encode("utf-16"), "text"),
        (b"%PDF-1.7", "PDF"),
        (b"\x89PNG\r\n\x1a\n", "PNG"),
        (zip_bytes({"word/document.xml": b"<w/>"}), "zip"),
        (b"\x00\x01\x02binary", None),
    ],
)
def test_type_is_told_by_content(data, expected):
    assert sniff_format(data) == expected


def test_a_picture_named_csv_is_refused(three_day_workshop):
    assert "not a spreadsheet or a text (CSV) file" in refused(
        three_day_workshop, b"\x89PNG\r\n\x1a\n....", "a.csv"
    )


def test_a_word_document_named_xlsx_is_refused(three_day_workshop):
    data = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    assert "not a valid .xlsx workbook" in refused(three_day_workshop, data, "a.xlsx")

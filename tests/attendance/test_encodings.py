"""Text sheets in every encoding Moroccan offices save them in: detected right on mixed
Latin/Arabic sheets (``tests/attendance/encoding_corpus.py``), the encoding asked in the
preview with sample names, and text decoded with the wrong encoding refused rather than
saved (``attendance.sheets.encodings``)."""

import codecs
import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from attendance.apply import import_attendance
from attendance.choices import Choices
from attendance.headers import first_sheet_with_header
from attendance.sheets import decode_text
from attendance.sheets.base import cell_text
from attendance.sheets.encodings import SINGLE_BYTE, encoding_name, garbled
from attendance.vocabulary import AttendanceImportError
from organizations.models import Person
from tests.attendance.conftest import counts, upload
from tests.attendance.encoding_corpus import corpus, misread_words, sheet_text, truth, words
from tests.attendance.sheetmakers import to_xlsx

pytestmark = pytest.mark.django_db

# The must-show sheet of the finding: French headers, saved by Arabic Windows, `;`, Latin and
# Arabic names and places mixed.
MIXED_CP1256 = sheet_text("mixed", "short", ";").encode("cp1256")


def cells(text, delimiter):
    """The rows of ``text`` as the import sees them (cell text normalised)."""
    return [[cell_text(c) for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def test_every_sheet_of_the_corpus_is_decoded_right():
    cases = corpus()
    wrong = [
        label
        for label, data, text, delimiter in cases
        if cells(decode_text(data)[0], delimiter) != cells(text, delimiter)
    ]
    assert (len(cases), wrong) == (414, [])


def test_real_names_never_look_garbled():
    assert [word for word in words() if garbled(word)] == []


def test_every_misreading_looks_garbled_but_one_arabic_encoding_read_as_the_other():
    arabic = {("cp1256", "iso-8859-6"), ("iso-8859-6", "cp1256")}
    assert [word for word in misread_words() if not garbled(word)] == [
        word for word in misread_words(arabic) if not garbled(word)
    ]
    assert all(map(garbled, ["ÑÔíÏ ÈæÒíÏ", "ÌåÉ ÝÇÓ ãßäÇÓ", "HÃ©lÃ¨ne", "Ø§Ù„Ø¬Ù‡Ø©"]))


def people(workshop):
    """``{phone: (full name, gender, region code)}`` of the workshop's participants."""
    found = Person.objects.filter(participations__workshop=workshop).select_related("region")
    return {p.phone: (f"{p.first_name} {p.last_name}".strip(), p.gender, p.region.code) for p in found}


# (shape, codec written, byte-order mark, delimiter, encoding the import names)
SHAPES = [
    ("mixed", "cp1256", b"", ";", "cp1256"),
    ("latin-mostly", "cp1256", b"", ";", "cp1256"),
    ("arabic", "cp1256", b"", ";", "cp1256"),
    ("mixed", "utf-8", b"", ",", "utf-8"),
    ("mixed", "utf-8", codecs.BOM_UTF8, ";", "utf-8-sig"),
    ("mixed", "utf-16-le", codecs.BOM_UTF16_LE, "\t", "utf-16"),
    ("mixed", "utf-16-be", codecs.BOM_UTF16_BE, "\t", "utf-16"),
    ("mixed", "utf-16-le", b"", "\t", "utf-16-le"),
    ("arabic", "utf-16-be", b"", "\t", "utf-16-be"),
    ("french", "cp1252", b"", ";", "cp1252"),
    # French letters have the same bytes in both Windows encodings: the same text either way.
    ("french", "cp1256", b"", ";", "cp1252"),
    ("arabic", "iso-8859-6", b"", ";", "iso-8859-6"),
]


@pytest.mark.parametrize(("shape", "codec", "bom", "delimiter", "named"), SHAPES)
@pytest.mark.parametrize("size", ["short", "long"])
def test_each_encoding_imports_the_names_genders_and_regions_typed(
    three_day_workshop, shape, codec, bom, delimiter, named, size
):
    text = sheet_text(shape, size, delimiter)
    result = import_attendance(three_day_workshop, bom + text.encode(codec), "sheet.csv")
    assert people(three_day_workshop) == truth(text, delimiter)
    assert not [w for w in result.warnings if "encoding" in w.message]
    assert result.encoding == encoding_name(named)
    # Asked only when guessed: not with a byte-order mark, UTF-16 or UTF-8.
    assert [q.kind for q in result.questions] == (["encoding"] if named in SINGLE_BYTE else [])


def test_a_latin_1_sheet_imports_the_names_typed(three_day_workshop):
    text = sheet_text("french", "long", ",").replace("Œ", "Oe").replace("œ", "oe")
    import_attendance(three_day_workshop, text.encode("latin-1"), "sheet.csv")
    assert people(three_day_workshop) == truth(text, ",")


def test_the_mixed_sheet_of_arabic_windows_imports_right(three_day_workshop):
    # Mostly French, as in the finding: the hand-made rule took it for Windows-1252.
    text = sheet_text("latin-mostly", "long", ";")
    result = import_attendance(three_day_workshop, text.encode("cp1256"), "inscrits.csv")
    found = people(three_day_workshop)
    assert found == truth(text, ";")
    assert found["+212661000000"] == ("Hélène Benali", "female", "03")  # region جهة فاس مكناس
    assert found["+212661000002"] == ("رشيد بوزيد", "male", "03")
    assert result.encoding == "Arabic (Windows-1256)"


def test_excel_unicode_text_imports_right_without_a_question(three_day_workshop):
    text = sheet_text("mixed", "short", "\t")
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    result = import_attendance(three_day_workshop, data, "walk-ins.txt")
    assert people(three_day_workshop) == truth(text, "\t")
    assert result.questions == []
    assert result.encoding == "Unicode (UTF-16, Excel's “Unicode text”)"


def test_a_guessed_encoding_is_asked_with_sample_names(three_day_workshop):
    result = import_attendance(three_day_workshop, MIXED_CP1256, "inscrits.csv", dry_run=True)
    [question] = result.questions
    assert (question.kind, question.value, question.answer) == ("encoding", "", "cp1256")
    assert [value for value, _label in question.options] == ["cp1256", "cp1252", "latin-1"]
    labels = dict(question.options)
    # Samples that tell each two encodings apart: an Arabic name, then Œ (not in Latin-1).
    assert labels == {
        "cp1256": "Arabic (Windows-1256): رشيد بوزيد, Association Œuvre Sociale, Hélène Benali …",
        "cp1252": "Western European (Windows-1252): ÑÔíÏ ÈæÒíÏ, Association Œuvre Sociale, Hélène Benali …",
        "latin-1": (
            "Western European (ISO-8859-1, Latin-1): ÑÔíÏ ÈæÒíÏ, Association uvre Sociale, Hélène Benali …"
        ),
    }
    assert "read as Arabic (Windows-1256)" in question.text


def test_picking_another_encoding_changes_the_names_read(three_day_workshop):
    sessions = list(three_day_workshop.sessions.all())
    _sheet, rows = first_sheet_with_header(MIXED_CP1256, "a.csv", sessions)
    assert rows[2][1][:3] == ["رشيد بوزيد", "H", "جهة فاس مكناس"]
    sheet, rows = first_sheet_with_header(MIXED_CP1256, "a.csv", sessions, encoding="cp1252")
    assert (sheet.encoding, rows[2][1][:3]) == ("cp1252", ["ÑÔíÏ ÈæÒíÏ", "H", "ÌåÉ ÝÇÓ ãßäÇÓ"])


def test_a_wrong_pick_is_refused_naming_rows_and_columns_and_nothing_is_saved(three_day_workshop):
    question = import_attendance(three_day_workshop, MIXED_CP1256, "a.csv", dry_run=True).questions[0]
    before = counts()
    with pytest.raises(AttendanceImportError) as excinfo:
        wrong = Choices({question.field_name: "cp1252"})
        import_attendance(three_day_workshop, MIXED_CP1256, "a.csv", choices=wrong)
    assert counts() == before
    assert [(e.row, e.column) for e in excinfo.value.errors] == [
        (3, "Nom complet"),
        (3, "Région"),
        (3, "Organisation"),
        (3, "Ville"),
    ]
    assert excinfo.value.errors[0].message == (
        "“ÑÔíÏ ÈæÒíÏ” looks like text read with the wrong encoding: pick another encoding under "
        "“Questions about this sheet” below, then preview again."
    )
    [asked] = excinfo.value.questions
    assert (asked.kind, asked.answer) == ("encoding", "cp1252")


def test_arabic_headers_read_with_the_wrong_encoding_still_ask_the_question(three_day_workshop):
    data = sheet_text("arabic", "short", ";").encode("cp1256")
    question = import_attendance(three_day_workshop, data, "a.csv", dry_run=True).questions[0]
    with pytest.raises(AttendanceImportError) as excinfo:
        import_attendance(three_day_workshop, data, "a.csv", choices=Choices({question.field_name: "cp1252"}))
    assert [q.kind for q in excinfo.value.questions] == ["encoding"]


def test_text_garbled_before_it_was_saved_is_refused_without_a_question(three_day_workshop):
    text = "Nom complet;Sexe;Région;J1\nHÃ©lÃ¨ne Benali;F;Fès-Meknès;x\nKarim Alaoui;H;Fès-Meknès;x\n"
    with pytest.raises(AttendanceImportError) as excinfo:
        import_attendance(three_day_workshop, text.encode("utf-8"), "a.csv")
    [error] = excinfo.value.errors
    assert (error.row, error.column) == (2, "Nom complet")
    assert "correct it in the file" in error.message
    assert excinfo.value.questions == []
    assert Person.objects.count() == 0


def test_garbled_text_in_a_workbook_is_a_warning(three_day_workshop):
    rows = [["Nom complet", "Sexe", "Région", "J1"], ["ÑÔíÏ ÈæÒíÏ", "H", "Fès-Meknès", "x"]]
    result = import_attendance(three_day_workshop, to_xlsx(rows), "a.xlsx", dry_run=True)
    assert [(w.row, w.column) for w in result.warnings if "garbled" in w.message] == [(2, "Nom complet")]


def test_the_preview_page_asks_the_encoding_and_refuses_a_wrong_pick(client, importer, three_day_workshop):
    client.force_login(importer)
    first = upload(client, three_day_workshop, MIXED_CP1256, "inscrits.csv")
    content = first.content.decode()
    [question] = first.context["questions"]
    assert "Text encoding: Arabic (Windows-1256)." in content
    assert "رشيد بوزيد" in content and "ÑÔíÏ ÈæÒíÏ" in content
    url = reverse("admin:workshops_workshop_import_attendance", args=[three_day_workshop.pk])
    token = first.context["token"]
    again = client.post(url, {"token": token, "repreview": "1", question.field_name: "cp1252"})
    assert "looks like text read with the wrong encoding" in again.content.decode()
    assert "Confirm import" not in again.content.decode()
    assert three_day_workshop.participations.count() == 0
    back = client.post(url, {"token": token, "repreview": "1", question.field_name: "cp1256"})
    assert back.context["errors"] == []
    assert "Confirm import" in back.content.decode()
    client.post(url, {"token": token, "confirm": "1", question.field_name: "cp1256"})
    assert three_day_workshop.participations.count() == 3


def test_a_confirmation_with_a_wrong_pick_saves_nothing(client, importer, three_day_workshop):
    client.force_login(importer)
    first = upload(client, three_day_workshop, MIXED_CP1256, "inscrits.csv")
    [question] = first.context["questions"]
    url = reverse("admin:workshops_workshop_import_attendance", args=[three_day_workshop.pk])
    token = first.context["token"]
    client.post(url, {"token": token, "repreview": "1", question.field_name: "cp1252"})
    response = client.post(url, {"token": token, "confirm": "1", question.field_name: "cp1252"})
    assert "looks like text read with the wrong encoding" in response.content.decode()
    assert three_day_workshop.participations.count() == 0


def test_the_import_command_says_the_encoding_and_takes_another(three_day_workshop, tmp_path):
    path = tmp_path / "inscrits.csv"
    path.write_bytes(MIXED_CP1256)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_attendance", str(three_day_workshop.pk), str(path), "--encoding=cp1252", stderr=err
        )
    assert "“ÑÔíÏ ÈæÒíÏ” looks like text read with the wrong encoding" in err.getvalue()
    err = io.StringIO()
    call_command("import_attendance", str(three_day_workshop.pk), str(path), stderr=err, stdout=io.StringIO())
    assert "Text encoding: Arabic (Windows-1256)." in err.getvalue()
    assert three_day_workshop.participations.count() == 3

"""Region spellings in sheets (``attendance.places``): close spellings read with a warning and a
question, unknown ones refused naming the two closest regions and asked once for the whole
sheet, answers remembered as aliases at confirmation so the next sheet reads them directly."""

import codecs

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attendance.apply import import_attendance
from attendance.choices import Choices
from attendance.places import BLANK, KIND
from attendance.vocabulary import AttendanceImportError
from organizations.models import Person
from regions.models import PlaceAlias
from tests.attendance.sheetmakers import sample_rows, to_csv
from tests.factories import SessionFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

FR = "marrakech-2021-03-attendance-fr.csv"
REGION = 7  # the "Région" column of the French sample


def walk_ins(spellings):
    """The French sample's first rows saved by Excel as "Unicode text" (UTF-16LE with BOM, tab),
    with the region cell of data row ``i`` set to ``spellings[i]`` (one row per spelling)."""
    header, *rows = sample_rows(FR)
    rows = rows[: len(spellings)]
    for row, spelling in zip(rows, spellings, strict=True):
        row[REGION] = spelling
    return to_csv([header, *rows], "utf-16-le", "\t", bom=codecs.BOM_UTF16_LE)


def regions_by_email():
    return {p.email: p.region.code if p.region else None for p in Person.objects.select_related("region")}


def place_questions(questions):
    return {q.value: q for q in questions if q.kind == KIND}


def test_unicode_text_walk_ins_with_uncommon_spellings_import_with_warnings(three_day_workshop):
    spellings = ["Tanger-Tetouan-Elhoucima", "Daraa Tafilalt", "Tanger-Tetouan-Elhoucima", "Fès-Meknès"]
    result = import_attendance(three_day_workshop, walk_ins(spellings), "walk-ins.txt")
    assert regions_by_email() == {
        "participant01@example.org": "01",
        "participant02@example.org": "08",
        "participant03@example.org": "01",
        "participant04@example.org": "03",
    }
    warnings = [w.message for w in result.warnings]
    assert "Read “Tanger-Tetouan-Elhoucima” as Tangier-Tetouan-Al Hoceima." in warnings
    assert "Read “Daraa Tafilalt” as Drâa-Tafilalet." in warnings
    questions = place_questions(result.questions)
    assert set(questions) == {"Tanger-Tetouan-Elhoucima", "Daraa Tafilalt"}
    elhoucima = questions["Tanger-Tetouan-Elhoucima"]
    assert elhoucima.rows == [2, 4]
    assert elhoucima.proposed == "01" and elhoucima.answer == "01"
    # The proposed region first, then every other region, then "leave blank".
    assert [code for code, _label in elhoucima.options][:3] == ["01", "02", "03"]
    assert len(elhoucima.options) == 13 and elhoucima.options[-1][0] == BLANK
    assert (
        questions["Daraa Tafilalt"].text == "Which region is “Daraa Tafilalt”? It looks like Drâa-Tafilalet."
    )


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("Gharb-Chrarda-Béni Hssen", "04"),  # old region, all in Rabat-Salé-Kénitra
        ("RSK", "04"),
        ("BMK", "05"),
        ("Oued Ed-Dahab-Lagouira", "12"),
        ("Kenitra", "04"),  # a province names its region
        ("El Aaiún", "11"),
        ("وادي الذهب لكويرة", "12"),  # its name before 2015, in Arabic
    ],
)
def test_spellings_from_the_sources_import_without_question(three_day_workshop, spelling, code):
    result = import_attendance(three_day_workshop, walk_ins([spelling]), "walk-ins.txt")
    assert regions_by_email() == {"participant01@example.org": code}
    assert place_questions(result.questions) == {}


def test_an_unknown_value_is_a_row_error_naming_two_regions_and_a_question(three_day_workshop):
    data = walk_ins(["Fès-Meknès", "Casa-Settat", "Casa-Settat"])
    with pytest.raises(AttendanceImportError) as excinfo:
        import_attendance(three_day_workshop, data, "walk-ins.txt")
    errors = excinfo.value.errors
    assert [(e.row, e.column) for e in errors] == [(3, "Région"), (4, "Région")]
    assert errors[0].message == (
        "Unknown region “Casa-Settat”: the closest are Casablanca-Settat and Guelmim-Oued Noun. "
        "Choose the region in the questions below and preview again, or correct the sheet."
    )
    question = place_questions(excinfo.value.questions)["Casa-Settat"]
    assert question.rows == [3, 4]
    assert [code for code, _label in question.options][:3] == ["06", "10", "01"]
    assert Person.objects.count() == 0


def test_an_answer_maps_every_row_with_that_value(three_day_workshop):
    data = walk_ins(["Casa-Settat", "Casa-Settat", "Atlantide"])
    with pytest.raises(AttendanceImportError) as excinfo:
        import_attendance(three_day_workshop, data, "walk-ins.txt")
    questions = place_questions(excinfo.value.questions)
    choices = Choices({questions["Casa-Settat"].field_name: "06", questions["Atlantide"].field_name: BLANK})
    result = import_attendance(three_day_workshop, data, "walk-ins.txt", choices=choices)
    assert regions_by_email() == {
        "participant01@example.org": "06",
        "participant02@example.org": "06",
        "participant03@example.org": None,
    }
    assert "Read “Casa-Settat” as Casablanca-Settat." in [w.message for w in result.warnings]
    # Only the spelling mapped to a region is remembered.
    assert list(
        PlaceAlias.objects.filter(source__startswith="import").values_list("alias", "region__code")
    ) == [("Casa-Settat", "06")]


def test_proposed_guesses_taken_without_a_form_are_not_remembered(three_day_workshop):
    import_attendance(three_day_workshop, walk_ins(["Daraa Tafilalt"]), "walk-ins.txt")
    assert not PlaceAlias.objects.filter(alias="Daraa Tafilalt").exists()


def test_a_confirmed_guess_is_remembered(three_day_workshop):
    data = walk_ins(["Daraa Tafilalt"])
    question = place_questions(import_attendance(three_day_workshop, data, "w.txt", dry_run=True).questions)
    name = question["Daraa Tafilalt"].field_name
    import_attendance(three_day_workshop, data, "w.txt", choices=Choices({name: "08"}))
    assert PlaceAlias.objects.get(alias="Daraa Tafilalt").region.code == "08"


def import_url(workshop):
    return reverse("admin:workshops_workshop_import_attendance", args=[workshop.pk])


def test_answering_in_the_preview_imports_and_the_next_sheet_matches_by_alias(
    client, importer, three_day_workshop
):
    client.force_login(importer)
    url = import_url(three_day_workshop)
    data = walk_ins(["Casa-Settat", "Fès-Meknès", "Casa-Settat"])
    first = client.post(url, {"file": SimpleUploadedFile("walk-ins.txt", data)})
    content = first.content.decode()
    assert "Unknown region “Casa-Settat”: the closest are Casablanca-Settat and Guelmim-Oued Noun." in content
    token = first.context["token"]
    question = place_questions(first.context["questions"])["Casa-Settat"]
    again = client.post(url, {"token": token, "repreview": "1", question.field_name: "06"})
    assert again.context["errors"] == []
    assert "Read “Casa-Settat” as Casablanca-Settat." in again.content.decode()
    assert not PlaceAlias.objects.filter(alias="Casa-Settat").exists()  # a preview records nothing
    response = client.post(url, {"token": token, "confirm": "1", question.field_name: "06"})
    assert response.status_code == 302
    assert regions_by_email()["participant01@example.org"] == "06"
    alias = PlaceAlias.objects.get(alias="Casa-Settat")
    assert (alias.kind, alias.region.code, alias.created_by) == ("region", "06", None)
    assert alias.source.startswith(f"import into “{three_day_workshop.title}” (#{three_day_workshop.pk}) on ")

    other = WorkshopFactory(start_date=three_day_workshop.start_date, end_date=three_day_workshop.end_date)
    for session in three_day_workshop.sessions.all():
        SessionFactory(workshop=other, date=session.date)
    result = import_attendance(other, walk_ins(["Casa-Settat"]), "walk-ins.txt")
    assert place_questions(result.questions) == {}
    assert not [w for w in result.warnings if "Casa-Settat" in w.message]
    assert other.participations.get().person.region.code == "06"


def test_a_value_without_letters_is_an_error_without_question(three_day_workshop):
    with pytest.raises(AttendanceImportError) as excinfo:
        import_attendance(three_day_workshop, walk_ins(["?"]), "walk-ins.txt")
    assert [e.message for e in excinfo.value.errors] == [
        "Unknown region “?”: use one of Morocco's 12 regions."
    ]
    assert excinfo.value.questions == []

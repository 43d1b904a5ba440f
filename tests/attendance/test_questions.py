"""The preview's questions (``attendance.choices``): asked, answered, previewed again, and the
confirmation imports with the answers of the preview the staff member last saw."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attendance import apply
from attendance.choices import Choices, Question
from tests.attendance.conftest import sample

pytestmark = pytest.mark.django_db


def import_url(workshop):
    return reverse("admin:workshops_workshop_import_attendance", args=[workshop.pk])


def _question():
    return Question(
        kind="test",
        value="Daraa Tafilalt",
        text="Which region is “Daraa Tafilalt”?",
        options=[("08", "Drâa-Tafilalet"), ("07", "Souss-Massa")],
        rows=[4, 9],
    )


@pytest.fixture
def asking(monkeypatch):
    """Make every import ask one question; returns the answers each import used."""
    used = []
    real = apply.read_sheet

    def read_sheet(workshop, data, filename, choices=None):
        result, people = real(workshop, data, filename, choices)
        question = _question()
        used.append(choices.answer(question))
        result.questions.append(question)
        return result, people

    monkeypatch.setattr(apply, "read_sheet", read_sheet)
    return used


def test_an_answer_must_be_one_of_the_options():
    question = _question()
    assert Choices().answer(question) == "08"
    assert Choices({question.field_name: "07"}).answer(question) == "07"
    assert Choices({question.field_name: "99"}).answer(question) == "08"
    assert question.answer == "08"


def test_field_names_are_stable_and_differ_by_value():
    one, other = _question(), _question()
    other.value = "Tanger-Tetouan-Elhoucima"
    assert one.field_name == _question().field_name
    assert one.field_name != other.field_name
    assert one.field_name.startswith("q-test-")


def test_posted_answers_are_bounded():
    post = {"q-a": "x" * 500, "token": "t", "other": "y", "q-" + "b" * 100: "z"}
    assert Choices.from_post(post).answers == {"q-a": "x" * 200}
    assert Choices.from_json({"q-a": 3, "q-b": "07"}).answers == {"q-b": "07"}
    assert Choices.from_json(["q-a"]).answers == {}


def test_preview_shows_the_question_with_the_proposed_answer(client, importer, three_day_workshop, asking):
    client.force_login(importer)
    upload = SimpleUploadedFile("sheet.csv", sample("marrakech-2021-03-attendance-fr.csv"))
    response = client.post(import_url(three_day_workshop), {"file": upload})
    content = response.content.decode()
    question = _question()
    assert "Which region is “Daraa Tafilalt”?" in content
    assert f'name="{question.field_name}"' in content
    assert '<option value="08" selected dir="auto">Drâa-Tafilalet</option>' in content
    assert "Preview again with these answers" in content
    assert asking == ["08"]


def test_preview_again_then_confirm_imports_the_chosen_answer(client, importer, three_day_workshop, asking):
    client.force_login(importer)
    url, name = import_url(three_day_workshop), _question().field_name
    upload = SimpleUploadedFile("sheet.csv", sample("marrakech-2021-03-attendance-fr.csv"))
    token = client.post(url, {"file": upload}).context["token"]
    again = client.post(url, {"token": token, "repreview": "1", name: "07"})
    assert again.context["token"] == token
    assert '<option value="07" selected dir="auto">' in again.content.decode()
    assert three_day_workshop.participations.count() == 0
    response = client.post(url, {"token": token, "confirm": "1", name: "07"})
    assert response.status_code == 302
    assert asking == ["08", "07", "07"]
    assert three_day_workshop.participations.count() == 50


def test_confirm_with_an_answer_not_previewed_previews_again(client, importer, three_day_workshop, asking):
    client.force_login(importer)
    url, name = import_url(three_day_workshop), _question().field_name
    upload = SimpleUploadedFile("sheet.csv", sample("marrakech-2021-03-attendance-fr.csv"))
    token = client.post(url, {"file": upload}).context["token"]
    response = client.post(url, {"token": token, "confirm": "1", name: "07"}, follow=True)
    assert response.status_code == 200
    assert "You changed an answer" in response.content.decode()
    assert three_day_workshop.participations.count() == 0
    assert response.context["token"] == token
    client.post(url, {"token": token, "confirm": "1", name: "07"})
    assert three_day_workshop.participations.count() == 50
    assert asking == ["08", "07", "07"]


def test_a_sheet_with_errors_and_questions_stays_staged(client, importer, three_day_workshop, monkeypatch):
    client.force_login(importer)
    real = apply.read_sheet

    def read_sheet(workshop, data, filename, choices=None):
        question = _question()
        if choices.answer(question) == "08":
            raise apply.AttendanceImportError([apply.SheetError(4, "Région", "unknown region")], [question])
        result, people = real(workshop, data, filename, choices)
        result.questions.append(question)  # asked again, with its answer, in every preview
        return result, people

    monkeypatch.setattr(apply, "read_sheet", read_sheet)
    url, name = import_url(three_day_workshop), _question().field_name
    upload = SimpleUploadedFile("sheet.csv", sample("marrakech-2021-03-attendance-fr.csv"))
    first = client.post(url, {"file": upload})
    assert "unknown region" in first.content.decode()
    token = first.context["token"]
    assert token
    again = client.post(url, {"token": token, "repreview": "1", name: "07"})
    assert again.context["errors"] == []
    assert "Confirm import" in again.content.decode()
    client.post(url, {"token": token, "confirm": "1", name: "07"})
    assert three_day_workshop.participations.count() == 50


def test_another_users_token_is_not_previewed_again(client, importer, three_day_workshop, django_user_model):
    from tests.conftest import _grant

    client.force_login(importer)
    upload = SimpleUploadedFile("sheet.csv", sample("marrakech-2021-03-attendance-fr.csv"))
    token = client.post(import_url(three_day_workshop), {"file": upload}).context["token"]
    other = django_user_model.objects.create_user("other", password="x", is_staff=True)
    _grant(other, "workshops.import_attendance", "workshops.view_workshop")
    client.force_login(other)
    response = client.post(import_url(three_day_workshop), {"token": token, "repreview": "1"})
    assert response.status_code == 404

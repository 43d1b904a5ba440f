"""Sheets without day columns (``attendance.days``): the preview asks whether their people came to
every session, to one, or were only registered; the answer sets statuses and marks, and the
public figures follow."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from attendance.apply import import_attendance
from attendance.choices import Choices
from attendance.days import without_days_question
from tests.attendance.sheetmakers import to_csv, to_xlsx
from tests.factories import WorkshopFactory
from workshops import publication
from workshops.models import Participation

pytestmark = pytest.mark.django_db

PEOPLE = [
    ("Amina Berrada", "Association Tilila", "0612345701"),
    ("Youssef El Idrissi", "Jeunes pour le Souss", "0612345702"),
    ("Khadija Ouazzani", "Association Tilila", "0612345703"),
    ("Mehdi Tazi", "Réseau des femmes élues", "0612345704"),
    ("Salma Chraibi", "Forum Oriental", "0612345705"),
    ("Omar Benjelloun", "Jeunes pour le Souss", "0612345706"),
    ("Nadia Alami", "Forum Oriental", "0612345707"),
    ("Hamza Lahlou", "Réseau des femmes élues", "0612345708"),
]


def french_sign_in_sheet():
    """A partner's sign-in sheet, typed up: title lines, then N°, Nom et prénom, Organisme,
    Téléphone and an empty Émargement column; no column per day."""
    title = [
        ["FEUILLE D'ÉMARGEMENT"],
        ["Atelier : Budget participatif et plaidoyer local"],
        ["Lieu : Rabat — du 5 au 7 mars 2021"],
        [],
    ]
    header = ["N°", "Nom et prénom", "Organisme", "Téléphone", "Émargement"]
    rows = [[str(i), name, org, phone, ""] for i, (name, org, phone) in enumerate(PEOPLE, start=1)]
    return to_xlsx([header, *rows], title_lines=title)


def registration_list():
    """The same people, as a registration list: no title, no signature column."""
    return to_csv([["Nom et prénom", "Organisme", "Téléphone"], *[list(p) for p in PEOPLE]])


def answered(workshop, answer, signed=True):
    question = without_days_question(list(workshop.sessions.all()), signed)
    return Choices({question.field_name: answer})


def marks_per_session(workshop):
    return [s.attendances.count() for s in workshop.sessions.order_by("position")]


def test_a_sign_in_sheet_proposes_present_at_every_session_and_its_people_count(three_day_workshop):
    result = import_attendance(three_day_workshop, french_sign_in_sheet(), "atelier.xlsx")
    [question] = result.questions
    assert (question.kind, question.value, question.answer) == ("without_days", "", "all")
    assert question.text.startswith("This sheet has no column per day")
    assert [value for value, _label in question.options] == [
        "all",
        "registered",
        "session-1",
        "session-2",
        "session-3",
    ]
    assert set(Participation.objects.values_list("status", flat=True)) == {"attended"}
    assert marks_per_session(three_day_workshop) == [8, 8, 8]
    assert three_day_workshop.participations.counted().count() == 8
    figures = publication.workshop_figures(three_day_workshop)
    assert figures["participants"] == 8
    assert [count for _session, count in figures["by_session"]] == [8, 8, 8]
    # The signature column is expected on such a sheet: not reported as a column not understood.
    assert not [w for w in result.warnings if w.column == "Émargement"]


def test_answered_registered_only_the_people_are_registered_and_count_nowhere(three_day_workshop):
    choices = answered(three_day_workshop, "registered")
    result = import_attendance(three_day_workshop, french_sign_in_sheet(), "atelier.xlsx", choices=choices)
    assert result.questions[0].answer == "registered"
    assert set(Participation.objects.values_list("status", flat=True)) == {"registered"}
    assert marks_per_session(three_day_workshop) == [0, 0, 0]
    assert three_day_workshop.participations.counted().count() == 0
    assert publication.workshop_figures(three_day_workshop)["participants"] == 0


def test_present_at_one_session_only_ticks_that_session(three_day_workshop):
    choices = answered(three_day_workshop, "session-2")
    result = import_attendance(three_day_workshop, french_sign_in_sheet(), "atelier.xlsx", choices=choices)
    assert marks_per_session(three_day_workshop) == [0, 8, 0]
    assert [session.position for session in result.sessions] == [2]
    assert three_day_workshop.participations.counted().count() == 8


@pytest.mark.parametrize("answer", ["all", "registered", "session-3"])
def test_importing_the_same_sheet_with_the_same_answer_changes_nothing(three_day_workshop, answer):
    choices = answered(three_day_workshop, answer)
    import_attendance(three_day_workshop, french_sign_in_sheet(), "atelier.xlsx", choices=choices)
    statuses = sorted(Participation.objects.values_list("person__phone", "status"))
    again = import_attendance(three_day_workshop, french_sign_in_sheet(), "atelier.xlsx", choices=choices)
    assert not again.changes_anything
    assert sorted(Participation.objects.values_list("person__phone", "status")) == statuses


def test_registered_first_then_present_at_every_session(three_day_workshop):
    import_attendance(three_day_workshop, registration_list(), "inscriptions.csv")
    assert set(Participation.objects.values_list("status", flat=True)) == {"registered"}
    result = import_attendance(
        three_day_workshop,
        registration_list(),
        "inscriptions.csv",
        choices=answered(three_day_workshop, "all", signed=False),
    )
    assert result.participations_updated == 8
    assert marks_per_session(three_day_workshop) == [8, 8, 8]


def test_a_registration_list_proposes_registered_only(three_day_workshop):
    result = import_attendance(three_day_workshop, registration_list(), "inscriptions.csv", dry_run=True)
    [question] = result.questions
    assert question.answer == "registered"
    assert question.options[0] == ("registered", "registered only (no attendance recorded)")


@pytest.mark.parametrize(
    "header",
    [
        ["الاسم الكامل", "الهاتف", "التوقيع"],
        ["Full name", "Phone", "Signature"],
    ],
)
def test_a_signature_column_in_arabic_or_english_proposes_present(three_day_workshop, header):
    data = to_csv([header, ["سلمى الإدريسي", "0612345701", ""]])
    result = import_attendance(three_day_workshop, data, "list.csv", dry_run=True)
    assert result.questions[0].answer == "all"


def test_a_design_workshop_title_is_not_a_sign_in_sheet(three_day_workshop):
    data = to_xlsx(
        [["Nom et prénom", "Téléphone"], ["Amina Berrada", "0612345701"]],
        title_lines=[["Design inclusif des services publics"]],
    )
    result = import_attendance(three_day_workshop, data, "liste.xlsx", dry_run=True)
    assert result.questions[0].answer == "registered"


def test_no_question_with_day_columns_without_sessions_or_with_every_status(three_day_workshop):
    with_days = to_csv([["Nom et prénom", "Téléphone", "J1"], ["Amina Berrada", "0612345701", "x"]])
    assert import_attendance(three_day_workshop, with_days, "a.csv", dry_run=True).questions == []
    statuses = to_csv([["Nom et prénom", "Téléphone", "Statut"], ["Amina Berrada", "0612345701", "présent"]])
    assert import_attendance(three_day_workshop, statuses, "a.csv", dry_run=True).questions == []
    no_sessions = WorkshopFactory(start_date=datetime.date(2021, 3, 5))
    result = import_attendance(no_sessions, french_sign_in_sheet(), "a.xlsx", dry_run=True)
    assert result.questions == []
    assert "No per-session presence columns found" in result.warnings[0].message


def test_a_row_status_wins_over_the_answer(three_day_workshop):
    data = to_csv(
        [
            ["Nom et prénom", "Téléphone", "Statut", "Émargement"],
            ["Amina Berrada", "0612345701", "annulé", ""],
            ["Youssef El Idrissi", "0612345702", "", ""],
        ]
    )
    import_attendance(three_day_workshop, data, "a.csv")
    statuses = dict(Participation.objects.values_list("person__phone", "status"))
    assert statuses == {"+212612345701": "cancelled", "+212612345702": "attended"}
    assert marks_per_session(three_day_workshop) == [1, 1, 1]


def test_preview_asks_then_confirm_imports_the_answer(client, importer, three_day_workshop):
    client.force_login(importer)
    url = reverse("admin:workshops_workshop_import_attendance", args=[three_day_workshop.pk])
    upload = SimpleUploadedFile("atelier.xlsx", french_sign_in_sheet())
    first = client.post(url, {"file": upload})
    content = first.content.decode()
    name = first.context["questions"][0].field_name
    assert "This sheet has no column per day, and it looks like a sign-in sheet." in content
    assert '<option value="all" selected dir="auto">present at every session</option>' in content
    assert "present at Day 2 (06/03/2021) only" in content
    token = first.context["token"]
    again = client.post(url, {"token": token, "repreview": "1", name: "registered"})
    assert '<option value="registered" selected dir="auto">' in again.content.decode()
    assert again.context["result"].marks_added == 0
    client.post(url, {"token": token, "confirm": "1", name: "registered"})
    assert set(Participation.objects.values_list("status", flat=True)) == {"registered"}


def test_the_blank_sign_in_sheet_keeps_a_signature_column_per_session(three_day_workshop):
    from attendance.signin import sign_in_html

    html, names = sign_in_html(three_day_workshop, prefill=False)
    assert names == 0
    assert html.count('<th class="signature">') == 3


def test_the_import_command_takes_an_answer_and_prints_the_question(three_day_workshop, tmp_path):
    path = tmp_path / "atelier.xlsx"
    path.write_bytes(french_sign_in_sheet())
    errors = io.StringIO()
    call_command(
        "import_attendance",
        str(three_day_workshop.pk),
        str(path),
        "--without-days",
        "registered",
        stdout=io.StringIO(),
        stderr=errors,
    )
    assert "no column per day" in errors.getvalue()
    assert errors.getvalue().rstrip().endswith("→ registered only (no attendance recorded)")
    assert set(Participation.objects.values_list("status", flat=True)) == {"registered"}

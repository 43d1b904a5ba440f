"""Attacks on the attendance import by a hostile editor, a curious viewer and real partners'
sheets: each test is a finding that was fixed (see the report of branch h-attack)."""

import pytest
from django.urls import reverse

from attendance.apply import import_attendance
from attendance.choices import MAX_QUESTIONS
from attendance.rights import ImporterRights
from organizations.models import OrganizationAlias
from regions.models import PlaceAlias
from tests.attendance.conftest import upload
from tests.attendance.sheetmakers import to_csv
from tests.conftest import _grant
from tests.factories import OrganizationFactory, PersonFactory
from tests.factories import region as region_named
from workshops.models import Participation

pytestmark = pytest.mark.django_db

HEADER = ["Nom", "Prénom", "Sexe", "Organisation", "Région", "Tél", "J1"]


def sheet(*rows):
    return to_csv([HEADER, *rows], delimiter=";")


def test_an_importer_without_contacts_learns_no_ones_organisation_through_a_phone(three_day_workshop):
    """A phone typed in a sheet must not reveal, through the organisation question's proposal,
    which organisation the saved person with that phone belongs to."""
    secret = OrganizationFactory(name="Association discrète")
    PersonFactory(phone="+212612345601", organization=secret)
    probe = sheet(["X", "Y", "F", "zzqq", "", "0612345601", "x"])

    for visible in ({"contacts_visible": False}, {"contacts_visible": False, "names_visible": False}):
        rights = ImporterRights(**visible)
        result = import_attendance(three_day_workshop, probe, "a.csv", dry_run=True, rights=rights)
        offered = [label for question in result.questions for _value, label in question.options]
        assert not any(secret.name in label for label in offered), visible

    seen = import_attendance(three_day_workshop, probe, "a.csv", dry_run=True)
    assert seen.questions[0].options[0][0] == f"org-{secret.pk}"


@pytest.fixture
def editor_without_aliases(django_user_model):
    user = django_user_model.objects.create_user("data-officer", password="x", is_staff=True)
    _grant(user, "workshops.import_attendance", "workshops.view_workshop", "organizations.view_person")
    return django_user_model.objects.get(pk=user.pk)


def test_only_who_may_add_aliases_records_one_by_import(client, editor_without_aliases, three_day_workshop):
    """Answering "same as" links the rows, but records the alias (which steers every later
    import) only for a user allowed to add organisation aliases."""
    atlas = OrganizationFactory(name="Association Atlas", region=region_named("08"))
    data = sheet(["Alaoui", "Sara", "F", "Association Atlas Azilal", "Drâa-Tafilalet", "0612345601", "x"])
    client.force_login(editor_without_aliases)
    preview = upload(client, three_day_workshop, data, "a.csv")
    [question] = preview.context["questions"]
    answer = {question.field_name: f"org-{atlas.pk}"}
    again = client.post(
        preview.wsgi_request.path, {"token": preview.context["token"], "repreview": "1", **answer}
    )
    response = client.post(
        again.wsgi_request.path, {"token": again.context["token"], "confirm": "1", **answer}
    )

    assert response.status_code == 302
    assert Participation.objects.get().organization == atlas
    assert not OrganizationAlias.objects.exists()

    _grant(editor_without_aliases, "organizations.add_organizationalias")
    result = import_attendance(
        three_day_workshop,
        sheet(["Alaoui", "Sara", "F", "Association Atlas Azilal", "Drâa-Tafilalet", "0612345601", "x"]),
        "a.csv",
        choices=again.context["result"].choices,
    )
    assert result.questions and OrganizationAlias.objects.get().organization == atlas


@pytest.mark.parametrize(
    "payload",
    ["+cmd|' /C calc'!A0", "-cmd|' /C notepad'!A0", "@cmd|' /C x'!A0", "+Feuil1!A1", "-'Sheet 1'!B2"],
)
def test_dde_and_sheet_references_are_formulas_not_names(three_day_workshop, payload):
    errors = _refused(three_day_workshop, sheet([payload, "Sara", "F", payload, "", "0612345601", "x"]))
    assert {error.column for error in errors} == {"Nom", "Organisation"}


def test_names_that_only_start_like_a_formula_stay_names(three_day_workshop):
    data = sheet(["- Alaoui", "@Sara", "F", "+Jeunes!", "", "0612345601", "x"])
    result = import_attendance(three_day_workshop, data, "a.csv", dry_run=True)
    assert result.rows == 1


def _refused(workshop, data):
    from attendance.vocabulary import AttendanceImportError

    with pytest.raises(AttendanceImportError) as excinfo:
        import_attendance(workshop, data, "a.csv")
    assert not Participation.objects.exists()
    return excinfo.value.errors


def test_total_lines_among_people_are_not_people(three_day_workshop):
    data = sheet(
        ["Alaoui", "Sara", "F", "", "", "0612345601", "x"],
        ["Total", "", "", "", "", "", "1"],
        ["Idrissi", "Hind", "F", "", "", "0612345602", "x"],
        ["المجموع", "", "", "", "", "", "2"],
        ["Total participants : 2", "", "", "", "", "", ""],
    )
    result = import_attendance(three_day_workshop, data, "a.csv")
    assert result.rows == 2
    assert sorted(Participation.objects.values_list("person__last_name", flat=True)) == ["Alaoui", "Idrissi"]
    assert [w.row for w in result.warnings if "total" in str(w).lower()] == [3, 5, 6]


@pytest.mark.parametrize(
    ("generic", "saved"),
    [
        ("Association", "Association Atlas"),
        ("الجمعية", "جمعية"),
        ("Commune urbaine", "Commune urbaine de Zagora"),
        ("Réseau", "Réseaux"),
    ],
)
def test_a_name_that_only_says_the_kind_of_organisation_is_never_recorded_as_an_alias(
    three_day_workshop, generic, saved
):
    """Answering "same as Association Atlas" for a row that says only "Association" links the row,
    but must not send every later sheet's "Association" to Association Atlas."""
    atlas = OrganizationFactory(name=saved, region=region_named("08"))
    data = sheet(["Alaoui", "Sara", "F", generic, "Drâa-Tafilalet", "0612345601", "x"])
    preview = import_attendance(three_day_workshop, data, "a.csv", dry_run=True)
    [question] = preview.questions
    preview.choices.answers[question.field_name] = f"org-{atlas.pk}"

    import_attendance(three_day_workshop, data, "a.csv", choices=preview.choices)

    assert Participation.objects.get().organization == atlas
    assert not OrganizationAlias.objects.exists()


def test_checkboxes_saved_as_csv_read_as_they_do_in_the_workbook(three_day_workshop):
    """Excel writes a checkbox (a boolean cell) to CSV as TRUE/FALSE, VRAI/FAUX or صحيح/خطأ; the
    workbook itself was read, the CSV of the same sheet was refused."""
    rows = [
        ["Nom", "Prénom", "Compte dans le total", "Tél", "J1", "J2"],
        ["Alaoui", "Sara", "TRUE", "0612345601", "TRUE", "FALSE"],
        ["Idrissi", "Hind", "FAUX", "0612345602", "VRAI", "FAUX"],
        ["Tazi", "Ali", "صحيح", "0612345603", "خطأ", "صحيح"],
    ]
    result = import_attendance(three_day_workshop, to_csv(rows, delimiter=";"), "a.csv", dry_run=True)
    assert [[present for _session, present in planned.marks[:2]] for planned in result.plan] == [
        [True, False],
        [True, False],
        [False, True],
    ]
    assert [planned.counted for planned in result.plan] == [True, False, True]


def _walk_ins(*regions):
    header = ["Nom", "Prénom", "Région", "Tél", "J1"]
    return to_csv(
        [header, *[[f"N{i}", "P", r, f"06{i:08d}", "x"] for i, r in enumerate(regions)]], delimiter=";"
    )


def test_a_region_answered_by_who_may_not_add_place_aliases_is_not_remembered(
    client, editor_without_aliases, three_day_workshop
):
    url = reverse("admin:workshops_workshop_import_attendance", args=[three_day_workshop.pk])
    client.force_login(editor_without_aliases)
    preview = upload(client, three_day_workshop, _walk_ins("Casa-Settat"), "a.csv")
    [question] = preview.context["questions"]
    answer = {question.field_name: "06"}
    again = client.post(url, {"token": preview.context["token"], "repreview": "1", **answer})
    response = client.post(url, {"token": again.context["token"], "confirm": "1", **answer})

    assert response.status_code == 302
    assert Participation.objects.get().person.region.code == "06"
    assert not PlaceAlias.objects.filter(alias="Casa-Settat").exists()


def test_a_sheet_raising_more_questions_than_a_form_can_send_back_is_refused_plainly(
    client, importer, three_day_workshop
):
    """1,200 unknown region spellings made 1,200 questions: the preview's form then had more
    fields than Django accepts (HTTP 400 on "Preview again", "Confirm" and even "Cancel")."""
    client.force_login(importer)
    data = _walk_ins(*[f"Douar Ait {i:04d}" for i in range(MAX_QUESTIONS + 1)])
    preview = upload(client, three_day_workshop, data, "a.csv")

    assert preview.status_code == 200
    assert preview.context["questions"] == [] and preview.context["token"] == ""
    assert f"This sheet raises {MAX_QUESTIONS + 1} questions" in preview.context["errors"][0].message
    assert not Participation.objects.exists()


def test_a_proposal_taken_unseen_records_no_alias(three_day_workshop):
    """The management command takes every proposed answer without anyone seeing it: a fuzzy
    guess links the rows, but must not become an alias that steers every later import."""
    amal = OrganizationFactory(name="Association Al Amal pour le développement", region=region_named("08"))
    data = sheet(
        ["Alaoui", "Sara", "F", "Association Amal pour le developpement", "Drâa-Tafilalet", "0612345601", "x"]
    )

    result = import_attendance(three_day_workshop, data, "a.csv")

    assert result.questions[0].answer == f"org-{amal.pk}"
    assert Participation.objects.get().organization == amal
    assert not OrganizationAlias.objects.exists()


def test_a_utf8_sheet_with_one_stray_byte_is_refused_only_at_that_cell(three_day_workshop):
    """One Windows-1252 no-break space pasted into a UTF-8 sheet made it read as Windows-1252
    (every Arabic and accented name garbled) and no offered encoding read it right."""
    rows = [
        ["Nom", "Prénom", "Tél", "J1"],
        ["علوي", "سارة", "0612345601", "x"],
        ["Élise", "Zoé", "0612345602", "x"],
        ["Idrissi", "Hind", "0612345603", "x"],
    ]
    data = to_csv(rows, delimiter=";").replace(b"Hind", b"Hind\xa0", 1)
    errors = _refused(three_day_workshop, data)
    assert [(error.row, error.column) for error in errors] == [(4, "Prénom")]


def test_the_report_of_another_workshop_on_the_same_days_is_named_in_a_warning(three_day_workshop):
    """Two workshops on the same days (two rooms of one event): the report of one imported into
    the other was read without a word, every person added to the wrong workshop."""
    from attendance import exports
    from tests.factories import ParticipationFactory, SessionFactory, WorkshopFactory

    other = WorkshopFactory(
        title="Atelier salle B",
        start_date=three_day_workshop.start_date,
        end_date=three_day_workshop.end_date,
    )
    for session in three_day_workshop.sessions.all():
        SessionFactory(workshop=other, date=session.date)
    ParticipationFactory(workshop=other)
    export = exports.export_attendance(other, "csv")

    for name in (export.filename, export.filename.replace(".csv", " (1).csv")):
        result = import_attendance(three_day_workshop, export.content, name, dry_run=True)
        assert [w.message for w in result.warnings if "Atelier salle B" in w.message] == [
            "This file is named as the attendance report of another workshop, “Atelier salle B”: check "
            "that it is the right file for this one."
        ]
    own = import_attendance(other, export.content, export.filename, dry_run=True)
    assert not [w for w in own.warnings if "another workshop" in w.message]

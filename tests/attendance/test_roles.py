"""Roles count right: the role sets the default of "counts toward totals" (participants count;
facilitators, speakers and organising staff do not unless ticked), in the model, the admin and
the import, which reads role and counted columns."""

import pytest
from django.urls import reverse

from attendance.apply import import_attendance
from tests.attendance.sheetmakers import to_csv
from tests.factories import ParticipationFactory, WorkshopFactory
from workshops.models import Participation

pytestmark = pytest.mark.django_db

Role = Participation.Role


@pytest.mark.parametrize(
    ("role", "counted"),
    [(Role.PARTICIPANT, True), (Role.FACILITATOR, False), (Role.SPEAKER, False), (Role.STAFF, False)],
)
def test_new_participation_counts_as_its_role_says(role, counted):
    assert ParticipationFactory(role=role).counts_toward_totals is counted


def test_explicit_counted_flag_wins_over_the_role():
    assert ParticipationFactory(role=Role.STAFF, counts_toward_totals=True).counts_toward_totals is True
    assert (
        ParticipationFactory(role=Role.PARTICIPANT, counts_toward_totals=False).counts_toward_totals is False
    )


def test_saving_again_keeps_the_saved_flag():
    participation = ParticipationFactory(role=Role.PARTICIPANT, counts_toward_totals=False)
    participation.role = Role.STAFF
    participation.save()
    participation.role = Role.PARTICIPANT
    participation.save()
    participation.refresh_from_db()
    assert participation.counts_toward_totals is False


def test_full_clean_fills_the_flag_from_the_role():
    participation = ParticipationFactory.build(role=Role.FACILITATOR, workshop=WorkshopFactory())
    participation.person.save()
    participation.person_id = participation.person.pk
    participation.full_clean()
    assert participation.counts_toward_totals is False


def import_rows(workshop, rows):
    import_attendance(workshop, to_csv(rows), "sheet.csv")
    return {
        p.person.last_name: (p.role, p.counts_toward_totals)
        for p in workshop.participations.select_related("person")
    }


def test_import_reads_roles_and_gives_each_its_default_without_counted_column(three_day_workshop):
    rows = [
        ["Nom", "Prénom", "Téléphone", "Rôle", "Fonction", "J1"],
        ["Alaoui", "Sara", "0600000101", "participante", "Présidente", "x"],
        ["Bennis", "Omar", "0600000102", "animateur", "Formateur", "x"],
        ["Chraibi", "Leila", "0600000103", "intervenante", "", "x"],
        ["Daoudi", "Nabil", "0600000104", "organisateur", "", "x"],
        ["Ennaji", "Hind", "0600000105", "", "", "x"],
    ]
    assert import_rows(three_day_workshop, rows) == {
        "Alaoui": (Role.PARTICIPANT, True),
        "Bennis": (Role.FACILITATOR, False),
        "Chraibi": (Role.SPEAKER, False),
        "Daoudi": (Role.STAFF, False),
        "Ennaji": (Role.PARTICIPANT, True),
    }


@pytest.mark.parametrize(
    ("value", "counted"),
    [("oui", True), ("non", False), ("نعم", True), ("لا", False), ("yes", True), ("no", False)]
    + [("1", True), ("0", False), ("✓", True), ("x", True), ("", False)],
)
def test_import_reads_the_counted_column(three_day_workshop, value, counted):
    rows = [
        ["الاسم العائلي", "الاسم الشخصي", "الهاتف", "الدور", "يُحتسب في المجاميع"],
        ["العلوي", "خديجة", "0600000201", "ميسر", value],
    ]
    assert import_rows(three_day_workshop, rows) == {"العلوي": (Role.FACILITATOR, counted)}


def test_a_lone_role_column_is_still_the_position(three_day_workshop):
    rows = [["Nom", "Prénom", "Téléphone", "Rôle"], ["Alaoui", "Sara", "0600000101", "Présidente"]]
    import_rows(three_day_workshop, rows)
    participation = three_day_workshop.participations.get()
    assert (participation.position, participation.role) == ("Présidente", Role.PARTICIPANT)


def test_reimport_with_a_new_role_brings_its_default(three_day_workshop):
    rows = [["Nom", "Prénom", "Téléphone", "Rôle", "Fonction"], ["Alaoui", "Sara", "0600000101", "", "Cadre"]]
    assert import_rows(three_day_workshop, rows) == {"Alaoui": (Role.PARTICIPANT, True)}
    rows[1][3] = "staff"
    assert import_rows(three_day_workshop, rows) == {"Alaoui": (Role.STAFF, False)}


def test_import_refuses_an_unknown_role_naming_row_and_column(three_day_workshop):
    from tests.attendance.conftest import refused

    rows = [["Name", "Phone", "Role", "Position"], ["Sara Alaoui", "0600000101", "captain", ""]]
    errors = refused(three_day_workshop, to_csv(rows), "sheet.csv")
    assert [(e.row, e.column) for e in errors] == [(2, "Role")]
    assert "“captain” is not a role" in str(errors[0])


def test_old_csv_report_summary_is_not_read_as_people(three_day_workshop):
    """A report exported before the "Summary" line: its summary's header stops the rows."""
    rows = [
        ["Last name", "First name", "Phone", "Status"],
        ["Alaoui", "Sara", "0600000101", "registered"],
        [],
        ["Region", "woman", "man", "not stated", "Total"],
        ["Rabat-Salé-Kénitra", "1", "0", "0", "1"],
        ["Total", "1", "0", "0", "1"],
    ]
    assert list(import_rows(three_day_workshop, rows)) == ["Alaoui"]


@pytest.mark.parametrize(("role", "counted"), [(Role.PARTICIPANT, True), (Role.STAFF, False)])
def test_admin_form_offers_the_role_default(admin_client, role, counted):
    participation = ParticipationFactory.build()
    participation.workshop.organizer.save()
    participation.workshop.save()
    participation.person.save()
    url = reverse("admin:workshops_participation_add")
    assert "as the role says" in admin_client.get(url).content.decode()
    response = admin_client.post(
        url,
        {
            "workshop": participation.workshop.pk,
            "person": participation.person.pk,
            "role": role,
            "status": Participation.Status.ATTENDED,
            "counts_toward_totals": "unknown",
            "attendances-TOTAL_FORMS": "0",
            "attendances-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Participation.objects.get().counts_toward_totals is counted

"""Findings of a new staff member's walk through the workshop-day features (set-up, public
registration, approval, roster, check-in, sign-in sheet, certificates), each pinned by a test."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from attendance.vocabulary import parse_presence
from tests.conftest import _grant
from tests.factories import AttendanceFactory, ParticipationFactory, WorkshopFactory
from workshops.models import Participation


def test_french_participation_statuses_share_one_gender():
    """The admin's status filter listed "inscrit, présent, absent, désisté, refusée": one label
    agreed with "inscription" while the others agree with "participant"."""
    with translation.override("fr"):
        labels = [str(choice.label) for choice in Participation.Status]
    assert "refusé" in labels
    assert not [label for label in labels if label.endswith("ée")]


def _roster_in(client, django_user_model, lang, *ticked_days, perms=()):
    """The French or Arabic roster of a three-day workshop where one participant is ticked on
    ``ticked_days`` (positions), seen by a staff member who may view it."""
    workshop = WorkshopFactory(start_date=datetime.date(2026, 12, 1), end_date=datetime.date(2026, 12, 3))
    workshop.sync_sessions()
    participation = ParticipationFactory(workshop=workshop, person__first_name="Salma")
    for session in workshop.sessions.filter(position__in=ticked_days):
        AttendanceFactory(participation=participation, session=session)
    user = django_user_model.objects.create_user(f"newuser-{lang}", password="x", is_staff=True)
    _grant(
        user, "workshops.view_participation", "organizations.view_person", "workshops.view_workshop", *perms
    )
    client.force_login(user)
    return client.get(f"/{lang}/staff/workshops/{workshop.slug}/roster/").content.decode()


@pytest.mark.django_db
def test_roster_day_totals_read_right_for_one_person(client, django_user_model):
    """The totals read "1 comptés (1 cochés)" (a plural after 1, in Arabic "1 محتسبون"): the
    figures change live, so the words are labels before them."""
    page = _roster_in(client, django_user_model, "fr", 1)
    assert "comptés (" not in page and "cochés)" not in page
    assert "Comptés :" in page and "cochés :" in page
    page = _roster_in(client, django_user_model, "ar", 1)
    assert "محتسبون (" not in page


def test_french_roster_message_for_an_unknown_name():
    """ "Personne d’enregistré ne porte ce nom." is not French."""
    with translation.override("fr"):
        message = translation.gettext("Nobody saved has this name.")
    assert message == "Aucune personne enregistrée ne porte ce nom."


@pytest.mark.parametrize(
    "typed", ["signé", "Signée", "SIGNE", "émargé", "signed", "موقع", "موقّع", "موقعة", "وقّع", "تم التوقيع"]
)
def test_a_typed_up_sign_in_sheet_says_signed_for_present(typed):
    """The sign-in sheet heads each day "Signature"; whoever types it up writes "signé" (or
    "موقع") where a person signed, and the import refused it as "not a presence mark"."""
    assert parse_presence(typed) is True


@pytest.mark.parametrize("typed", ["non signé", "pas signé", "لم يوقع", "غير موقع"])
def test_unsigned_reads_as_absent(typed):
    assert parse_presence(typed) is False


@pytest.mark.django_db
def test_roster_bulk_status_and_role_start_empty(client, django_user_model):
    """The bulk form's status list started on "awaiting approval" (and role on "participant"):
    choosing "Set status" and pressing Apply set everyone selected to pending, out of every count,
    without a question. They start empty, and Apply without a value changes nobody."""
    page = _roster_in(client, django_user_model, "en", perms=["workshops.change_participation"])
    form = page[page.index('id="roster-bulk"') :]
    for name in ("status", "role"):
        select = form[form.index(f'name="{name}"') :]
        first_option = select[select.index("<option") : select.index("</option>")]
        assert 'value=""' in first_option and "selected" in first_option, name
    participation = Participation.objects.get()
    before = participation.status
    response = client.post(
        reverse("staff:roster_bulk", kwargs={"slug": participation.workshop.slug}),
        {"selected": [participation.pk], "action": "status", "status": ""},
    )
    assert response.status_code == 400
    assert "Choose a value for this action." in response.content.decode()
    participation.refresh_from_db()
    assert participation.status == before

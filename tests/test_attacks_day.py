"""Attacks on the workshop day of issue 13 (registration, roster, check-in, certificates) that
found something, as a hostile Editor, a curious Viewer, a visitor or a robot would try them (each
fails on the code it found the hole in)."""

import datetime

import pytest
from django.urls import reverse

from tests.conftest import _grant
from tests.factories import ParticipationFactory, WorkshopFactory
from workshops.models import Attendance, Participation

pytestmark = pytest.mark.django_db

VIEWER = ("workshops.view_participation", "organizations.view_person", "workshops.view_workshop")
TICKER = (*VIEWER, "workshops.add_attendance", "workshops.delete_attendance")


@pytest.fixture
def workshop():
    workshop = WorkshopFactory(
        title="Budget participatif — الميزانية التشاركية",
        start_date=datetime.date(2026, 3, 5),
        end_date=datetime.date(2026, 3, 7),
    )
    workshop.sync_sessions()
    return workshop


def staff(django_user_model, client, *perms, name="staffer"):
    user = django_user_model.objects.create_user(name, password="x", is_staff=True)
    _grant(user, *perms)
    client.force_login(user)
    return user


@pytest.mark.parametrize("status", ["pending", "refused"])
def test_a_tick_on_the_roster_does_not_approve_a_registration(client, django_user_model, workshop, status):
    """A staff member who may only tick (no *change participation*) ticks a registration awaiting
    approval or refused: the mark is kept, but the status stays, so the person is not counted in
    public figures and no approval was given by someone without the right to give it."""
    waiting = ParticipationFactory(workshop=workshop, status=status, person__first_name="Hind")
    day1 = workshop.sessions.order_by("position").first()
    staff(django_user_model, client, *TICKER)
    url = reverse("staff:roster_mark", kwargs={"slug": workshop.slug})
    response = client.post(url, {"participation": waiting.pk, "session": day1.pk, "present": "1"})
    assert response.status_code == 200
    assert response.json()["counted"] == 0
    waiting.refresh_from_db()
    assert waiting.status == status
    assert not Participation.objects.counted().filter(pk=waiting.pk).exists()
    assert Attendance.objects.filter(participation=waiting, session=day1).exists()

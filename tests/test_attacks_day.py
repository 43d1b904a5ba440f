"""Attacks on the workshop day of issue 13 (registration, roster, check-in, certificates) that
found something, as a hostile Editor, a curious Viewer, a visitor or a robot would try them (each
fails on the code it found the hole in)."""

import pytest
from django.urls import reverse

from tests.attendance import test_roster
from tests.attendance.test_roster import EDITOR, TICKER, VIEWER, staff
from tests.factories import ParticipationFactory
from workshops.models import Attendance, Participation

pytestmark = pytest.mark.django_db

workshop = test_roster.workshop  # the roster's fixture: three days in March, sessions made


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


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("roster_mark", {"participation": "²", "session": "1", "present": "1"}),
        ("roster_mark", {"participation": "1", "session": "¹²", "present": "1"}),
        ("roster", {"shown": ["³"], "mark": ["1:1"]}),
        ("roster", {"shown": ["1"], "mark": ["1:²"]}),
        ("roster_mark", {"participation": "9" * 25, "session": "1", "present": "1"}),
        ("roster", {"shown": ["9" * 25], "mark": ["9" * 25 + ":1"]}),
        ("roster", {"shown": ["9" * 5000]}),
    ],
)
def test_digits_that_are_not_decimal_digits_are_not_a_500(client, django_user_model, workshop, name, data):
    """ "²" passes ``str.isdigit`` but ``int()`` refuses it: a roster post typed or pasted with
    superscripts must be refused or ignored, never a server error."""
    staff(django_user_model, client, *EDITOR)
    response = client.post(reverse(f"staff:{name}", kwargs={"slug": workshop.slug}), data)
    assert response.status_code in (302, 404)


@pytest.mark.parametrize("province", ["²", "9" * 25, "9" * 5000])
def test_a_superscript_province_on_the_public_form_is_not_a_500(db, province):
    """The registration form's province typed as "²" (a digit to ``str.isdigit``, not to ``int``)."""
    from django.core.cache import cache
    from django.test import Client

    from tests.registrations.conftest import make_open_workshop
    from tests.registrations.test_register import answers, form_url

    cache.clear()
    workshop = make_open_workshop()
    response = Client().post(form_url(workshop, "fr"), answers(province=province))
    assert response.status_code in (302, 400)


def test_a_superscript_workshop_in_the_participations_filter_is_not_a_500(admin_client):
    """The admin's participations list filtered by ``?workshop=²``, as a URL can be typed."""
    response = admin_client.get(reverse("admin:workshops_participation_changelist") + "?workshop=²")
    assert response.status_code in (200, 302)


RECORDER = (
    *TICKER,
    "organizations.add_person",
    "workshops.add_participation",
)


@pytest.mark.parametrize("body", ["[" * 100_000, '{"events": ' * 50_000])
def test_a_deeply_nested_batch_is_a_400_not_a_500(client, django_user_model, workshop, body):
    """JSON nested deeper than Python's recursion limit (a few hundred kilobytes, under the
    upload limit): ``json.loads`` raises RecursionError, not ValueError."""
    staff(django_user_model, client, *RECORDER)
    url = reverse("checkin:sync", kwargs={"slug": workshop.slug})
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]


def test_a_visitor_typing_a_saved_phone_does_not_attach_their_own_e_mail_to_that_person(db):
    """A stranger types a saved person's phone with the stranger's own e-mail. The phone and the
    e-mail are how every import, walk-in and registration finds a person: had the e-mail been
    added to the saved person, whoever holds it would from then on *be* that person (their next
    registration by e-mail alone would get that person's pass), and the reverse with a phone."""
    from django.core.cache import cache
    from django.test import Client

    from organizations.models import Person
    from tests.factories import PersonFactory
    from tests.registrations.conftest import make_open_workshop
    from tests.registrations.test_register import answers, form_url

    cache.clear()
    saved = PersonFactory(first_name="Nezha", last_name="Bennani", phone="+212661234567", email="")
    by_email = PersonFactory(first_name="Omar", last_name="Tazi", phone="", email="omar@example.ma")
    workshop = make_open_workshop()
    Client().post(form_url(workshop), answers(phone="0661234567", email="stranger@example.org"))
    other = make_open_workshop("Espace Associatif", slug="autre-atelier")
    Client().post(form_url(other), answers(phone="0700112233", email="omar@example.ma"))
    saved.refresh_from_db()
    by_email.refresh_from_db()
    assert saved.email == ""
    assert by_email.phone == ""
    # The stranger (another name) is a person of their own, with their e-mail and without the
    # saved phone (registrations.rules.same_name).
    stranger = Person.objects.get(email="stranger@example.org")
    assert (stranger.first_name, stranger.phone) == ("Fatima Zahra", "")
    assert not workshop.participations.filter(person=saved).exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("roster_bulk", {"action": "status", "status": "attended", "selected": ["9" * 25]}),
        ("roster_bulk", {"action": "status", "status": "attended", "selected": ["9" * 5000]}),
        ("roster_add_known", {"name": "Salma", "sessions": ["9" * 25]}),
        (
            "roster_add_new",
            {"first_name": "سلمى", "last_name": "x", "phone": "0661234567", "sessions": ["9" * 25]},
        ),
    ],
)
def test_an_id_past_the_databases_integers_is_a_form_error_not_a_500(
    client, django_user_model, workshop, name, data
):
    """Ids chosen in the roster's forms (people selected, days ticked) posted past 2**63: SQLite
    cannot compare them and Django's choice fields query before refusing them."""
    ParticipationFactory(workshop=workshop, person__first_name="Salma")
    staff(django_user_model, client, *EDITOR)
    response = client.post(reverse(f"staff:{name}", kwargs={"slug": workshop.slug}), data)
    assert response.status_code == 400


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_an_event_time_outside_pythons_years_once_in_utc_is_a_400_not_a_500(
    client, django_user_model, workshop, at
):
    """A phone's time that parses but leaves years 1-9999 when compared with the server's (UTC)."""
    person = ParticipationFactory(workshop=workshop)
    session = workshop.sessions.first()
    staff(django_user_model, client, *RECORDER)
    body = {
        "device": "d",
        "events": [
            {
                "id": "6f1c2a4e-0000-4000-8000-000000000001",
                "participation": person.pk,
                "session": session.pk,
                "present": True,
                "at": at,
            }
        ],
    }
    url = reverse("checkin:sync", kwargs={"slug": workshop.slug})
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert "“at”" in response.json()["errors"][0]
    assert not Attendance.objects.exists()


def test_adding_a_person_does_not_tick_days_without_the_tick_right(client, django_user_model, workshop):
    """Someone who may add participations but not attendance marks adds a saved person "present
    on day 1": the person may be added, the day may not be ticked by them."""
    from organizations.models import Person
    from tests.factories import PersonFactory

    salma = PersonFactory(first_name="Salma", last_name="Idrissi")
    day1 = workshop.sessions.order_by("position").first()
    staff(django_user_model, client, *VIEWER, "workshops.add_participation")
    url = reverse("staff:roster_add_known", kwargs={"slug": workshop.slug})
    response = client.post(url, {"person": salma.pk, "sessions": [day1.pk]})
    assert response.status_code == 403
    assert not Attendance.objects.exists()
    new = reverse("staff:roster_add_new", kwargs={"slug": workshop.slug})
    data = {"first_name": "Hind", "last_name": "Alaoui", "phone": "0661999888", "sessions": [day1.pk]}
    assert client.post(new, data).status_code == 403
    assert not Person.objects.filter(first_name="Hind").exists()  # nothing half-saved


def test_the_roster_does_not_bring_back_an_erased_person_by_their_phone(client, django_user_model, workshop):
    """An Editor adds "a new person" with the phone of someone erased at their request: as an
    import, a walk-in or a registration, the roster records nothing (re-admission is a Data
    officer's decision, with a new consent) and says why, naming the field."""
    from organizations.models import Person
    from organizations.privacy import erase_person
    from tests.factories import PersonFactory

    erase_person(PersonFactory(first_name="Nadia", phone="+212661777888", email=""), write_log=False)
    staff(django_user_model, client, *EDITOR)
    url = reverse("staff:roster_add_new", kwargs={"slug": workshop.slug})
    data = {"first_name": "Nadia", "last_name": "Chraibi", "gender": "female", "phone": "06 61 77 78 88"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["new_form"].errors["phone"]
    assert not Person.objects.filter(phone="+212661777888").exists()
    assert not workshop.participations.exists()

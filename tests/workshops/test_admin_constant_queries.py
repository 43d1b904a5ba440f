"""The workshop's admin pages make a fixed number of queries: the change page whatever the
number of inline rows (recommendations with their regions and organisations, partners), and the
delete confirmation, which summarises what goes with the workshop by counts instead of listing
every person."""

import pytest
from django.urls import reverse

from organizations.models import Person
from tests.conftest import _grant
from tests.factories import (
    OrganizationFactory,
    RecommendationFactory,
    SessionFactory,
    WorkshopFactory,
    WorkshopPartnerFactory,
    region,
)
from workshops.models import Attendance, Participation

pytestmark = pytest.mark.django_db


def add_inlines(workshop, count):
    regions = [region(code) for code in ("01", "04", "08")]
    for n in range(count):
        partner = OrganizationFactory(name=f"جمعية الأمل {workshop.pk}-{n}")
        WorkshopPartnerFactory(workshop=workshop, organization=partner)
        recommendation = RecommendationFactory(
            workshop=workshop, text=f"Recommandation n° {n} : l'accès à l'eau"
        )
        recommendation.target_regions.set(regions[: 1 + n % 3])
        recommendation.responsible_organizations.set([partner, OrganizationFactory()])


def change_page_queries(client, workshop, django_assert_num_queries, expected):
    url = reverse("admin:workshops_workshop_change", args=[workshop.pk])
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("count", [2, 30])
def test_workshop_change_page_queries_do_not_follow_the_inlines(
    admin_client, django_assert_num_queries, count
):
    workshop = WorkshopFactory()
    add_inlines(workshop, count)
    # 17: the communes chosen for the workshop are one more query, whatever the inlines.
    content = change_page_queries(admin_client, workshop, django_assert_num_queries, 17)
    # The autocomplete widgets still show what is chosen, by name.
    assert f"جمعية الأمل {workshop.pk}-{count - 1}" in content
    assert f"selected>{region('04')}</option>" in content


def workshop_with_participants(count):
    """A workshop of two sessions with ``count`` participants (Arabic and French names), each
    marked present at the first session, and a recommendation."""
    workshop = WorkshopFactory()
    sessions = [SessionFactory(workshop=workshop), SessionFactory(workshop=workshop)]
    people = Person.objects.bulk_create(
        Person(
            first_name=["خديجة", "Aïcha", "Omar"][n % 3],
            last_name=f"Bennani-{workshop.pk}-{n}",
            gender=Person.Gender.FEMALE if n % 2 else Person.Gender.MALE,
        )
        for n in range(count)
    )
    participations = Participation.objects.bulk_create(
        Participation(
            workshop=workshop, person=person, status=Participation.Status.ATTENDED, counts_toward_totals=True
        )
        for person in people
    )
    Attendance.objects.bulk_create(Attendance(participation=p, session=sessions[0]) for p in participations)
    RecommendationFactory(workshop=workshop)
    return workshop


@pytest.mark.parametrize("count", [3, 500])
def test_workshop_delete_confirmation_counts_instead_of_listing(
    admin_client, django_assert_num_queries, count
):
    workshop = workshop_with_participants(count)
    url = reverse("admin:workshops_workshop_delete", args=[workshop.pk])
    # 24 whatever the number of participants (the workshop's summary rows are three relations).
    with django_assert_num_queries(24):
        response = admin_client.get(url)
    content = response.content.decode()
    assert response.status_code == 200
    assert f"<li>Participations: {count}</li>" in content
    assert f"<li>Attendance marks: {count}</li>" in content or f": {count}</li>" in content
    assert "Bennani" not in content  # no one listed by name
    assert Participation.objects.filter(workshop=workshop).count() == count  # nothing deleted yet
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Participation.objects.filter(workshop=workshop).exists()


def test_delete_of_a_workshop_is_refused_to_who_may_not_delete_its_participations(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    _grant(user, "workshops.delete_workshop", "workshops.view_workshop", "workshops.delete_session")
    client.force_login(django_user_model.objects.get(pk=user.pk))
    workshop = workshop_with_participants(3)
    response = client.get(reverse("admin:workshops_workshop_delete", args=[workshop.pk]))
    assert response.status_code == 200
    assert "participation" in response.context["perms_lacking"]
    client.post(reverse("admin:workshops_workshop_delete", args=[workshop.pk]), {"post": "yes"})
    assert Participation.objects.filter(workshop=workshop).count() == 3


@pytest.mark.parametrize("count", [2, 25])
def test_an_organisation_that_organised_workshops_is_protected_and_they_are_named(
    admin_client, django_assert_num_queries, count
):
    organizer = OrganizationFactory(name="Association Tafilalet Ḥurriya")
    for n in range(count):
        WorkshopFactory(organizer=organizer, title=f"Atelier d'Errachidia {n:02d}")
    url = reverse("admin:organizations_organization_delete", args=[organizer.pk])
    with django_assert_num_queries(9):
        response = admin_client.get(url)
    content = response.content.decode()
    assert "Atelier d&#x27;Errachidia 00" in content
    if count > 20:
        assert "Atelier d&#x27;Errachidia 24" not in content
        assert "… and 5 more objects, not listed." in content
    admin_client.post(url, {"post": "yes"})
    assert organizer.__class__.objects.filter(pk=organizer.pk).exists()


def test_deleting_selected_workshops_summarises_them(admin_client, django_assert_num_queries):
    workshops = [workshop_with_participants(n) for n in (3, 40)]
    data = {"action": "delete_selected", "_selected_action": [w.pk for w in workshops]}
    response = admin_client.post(reverse("admin:workshops_workshop_changelist"), data)
    content = response.content.decode()
    assert response.status_code == 200 and "<li>Participations: 43</li>" in content
    assert "Bennani" not in content

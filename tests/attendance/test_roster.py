"""The roster of a workshop (/<lang>/staff/workshops/<slug>/roster/): who may see and change it,
search and filters, ticks saved at once or in one save, the day's totals under the counting
rule, adding known and new people, bulk actions, and a constant number of queries."""

import datetime

import pytest
from django.urls import reverse

from attendance import roster
from organizations.models import Person
from tests.conftest import _grant
from tests.factories import (
    AttendanceFactory,
    OrganizationFactory,
    ParticipationFactory,
    PersonFactory,
    WorkshopFactory,
    region,
)
from workshops.models import Attendance, Participation

pytestmark = pytest.mark.django_db

VIEWER = ("workshops.view_participation", "organizations.view_person", "workshops.view_workshop")
TICKER = (*VIEWER, "workshops.add_attendance", "workshops.delete_attendance")
EDITOR = (
    *TICKER,
    "workshops.change_participation",
    "workshops.add_participation",
    "organizations.add_person",
)


@pytest.fixture
def workshop():
    """Three days in March, sessions made from the dates."""
    workshop = WorkshopFactory(
        title="Gouvernance locale — الحكامة المحلية",
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


def url(workshop, name="roster"):
    return reverse(f"staff:{name}", kwargs={"slug": workshop.slug})


def test_roster_needs_view_participation_and_view_person(client, django_user_model, workshop):
    assert client.get(url(workshop)).status_code == 302  # to the login page
    # Nor does an unknown workshop answer otherwise: slugs are not probed from outside.
    assert client.get(reverse("staff:roster", kwargs={"slug": "nothing-here"})).status_code == 302
    staff(django_user_model, client, "workshops.view_participation")
    assert client.get(url(workshop)).status_code == 403


def test_roster_lists_people_with_their_ticks_and_the_day_totals(client, django_user_model, workshop):
    day1, day2, _day3 = workshop.sessions.order_by("position")
    salma = ParticipationFactory(workshop=workshop, person__first_name="Salma", person__last_name="Idrissi")
    speaker = ParticipationFactory(
        workshop=workshop, person__first_name="يوسف", person__last_name="العلوي", role="speaker"
    )
    for session in (day1, day2):
        AttendanceFactory(participation=salma, session=session)
    AttendanceFactory(participation=speaker, session=day1)
    staff(django_user_model, client, *VIEWER)
    response = client.get(url(workshop))
    page = response.content.decode()
    assert response.status_code == 200
    assert [total.marks for total in response.context["roster"].totals] == [2, 1, 0]
    # The speaker does not count toward totals: the counted figure leaves them out.
    assert [total.counted for total in response.context["roster"].totals] == [1, 1, 0]
    assert "Salma Idrissi" in page and "يوسف العلوي" in page
    assert "Day 1 — 5 March" in page
    assert f'value="{salma.pk}:{day1.pk}" checked disabled' in page  # no right to tick
    assert "+2126001" not in page  # no phone without view_personal_data


def test_search_folds_arabic_and_accents_and_phones_need_the_right(client, django_user_model, workshop):
    ahmed = ParticipationFactory(workshop=workshop, person__first_name="أحمد", person__last_name="بنعلي")
    helene = ParticipationFactory(workshop=workshop, person__first_name="Hélène", person__last_name="Dupré")
    ParticipationFactory(workshop=workshop, person__first_name="Karima", person__last_name="Tazi")
    user = staff(django_user_model, client, *VIEWER)

    def found(q):
        rows = client.get(url(workshop), {"q": q}).context["roster"].rows
        return [row.participation.pk for row in rows]

    assert found("احمد") == [ahmed.pk]
    assert found("HELENE dupre") == [helene.pk]
    phone = helene.person.phone
    assert found(phone) == []
    _grant(user, "organizations.view_personal_data")
    client.force_login(type(user).objects.get(pk=user.pk))
    assert found("0" + phone[4:]) == [helene.pk]


def test_filters_by_status_role_gender_region_and_session(client, django_user_model, workshop):
    day2 = workshop.sessions.get(position=2)
    man = ParticipationFactory(
        workshop=workshop, person__gender=Person.Gender.MALE, person__region=region("08"), role="facilitator"
    )
    woman = ParticipationFactory(workshop=workshop, status=Participation.Status.NO_SHOW)
    AttendanceFactory(participation=man, session=day2)
    staff(django_user_model, client, *VIEWER)

    def found(**params):
        return [row.participation.pk for row in client.get(url(workshop), params).context["roster"].rows]

    assert found(gender="male") == [man.pk]
    assert found(status="no_show") == [woman.pk]
    assert found(role="facilitator") == [man.pk]
    assert found(region=str(region("08").pk)) == [man.pk]
    assert found(session=str(day2.pk)) == [man.pk]
    assert len(found(session="x", gender="nonsense")) == 2  # bad values are ignored, not an error


def test_tick_saves_at_once_and_twice_is_once(client, django_user_model, workshop):
    day1 = workshop.sessions.get(position=1)
    p = ParticipationFactory(workshop=workshop, status=Participation.Status.REGISTERED)
    staff(django_user_model, client, *TICKER)
    for _twice in range(2):
        response = client.post(
            url(workshop, "roster_mark"), {"participation": p.pk, "session": day1.pk, "present": "1"}
        )
        assert response.json() == {
            "session": day1.pk,
            "marks": 1,
            "counted": 1,
            "present": True,
            "status": "attended",
        }
    assert Attendance.objects.count() == 1
    response = client.post(
        url(workshop, "roster_mark"), {"participation": p.pk, "session": day1.pk, "present": "0"}
    )
    assert response.json()["marks"] == 0 and response.json()["status"] == "registered"
    assert not Attendance.objects.exists()


def test_tick_refuses_another_workshops_rows_and_users_without_the_right(client, django_user_model, workshop):
    other = WorkshopFactory()
    other.sync_sessions()
    stranger = ParticipationFactory(workshop=other)
    mine = ParticipationFactory(workshop=workshop)
    day1 = workshop.sessions.get(position=1)
    staff(django_user_model, client, *VIEWER)
    mark = url(workshop, "roster_mark")
    assert (
        client.post(mark, {"participation": mine.pk, "session": day1.pk, "present": "1"}).status_code == 403
    )
    client.logout()
    staff(django_user_model, client, *TICKER, name="ticker")
    assert (
        client.post(mark, {"participation": stranger.pk, "session": day1.pk, "present": "1"}).status_code
        == 404
    )
    foreign_day = other.sessions.get()
    assert (
        client.post(mark, {"participation": mine.pk, "session": foreign_day.pk, "present": "1"}).status_code
        == 404
    )
    assert client.post(mark, {"participation": "1 OR 1=1", "session": "x", "present": "1"}).status_code == 404
    assert not Attendance.objects.exists()


def test_grid_saves_in_one_post_without_javascript(client, django_user_model, workshop):
    day1, day2, _day3 = workshop.sessions.order_by("position")
    a, b = ParticipationFactory(workshop=workshop), ParticipationFactory(workshop=workshop)
    AttendanceFactory(participation=a, session=day1)
    staff(django_user_model, client, *TICKER)
    response = client.post(
        url(workshop),
        {"shown": [a.pk, b.pk], "mark": [f"{a.pk}:{day2.pk}", f"{b.pk}:{day1.pk}", "junk", "1:2:3"]},
    )
    assert response.status_code == 302
    assert sorted(Attendance.objects.values_list("participation", "session")) == sorted(
        [(a.pk, day2.pk), (b.pk, day1.pk)]
    )


def test_autocomplete_finds_saved_people_without_phones_for_those_not_allowed(
    client, django_user_model, workshop
):
    org = OrganizationFactory(name="Association Tafilalet")
    fatima = PersonFactory(first_name="Fatima Zahra", last_name="El Amrani", organization=org)
    PersonFactory(first_name="Fatima", last_name="Bennani")
    user = staff(django_user_model, client, *EDITOR)
    people = url(workshop, "roster_people")
    results = client.get(people, {"q": "fatima amrani"}).json()["results"]
    assert results == [
        {
            "id": fatima.pk,
            "name": "Fatima Zahra El Amrani",
            "detail": "Association Tafilalet",
            "enrolled": False,
        }
    ]
    assert client.get(people, {"q": fatima.phone}).json()["results"] == []
    _grant(user, "organizations.view_personal_data")
    client.force_login(type(user).objects.get(pk=user.pk))
    results = client.get(people, {"q": "06" + fatima.phone[5:]}).json()["results"]
    assert [r["id"] for r in results] == [fatima.pk] and fatima.phone in results[0]["detail"]


@pytest.mark.parametrize(
    "typed", ["احمد", "أحمد", "ahmed", "Ahmad", "benani", "سعيد", "Said", "Saïd"], ids=lambda t: t
)
def test_autocomplete_folds_and_transliterates_like_every_search(client, django_user_model, workshop, typed):
    """The autocomplete reads the stored search keys: hamza forms, accents and a Latin spelling
    of an Arabic name find the person, as in the admin (it used to be a literal ``icontains``)."""
    wanted = {
        "احمد": "أحمد بناني",
        "أحمد": "أحمد بناني",
        "ahmed": "أحمد بناني",
        "Ahmad": "أحمد بناني",
        "benani": "أحمد بناني",
        "سعيد": "Saïd Alami",
        "Said": "Saïd Alami",
        "Saïd": "Saïd Alami",
    }[typed]
    PersonFactory(first_name="أحمد", last_name="بناني")
    PersonFactory(first_name="Saïd", last_name="Alami")
    PersonFactory(first_name="Karima", last_name="Tazi")
    staff(django_user_model, client, *EDITOR)
    results = client.get(url(workshop, "roster_people"), {"q": typed}).json()["results"]
    assert [r["name"] for r in results] == [wanted]


def test_autocomplete_needs_the_add_right(client, django_user_model, workshop):
    staff(django_user_model, client, *VIEWER)
    assert client.get(url(workshop, "roster_people"), {"q": "Fatima"}).status_code == 403


def test_add_a_known_person_for_two_days(client, django_user_model, workshop):
    day1, day2, _day3 = workshop.sessions.order_by("position")
    person = PersonFactory(first_name="Rachid", last_name="Ouchen")
    staff(django_user_model, client, *EDITOR)
    response = client.post(
        url(workshop, "roster_add_known"), {"person": person.pk, "sessions": [day1.pk, day2.pk]}, follow=True
    )
    assert "Rachid Ouchen added, present on Day 1 — 5 March, Day 2 — 6 March." in response.content.decode()
    participation = workshop.participations.get()
    assert participation.status == Participation.Status.ATTENDED
    assert sorted(participation.attendances.values_list("session__position", flat=True)) == [1, 2]


def test_a_typed_name_matching_several_people_asks_which(client, django_user_model, workshop):
    first = PersonFactory(first_name="Said", last_name="Alaoui")
    PersonFactory(first_name="SAID", last_name="ALAOUI")
    staff(django_user_model, client, *EDITOR)
    add = url(workshop, "roster_add_known")
    response = client.post(add, {"name": "said alaoui"})
    assert response.status_code == 400
    assert len(response.context["candidates"]) == 2
    assert "Choose one of these people." in response.content.decode()
    assert not workshop.participations.exists()
    assert client.post(add, {"name": "said alaoui", "person": first.pk}).status_code == 302
    assert workshop.participations.get().person == first
    response = client.post(add, {"name": "Nobody Known"})
    assert "Nobody saved has this name." in response.content.decode()


def test_add_a_new_person_or_the_saved_one_with_the_same_phone(client, django_user_model, workshop):
    day1 = workshop.sessions.get(position=1)
    saved = PersonFactory(first_name="Nadia", last_name="Chraibi", phone="+212661234567")
    staff(django_user_model, client, *EDITOR)
    new = url(workshop, "roster_add_new")
    response = client.post(
        new,
        {
            "first_name": "N.",
            "last_name": "Chraïbi",
            "gender": "female",
            "phone": "06 61 23 45 67",
            "sessions": [day1.pk],
        },
        follow=True,
    )
    # This staff member may not see phones: the message does not say whose the number is.
    assert "A person already saved (same phone or e-mail) was added" in response.content.decode()
    assert "Nadia" not in str(list(response.context["messages"]))
    assert Person.objects.count() == 1 and workshop.participations.get().person == saved
    client.post(
        new,
        {
            "first_name": "Hamid",
            "last_name": "الإدريسي",
            "gender": "male",
            "region": region("01").pk,
            "phone": "0700000123",
        },
    )
    client.post(new, {"first_name": "Leila", "gender": "female", "email": "Leila.Berrada@Example.ORG"})
    assert Person.objects.get(first_name="Leila").email == "leila.berrada@example.org"
    hamid = Person.objects.get(first_name="Hamid")
    assert hamid.phone == "+212700000123" and workshop.participations.filter(person=hamid).exists()
    response = client.post(new, {"first_name": "", "last_name": "", "gender": "male", "phone": "12"})
    assert response.status_code == 400
    assert "A person needs a first name or a last name." in response.content.decode()
    response = client.post(new, {"first_name": "Zineb", "gender": "female", "phone": "not a phone"})
    assert response.status_code == 400 and "Enter a valid phone number" in response.content.decode()


def test_bulk_actions_on_the_roster(client, django_user_model, workshop):
    day3 = workshop.sessions.get(position=3)
    people = [ParticipationFactory(workshop=workshop, status="registered") for _n in range(3)]
    stranger = ParticipationFactory()
    staff(django_user_model, client, *EDITOR)
    bulk = url(workshop, "roster_bulk")
    ids = [p.pk for p in people[:2]]
    client.post(bulk, {"selected": ids, "action": "mark", "session": day3.pk})
    assert sorted(Attendance.objects.values_list("participation", flat=True)) == sorted(ids)
    client.post(bulk, {"selected": ids, "action": "role", "role": "staff"})
    assert Participation.objects.filter(role="staff", counts_toward_totals=False).count() == 2
    response = client.post(bulk, {"selected": [stranger.pk], "action": "status", "status": "cancelled"})
    assert response.status_code == 400
    assert Participation.objects.filter(status="cancelled").count() == 0


def test_bulk_status_needs_change_participation(client, django_user_model, workshop):
    p = ParticipationFactory(workshop=workshop)
    staff(django_user_model, client, *TICKER)
    response = client.post(
        url(workshop, "roster_bulk"), {"selected": [p.pk], "action": "status", "status": "cancelled"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("size", [3, 500])
def test_roster_queries_do_not_grow_with_people(
    client, django_user_model, workshop, size, django_assert_num_queries
):
    day1 = workshop.sessions.get(position=1)
    people = Person.objects.bulk_create(
        Person(first_name="Khadija", last_name=f"Ait {n:03d}", phone=f"+2126002{n:05d}", region=region("04"))
        for n in range(size)
    )
    participations = Participation.objects.bulk_create(
        Participation(workshop=workshop, person=p, counts_toward_totals=True, pass_token=f"{n:032x}")
        for n, p in enumerate(people)
    )
    Attendance.objects.bulk_create(Attendance(participation=p, session=day1) for p in participations)
    staff(django_user_model, client, *EDITOR, "organizations.view_personal_data")
    # Sign-in and permissions (5), the workshop, sessions, participations and marks (4), the
    # sessions and regions of the forms' choices (6).
    with django_assert_num_queries(15):
        response = client.get(url(workshop))
    assert len(response.context["roster"].rows) == size
    assert response.context["roster"].totals[0].counted == 0  # registered, not attended


def test_staff_home_lists_workshops_with_their_roster(client, django_user_model, workshop):
    staff(django_user_model, client, *VIEWER)
    assert reverse("staff:home") in client.get(reverse("admin:index")).content.decode()
    response = client.get(reverse("staff:home"))
    assert url(workshop) in response.content.decode()
    assert reverse("checkin:page", kwargs={"slug": workshop.slug}) in response.content.decode()


def test_workshop_admin_page_links_to_the_roster(admin_client, workshop):
    response = admin_client.get(reverse("admin:workshops_workshop_change", args=[workshop.pk]))
    assert url(workshop) in response.content.decode()


def test_roster_offers_certificates_only_to_who_may_download_names_and_for_who_completed(
    client, django_user_model, workshop
):
    day1, day2, day3 = workshop.sessions.order_by("position")
    done = ParticipationFactory(workshop=workshop, status=Participation.Status.ATTENDED)
    AttendanceFactory(participation=done, session=day1)
    AttendanceFactory(participation=done, session=day3)
    once = ParticipationFactory(workshop=workshop, status=Participation.Status.ATTENDED)
    AttendanceFactory(participation=once, session=day2)
    one = reverse("admin:workshops_workshop_certificate", args=[workshop.pk, done.pk])
    everyone = reverse("admin:workshops_workshop_certificates", args=[workshop.pk])
    user = staff(django_user_model, client, *EDITOR)
    page = client.get(url(workshop)).content.decode()
    assert one not in page and everyone not in page
    _grant(user, "organizations.view_personal_data", "workshops.export_attendance")
    client.force_login(type(user).objects.get(pk=user.pk))
    page = client.get(url(workshop)).content.decode()
    assert one in page and everyone in page
    assert reverse("admin:workshops_workshop_certificate", args=[workshop.pk, once.pk]) not in page


def test_build_roster_is_three_queries(workshop, django_assert_num_queries):
    ParticipationFactory.create_batch(5, workshop=workshop)
    with django_assert_num_queries(3):
        result = roster.build_roster(workshop, roster.RosterFilters(), contacts_visible=True)
    assert result.size == 5


def test_totals_of_every_session_for_the_page_to_refresh(client, django_user_model, workshop):
    day1, day2, day3 = workshop.sessions.order_by("position")
    AttendanceFactory(participation=ParticipationFactory(workshop=workshop), session=day2)
    AttendanceFactory(participation=ParticipationFactory(workshop=workshop, role="staff"), session=day2)
    staff(django_user_model, client, *VIEWER)
    assert client.get(url(workshop, "roster_mark")).json() == {
        "totals": [
            {"session": day1.pk, "marks": 0, "counted": 0},
            {"session": day2.pk, "marks": 2, "counted": 1},
            {"session": day3.pk, "marks": 0, "counted": 0},
        ]
    }

"""Setting up a workshop in few steps: sessions made from its dates, the organiser's usual
partners offered, and the participation admin's filter, session choice and bulk actions."""

import datetime

import pytest
from django.urls import reverse

from tests.conftest import _grant
from tests.factories import (
    AttendanceFactory,
    OrganizationFactory,
    ParticipationFactory,
    SessionFactory,
    WorkshopFactory,
    WorkshopPartnerFactory,
    region,
)
from workshops.models import Attendance, Participation, Workshop, WorkshopPartner

pytestmark = pytest.mark.django_db

MARCH_5 = datetime.date(2026, 3, 5)


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def workshop_post(organizer, start, end, sessions=(), **extra):
    """The workshop admin's form as a browser posts it; ``sessions``: saved Session objects."""
    data = {
        # Texts have a version per language (workshops/translation.py): the original one is required.
        "language": "fr",
        "title_fr": "Budget participatif — جماعة تمصلوحت",
        "slug": "budget-participatif-tamesloht",
        "kind": Workshop.Kind.TRAINING,
        "status": Workshop.Status.PLANNED,
        "organizer": str(organizer.pk),
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "venue_region": str(region("07").pk),
        **inline_management("sessions", len(sessions), len(sessions)),
        **inline_management("partnerships"),
        **inline_management("recommendations"),
        **extra,
    }
    for i, s in enumerate(sessions):
        data.update(
            {
                f"sessions-{i}-id": str(s.pk),
                f"sessions-{i}-workshop": str(s.workshop_id),
                f"sessions-{i}-position": str(s.position),
                f"sessions-{i}-date": s.date.isoformat(),
                f"sessions-{i}-title": s.title,
            }
        )
    return data


def test_sync_sessions_makes_one_numbered_session_a_day():
    workshop = WorkshopFactory(start_date=MARCH_5, end_date=MARCH_5 + datetime.timedelta(days=2))
    sync = workshop.sync_sessions()
    sessions = list(workshop.sessions.order_by("position"))
    assert [(s.position, s.date.day) for s in sessions] == [(1, 5), (2, 6), (3, 7)]
    assert [s.label for s in sessions] == ["Day 1 — 5 March", "Day 2 — 6 March", "Day 3 — 7 March"]
    assert len(sync.added) == 3 and sync.removed == [] and sync.kept == []
    assert workshop.sync_sessions().added == []  # a second time changes nothing


def test_sync_sessions_adds_missing_days_and_keeps_sessions_with_marks():
    workshop = WorkshopFactory(start_date=MARCH_5, end_date=MARCH_5 + datetime.timedelta(days=1))
    workshop.sync_sessions()
    first, second = workshop.sessions.order_by("position")
    first.title = "Ouverture — الافتتاح"
    first.save()
    AttendanceFactory(session=second, participation=ParticipationFactory(workshop=workshop))
    # The dates move one day later and get longer: day 1 (no marks) goes, day 2 stays.
    workshop.start_date = MARCH_5 + datetime.timedelta(days=1)
    workshop.end_date = MARCH_5 + datetime.timedelta(days=3)
    workshop.save()
    sync = workshop.sync_sessions()
    assert [s.pk for s in sync.removed] == [first.pk]
    assert [(s.position, s.date.day, s.title) for s in workshop.sessions.order_by("position")] == [
        (1, 6, ""),
        (2, 7, ""),
        (3, 8, ""),
    ]
    assert Attendance.objects.get().session_id == second.pk


def test_sync_keeps_a_marked_session_outside_the_dates_and_says_so():
    workshop = WorkshopFactory(start_date=MARCH_5, end_date=MARCH_5 + datetime.timedelta(days=1))
    workshop.sync_sessions()
    last = workshop.sessions.get(position=2)
    AttendanceFactory(session=last, participation=ParticipationFactory(workshop=workshop))
    Workshop.objects.filter(pk=workshop.pk).update(end_date=MARCH_5)
    workshop.refresh_from_db()
    sync = workshop.sync_sessions()
    assert [s.pk for s in sync.kept] == [last.pk]
    assert workshop.sessions.count() == 2


def test_admin_add_makes_the_sessions_from_the_dates(admin_client):
    organizer = OrganizationFactory(name="Association Tamesloht")
    response = admin_client.post(
        reverse("admin:workshops_workshop_add"),
        workshop_post(organizer, MARCH_5, MARCH_5 + datetime.timedelta(days=2)),
        follow=True,
    )
    assert response.status_code == 200, response.context["adminform"].form.errors
    workshop = Workshop.objects.get()
    assert [s.label for s in workshop.sessions.order_by("position")] == [
        "Day 1 — 5 March",
        "Day 2 — 6 March",
        "Day 3 — 7 March",
    ]
    assert "Sessions added from the dates: Day 1 — 5 March, Day 2 — 6 March, Day 3 — 7 March." in (
        response.content.decode()
    )


def test_admin_refuses_dates_that_drop_a_session_with_marks(admin_client):
    workshop = WorkshopFactory(start_date=MARCH_5, end_date=MARCH_5 + datetime.timedelta(days=2))
    workshop.sync_sessions()
    day3 = workshop.sessions.get(position=3)
    AttendanceFactory(session=day3, participation=ParticipationFactory(workshop=workshop))
    sessions = list(workshop.sessions.order_by("position"))
    response = admin_client.post(
        reverse("admin:workshops_workshop_change", args=[workshop.pk]),
        workshop_post(workshop.organizer, MARCH_5, MARCH_5 + datetime.timedelta(days=1), sessions),
    )
    assert response.status_code == 200
    assert "Day 3 — 7 March has 1 presence marks: the dates must include it." in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.end_date == MARCH_5 + datetime.timedelta(days=2)
    assert workshop.sessions.count() == 3


def test_admin_moving_dates_drops_unmarked_days_and_adds_new_ones(admin_client):
    workshop = WorkshopFactory(start_date=MARCH_5, end_date=MARCH_5 + datetime.timedelta(days=1))
    workshop.sync_sessions()
    sessions = list(workshop.sessions.order_by("position"))
    later = MARCH_5 + datetime.timedelta(days=1)
    response = admin_client.post(
        reverse("admin:workshops_workshop_change", args=[workshop.pk]),
        workshop_post(workshop.organizer, later, later + datetime.timedelta(days=1), sessions),
        follow=True,
    )
    assert response.status_code == 200
    assert [s.label for s in workshop.sessions.order_by("position")] == ["Day 1 — 6 March", "Day 2 — 7 March"]
    assert "Sessions added from the dates: Day 2 — 7 March." in response.content.decode()


def test_usual_partners_are_those_of_the_organisers_earlier_workshops():
    organizer = OrganizationFactory()
    earlier = WorkshopFactory(organizer=organizer, start_date=datetime.date(2025, 1, 10))
    funder = OrganizationFactory(name="Fondation Al Amal")
    host = OrganizationFactory(name="جمعية الأمل")
    WorkshopPartnerFactory(workshop=earlier, organization=funder, role=WorkshopPartner.Role.FUNDER)
    WorkshopPartnerFactory(workshop=earlier, organization=host, role=WorkshopPartner.Role.HOST)
    WorkshopPartnerFactory(organization=OrganizationFactory(name="Someone else's partner"))
    workshop = WorkshopFactory(organizer=organizer)
    WorkshopPartnerFactory(workshop=workshop, organization=host, role=WorkshopPartner.Role.HOST)
    assert [(o.name, o.last_role) for o in workshop.usual_partners()] == [("Fondation Al Amal", "funder")]
    workshop.add_usual_partners()
    assert sorted(workshop.partnerships.values_list("organization__name", "role")) == [
        ("Fondation Al Amal", "funder"),
        ("جمعية الأمل", "host"),
    ]


def test_admin_offers_and_adds_the_usual_partners(admin_client):
    organizer = OrganizationFactory()
    funder = OrganizationFactory(name="Fondation Al Amal")
    WorkshopPartnerFactory(workshop=WorkshopFactory(organizer=organizer), organization=funder)
    workshop = WorkshopFactory(organizer=organizer, start_date=MARCH_5, end_date=MARCH_5)
    url = reverse("admin:workshops_workshop_change", args=[workshop.pk])
    assert "Usual partners: Fondation Al Amal." in admin_client.get(url).content.decode()
    response = admin_client.post(
        url, workshop_post(organizer, MARCH_5, MARCH_5, add_usual_partners="on"), follow=True
    )
    assert "Partners added: Fondation Al Amal." in response.content.decode()
    assert list(workshop.partnerships.values_list("organization__name", flat=True)) == ["Fondation Al Amal"]


# The participation admin -------------------------------------------------------------------------


def test_participations_filter_by_workshop(admin_client):
    one, other = WorkshopFactory(title="Atelier Tiznit"), WorkshopFactory(title="Atelier Oujda")
    mine = ParticipationFactory(workshop=one, person__last_name="Benali")
    ParticipationFactory(workshop=other, person__last_name="Ouazzani")
    url = reverse("admin:workshops_participation_changelist")
    response = admin_client.get(url, {"workshop": str(one.pk)})
    assert [p.pk for p in response.context["cl"].result_list] == [mine.pk]
    assert admin_client.get(url, {"workshop": "x"}).status_code in {200, 302}


def test_session_choice_lists_only_the_participations_workshop(admin_client):
    participation = ParticipationFactory()
    own = SessionFactory(workshop=participation.workshop)
    foreign = SessionFactory(workshop=WorkshopFactory())
    url = reverse("admin:workshops_participation_change", args=[participation.pk])
    response = admin_client.get(url)
    field = response.context["inline_admin_formsets"][0].formset.form.base_fields["session"]
    assert list(field.queryset) == [own]
    data = {
        "workshop": str(participation.workshop_id),
        "person": str(participation.person_id),
        "role": participation.role,
        "status": participation.status,
        "counts_toward_totals": "true",
        **inline_management("attendances", total=1),
        "attendances-0-session": str(foreign.pk),
        "attendances-0-participation": str(participation.pk),
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200  # the form again, with its error
    assert not Attendance.objects.exists()
    data["attendances-0-session"] = str(own.pk)
    assert admin_client.post(url, data).status_code == 302
    assert Attendance.objects.get().session == own


def bulk(client, action, ids, **values):
    return client.post(
        reverse("admin:workshops_participation_changelist"),
        {"action": action, "_selected_action": [str(i) for i in ids], **values},
        follow=True,
    )


def test_bulk_mark_present_on_a_day_of_each_workshop(admin_client):
    one, other = WorkshopFactory(), WorkshopFactory()
    days = {w.pk: [SessionFactory(workshop=w), SessionFactory(workshop=w)] for w in (one, other)}
    people = [
        ParticipationFactory(workshop=one, status=Participation.Status.REGISTERED),
        ParticipationFactory(workshop=other, status=Participation.Status.NO_SHOW),
    ]
    response = bulk(admin_client, "mark_present", [p.pk for p in people], day="2")
    assert [str(m) for m in response.context["messages"]] == ["2 participations marked present on day 2."]
    assert sorted(Attendance.objects.values_list("session", flat=True)) == sorted(
        [days[one.pk][1].pk, days[other.pk][1].pk]
    )
    assert set(Participation.objects.values_list("status", flat=True)) == {"attended"}
    bulk(admin_client, "mark_present", [p.pk for p in people], day="2")
    assert Attendance.objects.count() == 2  # twice is once


def test_bulk_set_status_and_role(admin_client):
    people = [ParticipationFactory(), ParticipationFactory()]
    bulk(admin_client, "set_status", [p.pk for p in people], status="cancelled")
    assert set(Participation.objects.values_list("status", flat=True)) == {"cancelled"}
    bulk(admin_client, "set_role", [people[0].pk], role="facilitator")
    assert Participation.objects.filter(role="facilitator", counts_toward_totals=False).count() == 1
    response = bulk(admin_client, "set_role", [people[1].pk], role="")
    assert "Choose the role in the action bar first." in response.content.decode()


def test_bulk_actions_need_their_permissions(client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    _grant(viewer, "workshops.view_participation", "workshops.change_participation")
    client.force_login(viewer)
    participation = ParticipationFactory(status=Participation.Status.REGISTERED)
    SessionFactory(workshop=participation.workshop)
    response = client.get(reverse("admin:workshops_participation_changelist"))
    actions = dict(response.context["action_form"].fields["action"].choices)
    assert "set_status" in actions and "mark_present" not in actions
    bulk(client, "mark_present", [participation.pk], day="1")
    assert not Attendance.objects.exists()


def test_attendance_admin_refuses_a_session_of_another_workshop(admin_client):
    participation = ParticipationFactory()
    own = SessionFactory(workshop=participation.workshop)
    foreign = SessionFactory(workshop=WorkshopFactory())
    add = reverse("admin:workshops_attendance_add")
    response = admin_client.post(add, {"participation": participation.pk, "session": foreign.pk})
    assert response.status_code == 200
    assert "The session and the participation belong to different workshops." in response.content.decode()
    assert admin_client.post(add, {"participation": participation.pk, "session": own.pk}).status_code == 302
    mark = Attendance.objects.get()
    change = reverse("admin:workshops_attendance_change", args=[mark.pk])
    response = admin_client.post(change, {"participation": participation.pk, "session": foreign.pk})
    assert response.status_code == 200
    assert Attendance.objects.get().session == own


def test_saving_a_workshop_without_sessions_makes_them(admin_client):
    workshop = WorkshopFactory(start_date=MARCH_5, end_date=MARCH_5 + datetime.timedelta(days=1))
    admin_client.post(
        reverse("admin:workshops_workshop_change", args=[workshop.pk]),
        workshop_post(workshop.organizer, workshop.start_date, workshop.end_date, slug=workshop.slug),
    )
    assert [s.label for s in workshop.sessions.order_by("position")] == ["Day 1 — 5 March", "Day 2 — 6 March"]

"""Merging two people who are one person, or two organisations that are one: everything moves
to the record kept, rows there twice are merged (never dropped), one audit entry; only for
staff allowed to change and delete (and, for people, to see personal data)."""

import pytest
from auditlog.models import LogEntry
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import ADDITION
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organizations.merging import MergeRefused, merge
from organizations.models import Organization, Person
from organizations.privacy import erase_person
from tests.conftest import _grant
from tests.factories import (
    AttendanceFactory,
    FocusAreaFactory,
    OrganizationFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    SessionFactory,
    WorkshopFactory,
    WorkshopPartnerFactory,
)
from workshops.models import Attendance, Participation, WorkshopPartner

pytestmark = pytest.mark.django_db


def attend(person, workshop, *sessions):
    participation = ParticipationFactory(person=person, workshop=workshop)
    for session in sessions:
        AttendanceFactory(participation=participation, session=session)
    return participation


@pytest.fixture
def twins():
    """Karima entered twice: as ``kept`` (no e-mail) at the budget workshop (day 1) and the
    forum (day 1), and as ``other`` (with e-mail) at the forum (days 1 and 2) and the training
    (day 1). The forum is the overlap."""
    budget, forum, training = WorkshopFactory.create_batch(3)
    days = {w: [SessionFactory(workshop=w), SessionFactory(workshop=w)] for w in (budget, forum, training)}
    kept = PersonFactory(first_name="Karima", last_name="Alaoui", email="")
    other = PersonFactory(first_name="Karima", last_name="Alaoui", phone="", email="karima@example.org")
    attend(kept, budget, days[budget][0])
    attend(kept, forum, days[forum][0])
    attend(other, forum, *days[forum])
    attend(other, training, days[training][0])
    return {
        "kept": kept,
        "other": other,
        "budget": budget,
        "forum": forum,
        "training": training,
        "days": days,
    }


def marks_of(person):
    return sorted(
        (mark.participation.workshop.pk, mark.session.position)
        for mark in Attendance.objects.filter(participation__person=person).select_related(
            "participation", "session"
        )
    )


def test_merging_two_people_loses_no_participation_and_merges_marks_per_session(twins):
    kept, other = twins["kept"], twins["other"]
    all_marks = sorted(set(marks_of(kept)) | set(marks_of(other)))
    entries = LogEntry.objects.count()

    report = merge(kept, [other])

    assert not Person.objects.filter(pk=other.pk).exists()
    assert set(Participation.objects.filter(person=kept).values_list("workshop", flat=True)) == {
        twins["budget"].pk,
        twins["forum"].pk,
        twins["training"].pk,
    }
    assert (
        marks_of(kept)
        == all_marks
        == [
            (twins["budget"].pk, 1),
            (twins["forum"].pk, 1),
            (twins["forum"].pk, 2),
            (twins["training"].pk, 1),
        ]
    )
    assert Participation.objects.filter(workshop=twins["forum"]).count() == 1
    # The training, and the forum (the other record's, with more marks; the kept record's
    # forum participation is merged into it, its day-1 mark being there already).
    assert report.moved == {"participations": 2}
    assert report.duplicates == {"attendance marks": 1}
    assert report.conflicts == [
        f"Participation “{Participation.objects.get(person=kept, workshop=twins['forum'])}” was there "
        "twice (2 and 1 linked rows): kept as one, with the rows of both."
    ]
    kept.refresh_from_db()
    assert kept.email == "karima@example.org"  # filled in from the other record
    assert LogEntry.objects.count() == entries + 1
    entry = LogEntry.objects.latest("pk")
    assert entry.object_pk == str(kept.pk)
    assert f"#{other.pk}" in entry.changes_dict["merge"][1]


def test_the_consents_of_the_latest_statement_win(twins):
    kept, other = twins["kept"], twins["other"]
    Person.objects.filter(pk=kept.pk).update(consent_given=True, consent_date="2024-01-10")
    Person.objects.filter(pk=other.pk).update(consent_given=False, consent_date="2025-03-01")
    kept.refresh_from_db()
    other.refresh_from_db()
    merge(kept, [other])
    kept.refresh_from_db()
    assert (kept.consent_given, str(kept.consent_date)) == (False, "2025-03-01")


def test_a_dry_run_reports_and_changes_nothing(twins):
    before = marks_of(twins["kept"]), marks_of(twins["other"]), LogEntry.objects.count()
    report = merge(twins["kept"], [twins["other"]], dry_run=True)
    assert report.moved == {"participations": 2} and len(report.conflicts) == 1
    assert (marks_of(twins["kept"]), marks_of(twins["other"]), LogEntry.objects.count()) == before


def test_an_erased_person_cannot_be_merged(twins):
    Person.objects.filter(pk=twins["other"].pk).update(erased_at=timezone.now())
    twins["other"].refresh_from_db()
    with pytest.raises(MergeRefused):
        merge(twins["kept"], [twins["other"]])
    assert Person.objects.filter(pk=twins["other"].pk).exists()


def test_merging_organisations_moves_people_partners_participations_and_links():
    kept, other = (
        OrganizationFactory(name="Association Atlas"),
        OrganizationFactory(name="Association l'Atlas"),
    )
    areas = FocusAreaFactory.create_batch(2)
    kept.focus_areas.set([areas[0]])
    other.focus_areas.set(areas)
    member = PersonFactory(organization=other)
    participation = ParticipationFactory(person=member, organization=other)
    shared = WorkshopFactory(organizer=other)
    WorkshopPartnerFactory(workshop=shared, organization=kept)
    WorkshopPartnerFactory(workshop=shared, organization=other)  # the same funder twice
    project = ProjectFactory()
    project.funders.add(other)

    report = merge(kept, [other])

    assert not Organization.objects.filter(pk=other.pk).exists()
    member.refresh_from_db()
    participation.refresh_from_db()
    shared.refresh_from_db()
    assert (member.organization, participation.organization, shared.organizer) == (kept, kept, kept)
    assert list(WorkshopPartner.objects.filter(workshop=shared).values_list("organization", flat=True)) == [
        kept.pk
    ]
    assert list(project.funders.all()) == [kept]
    assert set(kept.focus_areas.all()) == set(areas)
    assert report.moved["people"] == 1 and report.moved["participations"] == 1
    assert report.duplicates == {"workshop partners": 1} and report.conflicts == []


def changelist(model):
    return reverse(f"admin:organizations_{model}_changelist")


def post_merge(client, model, records, **extra):
    data = {"action": "merge_selected", ACTION_CHECKBOX_NAME: [r.pk for r in records], **extra}
    return client.post(changelist(model), data)


def test_the_admin_shows_what_would_move_then_merges_on_confirmation(admin_client, twins):
    kept, other = twins["kept"], twins["other"]
    page = post_merge(admin_client, "person", [kept, other], keep=kept.pk)
    assert page.status_code == 200
    text = page.content.decode()
    assert "2 participations" in text and "was there twice (2 and 1 linked rows)" in text
    assert Person.objects.filter(pk=other.pk).exists()  # nothing merged yet
    # Its buttons are styled as the admin's: the confirmation was a bare grey <button> and, on a
    # phone, the buttons overlapped (forms.css, which styles the submit row, was not loaded).
    assert 'class="button default" name="confirm"' in text
    assert "admin/css/forms.css" in text

    done = post_merge(admin_client, "person", [kept, other], keep=kept.pk, confirm="yes")
    assert done.status_code == 302
    assert list(Person.objects.filter(pk__in=[kept.pk, other.pk])) == [kept]


@pytest.mark.parametrize(
    ("model", "perms"),
    [
        (
            "person",
            ["organizations.view_person", "organizations.change_person", "organizations.view_personal_data"],
        ),
        (
            "person",
            ["organizations.view_person", "organizations.change_person", "organizations.delete_person"],
        ),
        ("organization", ["organizations.view_organization", "organizations.change_organization"]),
    ],
)
def test_merging_is_refused_without_change_delete_and_personal_data_rights(
    client, django_user_model, model, perms
):
    user = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    _grant(user, *perms)
    client.force_login(user)
    records = PersonFactory.create_batch(2) if model == "person" else OrganizationFactory.create_batch(2)
    post_merge(client, model, records, confirm="yes")
    assert type(records[0]).objects.filter(pk__in=[r.pk for r in records]).count() == 2
    form = client.get(changelist(model)).context["action_form"]  # None: no action at all
    assert form is None or "merge_selected" not in [name for name, _label in form.fields["action"].choices]


def test_merging_is_offered_to_staff_with_every_right(client, django_user_model):
    user = django_user_model.objects.create_user("officer", password="x", is_staff=True)
    _grant(
        user,
        "organizations.view_person",
        "organizations.change_person",
        "organizations.delete_person",
        "organizations.view_personal_data",
    )
    client.force_login(user)
    people = PersonFactory.create_batch(2)
    assert post_merge(client, "person", people, keep=people[1].pk, confirm="yes").status_code == 302
    assert list(Person.objects.filter(pk__in=[p.pk for p in people])) == [people[1]]


@pytest.mark.parametrize("participations", [1, 3])
def test_moving_rows_without_twins_takes_the_same_queries_whatever_their_number(participations):
    kept, other = PersonFactory(), PersonFactory()
    for workshop in WorkshopFactory.create_batch(participations):
        attend(other, workshop, SessionFactory(workshop=workshop))
    with CaptureQueriesContext(connection) as queries:
        report = merge(kept, [other])
    assert report.moved == {"participations": participations}
    # 2 of them give the merged record's history to the kept one; 32 refresh the public
    # summary tables (the deleted person's workshops, their published margins included, then
    # the kept person and theirs) and their sums (the rows each refresh rewrites read before and
    # after it, the difference added); 1 asks whether the kept person is counted (then the
    # cached figures about people are forgotten: workshops.reference_edits).
    assert len(queries) == 47


def test_erasing_a_merged_person_scrubs_the_history_of_the_records_merged_into_them(twins, django_user_model):
    """The duplicate's own history (its creation, its participations) is the same person's:
    after the merge and an erasure, neither the audit trail nor the admin log names them."""
    other = twins["other"]
    AdminLogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(other.pk),
        object_repr=str(other),
        action_flag=ADDITION,
        user=django_user_model.objects.create_user("clerk", password="x", is_staff=True),
    )
    merge(twins["kept"], [other])
    erase_person(Person.objects.get(pk=twins["kept"].pk))
    assert not LogEntry.objects.filter(object_repr__contains="Karima").exists()
    assert not AdminLogEntry.objects.filter(object_repr__contains="Karima").exists()

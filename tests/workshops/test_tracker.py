"""Commitments, milestones, follow-ups and the public tracker (issue: public follow-up)."""

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from tests.conftest import _grant
from tests.factories import (
    CommitmentFactory,
    MilestoneFactory,
    MonitoringCommitteeFactory,
    OrganizationFactory,
    RecommendationFactory,
    WorkshopFactory,
    region,
)
from tests.workshops.documentmakers import pdf
from workshops import opendata
from workshops.models import Commitment, FollowUp, MonitoringCommittee, ProgressStatus
from workshops.tracker import dashboard

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def url(name, lang="fr", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs)


def by_status(counts):
    return {value: n for value, _label, n in counts}


# Progress -----------------------------------------------------------------------------------


def test_progress_is_weighted_by_milestones():
    commitment = CommitmentFactory()
    assert commitment.progress is None
    first = MilestoneFactory(commitment=commitment, weight=1)
    MilestoneFactory(commitment=commitment, weight=3)
    assert Commitment.objects.get(pk=commitment.pk).progress == 0
    first.completed_on = dt.date(2026, 5, 1)
    first.save()
    assert Commitment.objects.get(pk=commitment.pk).progress == 25
    assert Commitment.objects.with_progress().get(pk=commitment.pk).progress == 25


def test_changing_a_milestone_changes_progress_and_dashboard():
    commitment = CommitmentFactory()
    other = CommitmentFactory(status=ProgressStatus.COMPLETE)
    step = MilestoneFactory(commitment=commitment, weight=2)
    MilestoneFactory(commitment=commitment, weight=2)
    MilestoneFactory(commitment=other, weight=1, completed_on=dt.date(2026, 1, 2))
    assert dashboard()["average_progress"] == 50  # (0 + 100) / 2
    step.completed_on = dt.date(2026, 3, 1)
    step.save()
    figures = dashboard()
    assert figures["average_progress"] == 75  # (50 + 100) / 2
    assert by_status(figures["commitments_by_status"]) == {
        "not_started": 1,
        "limited": 0,
        "substantial": 0,
        "complete": 1,
        "stalled": 0,
        "withdrawn": 0,
    }
    FollowUp(commitment=commitment, date=dt.date(2026, 3, 2), new_status="substantial", note="x").record()
    assert by_status(dashboard()["commitments_by_status"])["substantial"] == 1
    assert by_status(dashboard()["commitments_by_status"])["not_started"] == 0


def test_dashboard_counts_by_region_organisation_workshop_and_project():
    council = OrganizationFactory(name="Conseil régional de Fès-Meknès")
    first = CommitmentFactory()
    first.target_regions.set([region("03"), region("05")])
    first.responsible_organizations.set([council])
    second = CommitmentFactory(recommendation=first.recommendation, status=ProgressStatus.STALLED)
    second.target_regions.set([region("03")])
    figures = dashboard()
    rows = {row["object"].code: dict((v, n) for v, _l, n in row["counts"]) for row in figures["by_region"]}
    assert rows["03"]["not_started"] == 1 and rows["03"]["stalled"] == 1
    assert rows["05"]["not_started"] == 1 and rows["05"]["stalled"] == 0
    assert [row["total"] for row in figures["by_organization"]] == [1]
    assert figures["by_workshop"][0]["total"] == 2


def test_unpublished_workshops_stay_out_of_the_tracker():
    CommitmentFactory(recommendation=RecommendationFactory(workshop=WorkshopFactory(is_published=False)))
    assert dashboard()["commitment_total"] == 0


# Overdue ------------------------------------------------------------------------------------


def test_commitment_is_overdue_from_the_day_after_its_due_date(client):
    commitment = CommitmentFactory(title="Plan stratégique", due_date=dt.date(2027, 3, 10))
    # 23:30 in Casablanca on the due date is still the due date (UTC+0 since September 2026).
    with time_machine.travel(dt.datetime(2027, 3, 10, 23, 30, tzinfo=dt.UTC), tick=False):
        assert not commitment.is_overdue()
        assert "Plan stratégique" not in _overdue_section(client)
    with time_machine.travel(dt.datetime(2027, 3, 11, 0, 30, tzinfo=dt.UTC), tick=False):
        assert commitment.is_overdue()
        assert Commitment.objects.overdue().get() == commitment
        assert "Plan stratégique" in _overdue_section(client)


def _overdue_section(client):
    html = client.get(url("workshops:tracker", "en")).content.decode()
    start = html.index('id="overdue-heading"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("status", [ProgressStatus.COMPLETE, ProgressStatus.WITHDRAWN])
def test_closed_commitments_are_never_overdue(status):
    commitment = CommitmentFactory(due_date=dt.date(2020, 1, 1), status=status)
    assert not commitment.is_overdue(dt.date(2026, 1, 1))
    assert not Commitment.objects.overdue(dt.date(2026, 1, 1)).exists()


def test_overdue_filter_on_the_list(client):
    CommitmentFactory(title="En retard", due_date=dt.date(2020, 1, 1))
    CommitmentFactory(title="À temps", due_date=dt.date(2099, 1, 1))
    html = client.get(url("workshops:commitments"), {"overdue": "true"}).content.decode()
    assert "En retard" in html and "À temps" not in html


# Follow-ups ---------------------------------------------------------------------------------


def test_follow_up_records_old_status_and_moves_the_commitment():
    commitment = CommitmentFactory()
    update = FollowUp(commitment=commitment, date=dt.date(2026, 2, 1), new_status="limited", note="a")
    update.record()
    assert update.old_status == "not_started"
    commitment.refresh_from_db()
    assert commitment.status == "limited"
    later = FollowUp(
        commitment=commitment, date=dt.date(2026, 4, 1), new_status="complete", note="b"
    ).record()
    assert later.old_status == "limited"


def test_back_dated_follow_up_enters_history_without_moving_status():
    commitment = CommitmentFactory()
    FollowUp(commitment=commitment, date=dt.date(2026, 4, 1), new_status="substantial", note="b").record()
    old = FollowUp(commitment=commitment, date=dt.date(2026, 1, 1), new_status="limited", note="a").record()
    commitment.refresh_from_db()
    assert commitment.status == "substantial"
    assert old.old_status == "not_started"
    assert [f.new_status for f in commitment.follow_ups.all()] == ["substantial", "limited"]


def test_follow_up_needs_exactly_one_subject():
    from django.db import IntegrityError

    recommendation = RecommendationFactory()
    commitment = CommitmentFactory(recommendation=recommendation)
    with pytest.raises(IntegrityError):
        FollowUp.objects.create(
            recommendation=recommendation,
            commitment=commitment,
            date=dt.date(2026, 1, 1),
            new_status="limited",
            note="x",
        )


@pytest.fixture
def updater(django_user_model):
    user = django_user_model.objects.create_user("updater", password="x", is_staff=True)
    _grant(user, "workshops.add_followup")
    return django_user_model.objects.get(pk=user.pk)


def test_quick_update_form_records_an_update(client, updater):
    organiser = OrganizationFactory()
    commitment = CommitmentFactory(
        recommendation=RecommendationFactory(workshop=WorkshopFactory(organizer=organiser))
    )
    client.force_login(updater)
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert url("workshops:commitment_update", "en", pk=commitment.pk) in page
    response = client.post(
        url("workshops:commitment_update", "en", pk=commitment.pk),
        {
            "date": "2026-11-20",
            "new_status": "limited",
            "note": "Première réunion tenue.",
            "evidence_url": "example.org/pv.pdf",
            "reported_by": organiser.pk,
        },
    )
    assert response.status_code == 302
    update = FollowUp.objects.get()
    assert (update.old_status, update.new_status, update.created_by, update.reported_by) == (
        "not_started",
        "limited",
        updater,
        organiser,
    )
    assert update.evidence_url == "https://example.org/pv.pdf"
    commitment.refresh_from_db()
    assert commitment.status == "limited"
    assert "Première réunion tenue." in client.get(commitment.get_absolute_url()).content.decode()


def test_quick_update_form_starts_from_today_and_the_current_status(client, updater):
    """The empty FollowUp the view gives the form must not blank the date and status it
    proposes (they were lost: a staff member had to pick both by hand)."""
    commitment = CommitmentFactory(status="limited")
    client.force_login(updater)
    response = client.get(url("workshops:commitment_update", "en", pk=commitment.pk))
    form = response.context["form"]
    assert form["date"].value() == timezone.localdate()
    assert form["new_status"].value() == "limited"
    page = response.content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page
    assert '<option value="limited" selected>' in page
    french = client.get(url("workshops:commitment_update", "fr", pk=commitment.pk)).content.decode()
    assert "Lien vers le justificatif" in french  # capitalised like the form's other labels


def test_quick_update_refuses_a_fake_evidence_file(client, updater):
    commitment = CommitmentFactory()
    client.force_login(updater)
    response = client.post(
        url("workshops:commitment_update", "en", pk=commitment.pk),
        {
            "date": "2026-11-20",
            "new_status": "limited",
            "note": "x",
            "evidence_file": SimpleUploadedFile("pv.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert response.status_code == 200
    assert "This file is not a PDF, PNG or JPEG document." in response.content.decode()
    assert not FollowUp.objects.exists()


def test_quick_update_accepts_a_pdf(client, updater, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    commitment = CommitmentFactory()
    client.force_login(updater)
    client.post(
        url("workshops:commitment_update", "en", pk=commitment.pk),
        {
            "date": "2026-11-20",
            "new_status": "limited",
            "note": "x",
            "evidence_file": SimpleUploadedFile("pv.pdf", pdf()),
        },
    )
    assert FollowUp.objects.get().evidence_file.name.startswith("evidence/")
    assert FollowUp.objects.get().evidence_file.name.endswith(".pdf")


def test_quick_update_access(client, staff_user):
    commitment = CommitmentFactory()
    target = url("workshops:commitment_update", "en", pk=commitment.pk)
    anonymous = client.get(target)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    client.force_login(staff_user)
    assert client.get(target).status_code == 403
    assert (
        url("workshops:commitment_update", "en", pk=commitment.pk)
        not in client.get(commitment.get_absolute_url()).content.decode()
    )


# Feed and open data -------------------------------------------------------------------------


def test_atom_feed_parses_and_lists_updates(client, example):
    root = ET.fromstring(client.get(url("workshops:feed")).content)
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{tag}") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == FollowUp.objects.count() == 7
    for entry in entries:
        for tag in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{tag}") is not None
    newest = entries[0]
    assert newest.find(f"{ATOM}published").text == "2023-02-01T12:00:00+01:00"  # Morocco was UTC+1 then
    assert "/tracker/commitments/" in newest.find(f"{ATOM}link").get("href")


def test_region_and_committee_feeds(client, example):
    committee = MonitoringCommittee.objects.get()
    entries = ET.fromstring(client.get(url("workshops:committee_feed", slug=committee.slug)).content)
    assert len(entries.findall(f"{ATOM}entry")) == 2  # the Fès-Meknès commitment's two updates
    oriental = ET.fromstring(client.get(url("workshops:region_feed", slug="oriental")).content)
    assert len(oriental.findall(f"{ATOM}entry")) == 1
    assert client.get(url("workshops:region_feed", slug="atlantis")).status_code == 404


PERSONAL = {
    "first_name",
    "last_name",
    "name",
    "phone",
    "email",
    "person",
    "created_by",
    "gender",
    "participant",
    "participants",
}


def test_open_data_holds_exactly_the_public_fields(client, example):
    for dataset, fields in (
        ("commitments", opendata.COMMITMENT_FIELDS),
        ("recommendations", opendata.RECOMMENDATION_FIELDS),
    ):
        document = json.loads(client.get(url("workshops:open_data", dataset=dataset, fmt="json")).getvalue())
        assert document["fields"] == fields
        assert not PERSONAL & set(fields)
        for row in document["rows"]:
            assert list(row) == fields
        csv_text = (
            client.get(url("workshops:open_data", dataset=dataset, fmt="csv")).getvalue().decode("utf-8-sig")
        )
        assert csv_text.splitlines()[0] == ",".join(fields)
    commitments = json.loads(
        client.get(url("workshops:open_data", dataset="commitments", fmt="json")).getvalue()
    )
    assert len(commitments["rows"]) == 7
    assert {row["status"] for row in commitments["rows"]} == set(ProgressStatus.values)
    assert sorted(row["progress"] for row in commitments["rows"]) == [0, 0, 0, 50, 60, 75, 100]


def test_open_data_contains_no_personal_value(client, example):
    from organizations.models import Person

    blob = b"".join(
        client.get(url("workshops:open_data", dataset=d, fmt=f)).getvalue()
        for d in ("commitments", "recommendations")
        for f in ("csv", "json")
    ).decode("utf-8")
    for person in Person.objects.all():
        for secret in (person.full_name, person.phone, person.email):
            assert secret not in blob


def test_unknown_open_data_is_404(client):
    assert client.get(url("workshops:open_data", dataset="people", fmt="csv")).status_code == 404
    assert client.get(url("workshops:open_data", dataset="commitments", fmt="xml")).status_code == 404


# Pages --------------------------------------------------------------------------------------


def test_example_committee_page(client, example):
    committee = MonitoringCommittee.objects.get()
    html = client.get(url("workshops:committee", "fr", slug=committee.slug)).content.decode()
    with translation.override("fr"):  # its French version, as the French page shows it
        assert escape(committee.name) in html
    assert "proposé" in html
    for name in ("Fès-Meknès", "Béni Mellal-Khénifra", "Tanger-Tétouan-Al Hoceima"):
        assert name in html
    assert committee.origin_recommendation.get_absolute_url()[3:] in html
    assert "تشكيل لجنة تتبع برامج عمل الجماعات بجهة فاس-مكناس" in html


def test_example_tracker_shows_every_state(client, example):
    html = client.get(url("workshops:tracker", "en")).content.decode()
    for label in ("not started", "limited", "substantial", "complete", "stalled", "withdrawn"):
        assert label in html
    assert "Exemple illustratif" in client.get(Commitment.objects.first().get_absolute_url()).content.decode()


def test_region_page_lists_its_commitments(client, example):
    html = client.get(url("regions:detail", "ar", slug="oriental")).content.decode()
    assert "برمجة ورشات مماثلة بجهتي الشرق وسوس-ماسة" in html


def make_commitments(n):
    for _ in range(n):
        commitment = CommitmentFactory()
        commitment.target_regions.set([region("03"), region("01")])
        commitment.responsible_organizations.set([OrganizationFactory()])
        MilestoneFactory(commitment=commitment)
        FollowUp(commitment=commitment, date=dt.date(2026, 5, 1), new_status="limited", note="x").record()
        MonitoringCommitteeFactory().followed_commitments.set([commitment])


TRACKER_PAGES = [
    ("workshops:tracker", {}),
    ("workshops:commitments", {}),
    ("workshops:commitments", {"status": "limited"}),
    ("workshops:recommendations", {}),
    ("workshops:committees", {}),
    ("workshops:feed", {}),
]


@pytest.mark.parametrize(("name", "query"), TRACKER_PAGES)
def test_tracker_lists_do_not_grow_queries(client, name, query, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_commitments(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url(name), query).status_code == 200
    make_commitments(2)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url(name), query)
    assert len(one.captured_queries) <= 14
    if name == "workshops:commitments":
        assert response.content.decode().count("/tracker/commitments/") >= 3


def test_commitment_detail_query_count(client, example, django_assert_max_num_queries):
    commitment = Commitment.objects.get(status="complete")
    with django_assert_max_num_queries(12):
        html = client.get(commitment.get_absolute_url()).content.decode()
    assert "100%" in html


def test_commitments_with_progress_keep_their_order():
    """GROUP BY drops Meta.ordering (on PostgreSQL rows then come in any order)."""
    recommendation = RecommendationFactory()
    for position in (3, 1, 2):
        MilestoneFactory(commitment=CommitmentFactory(recommendation=recommendation, position=position))
    assert [c.position for c in recommendation.commitments.with_progress()] == [1, 2, 3]
    due = Commitment.objects.order_by("-position").with_progress()
    assert [c.position for c in due] == [3, 2, 1]

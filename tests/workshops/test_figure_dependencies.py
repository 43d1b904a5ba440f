"""What each kind of change forgets (issue 15). Every cached public figure declares what it shows
(``reports.cached``'s ``depends``: progress, people, content), and each kind of change moves only
its own generation; a change of who attended (``reports.forget_attendance``: the roster, the
check-in, the attendance import, the admin's participations and marks, a counted person's edit)
forgets the pages that count people, not the tracker nor the other pages of progress."""

import collections
import datetime
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.attendance.conftest import sample
from tests.attendance.test_checkin import RECORDER_PERMS
from tests.attendance.test_roster import EDITOR
from tests.conftest import _grant
from tests.factories import (
    CommitmentFactory,
    MilestoneFactory,
    OrganizationFactory,
    ParticipationFactory,
    RecommendationFactory,
    SessionFactory,
    WorkshopFactory,
    region,
)
from workshops import kept_counts, reports
from workshops.models import Participation

pytestmark = pytest.mark.django_db

RABAT = "04"


@pytest.fixture(autouse=True)
def caches_on(settings):
    """Whole pages and figures cached as in production, every count shown (no small cell),
    and each change looked at at once (no bounded rebuild rate)."""
    settings.CACHE_MIDDLEWARE_SECONDS = 60
    settings.PUBLIC_FIGURES_CACHE_SECONDS = 60
    settings.PAGE_REBUILD_INTERVAL_SECONDS = 0
    settings.PAGE_REBUILD_FACTOR = 0
    settings.SMALL_CELL_MINIMUM = 1


@pytest.fixture
def workshop():
    """A published, held workshop in Rabat with two sessions, four counted participants from
    Rabat and one registered, and a public commitment aimed at Rabat."""
    workshop = WorkshopFactory(venue_region=region(RABAT))
    SessionFactory(workshop=workshop)
    SessionFactory(workshop=workshop)
    ParticipationFactory.create_batch(4, workshop=workshop, person__region=region(RABAT))
    ParticipationFactory(
        workshop=workshop, person__region=region(RABAT), status=Participation.Status.REGISTERED
    )
    commitment = CommitmentFactory(recommendation=RecommendationFactory(workshop=workshop))
    commitment.target_regions.add(region(RABAT))
    return workshop


def people_pages(workshop):
    """The pages that count people, each with how to read its count of ``workshop``'s people."""
    rabat = region(RABAT)
    with translation.override("fr"):
        return {
            reverse("workshops:home"): lambda c: c["headline"].participants,
            reverse("regions:list"): lambda c: next(
                r["participants"] for r in c["rows"] if r["region"] == rabat
            ),
            reverse("regions:detail", kwargs={"slug": rabat.slug}): lambda c: c["figures"]["participants"],
            workshop.get_absolute_url(): lambda c: c["figures"]["participants"],
            reverse("workshops:list"): lambda c: next(
                w.participants for w in c["workshops"] if w == workshop
            ),
        }


def progress_pages():
    """Pages that show no count of people."""
    with translation.override("fr"):
        return [
            reverse("workshops:tracker"),
            reverse("workshops:commitments"),
            reverse("workshops:recommendations"),
            reverse("workshops:committees"),
            reverse("workshops:feed"),
            reverse("workshops:open_data", kwargs={"dataset": "commitments", "fmt": "csv"}),
        ]


def visit(path):
    """``(response, queries)`` of a visitor's GET of ``path``."""
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(path)
    assert response.status_code == 200, path
    return response, len(queries)


def warm(workshop):
    for path in [*people_pages(workshop), *progress_pages()]:
        visit(path)


def counted(workshop):
    return workshop.participations.counted().count()


def assert_only_people_pages_rebuilt(workshop):
    """The pages of progress come from the page cache (no query), those that count people are
    built again and show ``workshop``'s counted participants as they are now."""
    for path in progress_pages():
        assert visit(path)[1] == 0, path
    for path, participants in people_pages(workshop).items():
        response, _queries = visit(path)
        assert response.context is not None, f"{path} came from the page cache"
        assert participants(response.context) == counted(workshop), path


def signed_in(django_user_model, *perms, name="staffer"):
    user = django_user_model.objects.create_user(name, password="x", is_staff=True)
    _grant(user, *perms)
    client = Client()
    client.force_login(user)
    return client


def roster_bulk_status(workshop, django_user_model):
    chosen = workshop.participations.counted().order_by("pk").first()
    response = signed_in(django_user_model, *EDITOR).post(
        reverse("staff:roster_bulk", kwargs={"slug": workshop.slug}),
        {"selected": [chosen.pk], "action": "status", "status": "no_show"},
    )
    assert response.status_code == 302


def roster_grid(workshop, django_user_model):
    """The roster's grid without JavaScript: the registered person ticked present."""
    registered = workshop.participations.get(status=Participation.Status.REGISTERED)
    session = workshop.sessions.first()
    response = signed_in(django_user_model, *EDITOR).post(
        reverse("staff:roster", kwargs={"slug": workshop.slug}),
        {"shown": [registered.pk], "mark": [f"{registered.pk}:{session.pk}"]},
    )
    assert response.status_code == 302


def check_in(workshop, django_user_model):
    """A phone's batch: the registered person marked present."""
    registered = workshop.participations.get(status=Participation.Status.REGISTERED)
    event = {
        "id": str(uuid.uuid4()),
        "participation": registered.pk,
        "session": workshop.sessions.first().pk,
        "present": True,
        "at": (timezone.now() - datetime.timedelta(minutes=5)).isoformat(),
    }
    response = signed_in(django_user_model, *RECORDER_PERMS).post(
        reverse("checkin:sync", kwargs={"slug": workshop.slug}),
        json.dumps({"device": "phone-1", "events": [event], "walk_ins": []}),
        content_type="application/json",
    )
    assert response.status_code == 200


def admin_status(workshop, django_user_model):
    """The admin's bulk action on participations: one set to no-show."""
    chosen = workshop.participations.counted().order_by("pk").first()
    client = signed_in(django_user_model, "workshops.view_participation", "workshops.change_participation")
    response = client.post(
        reverse("admin:workshops_participation_changelist"),
        {"action": "set_status", "status": "no_show", "_selected_action": [chosen.pk]},
    )
    assert response.status_code == 302


def admin_participation_deleted(workshop, django_user_model):
    chosen = workshop.participations.counted().order_by("pk").first()
    client = signed_in(django_user_model, "workshops.view_participation", "workshops.delete_participation")
    response = client.post(reverse("admin:workshops_participation_delete", args=[chosen.pk]), {"post": "yes"})
    assert response.status_code == 302


def person_region_corrected(workshop, django_user_model):
    """A counted person's region corrected (``workshops.reference_edits``): they leave Rabat."""
    person = workshop.participations.counted().order_by("pk").first().person
    person.region = region("01")
    person.save()


@pytest.mark.parametrize(
    "change",
    [
        roster_bulk_status,
        roster_grid,
        check_in,
        admin_status,
        admin_participation_deleted,
        person_region_corrected,
    ],
)
def test_a_change_of_who_attended_keeps_the_pages_of_progress_and_rebuilds_those_that_count_people(
    workshop, django_user_model, change
):
    warm(workshop)
    before = counted(workshop)
    change(workshop, django_user_model)
    if change is person_region_corrected:
        # Counted as before at the workshop and at home, no longer from Rabat.
        for path in progress_pages():
            assert visit(path)[1] == 0, path
        regions = visit(reverse("regions:list"))[0].context["rows"]
        assert next(r["participants"] for r in regions if r["region"] == region(RABAT)) == before - 1
        assert visit(workshop.get_absolute_url())[0].context is not None
        return
    assert counted(workshop) != before
    assert_only_people_pages_rebuilt(workshop)


@pytest.mark.parametrize("job", [False, True])
def test_an_attendance_import_keeps_the_pages_of_progress(django_user_model, settings, tmp_path, job):
    settings.ATTENDANCE_STAGING_DIR = tmp_path / "staging"
    settings.IMPORT_JOB_THRESHOLD = 49 if job else 10_000  # the sample has 50 participants
    workshop = WorkshopFactory(start_date=datetime.date(2021, 3, 5), end_date=datetime.date(2021, 3, 7))
    for day in (5, 6, 7):
        SessionFactory(workshop=workshop, date=datetime.date(2021, 3, day))
    warm(workshop)
    importer = signed_in(
        django_user_model,
        "workshops.import_attendance",
        "workshops.view_workshop",
        "workshops.change_workshop",
        "organizations.view_person",
    )
    url = reverse("admin:workshops_workshop_import_attendance", args=[workshop.pk])
    upload = SimpleUploadedFile("sheet.xlsx", sample("marrakech-2021-03-attendance-ar.xlsx"))
    token = importer.post(url, {"file": upload}).context["token"]
    assert importer.post(url, {"token": token, "confirm": "1"}).status_code == 302
    assert counted(workshop) > 0
    for path in progress_pages():
        assert visit(path)[1] == 0, path
    response = visit(workshop.get_absolute_url())[0]
    assert response.context["figures"]["participants"] == counted(workshop)
    assert visit(reverse("workshops:home"))[0].context["headline"].participants == counted(workshop)


def test_a_follow_up_still_updates_the_tracker_and_an_admin_edit_every_page(workshop, django_user_model):
    warm(workshop)
    staff = signed_in(django_user_model, "workshops.add_followup")
    commitment = workshop.recommendations.get().commitments.get()
    response = staff.post(
        reverse("workshops:commitment_update", kwargs={"pk": commitment.pk}),
        {"date": timezone.localdate().isoformat(), "new_status": "complete", "note": "Réunion tenue"},
    )
    assert response.status_code == 302
    tracker = visit(progress_pages()[0])[0]
    statuses = {value: n for value, _label, n in tracker.context["dashboard"]["commitments_by_status"]}
    assert statuses["complete"] == 1
    # An edit in the admin (a funder added) forgets every page, the tracker's and people's too.
    warm(workshop)
    editor = signed_in(django_user_model, "workshops.add_workshoppartner", name="editor")
    response = editor.post(
        reverse("admin:workshops_workshoppartner_add"),
        {"workshop": workshop.pk, "organization": OrganizationFactory().pk, "role": "funder"},
    )
    assert response.status_code == 302
    for path in [*people_pages(workshop), *progress_pages()]:
        assert visit(path)[1] > 0, path


# Each figure's declaration -------------------------------------------------------------------


@pytest.fixture
def computed(monkeypatch):
    """Counter of the figures computed (not read from the cache), by name. The report's counts
    (``workshops.kept_counts``) count as ``report`` when counted while the staff member waits
    and when a recount starts in the background (run at once here: a thread would not see the
    test's transaction)."""
    counts, original = collections.Counter(), reports.compute_once

    def recount(work):
        counts["report"] += 1
        work()

    monkeypatch.setattr(
        kept_counts, "compute_once", lambda key, compute, seconds: counting(key, compute, seconds)
    )
    monkeypatch.setattr(kept_counts, "start_background", recount)

    def counting(key, compute, seconds):
        if key.startswith("kept-counts:"):

            def counted():
                counts["report"] += 1
                return compute()

            return original(key, counted, seconds)

        def counted():
            name = key.split(":", 3)[3]  # public-figures:<kinds>:<generations>:<name>[:<language>]
            name = name.removesuffix(":fr")
            # One figure per region and per scope of the report: counted by kind.
            counts[name.split(":")[0] if name.startswith(("region:", "report:")) else name] += 1
            return compute()

        return original(key, counted, seconds)

    monkeypatch.setattr(reports, "compute_once", counting)
    return counts


def read_every_figure(workshop, settings, analyst):
    """Every page that reads a cached figure, the page cache off (the figures alone), and the
    staff's cross-workshop report (``analyst``: a signed-in client)."""
    settings.CACHE_MIDDLEWARE_SECONDS = 0
    for path in [*people_pages(workshop), *progress_pages()]:
        visit(path)
    with translation.override("fr"):
        assert analyst.get(reverse("reports:participants")).status_code == 200


PEOPLE_FIGURES = {
    "reach",
    "region",
    "report",
    "headline-activity",
    "organizations-by-region",
    "publication-national",
    "home",
    "regions",
}
PROGRESS_FIGURES = {"home", "regions", "tracker", "recommendations-by-status", "open-commitments-by-region"}
CONTENT_ONLY = {"workshops-by-region", "workshops-per-year", "tracker:average-progress"}


@pytest.mark.parametrize(
    ("forget", "moved"),
    [
        (lambda w: reports.forget_progress(w), PROGRESS_FIGURES),
        (lambda w: reports.forget_attendance(w), PEOPLE_FIGURES),
        (lambda w: reports.forget_public_figures(), PEOPLE_FIGURES | PROGRESS_FIGURES | CONTENT_ONLY),
    ],
    ids=["progress", "people", "content"],
)
def test_each_kind_of_change_computes_again_the_figures_that_show_it_and_only_them(
    workshop, settings, computed, django_user_model, forget, moved
):
    analyst = signed_in(django_user_model, "workshops.view_participation")
    read_every_figure(workshop, settings, analyst)
    assert set(computed) == PEOPLE_FIGURES | PROGRESS_FIGURES | CONTENT_ONLY  # every cached figure
    computed.clear()
    forget(workshop)
    read_every_figure(workshop, settings, analyst)
    assert set(computed) == moved
    assert set(computed.values()) == {1}


def test_the_figures_of_content_follow_an_admin_edit_of_a_workshop(workshop, settings, admin_client):
    """Which workshops are published and where (``workshops-by-region``, ``workshops-per-year``)
    and milestones (``tracker:average-progress``) change only with the admin's edits."""
    settings.CACHE_MIDDLEWARE_SECONDS = 0
    regions = reverse("regions:list")
    home = reverse("workshops:home")
    commitment = workshop.recommendations.get().commitments.get()
    MilestoneFactory(commitment=commitment, completed_on=datetime.date(2026, 1, 5))
    MilestoneFactory(commitment=commitment)
    oriental = region("02")

    def workshops_in():
        return next(r["workshops"] for r in visit(regions)[0].context["rows"] if r["region"] == oriental)

    assert workshops_in() == 0
    held = sum(n for _y, n in visit(home)[0].context["per_year"])
    average = visit(reverse("workshops:tracker"))[0].context["dashboard"]["average_progress"]
    assert average == 50
    WorkshopFactory(venue_region=oriental, start_date=datetime.date(2019, 5, 1))
    commitment.milestones.update(completed_on=datetime.date(2026, 1, 5))
    reports.forget_public_figures()  # what the admin's saves do
    assert workshops_in() == 1
    assert sum(n for _y, n in visit(home)[0].context["per_year"]) == held + 1
    assert visit(reverse("workshops:tracker"))[0].context["dashboard"]["average_progress"] == 100

"""Figures across workshops (project, funder, region, period), small-cell suppression, and the
staff report pages."""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from openpyxl import load_workbook

from organizations.models import ExportLog, Organization
from tests.conftest import _grant
from tests.factories import (
    AttendanceFactory,
    OrganizationFactory,
    ParticipationFactory,
    PersonFactory,
    ProjectFactory,
    SessionFactory,
    WorkshopFactory,
    WorkshopPartnerFactory,
    region,
)
from workshops.disaggregation import Scope, build_report, report_workbook
from workshops.models import Participation, Workshop
from workshops.publication import Table, suppress
from workshops.publication import workshop_figures as public_workshop_figures

pytestmark = pytest.mark.django_db


def workshop(start, days, venue, **kwargs):
    w = WorkshopFactory(
        start_date=start,
        end_date=start + datetime.timedelta(days=days - 1),
        venue_region=region(venue),
        **kwargs,
    )
    sessions = [SessionFactory(workshop=w, date=start + datetime.timedelta(days=n)) for n in range(days)]
    return w, sessions


def attend(w, sessions, person, present, **kwargs):
    participation = ParticipationFactory(workshop=w, person=person, **kwargs)
    for session in present:
        AttendanceFactory(participation=participation, session=sessions[session])
    return participation


@pytest.fixture
def data():
    """Two workshops of project P (funded by F), one funded by F directly, one planned, one of
    another project. Amina attends the three F workshops and counts once."""
    funder = OrganizationFactory(name="Fondation F", kind=Organization.Kind.FUNDER)
    project = ProjectFactory(name="Projet P")
    project.funders.add(funder)
    w1, s1 = workshop(datetime.date(2026, 1, 10), 3, "04", project=project)
    w2, s2 = workshop(datetime.date(2026, 2, 10), 2, "06", project=project)
    w3, s3 = workshop(datetime.date(2026, 3, 10), 1, "04")
    WorkshopPartnerFactory(workshop=w3, organization=funder)
    workshop(datetime.date(2026, 4, 10), 1, "04", project=project, status=Workshop.Status.PLANNED)
    w5, s5 = workshop(datetime.date(2026, 5, 10), 1, "07", project=ProjectFactory())
    association = OrganizationFactory(kind=Organization.Kind.ASSOCIATION)
    commune = OrganizationFactory(kind=Organization.Kind.COMMUNE)
    amina = PersonFactory(
        first_name="Amina", gender="female", age_band="25_34", region=region("03"), organization=association
    )
    omar = PersonFactory(
        first_name="Omar", gender="male", age_band="18_24", region=region("04"), organization=commune
    )
    sara = PersonFactory(first_name="Sara", gender="female", age_band="", region=None, organization=None)
    attend(w1, s1, amina, [0, 1, 2])
    attend(w1, s1, omar, [0, 1])
    attend(w1, s1, sara, [2])
    attend(w1, s1, PersonFactory(), [0], counts_toward_totals=False)  # organising staff
    attend(w2, s2, amina, [0])
    attend(w2, s2, PersonFactory(gender="female"), [], status=Participation.Status.NO_SHOW)
    attend(w3, s3, amina, [0])
    attend(w5, s5, PersonFactory(gender="male"), [0])
    return {"project": project, "funder": funder, "w1": w1, "w2": w2, "w3": w3}


def rows(report, title):
    breakdown = next(b for b in report.breakdowns if b.title == title)
    return {str(label): count for label, count in breakdown.rows if count}, breakdown.total


def test_project_report_figures_are_exact(data):
    report = build_report(Scope(project=data["project"]))
    assert report.workshops == 2
    assert (report.unique_participants, report.participations, report.participant_days) == (3, 4, 7)
    assert (report.women, report.women_share) == (2, 66.7)
    assert rows(report, "Gender") == ({"woman": 2, "man": 1}, 3)
    assert rows(report, "Age band") == ({"25-34": 1, "18-24": 1, "not stated": 1}, 3)
    by_region = rows(report, "Region of origin")[0]
    assert by_region == {region("03").name: 1, region("04").name: 1, "Unknown": 1}
    assert rows(report, "Organisation kind")[0] == {
        "association": 1,
        "commune or elected council": 1,
        "no organisation": 1,
    }
    assert rows(report, "Workshops per region")[0] == {region("04").name: 1, region("06").name: 1}
    completion = {
        (r.workshop_id, r.sessions, r.required, r.participants, r.completed) for r in report.completion
    }
    assert completion == {(data["w1"].pk, 3, 2, 3, 2), (data["w2"].pk, 2, 2, 1, 0)}


def test_a_person_at_three_workshops_counts_once(data):
    report = build_report(Scope(funder=data["funder"]))
    assert report.workshops == 3
    assert (report.unique_participants, report.participations) == (3, 5)


def test_region_and_period_scopes(data):
    assert build_report(Scope(region=region("04"))).workshops == 2
    period = build_report(Scope(start=datetime.date(2026, 2, 1), end=datetime.date(2026, 2, 28)))
    assert (period.workshops, period.unique_participants) == (1, 1)


def test_completion_threshold_is_a_parameter(data):
    report = build_report(Scope(project=data["project"]), completion_percent=100)
    w1 = next(r for r in report.completion if r.workshop_id == data["w1"].pk)
    assert (w1.required, w1.completed) == (3, 1)


# Small-cell suppression ------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "shown"), [(0, 0), (1, None), (4, None), (5, 5), (120, 120)])
def test_small_counts_are_hidden(value, shown):
    assert suppress(value) == shown


def test_minimum_is_a_setting(settings):
    settings.SMALL_CELL_MINIMUM = 10
    assert suppress(7) is None


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        ([10, 20, 0], [10, 20, 0]),
        ([3, 4, 40], [None, None, 40]),
        ([3, 40, 12], [None, 40, None]),  # one hidden cell: the next smallest goes too
        ([3, 0], [None, 0]),
    ],
)
def test_breakdowns_hide_a_second_cell_when_the_total_would_give_one_away(counts, shown):
    table = Table({})
    cells = [table.add(i, count) for i, count in enumerate(counts)]
    table.relate(table.add("total", sum(counts), cost=4), cells)
    assert [table.protect()[cell] for cell in cells] == shown


def test_public_report_hides_small_cells_and_staff_report_does_not(data):
    staff = build_report(Scope(project=data["project"]))
    public = build_report(Scope(project=data["project"]), public=True)
    assert staff.unique_participants == 3
    assert (public.unique_participants, public.women, public.women_share) == (None, None, None)
    assert all(count in (0, None) for _label, count in public.breakdowns[0].rows)


def test_public_workshop_figures_keep_large_cells(example):
    figures = public_workshop_figures(example)
    assert figures["participants"] == 50
    assert [count for _value, _label, count in figures["by_gender"]] == [23, 27, 0]
    assert [count for _session, count in figures["by_session"]] == [48, 50, 45]


def test_public_workshop_figures_hide_a_small_workshop():
    w, sessions = workshop(datetime.date(2026, 1, 10), 1, "04")
    attend(w, sessions, PersonFactory(gender="female"), [0])
    attend(w, sessions, PersonFactory(gender="male"), [0])
    figures = public_workshop_figures(w)
    assert (figures["participants"], figures["women"], figures["women_share"]) == (None, None, None)
    assert [count for _value, _label, count in figures["by_gender"]] == [None, None, 0]


# XLSX ----------------------------------------------------------------------------------------


def test_report_workbook_has_one_sheet_per_breakdown(data):
    content, _rows = report_workbook(build_report(Scope(project=data["project"])))
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == [
        "Summary",
        "Gender",
        "Age band",
        "Region of origin",
        "Organisation kind",
        "Workshops per region",
        "Completion",
    ]
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Unique participants"] == 3
    assert summary["Participant-days"] == 7
    assert "Projet P" in summary["Scope"]
    gender = dict(workbook["Gender"].iter_rows(min_row=2, values_only=True))
    assert (gender["woman"], gender["man"], gender["Total"]) == (2, 1, 3)


def test_public_workbook_says_hidden(data):
    content, _rows = report_workbook(build_report(Scope(project=data["project"]), public=True))
    summary = dict(load_workbook(io.BytesIO(content))["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["Unique participants"] == "hidden"


# Staff pages ---------------------------------------------------------------------------------

PAGE = "reports:participants"
XLSX = "reports:participants_xlsx"


@pytest.fixture
def analyst(django_user_model):
    user = django_user_model.objects.create_user("analyst", password="x", is_staff=True)
    _grant(user, "workshops.view_participation")
    return django_user_model.objects.get(pk=user.pk)


@pytest.mark.parametrize("name", [PAGE, XLSX])
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("name", [PAGE, XLSX])
def test_staff_without_permission_is_refused(client, staff_user, name):
    client.force_login(staff_user)
    assert client.get(reverse(name)).status_code == 403
    assert ExportLog.objects.count() == 0


@pytest.mark.parametrize("name", [PAGE, XLSX])
def test_non_staff_with_the_permission_is_refused(client, django_user_model, name):
    user = django_user_model.objects.create_user("volunteer", password="x")
    _grant(user, "workshops.view_participation")
    client.force_login(user)
    assert client.get(reverse(name)).status_code == 403


def test_a_manager_who_has_not_passed_the_code_goes_to_the_two_factor_page(client, analyst):
    analyst.groups.add(Group.objects.get_or_create(name="Managers")[0])
    client.force_login(analyst, verified=False)
    response = client.get(reverse(PAGE))
    assert response.status_code == 302 and "/two-factor/" in response["Location"]


def test_staff_with_permission_see_the_tables(client, analyst, data):
    client.force_login(analyst)
    response = client.get(reverse(PAGE), {"project": data["project"].pk})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Project: Projet P" in content
    assert '<tr><th scope="row">Unique participants</th><td>3</td></tr>' in content
    assert '<tr><th scope="row">Participant-days</th><td>7</td></tr>' in content
    # Each breakdown's counts carry a bar scaled on its total.
    bar = r'<meter class="report-bar" min="0" max="3" value="\d" aria-hidden="true"></meter>'
    assert re.search(bar, content)
    public = client.get(reverse(PAGE), {"project": data["project"].pk, "public": "on"}).content.decode()
    hidden = '<span class="suppressed">hidden</span>'
    assert f'<tr><th scope="row">Unique participants</th><td>{hidden}</td></tr>' in public


def test_staff_with_permission_download_the_xlsx_and_it_is_logged(client, analyst, data):
    client.force_login(analyst)
    job_page = client.post(reverse(XLSX) + f"?funder={data['funder'].pk}")
    assert job_page.status_code == 302
    assert not ExportLog.objects.exists()  # asked for: nothing delivered yet
    page = client.get(job_page["Location"])
    response = client.get(page.context["status"]["download_url"])
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(workbook.sheetnames) == 7
    entry = ExportLog.objects.get()
    assert (entry.kind, entry.file_format, entry.user, entry.personal_data) == (
        "report",
        "xlsx",
        analyst,
        False,
    )
    assert entry.scope == "Funder: Fondation F"


def test_report_page_query_count_does_not_grow(client, analyst, data, django_assert_max_num_queries):
    client.force_login(analyst)
    with django_assert_max_num_queries(25):
        client.get(reverse(PAGE))
    for _i in range(5):
        w, sessions = workshop(datetime.date(2026, 1, 20), 2, "05")
        attend(w, sessions, PersonFactory(), [0, 1])
    with django_assert_max_num_queries(25):
        client.get(reverse(PAGE))


def test_a_bad_period_is_reported_and_the_page_still_shows(client, analyst, data):
    client.force_login(analyst)
    response = client.get(reverse(PAGE), {"start": "2026-03-01", "end": "2026-01-01"})
    assert response.status_code == 200
    assert "The end of the period comes before its start." in response.content.decode()


def test_admin_home_links_to_the_report_for_those_who_may_see_it(client, analyst, staff_user):
    client.force_login(analyst)
    assert reverse(PAGE) in client.get(reverse("admin:index")).content.decode()
    client.force_login(staff_user)
    assert reverse(PAGE) not in client.get(reverse("admin:index")).content.decode()


def test_workshops_per_region_sheet_counts_workshops_not_people(data):
    content, _rows = report_workbook(build_report(Scope(project=data["project"])))
    workbook = load_workbook(io.BytesIO(content))
    assert next(workbook["Workshops per region"].iter_rows(max_row=1, values_only=True))[1] == "Workshops"
    assert next(workbook["Gender"].iter_rows(max_row=1, values_only=True))[1] == "People"


@pytest.mark.parametrize("query", [{}, {"project": ""}, {"region": ""}])
def test_report_form_shows_the_completion_threshold_in_force(client, analyst, data, query):
    client.force_login(analyst)
    content = client.get(reverse(PAGE), query).content.decode()
    assert re.search(r'<input type="number" name="completion_percent" value="66"', content)
    assert "present at 66% of its sessions" in content
    # Laid out as the admin's own forms: one row per field, the help text tied to its field.
    assert '<div class="form-row field-completion_percent">' in content
    assert 'aria-describedby="id_completion_percent_helptext"' in content


def test_report_form_keeps_the_threshold_chosen(client, analyst, data):
    client.force_login(analyst)
    content = client.get(reverse(PAGE), {"completion_percent": "100"}).content.decode()
    assert re.search(r'name="completion_percent" value="100"', content)
    assert "present at 100% of its sessions" in content


def test_an_old_xlsx_link_leads_to_the_report_page_with_its_filters(client, analyst):
    client.force_login(analyst)
    response = client.get(reverse(XLSX), {"public": "on"})
    assert response.status_code == 302 and response["Location"] == reverse(PAGE) + "?public=on"

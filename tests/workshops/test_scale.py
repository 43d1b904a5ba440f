"""Scale: public pages whose query count does not grow with the data, the public-figures cache,
the streamed bulk exports of attendance, and the benchmark data generator at its small scale."""

import csv
import datetime
import io
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from attendance import bulk_exports
from organizations.models import ExportLog, Person
from tests.factories import (
    AttendanceFactory,
    CommitmentFactory,
    FollowUpFactory,
    MilestoneFactory,
    MonitoringCommitteeFactory,
    ParticipationFactory,
    PersonFactory,
    RecommendationFactory,
    SessionFactory,
    WorkshopFactory,
    WorkshopPartnerFactory,
    region,
)
from workshops import publication
from workshops.models import Attendance, FollowUp, Participation, Recommendation, Workshop

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def grow(committee, n):
    """Add ``n`` published workshops, each with two sessions, three participants (one man),
    a partner, a target region, a recommendation with a commitment, a milestone and a
    follow-up, all followed by ``committee``."""
    for _ in range(n):
        workshop = WorkshopFactory(venue_region=region("03"))
        workshop.target_regions.set([region("03"), region("01")])
        WorkshopPartnerFactory(workshop=workshop)
        sessions = [SessionFactory(workshop=workshop), SessionFactory(workshop=workshop)]
        for gender in (Person.Gender.FEMALE, Person.Gender.FEMALE, Person.Gender.MALE):
            participation = ParticipationFactory(
                workshop=workshop, person=PersonFactory(gender=gender, region=region("03"))
            )
            for session in sessions:
                AttendanceFactory(participation=participation, session=session)
        recommendation = RecommendationFactory(workshop=workshop)
        recommendation.target_regions.set([region("03")])
        commitment = CommitmentFactory(recommendation=recommendation)
        commitment.target_regions.set([region("03")])
        MilestoneFactory(commitment=commitment)
        FollowUpFactory(recommendation=recommendation)
        FollowUp.objects.create(
            commitment=commitment, date=workshop.start_date, new_status="limited", note="n"
        )
        committee.followed_commitments.add(commitment)


def public_pages(committee, workshop):
    with translation.override("fr"):
        return [
            reverse("workshops:home"),
            reverse("workshops:home") + "?measure=per_100k",
            reverse("regions:list"),
            reverse("regions:detail", kwargs={"slug": "fes-meknes"}),
            reverse("workshops:list"),
            reverse("workshops:list") + f"?region={region('03').pk}&year=2026&q=%D9%88%D8%B1%D8%B4%D8%A9",
            reverse("workshops:list") + "?page=2",
            workshop.get_absolute_url(),
            reverse("workshops:tracker"),
            committee.get_absolute_url(),
        ]


def query_counts(client, paths):
    counts = {}
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        counts[path] = len(queries)
    return counts


def test_public_pages_make_at_most_12_queries_at_two_data_sizes(client):
    committee = MonitoringCommitteeFactory()
    committee.regions.set([region("03")])
    grow(committee, 1)
    workshop = Workshop.objects.get()
    paths = public_pages(committee, workshop)
    small = query_counts(client, paths)
    grow(committee, 24)  # past one page of the workshop list (20)
    assert Workshop.objects.count() == 25
    large = query_counts(client, paths)
    assert large == small
    assert max(large.values()) <= MAX_QUERIES, large


def test_cached_public_figures_are_forgotten_when_staff_change_data(client, settings, admin_client):
    settings.PUBLIC_FIGURES_CACHE_SECONDS = 60
    settings.SMALL_CELL_MINIMUM = 1  # small counts shown: these are a handful of people
    committee = MonitoringCommitteeFactory()
    grow(committee, 1)
    home = reverse("workshops:home")
    assert publication.home_figures()["headline"].participants == 3
    with CaptureQueriesContext(connection) as queries:
        assert client.get(home).status_code == 200
    assert len(queries) <= 3  # the latest workshops, the cache's generation and figures live elsewhere
    grow(committee, 1)  # its organisations are new: saving them forgets (workshops.reference_edits)
    assert publication.home_figures()["headline"].participants == 6
    first = Participation.objects.order_by("pk").first()
    Participation.objects.filter(pk=first.pk).update(status=Participation.Status.NO_SHOW)
    assert publication.home_figures()["headline"].participants == 6  # cached: up to 60 s late
    recommendation = Recommendation.objects.first()
    change = reverse("admin:workshops_recommendation_delete", args=[recommendation.pk])
    assert admin_client.post(change, {"post": "yes"}).status_code == 302
    assert publication.home_figures()["headline"].participants == 5


# Bulk exports --------------------------------------------------------------------------------


@pytest.fixture
def marks():
    """Two workshops: one in Fès-Meknès in 2024 (two people, two sessions, a formula-like
    organisation name), one in Rabat in 2025 (one person, one session). Five marks in all."""
    fes = WorkshopFactory(venue_region=region("03"), start_date="2024-05-02", end_date="2024-05-03")
    rabat = WorkshopFactory(venue_region=region("04"), start_date="2025-01-10", end_date="2025-01-10")
    fes_sessions = [SessionFactory(workshop=fes), SessionFactory(workshop=fes)]
    people = [
        PersonFactory(last_name="=HYPERLINK(1)", first_name="Nezha", region=region("03")),
        PersonFactory(
            last_name="Bennani", first_name="Said", gender=Person.Gender.MALE, phone="+212600000901"
        ),
    ]
    for person in people:
        participation = ParticipationFactory(workshop=fes, person=person)
        for session in fes_sessions:
            AttendanceFactory(participation=participation, session=session)
    AttendanceFactory(
        participation=ParticipationFactory(workshop=rabat), session=SessionFactory(workshop=rabat)
    )
    return fes, rabat


def read_csv(text):
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_of_a_region_and_year_holds_its_marks_in_order_neutralised(marks):
    fes, _rabat = marks
    stream = io.StringIO()
    count = bulk_exports.write_csv(bulk_exports.Selection(region("03"), 2024), stream)
    table = read_csv(stream.getvalue())
    assert count == 4
    assert table[0][:3] == ["Workshop", "Workshop start", "Workshop region"]
    assert len(table) == 5
    assert table[1] == [
        fes.slug,
        "2024-05-02",
        "03",
        "1",
        "2024-05-02",
        "'=HYPERLINK(1)",
        "Nezha",
        "woman",
        "",
        people_phone(table[1][9]),
        table[1][10],
        "03",
        "",
        "participant",
        "attended",
    ]
    assert [row[6] for row in table[1:]] == ["Nezha", "Nezha", "Said", "Said"]
    assert [row[3] for row in table[1:]] == ["1", "2", "1", "2"]
    assert table[3][9] == "+212600000901"  # a phone number is not a formula


def people_phone(value):
    assert value.startswith("+2126001")  # tests.factories.PersonFactory
    return value


def test_csv_of_everything_and_streamed_chunks_agree(marks):
    selection = bulk_exports.Selection()
    stream = io.StringIO()
    assert bulk_exports.write_csv(selection, stream) == Attendance.objects.count() == 5
    assert "".join(bulk_exports.csv_chunks(selection, rows_per_chunk=2)) == stream.getvalue()
    assert bulk_exports.write_csv(bulk_exports.Selection(region("04"), 2024), io.StringIO()) == 0


def cell_text(value):
    """A cell read back from XLSX as the CSV writes it (dates are read back as datetimes, whole
    numbers as floats: the file holds ``1.0``, which a spreadsheet shows as 1)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_xlsx_holds_the_same_rows_as_the_csv(marks, tmp_path):
    selection = bulk_exports.Selection(year=2024)
    count = bulk_exports.write_xlsx(selection, tmp_path / "marks.xlsx")
    sheet = load_workbook(tmp_path / "marks.xlsx").active
    cells = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    stream = io.StringIO()
    bulk_exports.write_csv(selection, stream)
    assert count == 4
    assert cells == read_csv(stream.getvalue())


def test_export_view_runs_a_job_for_staff_with_the_permission_and_logs_the_download(
    client, marks, export_user, staff_user
):
    with translation.override("en"):
        path = reverse("reports:attendance_csv")
        xlsx = reverse("reports:attendance_xlsx")
    assert client.post(path, {"region": "03", "year": "2024"}).status_code == 302  # to the login page
    client.force_login(staff_user)
    assert client.post(path, {"region": "03", "year": "2024"}).status_code == 403
    client.force_login(export_user)
    assert client.get(path + "?region=03&year=2024").status_code == 200  # what will be exported
    job_page = client.post(path, {"region": "03", "year": "2024"})
    assert job_page.status_code == 302
    assert not ExportLog.objects.exists()  # asked for, nothing delivered yet
    page = client.get(job_page["Location"])
    download = page.context["status"]["download_url"]
    response = client.get(download)
    assert response["Content-Disposition"].startswith('attachment; filename="attendance-03-2024.csv"')
    table = read_csv(b"".join(response.streaming_content).decode())
    assert len(table) == 5
    log = ExportLog.objects.get()
    assert (log.user, log.file_format, log.row_count, log.personal_data) == (export_user, "csv", 4, True)
    assert log.scope == "attendance: region 03, 2024"
    page = client.get(client.post(xlsx, {"year": "2025"})["Location"])
    response = client.get(page.context["status"]["download_url"])
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 2
    assert client.post(path, {"region": "99"}).status_code == 400


def test_export_command_writes_and_logs(marks, tmp_path):
    output = tmp_path / "all.csv"
    call_command("export_all_attendance", "--output", str(output), "--region", "3", stdout=io.StringIO())
    assert len(read_csv(output.read_text(encoding="utf-8"))) == 5
    log = ExportLog.objects.get()
    assert (log.channel, log.row_count, log.scope) == ("command", 4, "attendance: region 03, all years")


# Generator -----------------------------------------------------------------------------------


def test_generator_small_scale_respects_its_counts_and_constraints():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from generate import SCALES, generate

    counts = generate("small", seed=7, verbose=False)
    with connection.cursor() as cursor:
        # As bench/generate.py does: without fresh statistics PostgreSQL planned the join check
        # below as nested loops over the fresh tables and took minutes on a loaded machine.
        cursor.execute("ANALYZE")
    expected = SCALES["small"]
    assert Attendance.objects.count() == counts["attendance"] == expected["attendance"]
    assert Workshop.objects.count() == expected["workshops"]
    assert Person.objects.count() == expected["people"]
    assert Recommendation.objects.count() == expected["recommendations"]
    assert FollowUp.objects.count() == expected["follow_ups"]
    from organizations.models import Organization
    from regions.names import fold

    organization = Organization.objects.order_by("?").first()
    assert organization.name_key == fold(organization.name) != ""
    # Every mark's session belongs to its participation's workshop.
    assert not Attendance.objects.exclude(session__workshop=models_f("participation__workshop")).exists()
    assert 1 <= min(w.sessions.count() for w in Workshop.objects.all()[:20]) <= 3
    attended = Participation.objects.filter(status="attended")
    assert not attended.filter(attendances=None).exists()
    with pytest.raises(ValueError):
        generate("small", seed=7, verbose=False)


def models_f(name):
    from django.db.models import F

    return F(name)

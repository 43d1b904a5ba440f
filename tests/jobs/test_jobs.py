"""Background jobs (``jobs``): what a job says while it runs and when it fails, who may
download its file and for how long, and what the export log records."""

import contextlib
import datetime
import io
import os
import shutil
import socket
import subprocess
import time

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job
from jobs.tasks import delete_expired_files, run_job, start
from jobs.views import status
from organizations.models import ExportLog
from tests.conftest import _grant
from tests.factories import AttendanceFactory, ParticipationFactory, SessionFactory, WorkshopFactory, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def marks():
    """Three attendance marks of a workshop held in Fès-Meknès in 2024."""
    workshop = WorkshopFactory(venue_region=region("03"), start_date="2024-05-02", end_date="2024-05-02")
    session = SessionFactory(workshop=workshop)
    for _i in range(3):
        AttendanceFactory(session=session, participation=ParticipationFactory(workshop=workshop))
    return workshop


def export(user, year=2024, fmt="csv"):
    """Ask for the bulk attendance export of ``year`` as ``user``; the job (run at once in tests)."""
    return start(
        user,
        Job.Kind.ATTENDANCE_EXPORT,
        parameters={"region": None, "year": year},
        description=f"attendance {year}",
        file=(f"attendance-all-{year}.{fmt}", fmt, "text/csv"),
    )


def test_a_done_job_keeps_its_file_for_its_requester_and_says_how_many_rows(client, export_user, marks):
    job = export(export_user)
    assert (job.state, job.rows_done, job.rows_total, job.error) == ("done", 3, 3, "")
    assert job.path.exists() and job.expires_at > timezone.now()
    client.force_login(export_user)
    page = client.get(reverse("jobs:detail", args=[job.pk]))
    content = page.content.decode()
    assert "Download attendance-all-2024.csv" in content and "3 rows" in content
    assert "no-store" in page["Cache-Control"]


def test_the_download_is_logged_with_the_rows_delivered_each_time(client, export_user, marks):
    job = export(export_user)
    assert not ExportLog.objects.exists()  # asked for and made: nothing delivered yet
    client.force_login(export_user)
    for _i in range(2):
        response = client.get(reverse("jobs:download", args=[job.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).decode("utf-8-sig").count("\r\n") == 4
    logs = list(ExportLog.objects.values_list("user", "row_count", "file_format", "scope", "personal_data"))
    assert logs == [(export_user.pk, 3, "csv", "attendance 2024", True)] * 2


def test_another_staff_member_finds_no_job_even_with_every_permission(client, export_user, admin_user, marks):
    job = export(export_user)
    client.force_login(admin_user)
    for name in ("jobs:detail", "jobs:status", "jobs:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404, name
    assert client.get(reverse("jobs:detail", args=["not-a-job"])).status_code == 404
    assert not ExportLog.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client, export_user, marks):
    job = export(export_user)
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_requester_who_lost_the_permission_since_gets_403_at_download(client, export_user, marks):
    job = export(export_user)
    export_user.user_permissions.remove(*export_user.user_permissions.filter(codename="view_personal_data"))
    client.force_login(export_user)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 403
    assert not ExportLog.objects.exists()


def test_an_expired_file_is_no_longer_served_and_is_deleted(client, export_user, marks, settings):
    settings.JOB_FILES_MAX_AGE = 60  # (the staff session would expire before 24 hours)
    job = export(export_user)
    client.force_login(export_user)
    later = job.expires_at + datetime.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
        assert "no longer kept" in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
        out = io.StringIO()
        call_command("delete_expired_job_files", stdout=out)
    assert out.getvalue() == "1 file(s) deleted.\n"
    assert not job.path.exists()
    assert delete_expired_files() == 0


def test_a_failed_job_says_why_in_its_requesters_language_and_keeps_no_file(client, export_user):
    job = Job.objects.create(
        user=export_user,
        kind=Job.Kind.ATTENDANCE_EXPORT,
        parameters={"region": "99", "year": None},
        language="fr",
        file_name="attendance-99-all.csv",
        file_format="csv",
    )
    run_job.call(str(job.pk))
    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", "La région de cet export n’existe plus.")
    assert job.finished_at is not None and not job.path.exists()
    client.force_login(export_user)
    facts = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert (facts["state"], facts["finished"], facts["download_url"]) == ("failed", True, None)
    assert facts["error"] == "La région de cet export n’existe plus."
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_a_job_that_stops_on_a_bug_says_so_without_the_details(export_user):
    job = Job.objects.create(
        user=export_user, kind=Job.Kind.REPORT_XLSX, parameters={"query": "start=not-a-date&end=x"}
    )
    # No runner: the job fails on a KeyError, as it would on any bug.
    Job.objects.filter(pk=job.pk).update(kind="no_such_kind")
    run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.state == "failed"
    assert job.error.startswith("The job stopped on an unexpected error; nothing was delivered.")


def test_a_job_runs_once_even_if_its_task_is_delivered_twice(export_user, marks):
    job = export(export_user)
    finished = job.finished_at
    run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.finished_at == finished


@time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, 40, tzinfo=datetime.UTC), tick=False)
def test_status_of_a_running_job_gives_rows_percentage_and_time_left(export_user):
    job = Job.objects.create(
        user=export_user,
        kind=Job.Kind.ATTENDANCE_EXPORT,
        state=Job.State.RUNNING,
        started_at=datetime.datetime(2026, 12, 1, 10, 0, 0, tzinfo=datetime.UTC),
        rows_done=250,
        rows_total=1000,
    )
    assert status(job) == {
        "state": "running",
        "state_label": "running",
        "finished": False,
        "rows_done": 250,
        "rows_total": 1000,
        "percent": 25,
        "seconds_left": 120,
        "text": "250 of 1000 rows · about 2 minutes left",
        "error": "",
        "download_url": None,
    }


def test_status_of_a_queued_job_has_no_estimate(export_user):
    job = Job.objects.create(user=export_user, kind=Job.Kind.REPORT_XLSX)
    facts = status(job)
    summary = (facts["state"], facts["percent"], facts["seconds_left"], facts["text"])
    assert summary == ("queued", None, None, "0 rows")


@pytest.mark.parametrize("rows", [10, 100_000])
def test_the_status_endpoint_makes_the_same_queries_whatever_the_job(
    client, export_user, rows, django_assert_num_queries
):
    job = Job.objects.create(
        user=export_user, kind=Job.Kind.ATTENDANCE_EXPORT, state=Job.State.RUNNING, rows_done=rows // 2
    )
    Job.objects.filter(pk=job.pk).update(rows_total=rows, started_at=timezone.now())
    client.force_login(export_user)
    # Session, user, their one-time-code device, their permissions (own and groups'), the job.
    with django_assert_num_queries(6):
        facts = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert (facts["rows_done"], facts["rows_total"], facts["percent"]) == (rows // 2, rows, 50)


def test_the_progress_page_needs_no_inline_script_and_reloads_itself_without_script(client, export_user):
    job = Job.objects.create(user=export_user, kind=Job.Kind.REPORT_XLSX, state=Job.State.RUNNING)
    client.force_login(export_user)
    content = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in content
    assert 'src="/static/js/job-progress.js"' in content
    assert '<progress id="job-progress"' in content
    assert "<script>" not in content


# The worker takes the queue's lock in a transaction of its own.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_jobs_wait_in_the_database_queue_until_the_worker_runs_them(settings, export_user, marks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    job = export(export_user)
    assert (job.state, job.rows_done) == ("queued", 0)
    call_command("jobs_worker", "--batch")
    job.refresh_from_db()
    assert (job.state, job.rows_done) == ("done", 3)


def test_staff_need_the_staff_site_to_see_a_job(client, django_user_model):
    volunteer = django_user_model.objects.create_user("volunteer", password="x")
    _grant(volunteer, "workshops.view_participation")
    job = Job.objects.create(user=volunteer, kind=Job.Kind.REPORT_XLSX)
    client.force_login(volunteer)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 403


@pytest.fixture
def redis_url(tmp_path):
    """A Redis server's URL: ``REDIS_URL`` when set (CI), else a ``redis-server`` started on a
    free local port for the test (skipped when there is none)."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no redis-server on this machine (apt-get install redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(50):
            with socket.socket() as client, contextlib.suppress(OSError):
                client.connect(("127.0.0.1", port))
                break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/15"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_with_redis_jobs_wait_in_rq_until_its_worker_runs_them(settings, redis_url, export_user, marks):
    import django_rq
    from django_tasks_rq import Job as RQJob
    from rq import SimpleWorker

    settings.RQ_QUEUES = {"default": {"URL": redis_url}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default", job_class=RQJob)
    queue.empty()
    job = export(export_user)
    assert (job.state, len(queue)) == ("queued", 1)
    # The worker of `manage.py jobs_worker` with REDIS_URL, in this process (no fork).
    SimpleWorker([queue], connection=queue.connection, job_class=RQJob).work(burst=True)
    job.refresh_from_db()
    assert (job.state, job.rows_done) == ("done", 3)


def running_job(user, started_minutes_ago, heartbeat_minutes_ago=None, language="fr"):
    """A job left running by a worker, with a file it had begun."""
    now = timezone.now()
    job = Job.objects.create(
        user=user,
        kind=Job.Kind.ATTENDANCE_EXPORT,
        state=Job.State.RUNNING,
        language=language,
        file_name="attendance.csv",
        file_format="csv",
        started_at=now - datetime.timedelta(minutes=started_minutes_ago),
        heartbeat_at=None
        if heartbeat_minutes_ago is None
        else now - datetime.timedelta(minutes=heartbeat_minutes_ago),
    )
    job.path.parent.mkdir(parents=True, exist_ok=True)
    job.path.write_text("half")
    return job


def test_a_job_whose_worker_died_says_so_on_its_page_instead_of_running_for_ever(
    client, export_user, settings, tmp_path
):
    settings.JOB_FILES_DIR = tmp_path
    settings.JOB_STALLED_SECONDS = 15 * 60
    dead = running_job(export_user, started_minutes_ago=40, heartbeat_minutes_ago=16)
    slow = running_job(export_user, started_minutes_ago=40, heartbeat_minutes_ago=1)
    client.force_login(export_user)
    facts = client.get(reverse("jobs:status", args=[dead.pk])).json()
    assert (facts["state"], facts["finished"]) == ("failed", True)
    # In the requester's language (French here), whoever looks.
    assert facts["error"].startswith("La tâche s’est arrêtée")
    assert not dead.path.exists()
    assert client.get(reverse("jobs:status", args=[slow.pk])).json()["state"] == "running"
    assert slow.path.exists()


def test_a_running_job_without_heartbeat_is_judged_by_its_start(export_user, settings, tmp_path):
    settings.JOB_FILES_DIR = tmp_path
    settings.JOB_STALLED_SECONDS = 15 * 60
    old, young = running_job(export_user, 20), running_job(export_user, 5)
    assert list(Job.objects.stalled()) == [old]
    assert (old.is_stalled(), young.is_stalled()) == (True, False)
    from jobs.tasks import fail_stalled

    assert fail_stalled() == 1
    old.refresh_from_db()
    assert (old.state, bool(old.finished_at)) == ("failed", True)


def test_a_worker_finishing_a_job_already_marked_stalled_leaves_it_failed_and_deletes_its_file(
    export_user, settings, tmp_path
):
    from jobs.kinds import Outcome
    from jobs.tasks import _finish, fail_stalled

    settings.JOB_FILES_DIR = tmp_path
    job = running_job(export_user, 40, 30)
    fail_stalled()
    assert _finish(job, outcome=Outcome(3, "")) == 0
    job.refresh_from_db()
    assert job.state == "failed" and not job.path.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_marks_stalled_jobs_failed_when_it_starts(export_user, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.JOB_FILES_DIR = tmp_path
    job = running_job(export_user, 60, 45)
    call_command("jobs_worker", "--batch")
    job.refresh_from_db()
    assert job.state == "failed"


def test_a_running_job_writes_a_sign_of_life(export_user, marks):
    before = timezone.now()
    job = export(export_user)
    assert job.heartbeat_at is not None and job.heartbeat_at >= before

"""Sheets staged between preview and confirmation: they belong to the user and workshop that
uploaded them, are claimed once, and do not outlive ATTENDANCE_STAGING_MAX_AGE."""

import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from attendance import staging
from organizations.models import Person
from tests.attendance.conftest import sample
from tests.conftest import _grant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def staging_dir(settings, tmp_path):
    settings.ATTENDANCE_STAGING_DIR = tmp_path / "staging"
    return tmp_path / "staging"


def importer_named(django_user_model, username):
    user = django_user_model.objects.create_user(username, password="x", is_staff=True)
    _grant(user, "workshops.import_attendance", "workshops.view_workshop", "workshops.change_workshop")
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def importer(django_user_model):
    return importer_named(django_user_model, "importer")


@pytest.fixture
def other_importer(django_user_model):
    return importer_named(django_user_model, "other")


def url(workshop):
    return reverse("admin:workshops_workshop_import_attendance", args=[workshop.pk])


def preview(client, workshop):
    upload = SimpleUploadedFile("sheet.csv", sample("marrakech-2021-03-attendance-fr.csv"))
    return client.post(url(workshop), {"file": upload}).context["token"]


def request_of(user):
    request = RequestFactory().post("/")
    request.user = user
    return request


def test_cancel_from_another_user_is_404_and_deletes_nothing(
    client, importer, other_importer, three_day_workshop, staging_dir
):
    client.force_login(importer)
    token = preview(client, three_day_workshop)
    client.force_login(other_importer)
    response = client.post(url(three_day_workshop), {"token": token, "cancel": "1"})
    assert response.status_code == 404
    assert [p.name for p in staging_dir.glob("*.upload")] == [f"{token}.upload"]
    client.force_login(importer)
    assert client.post(url(three_day_workshop), {"token": token, "confirm": "1"}).status_code == 302
    assert three_day_workshop.participations.count() == 50


def test_load_claim_and_discard_refuse_another_user_or_workshop(importer, other_importer, three_day_workshop):
    token = staging.stage(request_of(importer), three_day_workshop, b"data", "s.csv")
    for call in (staging.load, staging.claim, staging.discard):
        with pytest.raises(Http404):
            call(request_of(other_importer), three_day_workshop, token)
        with pytest.raises(Http404):
            call(request_of(importer), three_day_workshop.pk + 1, token)
    assert staging.load(request_of(importer), three_day_workshop, token) == (b"data", "s.csv")


def test_a_token_is_claimed_once(importer, three_day_workshop):
    request = request_of(importer)
    token = staging.stage(request, three_day_workshop, b"data", "s.csv")
    assert staging.claim(request, three_day_workshop, token) == (b"data", "s.csv")
    assert staging.claim(request, three_day_workshop, token) is None
    staging.release(token)
    assert staging.load(request, three_day_workshop, token) is None


def test_an_altered_staged_file_is_refused(importer, three_day_workshop, staging_dir):
    request = request_of(importer)
    token = staging.stage(request, three_day_workshop, b"data", "s.csv")
    (staging_dir / f"{token}.upload").write_bytes(b"other")
    assert staging.claim(request, three_day_workshop, token) is None


def test_a_user_keeps_at_most_five_previews(importer, other_importer, three_day_workshop, staging_dir):
    theirs = staging.stage(request_of(other_importer), three_day_workshop, b"theirs", "t.csv")
    tokens = [staging.stage(request_of(importer), three_day_workshop, b"%d" % n, "s.csv") for n in range(7)]
    left = {p.stem for p in staging_dir.glob("*.upload")}
    assert left == {theirs, *tokens[2:]}


def age(staging_dir, seconds):
    past = time.time() - seconds
    for path in staging_dir.iterdir():
        os.utime(path, (past, past))


def test_expired_files_are_swept_by_any_staging_call(importer, three_day_workshop, staging_dir, settings):
    request = request_of(importer)
    old = staging.stage(request, three_day_workshop, b"old", "old.csv")
    claimed = staging.stage(request, three_day_workshop, b"claimed", "c.csv")
    staging.claim(request, three_day_workshop, claimed)  # a worker died before releasing it
    age(staging_dir, settings.ATTENDANCE_STAGING_MAX_AGE + 10)
    assert staging.load(request, three_day_workshop, "x" * 32) is None
    assert list(staging_dir.iterdir()) == []
    assert staging.load(request, three_day_workshop, old) is None


def test_sweep_command_deletes_expired_files_only(importer, three_day_workshop, staging_dir, settings):
    request = request_of(importer)
    staging.stage(request, three_day_workshop, b"old", "old.csv")
    age(staging_dir, settings.ATTENDANCE_STAGING_MAX_AGE + 10)
    fresh = staging.stage(request_of(importer), three_day_workshop, b"fresh", "fresh.csv")
    out = io.StringIO()
    call_command("sweep_import_staging", stdout=out)
    assert "0 staged files" in out.getvalue()  # the upload of "fresh" swept the old ones already
    age(staging_dir, settings.ATTENDANCE_STAGING_MAX_AGE + 10)
    out = io.StringIO()
    call_command("sweep_import_staging", stdout=out)
    assert (
        out.getvalue().strip()
        == f"2 staged files older than {settings.ATTENDANCE_STAGING_MAX_AGE} seconds deleted."
    )
    assert list(staging_dir.iterdir()) == []
    assert staging.load(request, three_day_workshop, fresh) is None


def test_confirm_and_cancel_leave_no_file(client, importer, three_day_workshop, staging_dir):
    client.force_login(importer)
    confirmed = preview(client, three_day_workshop)
    cancelled = preview(client, three_day_workshop)
    client.post(url(three_day_workshop), {"token": confirmed, "confirm": "1"})
    client.post(url(three_day_workshop), {"token": cancelled, "cancel": "1"})
    assert list(staging_dir.iterdir()) == []
    assert Person.objects.count() == 50

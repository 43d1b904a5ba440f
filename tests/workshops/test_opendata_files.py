"""The whole-country open data is sent from a file made once per change of what it shows: the
same rows as the row-by-row reading, no rebuild per request, a new file after a follow-up or an
edit, and the previous file (not a wait) while a background job makes the new one."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.factories import CommitmentFactory, FollowUpFactory, RecommendationFactory, WorkshopFactory
from tests.workshops.test_opendata_rows import (
    reference_commitment_rows,
    reference_recommendation_rows,
    tracker_data,
)
from workshops import opendata, opendata_files, reports
from workshops.invalidation import ProgressChange

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


@pytest.fixture
def page_cache_on(settings):
    """Production's page cache (generations kept), in memory."""
    settings.CACHE_MIDDLEWARE_SECONDS = 60


def body(response):
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_files_hold_the_rows_of_the_row_by_row_reading(client, language, page_cache_on):
    tracker_data(3)
    with translation.override(language):
        csv_file = body(client.get(f"/{language}/tracker/data/recommendations.csv"))
        assert csv_file == opendata.as_csv(
            reference_recommendation_rows(BASE), opendata.RECOMMENDATION_FIELDS
        )
        document = json.loads(body(client.get(f"/{language}/tracker/data/commitments.json")))
        assert document["rows"] == json.loads(json.dumps(list(reference_commitment_rows(BASE))))
    assert len(document["rows"]) == 5


def test_a_file_is_made_once_and_sent_again_without_reading_the_rows(client, page_cache_on):
    RecommendationFactory()
    first = client.get("/fr/tracker/data/recommendations.csv")
    assert first["Content-Disposition"] == 'attachment; filename="recommendations.csv"'
    assert first["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-cache" in first["Cache-Control"]
    content = body(first)
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/fr/tracker/data/recommendations.csv?anything=1")
        assert body(again) == content
    assert not [q for q in queries if "workshops_recommendation" in q["sql"]]
    assert again["ETag"] == first["ETag"]
    assert (
        client.get("/fr/tracker/data/recommendations.csv", HTTP_IF_NONE_MATCH=first["ETag"]).status_code
        == 304
    )
    assert [p.suffix for p in opendata_files_folder().iterdir() if not p.name.startswith(".")] == [".csv"]


def opendata_files_folder():
    from django.conf import settings

    return settings.OPEN_DATA_DIR


def test_a_follow_up_and_an_admin_edit_show_in_the_next_file(client, page_cache_on):
    commitment = CommitmentFactory(title="Former les élus")
    url = "/fr/tracker/data/commitments.json"
    assert json.loads(body(client.get(url)))["rows"][0]["last_update"] == ""
    change = ProgressChange(commitment)
    FollowUpFactory(recommendation=None, commitment=commitment, date="2025-03-01")
    change.forget()  # as the quick update form does
    assert json.loads(body(client.get(url)))["rows"][0]["last_update"] == "2025-03-01"
    commitment.title = "Former les élues et les élus"
    commitment.save()
    reports.forget_public_figures(commitment.recommendation.workshop)  # as the admin does
    assert json.loads(body(client.get(url)))["rows"][0]["title"] == "Former les élues et les élus"
    files = [p for p in opendata_files_folder().iterdir() if not p.name.startswith(".")]
    assert len(files) == 1  # the older versions were deleted


def test_while_the_job_makes_the_new_file_visitors_get_the_previous_one(client, settings, page_cache_on):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    workshop = WorkshopFactory()
    RecommendationFactory(workshop=workshop, text="Première")
    url = "/en/tracker/data/recommendations.csv"
    assert b"Premi" in body(client.get(url))  # no file yet: made by the request
    RecommendationFactory(workshop=workshop, text="Seconde")
    reports.forget_public_figures(workshop)
    backend = opendata_files.build.get_backend()
    stale = [body(client.get(url)) for _visitor in range(3)]
    assert all(b"Seconde" not in content for content in stale)
    assert len(backend.results) == 1  # one job queued, not one per visitor
    job = backend.results[0]
    opendata_files.build.call(*job.args)  # the worker runs it
    assert b"Seconde" in body(client.get(url))


def test_without_a_worker_the_file_is_made_by_a_request_after_the_build_delay(
    client, settings, page_cache_on
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.OPEN_DATA_BUILD_SECONDS = 0
    workshop = WorkshopFactory()
    url = "/en/tracker/data/recommendations.csv"
    body(client.get(url))
    RecommendationFactory(workshop=workshop, text="Seconde")
    reports.forget_public_figures(workshop)
    assert b"Seconde" not in body(client.get(url))  # the job is queued
    assert b"Seconde" in body(client.get(url))  # it did not deliver in time: made here


def test_with_the_page_cache_off_every_request_reads_the_rows(client):
    url = "/en/tracker/data/recommendations.csv"
    body(client.get(url))
    RecommendationFactory(text="Nouvelle")  # no forgetting: the cache is off
    assert b"Nouvelle" in body(client.get(url))
    assert client.get("/en/tracker/data/people.csv").status_code == 404
    assert client.get("/en/tracker/data/recommendations.xlsx").status_code == 404

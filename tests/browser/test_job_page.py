"""A background job's progress page in a real browser, in Arabic and French: it fits a phone,
axe-core finds no serious or critical fault, its script runs under our Content-Security-Policy
(no console error), and when the worker finishes the job the page shows the download link by
itself. Screenshots: test-artifacts/screenshots/job-progress-<lang>-<width>.png.

The account may see the cross-workshop report (no personal data): it needs no second factor."""

import threading

import pytest
from django.db import connection

from jobs.models import Job
from jobs.tasks import run_job
from tests.browser.test_staff_pages import PASSWORD, assert_fits_and_passes_axe, sign_in
from tests.conftest import _grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def queued_report(example, django_user_model):
    """A report XLSX job waiting for the worker, asked for by a staff member who may read it."""
    user = django_user_model.objects.create_user("importer", password=PASSWORD, is_staff=True)
    _grant(user, "workshops.view_workshop", "workshops.view_participation")
    return Job.objects.create(
        user=user,
        kind=Job.Kind.REPORT_XLSX,
        description="Marrakech",
        language="fr",
        file_name="participants-across-workshops.xlsx",
        file_format="xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def work_in_another_thread(job):
    """What the worker does, from a thread of its own (the browser's thread may not use the ORM)."""

    def run():
        try:
            run_job.call(str(job.pk))
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=60)


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_progress_page_passes_axe_and_turns_into_a_download_by_itself(
    queued_report, page, axe_core, lang
):
    page.page.route(
        "**/__browser-tests__/axe.min.js",
        lambda route: route.fulfill(path=str(axe_core), content_type="text/javascript"),
    )
    sign_in(page, lang)
    path = f"/{lang}/staff/jobs/{queued_report.pk}/"
    page.open(path)
    assert page.page.locator("progress#job-progress").count() == 1
    assert_fits_and_passes_axe(page, path, "job-progress", lang)
    work_in_another_thread(queued_report)
    link = page.page.locator(f'a.button[href$="/staff/jobs/{queued_report.pk}/download"]')
    link.wait_for(timeout=20_000)  # the script polls, sees the job done, reloads the page
    with page.page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "participants-across-workshops.xlsx"
    assert page.errors == []

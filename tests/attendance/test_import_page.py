"""The attendance import page of a workshop's admin: upload, preview, confirm, errors, permission."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from attendance.choices import Choices
from attendance.job_runners import import_job
from organizations.models import Person
from tests.attendance.conftest import sample

pytestmark = pytest.mark.django_db


def import_url(workshop):
    return reverse("admin:workshops_workshop_import_attendance", args=[workshop.pk])


def test_workshop_admin_page_offers_import_and_report(admin_client, example):
    response = admin_client.get(reverse("admin:workshops_workshop_change", args=[example.pk]))
    content = response.content.decode()
    assert import_url(example) in content
    assert reverse("admin:workshops_workshop_export_attendance", args=[example.pk, "xlsx"]) in content
    assert "إعداد مخطط استراتيجي" in content  # a recommendation inline


@pytest.fixture(autouse=True)
def _staging_in_tmp(settings, tmp_path):
    settings.ATTENDANCE_STAGING_DIR = tmp_path / "staging"


def test_upload_previews_then_confirm_imports_the_sheet(client, importer, three_day_workshop):
    client.force_login(importer)
    upload = SimpleUploadedFile("sheet.xlsx", sample("marrakech-2021-03-attendance-ar.xlsx"))
    preview = client.post(import_url(three_day_workshop), {"file": upload})
    assert preview.status_code == 200
    assert three_day_workshop.participations.count() == 0
    token = preview.context["token"]
    response = client.post(import_url(three_day_workshop), {"token": token, "confirm": "1"})
    assert response.status_code == 302
    assert three_day_workshop.participations.count() == 50


def test_upload_with_errors_lists_them_and_saves_nothing(client, importer, three_day_workshop):
    client.force_login(importer)
    data = "Nom;Prénom;Région;J1\nAlaoui;Sara;Atlantide;x\n;;Oriental;x\n".encode()
    response = client.post(import_url(three_day_workshop), {"file": SimpleUploadedFile("sheet.csv", data)})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Row 2, column “Région”" in content
    assert "Row 3, column “Nom”" in content
    assert Person.objects.count() == 0


def test_upload_shows_what_would_happen_and_saves_nothing(client, importer, three_day_workshop):
    client.force_login(importer)
    upload = SimpleUploadedFile("sheet.csv", sample("marrakech-2021-03-attendance-fr.csv"))
    response = client.post(import_url(three_day_workshop), {"file": upload})
    content = response.content.decode()
    assert '<th scope="row">New people</th><td>50</td>' in content
    assert "Confirm import" in content
    assert Person.objects.count() == 0


def test_upload_of_a_wrong_file_type_is_a_message_not_a_crash(client, importer, three_day_workshop):
    client.force_login(importer)
    response = client.post(
        import_url(three_day_workshop), {"file": SimpleUploadedFile("photo.png", b"\x89PNG\r\n")}
    )
    assert response.status_code == 200
    assert "Unsupported file type" in response.content.decode()


def test_oversized_upload_is_refused(client, importer, three_day_workshop, settings):
    settings.ATTENDANCE_UPLOAD_MAX_BYTES = 100
    client.force_login(importer)
    response = client.post(
        import_url(three_day_workshop), {"file": SimpleUploadedFile("sheet.csv", b"x" * 500)}
    )
    assert "too large" in response.content.decode()


def test_staff_without_permission_cannot_import(client, staff_user, three_day_workshop):
    client.force_login(staff_user)
    assert client.get(import_url(three_day_workshop)).status_code == 403


def preview_in(client, workshop, language, name, data):
    """The preview page of ``data`` uploaded as ``name``, in ``language``."""
    with translation.override(language):
        url = import_url(workshop)
    return client.post(url, {"file": SimpleUploadedFile(name, data)}).content.decode()


def test_the_preview_reads_right_in_arabic_and_french(client, importer, three_day_workshop):
    """In Arabic a file name starting with a digit is isolated (it read "sheet.csv-1"), a new
    organisation (هيئة) is "جديدة"; in French the import is not named after the PDF sign-in
    sheet ("feuille d'émargement"); the questions stand above their answers, not in the narrow
    column of an aligned form."""
    client.force_login(importer)
    data = "Nom;Prénom;Organisation;J1\nAlaoui;Sara;جمعية الأمل;x\n".encode("cp1256")

    arabic = preview_in(client, three_day_workshop, "ar", "1-sheet.csv", data)
    french = preview_in(client, three_day_workshop, "fr", "1-sheet.csv", data)

    assert "«<bdi>1-sheet.csv</bdi>»" in arabic
    assert '<span class="help">(جديدة)</span>' in arabic
    assert "<h1>Importer les présences</h1>" in french and "émargement" not in french
    assert '<fieldset class="module import-questions">' in french


def test_a_large_sheet_is_imported_by_a_job_after_the_preview(client, importer, three_day_workshop, settings):
    settings.IMPORT_JOB_THRESHOLD = 49  # the sample has 50 participants: a job
    client.force_login(importer)
    upload = SimpleUploadedFile("sheet.xlsx", sample("marrakech-2021-03-attendance-ar.xlsx"))
    token = client.post(import_url(three_day_workshop), {"file": upload}).context["token"]
    response = client.post(import_url(three_day_workshop), {"token": token, "confirm": "1"})
    assert response.status_code == 302 and "/staff/jobs/" in response["Location"]
    assert three_day_workshop.participations.count() == 50
    page = client.get(response["Location"])
    job = page.context["job"]
    assert (job.kind, job.state, job.rows_done) == ("attendance_import", "done", 50)
    assert "Attendance imported. Rows read: 50" in page.content.decode()
    assert not job.input_path.exists()
    # The staged sheet was used up: confirming again imports nothing more.
    again = client.post(import_url(three_day_workshop), {"token": token, "confirm": "1"})
    assert again.status_code == 302 and "/staff/jobs/" not in again["Location"]


def test_an_import_job_that_finds_errors_fails_naming_row_and_column_and_saves_nothing(
    importer, three_day_workshop
):
    data = "Nom;Prénom;Région;J1\nAlaoui;Sara;Atlantide;x\n;;Oriental;x\n".encode()
    job = import_job(importer, three_day_workshop, data, "sheet.csv", Choices(shown=True))
    assert job.state == "failed"
    assert job.error.startswith("Row 2, column “Région”:")
    assert "\nRow 3, column “Nom”:" in job.error
    assert Person.objects.count() == 0 and not job.input_path.exists()

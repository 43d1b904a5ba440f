"""The admin's import preview: upload → preview (nothing saved) → confirm (atomic) or cancel."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organizations.models import Person
from tests.attendance.conftest import sample
from tests.attendance.sheetmakers import schools_export_shape, to_csv
from tests.conftest import _grant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def staging_dir(settings, tmp_path):
    settings.ATTENDANCE_STAGING_DIR = tmp_path / "staging"
    return tmp_path / "staging"


def url(workshop):
    return reverse("admin:workshops_workshop_import_attendance", args=[workshop.pk])


def upload(client, workshop, data, name="sheet.csv"):
    return client.post(url(workshop), {"file": SimpleUploadedFile(name, data)})


def test_preview_lists_what_will_happen_and_saves_nothing(client, importer, three_day_workshop, staging_dir):
    client.force_login(importer)
    response = upload(client, three_day_workshop, sample("marrakech-2021-03-attendance-ar.xlsx"), "s.xlsx")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Preview: this is what the import will do" in content
    assert '<th scope="row">New people</th><td>50</td>' in content
    assert '<th scope="row">Attendance marks added</th><td>143</td>' in content
    assert "بناني" in content and "new: attended" in content
    assert 'name="confirm"' in content
    assert Person.objects.count() == 0
    assert len(list(staging_dir.glob("*.upload"))) == 1


def test_confirm_imports_and_removes_the_staged_file(client, importer, three_day_workshop, staging_dir):
    client.force_login(importer)
    token = upload(client, three_day_workshop, sample("marrakech-2021-03-attendance-fr.csv")).context["token"]
    response = client.post(url(three_day_workshop), {"token": token, "confirm": "1"})
    assert response.status_code == 302
    assert three_day_workshop.participations.count() == 50
    assert list(staging_dir.glob("*.upload")) == []
    # The same token cannot be used twice.
    again = client.post(url(three_day_workshop), {"token": token, "confirm": "1"}, follow=True)
    assert "expired or was already used" in again.content.decode()


def test_reimporting_the_same_sheet_previews_no_change(client, importer, three_day_workshop):
    client.force_login(importer)
    data = sample("marrakech-2021-03-attendance-fr.csv")
    token = upload(client, three_day_workshop, data).context["token"]
    client.post(url(three_day_workshop), {"token": token, "confirm": "1"})
    response = upload(client, three_day_workshop, data)
    content = response.content.decode()
    assert "Importing this sheet would change nothing" in content
    assert 'name="confirm"' not in content
    assert '<th scope="row">People already known</th><td>50</td>' in content


def test_cancel_deletes_the_staged_file(client, importer, three_day_workshop, staging_dir):
    client.force_login(importer)
    token = upload(client, three_day_workshop, sample("marrakech-2021-03-attendance-fr.csv")).context["token"]
    response = client.post(url(three_day_workshop), {"token": token, "cancel": "1"})
    assert response.status_code == 302
    assert list(staging_dir.glob("*.upload")) == []
    assert Person.objects.count() == 0


def test_a_token_is_good_only_for_its_user_and_workshop(
    client, importer, three_day_workshop, django_user_model, staging_dir
):
    from tests.factories import SessionFactory, WorkshopFactory

    client.force_login(importer)
    token = upload(client, three_day_workshop, sample("marrakech-2021-03-attendance-fr.csv")).context["token"]
    other = WorkshopFactory(start_date=three_day_workshop.start_date, end_date=three_day_workshop.end_date)
    SessionFactory(workshop=other, date=three_day_workshop.start_date)
    assert client.post(url(other), {"token": token, "confirm": "1"}).status_code == 404
    second = django_user_model.objects.create_user("second", password="x", is_staff=True)
    _grant(second, "workshops.import_attendance", "workshops.view_workshop")
    client.force_login(second)
    assert client.post(url(three_day_workshop), {"token": token, "confirm": "1"}).status_code == 404
    assert Person.objects.count() == 0
    # The owner's preview is intact: they can still confirm it.
    assert len(list(staging_dir.glob("*.upload"))) == 1
    client.force_login(importer)
    assert client.post(url(three_day_workshop), {"token": token, "confirm": "1"}).status_code == 302
    assert three_day_workshop.participations.count() == 50


def test_preview_says_when_two_rows_are_one_person(client, importer, three_day_workshop):
    client.force_login(importer)
    data = to_csv(
        [
            ["Nom", "Prénom", "Tél", "J1", "J2", "J3"],
            ["Alaoui", "Sara", "0612345601", "x", "", ""],
            ["ALAOUI", "Sara", "06 12 34 56 01", "", "x", ""],
        ]
    )
    content = upload(client, three_day_workshop, data).content.decode()
    assert "Rows 2, 3 are the same person (same phone or e-mail)" in content
    assert '<th scope="row">Rows merged into another (same person)</th><td>1</td>' in content
    assert "<td>2, 3</td>" in content


def test_a_schools_export_gives_a_message_not_a_server_error(client, importer, three_day_workshop):
    client.force_login(importer)
    response = upload(client, three_day_workshop, schools_export_shape(), "export.xlsx")
    assert response.status_code == 200
    assert "does not look like a list of participants" in response.content.decode()


def test_oversized_upload_is_refused_by_the_form(client, importer, three_day_workshop, settings):
    settings.ATTENDANCE_UPLOAD_MAX_BYTES = 100
    client.force_login(importer)
    response = upload(client, three_day_workshop, b"x" * 500)
    assert "too large" in response.content.decode()


def test_anonymous_is_sent_to_login(client, three_day_workshop):
    response = client.post(url(three_day_workshop), {"token": "x" * 32, "confirm": "1"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_staff_without_permission_cannot_preview_or_confirm(client, staff_user, three_day_workshop):
    client.force_login(staff_user)
    data = sample("marrakech-2021-03-attendance-fr.csv")
    response = client.post(url(three_day_workshop), {"file": SimpleUploadedFile("a.csv", data)})
    assert response.status_code == 403
    assert client.post(url(three_day_workshop), {"token": "x" * 32, "confirm": "1"}).status_code == 403
    assert Person.objects.count() == 0

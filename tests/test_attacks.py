"""Attacks on the merged fixes of issue 11 that found something, as a hostile Editor would try
them (each fails on the code it found the hole in)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.attendance.sheetmakers import sample_rows, to_csv
from tests.factories import SessionFactory, WorkshopFactory
from tests.organizations.test_privacy import staff_in

pytestmark = pytest.mark.django_db

SHEET = "marrakech-2021-03-attendance-ar.csv"


@pytest.fixture(autouse=True)
def _staging_in_tmp(settings, tmp_path):
    settings.ATTENDANCE_STAGING_DIR = tmp_path / "staging"


def test_an_editors_import_preview_does_not_name_who_a_guessed_phone_belongs_to(
    client, django_user_model, example
):
    """Nezha Bennani's phone and Mehdi Elmrabet's e-mail on one made-up row, uploaded by an
    Editor: the preview must not put either saved name beside them."""
    editor = staff_in(django_user_model, "Editors")
    client.force_login(editor)
    header, nezha, mehdi = sample_rows(SHEET)[:3]
    made_up = ["1", "مجهول", "فلان", "أنثى", "", "", "", "", nezha[8], mehdi[9], "✓", "✓", "✓"]
    url = reverse("admin:workshops_workshop_import_attendance", args=[example.pk])
    upload = SimpleUploadedFile("sheet.csv", to_csv([header, made_up]))
    content = client.post(url, {"file": upload}).content.decode()
    assert "مجهول" in content  # the preview is shown, under the sheet's own name
    for saved in (nezha, mehdi):
        assert saved[1] not in content, f"the preview names {saved[1]} {saved[2]}"


def _preview(client, user, example, rows):
    client.force_login(user)
    url = reverse("admin:workshops_workshop_import_attendance", args=[example.pk])
    return client.post(url, {"file": SimpleUploadedFile("sheet.csv", to_csv(rows))}).content.decode()


def test_a_data_officer_still_sees_who_a_phone_belongs_to(client, django_user_model, example):
    """Whoever may see contacts is told, as before, which saved people a row's contacts lead to."""
    header, nezha, mehdi = sample_rows(SHEET)[:3]
    made_up = ["1", "مجهول", "فلان", "أنثى", "", "", "", "", nezha[8], mehdi[9], "✓", "✓", "✓"]
    content = _preview(client, staff_in(django_user_model, "Data officers"), example, [header, made_up])
    assert "already saved (same phone)" in content
    assert nezha[1] in content and mehdi[1] in content


def test_an_editor_imports_a_known_person_under_their_own_name(client, django_user_model, example):
    """The sheet's own name and phone of a saved person: matched as before, nothing revealed."""
    header, nezha = sample_rows(SHEET)[:2]
    content = _preview(client, staff_in(django_user_model, "Editors"), example, [header, nezha])
    assert "already saved (same phone)" in content


def test_an_editor_is_not_shown_a_saved_look_alikes_contact(client, django_user_model, example):
    """A new row, in another workshop, with a saved person's name and organisation but no
    contact: the warning says a look-alike exists, with its phone masked as the admin masks it."""
    header, nezha = sample_rows(SHEET)[:2]
    row = list(nezha)
    row[8], row[9] = "", ""
    other = WorkshopFactory(start_date=example.start_date, end_date=example.end_date)
    for session in example.sessions.all():
        SessionFactory(workshop=other, date=session.date)
    content = _preview(client, staff_in(django_user_model, "Editors"), other, [header, row])
    assert "already saved" in content
    assert nezha[8] not in content
    assert "•••" in content

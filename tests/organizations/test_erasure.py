"""Erasure that stays erased (issue 11, finding 6): an erased person is not brought back by a
re-imported sheet or a restore without the erasure log, and their name leaves the admin log and
the audit trail; and the one rule for downloads of personal data (finding 8)."""

import json

import pytest
from auditlog.models import LogEntry
from django.contrib.admin.models import CHANGE, DELETION
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from attendance.apply import import_attendance
from organizations.models import ErasureRecord, Person
from organizations.privacy import erase_person, identity_digests, replay_erasures
from tests.attendance.conftest import sample
from tests.attendance.sheetmakers import sample_rows, to_csv
from tests.conftest import _grant
from tests.factories import ParticipationFactory
from tests.organizations.test_privacy import empty_the_database, staff_in
from workshops.models import Attendance, Participation

pytestmark = pytest.mark.django_db

PHONE = "+212600000901"  # row 1 of the Marrakech sheet: بناني نزهة, participant01@example.org
SHEET = "marrakech-2021-03-attendance-ar.csv"


@pytest.fixture(autouse=True)
def _logs_in_tmp(settings, tmp_path):
    settings.ERASURE_LOG_PATH = tmp_path / "erasures.jsonl"
    settings.ATTENDANCE_STAGING_DIR = tmp_path / "staging"


@pytest.fixture
def erased(example):
    """Nezha Bennani (row 1), erased at her request."""
    person = Person.objects.get(phone=PHONE)
    erase_person(person)
    return Person.objects.get(pk=person.pk)


@pytest.fixture
def importer(django_user_model):
    """Staff who may import attendance (as Editors may) but not re-admit anyone."""
    user = django_user_model.objects.create_user("importer", password="x", is_staff=True)
    _grant(user, "workshops.import_attendance", "workshops.view_workshop")
    return django_user_model.objects.get(pk=user.pk)


def preview(client, workshop, data=None, name=SHEET):
    url = reverse("admin:workshops_workshop_import_attendance", args=[workshop.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data or sample(SHEET))}).content.decode()


# Re-importing the sheet ----------------------------------------------------------------------


def test_reimporting_the_sheet_does_not_bring_an_erased_person_back(erased, example):
    people = Person.objects.count()
    result = import_attendance(example, sample(SHEET), SHEET)
    assert Person.objects.count() == people
    assert not Person.objects.filter(phone=PHONE).exists()
    assert not Person.objects.filter(first_name="نزهة", last_name="بناني").exists()
    assert [(row.rows, record.person_ref) for row, record in result.erased] == [([2], erased.pk)]
    assert result.people_created == 0
    assert example.participations.count() == 50  # counted once, not twice


def test_another_workshop_does_not_record_an_erased_person_either(erased, three_day_workshop):
    result = import_attendance(three_day_workshop, sample(SHEET), SHEET)
    assert result.people_created == 0 and len(result.erased) == 1
    assert three_day_workshop.participations.count() == 49


def test_an_erased_person_is_recognised_by_e_mail_alone(erased, three_day_workshop):
    rows = sample_rows(SHEET)[:2]
    rows[1][8] = ""  # no phone on the row, only the e-mail
    result = import_attendance(three_day_workshop, to_csv(rows), "s.csv")
    assert len(result.erased) == 1 and result.people_created == 0


def test_the_same_name_with_other_contacts_is_imported_with_a_warning(erased, three_day_workshop):
    rows = sample_rows(SHEET)[:2]
    rows[1][8], rows[1][9] = "0600000999", "someone.else@example.org"
    result = import_attendance(three_day_workshop, to_csv(rows), "s.csv")
    assert result.erased == [] and result.people_created == 1
    assert any("Same name as a person erased on" in warning.message for warning in result.warnings)


def test_preview_says_the_row_is_skipped_and_why_with_the_date(client, importer, erased, example):
    client.force_login(importer)
    content = preview(client, example)
    when = date_format(timezone.localtime(ErasureRecord.objects.get().erased_at), "DATE_FORMAT")
    assert "1 person skipped: erased, not recorded again" in content
    assert f"Skipped: erased on {when} at the person&#x27;s request." in content
    assert "Re-admit with a new consent" not in content  # an Editor may not re-admit


def test_the_preview_says_it_in_french(client, importer, erased, example):
    client.force_login(importer)
    url = reverse("admin:workshops_workshop_import_attendance", args=[example.pk]).replace("/en/", "/fr/")
    content = client.post(url, {"file": SimpleUploadedFile(SHEET, sample(SHEET))}).content.decode()
    assert "effacée le" in content or "effacé le" in content


# Re-admission -----------------------------------------------------------------------------------


def test_a_data_officer_readmits_with_a_new_consent_and_the_next_import_records_them(
    client, django_user_model, erased, example
):
    officer = staff_in(django_user_model, "Data officers")
    client.force_login(officer)
    record = ErasureRecord.objects.get()
    assert "Re-admit with a new consent" in preview(client, example)
    url = reverse("admin:organizations_erasurerecord_readmit", args=[record.pk])
    assert "Date of the new consent" in client.get(url).content.decode()
    refused = client.post(url, {"consent_date": "2026-11-30"})  # not confirmed
    assert refused.status_code == 200 and ErasureRecord.objects.get().readmitted_at is None
    client.post(url, {"consent_date": "2026-11-30", "confirmed": "on"})
    record.refresh_from_db()
    assert record.readmitted_by == officer and str(record.readmission_consent_date) == "2026-11-30"
    assert (record.phone_hash, record.email_hash, record.name_hash) == ("", "", "")
    result = import_attendance(example, sample(SHEET), SHEET)
    assert result.erased == [] and Person.objects.filter(phone=PHONE).count() == 1


def test_without_the_right_readmission_is_refused(client, importer, erased):
    client.force_login(importer)
    url = reverse("admin:organizations_erasurerecord_readmit", args=[ErasureRecord.objects.get().pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"consent_date": "2026-11-30", "confirmed": "on"}).status_code == 403
    assert ErasureRecord.objects.get().readmitted_at is None


def test_only_data_officers_and_managers_may_readmit(django_user_model):
    may = {
        role
        for role in ("Viewers", "Editors", "Data officers", "Managers")
        if staff_in(django_user_model, role).has_perm("organizations.readmit_erased_person")
    }
    assert may == {"Data officers", "Managers"}


# What an erasure record keeps ---------------------------------------------------------------------


def test_the_record_keeps_keyed_digests_not_the_values(erased, settings):
    record = ErasureRecord.objects.get()
    line = json.loads(settings.ERASURE_LOG_PATH.read_text())
    assert record.phone_hash == line["digests"]["phone"] and len(record.phone_hash) == 64
    assert record.email_hash and record.name_hash
    stored = json.dumps(line, ensure_ascii=False) + record.phone_hash + record.email_hash
    for secret in (PHONE, "600000901", "participant01", "بناني", "نزهة"):
        assert secret not in stored
    # The same person typed another way gives the same digests (E.164, case, word order).
    assert identity_digests("0600000901", "Participant01@Example.org", "بناني", "نزهة") == {
        "phone_hash": record.phone_hash,
        "email_hash": record.email_hash,
        "name_hash": record.name_hash,
    }
    settings.ERASURE_HASH_KEY = "another key"
    assert identity_digests(PHONE, "", "", "")["phone_hash"] != record.phone_hash


# Restore ------------------------------------------------------------------------------------------


def test_restore_refuses_without_the_erasure_log(example, tmp_path, settings):
    backup = tmp_path / "b.json.gz"
    call_command("backup", "--output", str(backup))
    empty_the_database()
    assert not settings.ERASURE_LOG_PATH.exists()
    with pytest.raises(CommandError, match="erasure log .* does not exist"):
        call_command("restore", str(backup))
    assert Person.objects.count() == 0  # nothing loaded


def test_restore_told_there_is_no_log_warns_loudly(example, tmp_path, capsys):
    erase_person(Person.objects.get(phone="+212600000902"))  # in the backup
    backup = tmp_path / "b.json.gz"
    call_command("backup", "--output", str(backup))
    empty_the_database()
    from django.conf import settings

    settings.ERASURE_LOG_PATH.unlink()
    call_command("restore", str(backup), "--no-erasure-log")
    err = capsys.readouterr().err
    assert "WARNING: restored WITHOUT the erasure log" in err
    assert "no erasure could be replayed" in err
    assert "The backup itself holds 1 erasure record, which stays applied." in err
    assert Person.objects.count() == 50


def test_restore_recreates_the_digests_of_people_the_backup_does_not_hold(example, tmp_path):
    backup = tmp_path / "b.json.gz"
    call_command("backup", "--output", str(backup))
    # Someone recorded and erased after the backup, then the database is lost.
    newcomer = ParticipationFactory(person__phone="+212600000777").person
    erase_person(newcomer)
    empty_the_database()
    call_command("restore", str(backup))
    record = ErasureRecord.objects.get(person_ref=newcomer.pk)
    assert record.person is None
    assert record.phone_hash == identity_digests("+212600000777", "", "", "")["phone_hash"]


def test_replay_scrubs_the_logs_again_and_applies_readmissions(erased, settings):
    from organizations.privacy import readmit

    readmit(ErasureRecord.objects.get(), consent_date=erased.erased_at.date())
    ErasureRecord.objects.all().delete()  # as in a backup older than both lines
    assert replay_erasures() == 0
    record = ErasureRecord.objects.get()
    assert record.readmitted_at is not None and record.phone_hash == ""


# The name leaves the admin log and the audit trail ------------------------------------------------


def test_erasure_scrubs_the_name_from_the_admin_log_and_the_audit_trail(admin_client, admin_user, example):
    person = Person.objects.get(phone=PHONE)
    name = person.full_name
    participation = person.participations.get()
    attendance = Attendance.objects.filter(participation=participation).first()
    gone = ParticipationFactory(person=person)  # a participation deleted before the erasure
    gone_repr, gone_pk = str(gone), gone.pk
    gone.delete()
    for obj, flag, repr_, pk in [
        (person, CHANGE, str(person), person.pk),
        (participation, CHANGE, str(participation), participation.pk),
        (attendance, CHANGE, str(attendance), attendance.pk),
        (participation, DELETION, gone_repr, gone_pk),
    ]:
        AdminLogEntry.objects.create(
            user=admin_user,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(pk),
            object_repr=repr_,
            action_flag=flag,
            change_message=json.dumps([{"added": {"name": "attendance", "object": str(attendance)}}]),
        )
    person.position = "رئيسة"
    person.save()
    participation.status = Participation.Status.ATTENDED
    participation.save()  # audit entries described with the name
    assert name in admin_client.get(reverse("admin:index")).content.decode()  # "Recent actions"
    erase_person(person)
    kept = [(e.object_repr, e.get_change_message()) for e in AdminLogEntry.objects.all()]
    kept += [(e.object_repr, json.dumps(e.changes, ensure_ascii=False)) for e in LogEntry.objects.all()]
    assert not [entry for entry in kept if name in "".join(entry)]
    assert AdminLogEntry.objects.count() == 4  # that changes happened stays
    assert name not in admin_client.get(reverse("admin:index")).content.decode()


# One rule for every download of personal data (finding 8) --------------------------------------------


@pytest.fixture
def exporter_without_personal_data(django_user_model):
    """Allowed to export attendance, not to see contact details: may take no personal data out."""
    user = django_user_model.objects.create_user("half", password="x", is_staff=True)
    _grant(user, "workshops.export_attendance", "workshops.view_workshop", "workshops.view_participation")
    return django_user_model.objects.get(pk=user.pk)


def personal_downloads(workshop):
    person = Person.objects.get(phone=PHONE)
    return [
        reverse("admin:workshops_workshop_export_attendance", args=[workshop.pk, "csv"]),
        reverse("admin:workshops_workshop_export_attendance", args=[workshop.pk, "xlsx"]),
        reverse("admin:workshops_workshop_export_attendance", args=[workshop.pk, "pdf"]),
        reverse("reports:attendance_csv"),
        reverse("reports:attendance_xlsx"),
        reverse("admin:organizations_person_data", args=[person.pk]),
    ]


def test_every_personal_data_download_needs_both_permissions(client, exporter_without_personal_data, example):
    client.force_login(exporter_without_personal_data)
    assert {url: client.get(url).status_code for url in personal_downloads(example)} == {
        url: 403 for url in personal_downloads(example)
    }


def test_every_personal_data_download_is_kept_out_of_caches(client, export_user, example):
    client.force_login(export_user)
    for url in personal_downloads(example):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_an_editor_prints_a_blank_sign_in_sheet_but_not_a_filled_one(client, django_user_model, example):
    client.force_login(staff_in(django_user_model, "Editors"))
    url = reverse("admin:workshops_workshop_export_attendance", args=[example.pk, "pdf"])
    blank = client.get(url + "?blank=1")
    assert blank.status_code == 200 and blank.content.startswith(b"%PDF")
    assert client.get(url).status_code == 403
    page = client.get(reverse("admin:workshops_workshop_change", args=[example.pk])).content.decode()
    assert "Blank sign-in sheet (PDF)" in page and "Attendance report (CSV)" not in page

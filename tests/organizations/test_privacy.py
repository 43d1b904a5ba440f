"""Personal data (Law 09-08): erasure keeps aggregates and leaves no trace; retention; right of
access; backups restore every row and replay erasures; roles see what they should."""

import datetime as dt
import gzip
import io
import json

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from attendance.exports import render_attendance
from organizations.models import ErasureRecord, ExportLog, FocusArea, Organization, Person
from organizations.privacy import anonymise_expired, erase_person, expired_people, replay_erasures
from regions.models import Commune, Province, Region
from tests.factories import ParticipationFactory, PersonFactory, WorkshopFactory
from workshops.reports import headline, workshop_figures

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _erasure_log_in_tmp(settings, tmp_path):
    settings.ERASURE_LOG_PATH = tmp_path / "erasures.jsonl"
    settings.BACKUP_DIR = tmp_path / "backups"


def figures(workshop):
    result = workshop_figures(workshop)
    return (
        result["participants"],
        result["women"],
        [(r.code if r else None, n) for r, n in result["by_region"]],
        [n for _s, n in result["by_session"]],
        headline().participants,
    )


def test_erasing_a_person_keeps_every_aggregate_and_leaves_no_trace(example):
    person = Person.objects.get(phone="+212600000901")
    # Names alone are shared by others (two women are called بناني): look for the pairs.
    secrets = [f"{person.last_name},{person.first_name}", person.full_name, person.phone, person.email]
    person.position = "رئيسة الجمعية"
    person.save()  # an audit entry that mentions the person
    before = figures(example)
    erase_person(person, reason=ErasureRecord.Reason.REQUEST)
    person.refresh_from_db()
    assert figures(example) == before
    assert (person.first_name, person.phone, person.email, person.position) == ("", "", "", "")
    assert person.last_name == f"erased-{person.pk}"
    assert person.erased_at is not None
    assert person.gender == "female" and person.region.code == "03"
    csv_text = render_attendance(example, "csv").decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(render_attendance(example, "xlsx")))
    xlsx_text = ",".join(
        str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    )
    for secret in secrets:
        assert secret not in csv_text
        assert secret not in xlsx_text.replace("None", "")
    assert f"erased-{person.pk}" in csv_text
    audit = " ".join(
        f"{entry.object_repr} {json.dumps(entry.changes, ensure_ascii=False)} {entry.changes_text}"
        for entry in LogEntry.objects.all()
    )
    for secret in secrets:
        assert secret not in audit
    for participation in person.participations.all():
        assert participation.position == ""


def test_erasure_is_recorded_in_the_database_and_the_log_file(example, settings):
    person = Person.objects.first()
    erase_person(person)
    record = ErasureRecord.objects.get()
    assert record.person_ref == person.pk and record.reason == "request"
    line = json.loads(settings.ERASURE_LOG_PATH.read_text().splitlines()[0])
    assert line["person"] == person.pk and line["reason"] == "request"


def test_erasing_twice_records_once(example):
    person = Person.objects.first()
    erase_person(person)
    erase_person(person)
    assert ErasureRecord.objects.count() == 1


def test_retention_anonymises_people_of_old_workshops_only():
    old = WorkshopFactory(start_date=dt.date(2019, 5, 1), end_date=dt.date(2019, 5, 2))
    recent = WorkshopFactory(start_date=dt.date(2025, 5, 1), end_date=dt.date(2025, 5, 2))
    gone = ParticipationFactory(workshop=old).person
    came_back = ParticipationFactory(workshop=old).person
    ParticipationFactory(workshop=recent, person=came_back)
    stays = ParticipationFactory(workshop=recent).person
    today = dt.date(2026, 11, 29)  # five years after 2021-11-30
    assert set(expired_people(today)) == {gone}
    assert anonymise_expired(today) == 1
    gone.refresh_from_db()
    came_back.refresh_from_db()
    stays.refresh_from_db()
    assert gone.erased_at and not came_back.erased_at and not stays.erased_at
    assert ErasureRecord.objects.get().reason == "retention"


def test_person_data_export_holds_everything_and_is_logged(admin_client, example):
    person = Person.objects.get(phone="+212600000901")
    response = admin_client.get(reverse("admin:organizations_person_data", args=[person.pk]))
    data = json.loads(response.content)
    assert data["person"]["phone"] == "+212600000901"
    assert data["person"]["email"] == "participant01@example.org"
    assert data["participations"][0]["sessions_attended"] == ["2021-03-05", "2021-03-06", "2021-03-07"]
    assert ExportLog.objects.get().kind == "person_data"


def test_backup_restores_every_row_and_replays_later_erasures(example, tmp_path, django_db_blocker):
    backup = tmp_path / "backup.json.gz"
    call_command("backup", "--output", str(backup))
    counted = [m for m in apps.get_models() if m._meta.app_label in {"regions", "organizations", "workshops"}]
    before = {m._meta.label: m.objects.count() for m in counted}
    assert before["organizations.Person"] == 50 and before["workshops.Attendance"] == 143
    person = Person.objects.get(phone="+212600000901")
    erase_person(person)  # after the backup: the restore must not bring her back
    empty_the_database()
    assert Person.objects.count() == 0 and Region.objects.count() == 0
    call_command("restore", str(backup))
    after = {m._meta.label: m.objects.count() for m in counted}
    assert {k: v for k, v in after.items() if k != "organizations.ErasureRecord"} == {
        k: v for k, v in before.items() if k != "organizations.ErasureRecord"
    }
    restored = Person.objects.get(pk=person.pk)
    assert restored.erased_at is not None and restored.phone == ""
    assert gzip.open(backup).read(1) == b"["


def empty_the_database():
    """What a new, migrated database holds: no data (``flush`` cannot run inside a test's
    transaction on PostgreSQL)."""
    from workshops.models import MonitoringCommittee, Project, Workshop

    LogEntry.objects.all().delete()
    for model in (
        MonitoringCommittee,
        Workshop,
        Project,
        ExportLog,
        ErasureRecord,
        Person,
        Organization,
        FocusArea,
        Commune,
        Province,
        Region,
    ):
        model.objects.all().delete()


def test_restore_refuses_a_database_with_workshops(example, tmp_path):
    backup = tmp_path / "b.json.gz"
    call_command("backup", "--output", str(backup))
    with pytest.raises(Exception, match="already holds workshops"):
        call_command("restore", str(backup))


def test_replay_ignores_unknown_people_and_bad_lines(settings, example):
    settings.ERASURE_LOG_PATH.write_text(
        'not json\n{"person": 999999, "erased_at": "2026-01-01T00:00:00+00:00", "reason": "request"}\n'
    )
    assert replay_erasures() == 0


# Roles ----------------------------------------------------------------------------------------


def staff_in(django_user_model, role):
    user = django_user_model.objects.create_user(role.lower().replace(" ", ""), password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return django_user_model.objects.get(pk=user.pk)


def test_the_four_roles_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Editors",
        "Data officers",
        "Viewers",
        "Managers",
    }


@pytest.mark.parametrize(
    ("role", "sees_phone", "can_export", "can_erase", "can_edit_workshop"),
    [
        ("Viewers", False, False, False, False),
        ("Editors", False, False, False, True),
        ("Data officers", True, True, True, False),
    ],
)
def test_roles_on_sensitive_pages(
    client, django_user_model, example, role, sees_phone, can_export, can_erase, can_edit_workshop
):
    user = staff_in(django_user_model, role)
    client.force_login(user)
    people = client.get(reverse("admin:organizations_person_changelist")).content.decode()
    assert "بناني" in people  # names are visible to every role
    assert ("+212600000901" in people) is sees_phone
    assert ("participant01@example.org" in people) is sees_phone
    if not sees_phone:
        assert "+212 ••• •• 01" in people
    person = Person.objects.get(phone="+212600000901")
    detail = client.get(reverse("admin:organizations_person_change", args=[person.pk])).content.decode()
    assert ("+212600000901" in detail) is sees_phone
    data = client.get(reverse("admin:organizations_person_data", args=[person.pk]))
    assert (data.status_code == 200) is sees_phone
    export = client.get(reverse("admin:workshops_workshop_export_attendance", args=[example.pk, "csv"]))
    assert (export.status_code == 200) is can_export
    assert (b"+212600000901" in export.content) is can_export
    search = client.get(
        reverse("admin:organizations_person_changelist"), {"q": "+212600000901"}
    ).content.decode()
    assert ("بناني" in search) is sees_phone  # no probing by phone without the permission
    assert user.has_perm("organizations.erase_person") is can_erase
    assert user.has_perm("workshops.change_workshop") is can_edit_workshop


def test_manager_must_pass_two_factor_before_anything(client, django_user_model, example):
    manager = staff_in(django_user_model, "Managers")
    client.force_login(manager, verified=False)
    assert client.get(reverse("admin:organizations_person_changelist")).status_code == 302
    assert manager.has_perm("auth.change_user") and manager.has_perm("organizations.view_exportlog")


def test_erase_action_asks_then_erases(client, django_user_model, example):
    officer = staff_in(django_user_model, "Data officers")
    client.force_login(officer)
    person = Person.objects.get(phone="+212600000901")
    url = reverse("admin:organizations_person_changelist")
    ask = client.post(url, {"action": "erase_selected", "_selected_action": [person.pk]})
    assert "Yes, erase" in ask.content.decode()
    assert Person.objects.get(pk=person.pk).erased_at is None
    client.post(
        url,
        {"action": "erase_selected", "_selected_action": [person.pk], "confirm": "yes", "reason": "request"},
    )
    assert Person.objects.get(pk=person.pk).erased_at is not None
    assert ErasureRecord.objects.get().erased_by == officer


def test_editor_cannot_erase(client, django_user_model, example):
    editor = staff_in(django_user_model, "Editors")
    client.force_login(editor)
    person = Person.objects.get(phone="+212600000901")
    client.post(
        reverse("admin:organizations_person_changelist"),
        {"action": "erase_selected", "_selected_action": [person.pk], "confirm": "yes"},
    )
    assert Person.objects.get(pk=person.pk).erased_at is None


def test_viewing_contact_details_is_audited(client, django_user_model, example):
    officer = staff_in(django_user_model, "Data officers")
    client.force_login(officer)
    person = PersonFactory()
    client.get(reverse("admin:organizations_person_change", args=[person.pk]))
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(person.pk)).count() == 1

"""Check-in on a phone (``attendance.checkin``): the roster a phone downloads, the batches it
sends (idempotent, convergent, undo as an event, walk-ins matched), who may do what, and the
folding the page does in JavaScript agreeing with ``regions.names.fold``."""

import json
import shutil
import subprocess
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attendance.models import CheckInEvent, CheckInWalkIn
from organizations.models import ExportLog, Person
from organizations.privacy import erase_person
from regions.names import fold
from tests.attendance.test_concurrency import at_once
from tests.conftest import _grant
from tests.factories import (
    AttendanceFactory,
    OrganizationFactory,
    ParticipationFactory,
    PersonFactory,
    SessionFactory,
    WorkshopFactory,
)
from workshops.models import Attendance, Participation

ROOT = Path(__file__).resolve().parents[2]
FOLD_CASES = Path(__file__).with_name("fold_cases.json")
RECORDER_PERMS = (
    "workshops.view_workshop",
    "workshops.view_participation",
    "organizations.view_person",
    "workshops.add_attendance",
    "workshops.delete_attendance",
    "organizations.add_person",
    "workshops.add_participation",
)
VIEWER_PERMS = ("workshops.view_workshop", "workshops.view_participation", "organizations.view_person")
T0 = timezone.now() - timedelta(hours=2)


def at(minutes):
    return (T0 + timedelta(minutes=minutes)).isoformat()


def event(participation, session, present=True, minutes=0, event_id=None):
    return {
        "id": str(event_id or uuid.uuid4()),
        "participation": participation.pk,
        "session": session.pk,
        "present": present,
        "at": at(minutes),
    }


@pytest.fixture
def workshop():
    workshop = WorkshopFactory(status="planned")
    SessionFactory(workshop=workshop)
    SessionFactory(workshop=workshop)
    return workshop


@pytest.fixture
def people(workshop):
    names = [("فاطمة الزهراء", "العلوي"), ("Hélène", "Aït Ouahmane"), ("Youssef", "Benjelloun")]
    return [
        ParticipationFactory(
            workshop=workshop,
            person=PersonFactory(first_name=first, last_name=last),
            status=Participation.Status.REGISTERED,
        )
        for first, last in names
    ]


def signed_in(client, django_user_model, perms, name="recorder"):
    user = django_user_model.objects.create_user(name, password="x", is_staff=True)
    _grant(user, *perms)
    client.force_login(user)
    return user


@pytest.fixture
def recorder(client, django_user_model):
    return signed_in(client, django_user_model, RECORDER_PERMS)


def url(workshop, name):
    return reverse(f"checkin:{name}", kwargs={"slug": workshop.slug})


def send(client, workshop, events=(), walk_ins=(), device="phone-1"):
    body = {"device": device, "events": list(events), "walk_ins": list(walk_ins)}
    return client.post(url(workshop, "sync"), json.dumps(body), content_type="application/json")


def marks(workshop):
    return set(
        Attendance.objects.filter(participation__workshop=workshop).values_list(
            "participation_id", "session_id"
        )
    )


# The roster ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_roster_lists_names_codes_and_marks_without_phones_for_an_editor_and_is_logged(
    client, recorder, workshop, people
):
    day1 = workshop.sessions.get(position=1)
    AttendanceFactory(participation=people[0], session=day1)
    response = client.get(url(workshop, "roster"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    by_id = {p["id"]: p for p in data["people"]}
    assert by_id[people[0].pk]["first_name"] == "فاطمة الزهراء"
    assert by_id[people[0].pk]["present"] == [day1.pk]
    assert by_id[people[0].pk]["token"] == people[0].pass_token
    assert {p["phone"] for p in data["people"]} == {""}
    assert [s["id"] for s in data["sessions"]] == list(workshop.sessions.values_list("pk", flat=True))
    assert data["may_record"] is True and data["csrf_token"]
    log = ExportLog.objects.get()
    assert (log.user, log.workshop, log.file_format, log.row_count, log.personal_data) == (
        recorder,
        workshop,
        "json",
        3,
        True,
    )


@pytest.mark.django_db
def test_roster_says_which_registrations_await_approval_or_were_refused(client, recorder, workshop, people):
    """A refused registration is shown as cancelled, a pending one as awaiting approval: the
    door must not take either for an ordinary registered participant."""
    Status = people[0].Status
    people[0].status, people[1].status = Status.PENDING, Status.REFUSED
    people[0].save(), people[1].save()
    by_id = {p["id"]: p for p in client.get(url(workshop, "roster")).json()["people"]}
    assert (by_id[people[0].pk]["pending"], by_id[people[0].pk]["cancelled"]) == (True, False)
    assert (by_id[people[1].pk]["pending"], by_id[people[1].pk]["cancelled"]) == (False, True)
    assert (by_id[people[2].pk]["pending"], by_id[people[2].pk]["cancelled"]) == (False, False)


@pytest.mark.django_db
def test_roster_shows_phones_only_to_who_may_see_personal_data(client, django_user_model, workshop, people):
    signed_in(client, django_user_model, (*VIEWER_PERMS, "organizations.view_personal_data"))
    data = client.get(url(workshop, "roster")).json()
    assert sorted(p["phone"] for p in data["people"]) == sorted(p.person.phone for p in people)


@pytest.mark.django_db
def test_roster_leaves_out_erased_people(client, recorder, workshop, people, settings, tmp_path):
    settings.ERASURE_LOG_PATH = tmp_path / "erasures.jsonl"
    erase_person(people[1].person, write_log=False)
    data = client.get(url(workshop, "roster")).json()
    assert {p["id"] for p in data["people"]} == {people[0].pk, people[2].pk}


@pytest.mark.django_db
def test_roster_signed_out_is_401_json_not_a_login_page(client, workshop):
    response = client.get(url(workshop, "roster"))
    assert response.status_code == 401
    assert response.json()["signed_out"] is True


@pytest.mark.django_db
def test_roster_without_view_participation_is_403_and_not_logged(client, django_user_model, workshop, people):
    signed_in(client, django_user_model, ("workshops.view_workshop", "organizations.view_person"))
    assert client.get(url(workshop, "roster")).status_code == 403
    assert client.get(url(workshop, "page")).status_code == 403
    assert not ExportLog.objects.exists()


@pytest.mark.django_db
def test_unknown_workshop_is_404(client, recorder):
    assert client.get(reverse("checkin:roster", kwargs={"slug": "no-such-workshop"})).status_code == 404


# The page, manifest and worker --------------------------------------------------------------


@pytest.mark.django_db
def test_page_holds_no_personal_data_and_links_manifest_and_worker(client, recorder, workshop, people):
    response = client.get("/ar" + url(workshop, "page")[3:])
    html = response.content.decode()
    assert response.status_code == 200
    assert 'dir="rtl"' in html
    assert url(workshop, "manifest")[3:] + '" crossorigin="use-credentials"' in html
    assert people[0].person.first_name not in html
    assert people[0].pass_token not in html
    assert "<script>" not in html and "style=" not in html


@pytest.mark.django_db
def test_worker_is_served_from_the_page_folder_and_loads_our_static_worker(client, recorder, workshop):
    response = client.get(url(workshop, "worker"))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/javascript")
    assert url(workshop, "worker").rsplit("/", 1)[0] + "/" == url(workshop, "page")
    assert 'importScripts("/static/attendance/checkin-sw.js")' in body
    assert json.dumps(url(workshop, "page")) in body


@pytest.mark.django_db
def test_manifest_starts_at_the_page(client, recorder, workshop):
    response = client.get(url(workshop, "manifest"))
    manifest = json.loads(response.content)
    assert response["Content-Type"] == "application/manifest+json"
    assert manifest["start_url"] == manifest["scope"] == url(workshop, "page")
    assert manifest["icons"][0]["src"] == "/static/attendance/checkin-icon.svg"


@pytest.mark.django_db
def test_logout_tells_the_browser_to_clear_stored_data(client, recorder):
    response = client.post(reverse("admin:logout"))
    assert response["Clear-Site-Data"] == '"storage"'


# Batches --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_batch_marks_present_and_sets_status_attended(client, recorder, workshop, people):
    day1 = workshop.sessions.get(position=1)
    response = send(client, workshop, [event(p, day1) for p in people])
    assert response.status_code == 200
    assert [o["status"] for o in response.json()["events"]] == ["applied"] * 3
    assert marks(workshop) == {(p.pk, day1.pk) for p in people}
    assert sorted(response.json()["marks"]) == sorted([p.pk, day1.pk] for p in people)
    assert set(Participation.objects.filter(workshop=workshop).values_list("status", flat=True)) == {
        "attended"
    }
    assert set(CheckInEvent.objects.values_list("user", "device_id")) == {(recorder.pk, "phone-1")}


@pytest.mark.django_db
def test_same_batch_sent_twice_changes_nothing(client, recorder, workshop, people):
    day1 = workshop.sessions.get(position=1)
    batch = [event(p, day1) for p in people]
    send(client, workshop, batch)
    again = send(client, workshop, batch)
    assert [o["status"] for o in again.json()["events"]] == ["duplicate"] * 3
    assert CheckInEvent.objects.count() == 3
    assert Attendance.objects.count() == 3


@pytest.mark.django_db
def test_undo_is_a_dated_event_and_the_latest_device_time_wins_whatever_the_order(
    client, recorder, workshop, people
):
    day1 = workshop.sessions.get(position=1)
    ahmed = people[2]
    # The undo, made later on another phone, arrives first; the tick arrives afterwards.
    send(client, workshop, [event(ahmed, day1, present=False, minutes=5)], device="phone-2")
    send(client, workshop, [event(ahmed, day1, present=True, minutes=1)], device="phone-1")
    assert marks(workshop) == set()
    assert CheckInEvent.objects.filter(participation=ahmed).count() == 2
    ahmed.refresh_from_db()
    assert ahmed.status == "registered"
    send(client, workshop, [event(ahmed, day1, present=True, minutes=9)])
    assert marks(workshop) == {(ahmed.pk, day1.pk)}


@pytest.mark.django_db
def test_equal_device_times_are_decided_by_the_event_identifier(client, recorder, workshop, people):
    day1 = workshop.sessions.get(position=1)
    low, high = uuid.UUID(int=1), uuid.UUID(int=2)
    send(client, workshop, [event(people[0], day1, present=True, minutes=3, event_id=high)])
    send(client, workshop, [event(people[0], day1, present=False, minutes=3, event_id=low)])
    assert marks(workshop) == {(people[0].pk, day1.pk)}


@pytest.mark.django_db
def test_forged_participation_of_another_workshop_and_foreign_session_are_refused(
    client, recorder, workshop, people
):
    other = ParticipationFactory()
    other_session = SessionFactory(workshop=other.workshop)
    day1 = workshop.sessions.get(position=1)
    response = send(
        client, workshop, [event(other, day1), event(people[0], other_session), event(people[1], day1)]
    )
    outcomes = response.json()["events"]
    assert [o["status"] for o in outcomes] == ["refused", "refused", "applied"]
    assert outcomes[0]["message"] == "Not a participant of this workshop."
    assert outcomes[1]["message"] == "Not a session of this workshop."
    assert marks(workshop) == {(people[1].pk, day1.pk)}
    assert not Attendance.objects.filter(participation=other).exists()


@pytest.mark.django_db
def test_event_dated_far_in_the_future_is_refused(client, recorder, workshop, people):
    day1 = workshop.sessions.get(position=1)
    future = event(people[0], day1)
    future["at"] = (timezone.now() + timedelta(days=2)).isoformat()
    assert send(client, workshop, [future]).json()["events"][0]["status"] == "refused"
    assert not CheckInEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"participation": "12"}, "“participation” must be a number."),
        ({"present": "yes"}, "“present” must be true or false."),
        ({"at": "2026-12-01 10:00"}, "“at” must be a date and time with its offset."),
        ({"at": "2026-02-30T10:00:00Z"}, "“at” must be a date and time with its offset."),
        ({"walk_in": str(uuid.uuid4())}, "give a participation or a walk-in, not both."),
    ],
)
def test_malformed_batch_is_refused_whole_naming_the_event(client, recorder, workshop, people, bad, message):
    day1 = workshop.sessions.get(position=1)
    good, wrong = event(people[0], day1), {**event(people[1], day1), **bad}
    response = send(client, workshop, [good, wrong])
    assert response.status_code == 400
    assert response.json()["errors"] == [f"event {wrong['id']}: {message}"]
    assert not CheckInEvent.objects.exists() and not Attendance.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"events": {}}', "\u0600".encode("utf-16")])
def test_batch_that_is_not_a_batch_is_400(client, recorder, workshop, body):
    response = client.post(url(workshop, "sync"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]


@pytest.mark.django_db
def test_viewer_cannot_post_a_batch(client, django_user_model, workshop, people):
    signed_in(client, django_user_model, VIEWER_PERMS, name="viewer")
    response = send(client, workshop, [event(people[0], workshop.sessions.first())])
    assert response.status_code == 403
    assert not CheckInEvent.objects.exists()


@pytest.mark.django_db
def test_staff_without_rights_on_participations_gets_403(client, staff_user, workshop, people):
    client.force_login(staff_user)
    response = send(client, workshop, [event(people[0], workshop.sessions.first())])
    assert response.status_code == 403
    assert not CheckInEvent.objects.exists()


@pytest.mark.django_db
def test_anonymous_post_is_401(client, workshop, people):
    response = send(client, workshop, [event(people[0], workshop.sessions.first())])
    assert response.status_code == 401


# Walk-ins -------------------------------------------------------------------------------------


def walk_in(**fields):
    return {
        "id": str(uuid.uuid4()),
        "first_name": "Khadija",
        "last_name": "Ouled Ali",
        "gender": "female",
        "phone": "06 61 23 45 67",
        "email": "",
        "organization": "Jamiat Annour",
        **fields,
    }


def walk_in_event(walk, session, minutes=0):
    return {
        "id": str(uuid.uuid4()),
        "walk_in": walk["id"],
        "session": session.pk,
        "present": True,
        "at": at(minutes),
    }


@pytest.mark.django_db
def test_walk_in_becomes_a_new_person_marked_present_once_however_often_sent(client, recorder, workshop):
    day1 = workshop.sessions.get(position=1)
    walk = walk_in()
    batch = ([walk_in_event(walk, day1)], [walk])
    first = send(client, workshop, *batch).json()
    second = send(client, workshop, *batch).json()
    person = Person.objects.get(phone="+212661234567")
    participation = person.participations.get()
    assert (person.first_name, person.gender, person.organization.name) == (
        "Khadija",
        "female",
        "Jamiat Annour",
    )
    assert first["walk_ins"] == [{"id": walk["id"], "status": "applied", "participation": participation.pk}]
    assert second["walk_ins"][0]["status"] == "duplicate"
    assert marks(workshop) == {(participation.pk, day1.pk)}
    assert CheckInWalkIn.objects.get().participation == participation


@pytest.mark.django_db
def test_walk_in_is_matched_by_phone_or_email_to_a_saved_person(client, recorder, workshop):
    saved_by_phone = PersonFactory(phone="+212661234567", first_name="خديجة")
    saved_by_email = PersonFactory(email="h.benali@example.ma")
    walks = [walk_in(phone="0661234567"), walk_in(phone="", email="H.Benali@Example.ma", first_name="Hind")]
    response = send(client, workshop, [], walks).json()
    assert Person.objects.count() == 2
    assert {p.person for p in workshop.participations.all()} == {saved_by_phone, saved_by_email}
    assert [o["status"] for o in response["walk_ins"]] == ["applied", "applied"]
    assert CheckInWalkIn.objects.filter(matched=True).count() == 2
    saved_by_phone.refresh_from_db()
    assert saved_by_phone.first_name == "خديجة"  # the saved name is kept


@pytest.mark.django_db
def test_walk_in_of_an_erased_person_is_not_recorded(client, recorder, workshop, settings, tmp_path):
    settings.ERASURE_LOG_PATH = tmp_path / "erasures.jsonl"
    erase_person(PersonFactory(phone="+212661234567"), write_log=False)
    walk = walk_in()
    response = send(client, workshop, [walk_in_event(walk, workshop.sessions.first())], [walk]).json()
    assert response["walk_ins"][0]["status"] == "refused"
    assert "erased" in response["walk_ins"][0]["message"]
    assert response["events"][0]["status"] == "refused"
    assert not workshop.participations.exists()


@pytest.mark.django_db
def test_walk_in_with_an_impossible_phone_is_refused_by_name(client, recorder, workshop):
    response = send(client, workshop, [], [walk_in(phone="12")]).json()
    assert response["walk_ins"][0]["message"] == "Khadija Ouled Ali: “12” is not a phone number."
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_walk_in_organisation_spelt_otherwise_is_the_saved_one(client, recorder, workshop):
    saved = OrganizationFactory(name="Association Al-Amal")
    send(client, workshop, [], [walk_in(organization="association al amal")])
    assert Person.objects.get().organization == saved


@pytest.mark.django_db
def test_walk_in_without_name_or_contact_is_refused_whole(client, recorder, workshop):
    walks = [walk_in(first_name="", last_name=""), walk_in(phone="", email="")]
    response = send(client, workshop, [], walks)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        f"walk-in {walks[0]['id']}: a first name or a last name is needed.",
        f"walk-in {walks[1]['id']}: a phone or an e-mail is needed.",
    ]
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_walk_ins_need_the_right_to_add_people(client, django_user_model, workshop):
    perms = [p for p in RECORDER_PERMS if p != "organizations.add_person"]
    signed_in(client, django_user_model, perms)
    assert send(client, workshop, [], [walk_in()]).status_code == 403
    assert not Person.objects.exists()


# Folding in the page ------------------------------------------------------------------------


def test_fold_table_holds_what_python_folds():
    cases = json.loads(FOLD_CASES.read_text(encoding="utf-8"))
    assert len(cases) >= 30
    assert [fold(text) for text, _expected in cases] == [expected for _text, expected in cases]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_javascript_fold_agrees_with_python_on_the_shared_table():
    script = (
        "const {fold} = require(process.argv[1]);"
        "const cases = require(process.argv[2]);"
        "console.log(JSON.stringify(cases.map(([text]) => fold(text))));"
    )
    output = subprocess.run(
        ["node", "-e", script, str(ROOT / "static/attendance/fold.js"), str(FOLD_CASES)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    cases = json.loads(FOLD_CASES.read_text(encoding="utf-8"))
    assert json.loads(output) == [expected for _text, expected in cases]


# Two phones at once (PostgreSQL) ------------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threads share one database server on PostgreSQL only"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_phones_sending_at_once_converge_on_the_latest_marks(django_user_model):
    workshop = WorkshopFactory()
    day1 = SessionFactory(workshop=workshop)
    participations = [ParticipationFactory(workshop=workshop, status="registered") for _n in range(40)]
    user = django_user_model.objects.create_user("recorder", password="x", is_staff=True)
    _grant(user, *RECORDER_PERMS)
    # Phone A ticks everyone at minute 1 and unticks the even ones at minute 2; phone B ticks
    # the even ones again at minute 3 and unticks the odd ones at minute 4. Sent at the same time.
    phone_a = [event(p, day1, True, 1) for p in participations]
    phone_a += [event(p, day1, False, 2) for p in participations[::2]]
    phone_b = [event(p, day1, True, 3) for p in participations[::2]]
    phone_b += [event(p, day1, False, 4) for p in participations[1::2]]
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(user)
    outcomes = at_once(
        *[lambda c=c, b=b: send(c, workshop, b) for c, b in zip(clients, (phone_a, phone_b), strict=True)]
    )
    evens = {(p.pk, day1.pk) for p in participations[::2]}
    assert [o.status_code for o in outcomes] == [200, 200]
    assert marks(workshop) == evens
    # And the same batches again, at once, change nothing.
    outcomes = at_once(
        *[lambda c=c, b=b: send(c, workshop, b) for c, b in zip(clients, (phone_a, phone_b), strict=True)]
    )
    assert {o["status"] for r in outcomes for o in r.json()["events"]} == {"duplicate"}
    assert CheckInEvent.objects.count() == len(phone_a) + len(phone_b)
    assert marks(workshop) == evens


@pytest.mark.django_db
def test_workshop_admin_page_links_to_the_check_in(client, recorder, workshop):
    response = client.get(reverse("admin:workshops_workshop_change", args=[workshop.pk]))
    assert url(workshop, "page") in response.content.decode()


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_javascript_reads_arabic_indic_and_persian_digits_as_western_ones():
    script = "const {westernDigits} = require(process.argv[1]); console.log(westernDigits(process.argv[2]));"
    output = subprocess.run(
        ["node", "-e", script, str(ROOT / "static/attendance/fold.js"), "٠٦ ٦١ ۲۳ 45 ٩۹"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert output.strip() == "06 61 23 45 99"

"""Check-in on a phone, offline: the roster a phone downloads, and the batches of ticks and
walk-ins it sends back when the network returns (``attendance.checkin_views``,
``static/attendance/checkin.js``, ``docs/checkin.md``).

The rules:

- Every tick and untick is a ``CheckInEvent`` with the UUID the phone made; the same UUID sent
  again is the same event (the database's unique constraint decides, not a check-then-insert).
- The mark of a (participation, session) pair is the ``present`` of its latest event, by the
  phone's time, then by UUID: phones that tick the same people in any order, batches that
  arrive in any order, converge to one state. ``workshops.Attendance`` holds that state, updated
  in the same transaction; a participation with a mark is "attended", one whose last mark was
  undone is "registered" again.
- A walk-in is matched by phone, then e-mail, to a saved person (``attendance.people``), else
  becomes a new person; one whose phone or e-mail is an erased person's is not recorded
  (``organizations.privacy.skip_erased``), as in an import.
- A batch is checked whole for its form (``BatchError`` names each bad item: nothing saved);
  then each item is applied or refused on its own, in one transaction (``apply_batch``): a
  queue must not be stuck behind one tick of a participation deleted meanwhile.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from attendance.apply import one_import_at_a_time
from attendance.models import CheckInEvent, CheckInWalkIn
from attendance.people import saved_contacts
from organizations.models import ExportLog, Organization, Person
from organizations.phones import normalise_phone
from organizations.privacy import skip_erased
from regions.names import collapse_spaces, fold
from workshops import reports
from workshops.models import Attendance, Participation

# How long a phone may keep its copy of a roster without downloading it again.
COPY_LIFETIME = timedelta(hours=24)
# A phone's clock may be off; an event dated further ahead than this is refused.
CLOCK_SKEW = timedelta(hours=1)
# Items in one batch, at most (the phone sends its queue in batches of 200).
MAX_ITEMS = 500
NAME_LENGTH = 100


def may_record(user):
    """Whether ``user`` may send ticks and unticks: add and delete attendance marks."""
    return user.has_perms(("workshops.add_attendance", "workshops.delete_attendance"))


def may_add_walk_ins(user):
    """Whether ``user`` may also send walk-ins: add people and participations."""
    return may_record(user) and user.has_perms(("organizations.add_person", "workshops.add_participation"))


def default_session(sessions, today=None):
    """The session of ``today`` (Casablanca time) among ``sessions`` (ordered), else the next
    one to come, else the last; None when there is none."""
    today = today or timezone.localdate()
    sessions = list(sessions)
    for session in sessions:
        if session.date >= today:
            return session
    return sessions[-1] if sessions else None


def roster(workshop, user, now=None):
    """The check-in copy of ``workshop`` for ``user`` (a dict, sent as JSON): its sessions, the
    default session, and per participation its id, names, organisation, check-in code, phone
    (only for ``organizations.view_personal_data``) and the sessions it is marked present at;
    ``expires_at``, after which the phone deletes it. Logged as a delivery of personal data
    (``organizations.ExportLog``, format "json")."""
    now = now or timezone.now()
    sessions = list(workshop.sessions.order_by("position"))
    current = default_session(sessions)
    phones = user.has_perm("organizations.view_personal_data")
    marks = {}
    for participation_id, session_id in Attendance.objects.filter(
        participation__workshop=workshop
    ).values_list("participation_id", "session_id"):
        marks.setdefault(participation_id, []).append(session_id)
    people = [
        {
            "id": p.pk,
            "first_name": p.person.first_name,
            "last_name": p.person.last_name,
            "organization": str(p.organization or p.person.organization or ""),
            "phone": p.person.phone if phones else "",
            "token": p.pass_token,
            # A refused registration is as good as cancelled at the door; a pending one still
            # needs a staff decision, which the page shows.
            "cancelled": p.status in (Participation.Status.CANCELLED, Participation.Status.REFUSED),
            "pending": p.status == Participation.Status.PENDING,
            "present": sorted(marks.get(p.pk, [])),
        }
        for p in workshop.participations.filter(person__erased_at=None).select_related(
            "person", "organization", "person__organization"
        )
    ]
    ExportLog.record(
        kind=ExportLog.Kind.ATTENDANCE_LIST,
        file_format="json",
        user=user,
        workshop=workshop,
        scope=_("check-in copy on a phone: %(workshop)s") % {"workshop": workshop.title},
        rows=len(people),
        channel=ExportLog.Channel.ADMIN,
        personal_data=True,
    )
    return {
        "workshop": {"id": workshop.pk, "slug": workshop.slug, "title": workshop.title},
        "sessions": [{"id": s.pk, "label": str(s), "date": s.date.isoformat()} for s in sessions],
        "current_session": current.pk if current else None,
        "people": people,
        "organizations": sorted({person["organization"] for person in people} - {""}),
        "user": user.pk,
        "phones": phones,
        "may_record": may_record(user),
        "may_add_walk_ins": may_add_walk_ins(user),
        "downloaded_at": now.isoformat(),
        "expires_at": (now + COPY_LIFETIME).isoformat(),
    }


def marks_of(workshop):
    """``[[participation id, session id], …]``: every attendance mark of ``workshop`` (ids only,
    no personal data), for a phone to show what the other phones ticked."""
    return [
        list(pair)
        for pair in Attendance.objects.filter(participation__workshop=workshop)
        .order_by("participation_id", "session_id")
        .values_list("participation_id", "session_id")
    ]


class BatchError(Exception):
    """A batch that is not what a check-in phone sends: ``errors`` lists one message per bad
    item, naming it (its identifier or position) and the field."""

    def __init__(self, errors):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class WalkIn:
    """A walk-in as the phone sent it, its fields read (``parse_walk_in``)."""

    id: uuid.UUID
    first_name: str
    last_name: str
    gender: str
    phone: str
    email: str
    organization: str
    row = None  # for the sheet helpers that name rows

    @property
    def name(self):
        return f"{self.first_name} {self.last_name}".strip()


@dataclass
class Event:
    """A tick or untick as the phone sent it (``parse_event``): ``participation`` or
    ``walk_in`` (the UUID of a walk-in of this batch or of an earlier one) names who."""

    id: uuid.UUID
    participation: int | None
    walk_in: uuid.UUID | None
    session: int
    present: bool
    at: object


@dataclass
class Batch:
    """A batch read whole (``parse_batch``)."""

    device: str
    walk_ins: list = field(default_factory=list)
    events: list = field(default_factory=list)


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _text(item, name, errors, where, limit=NAME_LENGTH):
    value = item.get(name, "")
    if not isinstance(value, str) or len(value) > limit:
        errors.append(
            _("%(item)s: “%(field)s” must be text of at most %(limit)s characters.")
            % {"item": where, "field": name, "limit": limit}
        )
        return ""
    return collapse_spaces(value)


def parse_walk_in(item, index, errors):
    """A ``WalkIn`` from the JSON object ``item`` (the ``index``-th walk-in), or None with
    messages added to ``errors``: a UUID ``id``, a first or last name, a gender among
    ``Person.Gender``, a phone or an e-mail."""
    where = _("walk-in %(number)s") % {"number": index + 1}
    if not isinstance(item, dict) or _uuid(item.get("id")) is None:
        errors.append(_("%(item)s: no valid identifier.") % {"item": where})
        return None
    where = _("walk-in %(id)s") % {"id": item["id"]}
    count = len(errors)
    values = {name: _text(item, name, errors, where) for name in ("first_name", "last_name", "phone")}
    values["email"] = _text(item, "email", errors, where, limit=254).lower()
    values["organization"] = _text(item, "organization", errors, where, limit=255)
    gender = item.get("gender", Person.Gender.UNSPECIFIED)
    if gender not in Person.Gender.values:
        errors.append(_("%(item)s: unknown gender “%(value)s”.") % {"item": where, "value": gender})
    if len(errors) == count and not (values["first_name"] or values["last_name"]):
        errors.append(_("%(item)s: a first name or a last name is needed.") % {"item": where})
    if len(errors) == count and not (values["phone"] or values["email"]):
        errors.append(_("%(item)s: a phone or an e-mail is needed.") % {"item": where})
    if len(errors) > count:
        return None
    return WalkIn(_uuid(item["id"]), gender=gender, **values)


def parse_event(item, index, errors):
    """An ``Event`` from the JSON object ``item`` (the ``index``-th event), or None with
    messages added to ``errors``: a UUID ``id``; ``participation`` (an integer) or ``walk_in``
    (a UUID); ``session`` (an integer); ``present`` (true or false); ``at``, the phone's time
    with its offset (ISO 8601)."""
    if not isinstance(item, dict) or _uuid(item.get("id")) is None:
        errors.append(_("event %(number)s: no valid identifier.") % {"number": index + 1})
        return None
    where, count = _("event %(id)s") % {"id": item["id"]}, len(errors)
    participation, walk_in = item.get("participation"), item.get("walk_in")
    if (participation is None) == (walk_in is None):
        errors.append(_("%(item)s: give a participation or a walk-in, not both.") % {"item": where})
    elif participation is not None and (type(participation) is not int):
        errors.append(_("%(item)s: “participation” must be a number.") % {"item": where})
    elif walk_in is not None and _uuid(walk_in) is None:
        errors.append(_("%(item)s: “walk_in” must be a walk-in's identifier.") % {"item": where})
    if type(item.get("session")) is not int:
        errors.append(_("%(item)s: “session” must be a number.") % {"item": where})
    if type(item.get("present")) is not bool:
        errors.append(_("%(item)s: “present” must be true or false.") % {"item": where})
    at = _datetime(item.get("at"))
    if at is None:
        errors.append(_("%(item)s: “at” must be a date and time with its offset.") % {"item": where})
    if len(errors) > count:
        return None
    return Event(
        _uuid(item["id"]),
        participation,
        _uuid(walk_in) if walk_in else None,
        item["session"],
        item["present"],
        at,
    )


def _datetime(value):
    """An aware datetime from ISO 8601 text, else None (a date like 2026-02-30 included, and one
    that leaves Python's years 1-9999 once in UTC, such as 0001-01-01T00:00+14:00)."""
    try:
        at = parse_datetime(value) if isinstance(value, str) else None
        return at.astimezone(UTC) if at is not None and timezone.is_aware(at) else None
    except (ValueError, OverflowError):
        return None


def parse_batch(data):
    """Read a batch (the decoded JSON ``data``): ``{"device": str, "walk_ins": [...],
    "events": [...]}``. Returns a ``Batch``; raises ``BatchError`` naming every bad item."""
    if not isinstance(data, dict):
        raise BatchError([_("The batch must be a JSON object.")])
    walk_ins, events = data.get("walk_ins", []), data.get("events", [])
    if not isinstance(walk_ins, list) or not isinstance(events, list):
        raise BatchError([_("“walk_ins” and “events” must be lists.")])
    if len(walk_ins) + len(events) > MAX_ITEMS:
        raise BatchError([_("A batch holds at most %(count)s items.") % {"count": MAX_ITEMS}])
    errors = []
    device = _text(data, "device", errors, _("the batch"), limit=64)
    batch = Batch(device)
    batch.walk_ins = [parse_walk_in(item, n, errors) for n, item in enumerate(walk_ins)]
    batch.events = [parse_event(item, n, errors) for n, item in enumerate(events)]
    if errors:
        raise BatchError(errors)
    return batch


@dataclass
class Outcome:
    """What became of one item: ``status`` "applied", "duplicate" (received before) or
    "refused" (with ``message``); ``participation`` for a walk-in."""

    id: str
    status: str
    message: str = ""
    participation: int | None = None

    def as_dict(self):
        return {k: v for k, v in vars(self).items() if v not in ("", None)}


def apply_batch(workshop, user, batch, now=None):
    """Apply ``batch`` (a ``Batch``) to ``workshop`` for ``user`` in one transaction, one batch
    of the workshop at a time (with its imports: ``attendance.apply.one_import_at_a_time``).
    Returns ``{"walk_ins": [Outcome…], "events": [Outcome…]}`` in the batch's order."""
    now = now or timezone.now()
    with one_import_at_a_time(workshop):
        walk_ins = [_apply_walk_in(workshop, user, batch.device, walk_in, now) for walk_in in batch.walk_ins]
        context = _EventContext(workshop, {o.id: o.participation for o in walk_ins}, now)
        outcomes = {str(event.id): context.check(event) for event in batch.events}
        rows = [
            CheckInEvent(
                event_id=event.id,
                participation_id=context.participation(event),
                session_id=event.session,
                present=event.present,
                device_time=event.at,
                received_at=now,
                user=user,
                device_id=batch.device,
            )
            for event in batch.events
            if outcomes[str(event.id)] is None
        ]
        saved = _insert(rows)
        for row in rows:
            outcomes[str(row.event_id)] = Outcome(
                str(row.event_id), "applied" if row in saved else "duplicate"
            )
        _settle({(row.participation_id, row.session_id) for row in saved})
    if saved or any(o.status == "applied" for o in walk_ins):
        reports.forget_attendance(workshop)
    return {"walk_ins": walk_ins, "events": [outcomes[str(event.id)] for event in batch.events]}


class _EventContext:
    """What checking the events of one batch needs: the workshop's sessions and participations,
    the walk-ins of this batch and those received earlier."""

    def __init__(self, workshop, walk_ins, now):
        self.workshop, self.now = workshop, now
        self.sessions = set(workshop.sessions.values_list("pk", flat=True))
        self.participations = set(workshop.participations.values_list("pk", flat=True))
        self.walk_ins = dict(walk_ins)

    def participation(self, event):
        """The participation id ``event`` names, if it is one of the workshop's; else None."""
        if event.walk_in is not None:
            key = str(event.walk_in)
            if key not in self.walk_ins:
                received = CheckInWalkIn.objects.filter(walk_in_id=event.walk_in, workshop=self.workshop)
                self.walk_ins[key] = received.values_list("participation_id", flat=True).first()
            return self.walk_ins[key]
        return event.participation if event.participation in self.participations else None

    def check(self, event):
        """None for an event to save, else its refusal (an ``Outcome``)."""
        key = str(event.id)
        if self.participation(event) is None:
            return Outcome(key, "refused", _("Not a participant of this workshop."))
        if event.session not in self.sessions:
            return Outcome(key, "refused", _("Not a session of this workshop."))
        if event.at > self.now + CLOCK_SKEW:
            return Outcome(key, "refused", _("Dated in the future: check the phone's clock."))
        return None


def _insert(rows):
    """Save the ``CheckInEvent`` rows whose identifier is new; returns those saved (a list).

    The unique constraint on ``event_id`` decides: the identifiers already stored are read first
    only to save the others in one statement; should that statement still meet one (sent at
    this moment for another workshop), each row is saved on its own and the constraint answers.
    """
    stored = set(
        CheckInEvent.objects.filter(event_id__in=[r.event_id for r in rows]).values_list(
            "event_id", flat=True
        )
    )
    fresh, seen = [], set()
    for row in rows:
        if row.event_id not in stored and row.event_id not in seen:
            fresh.append(row)
            seen.add(row.event_id)
    try:
        with transaction.atomic():
            CheckInEvent.objects.bulk_create(fresh)
        return fresh
    except IntegrityError:
        pass
    saved = []
    for row in fresh:
        try:
            with transaction.atomic():
                row.pk = None
                row.save(force_insert=True)
            saved.append(row)
        except IntegrityError:
            continue
    return saved


def _settle(pairs):
    """Make ``workshops.Attendance`` and the participations' status say what the latest event of
    each (participation id, session id) pair in ``pairs`` says: a mark when it is a tick, none
    after an untick. A participation with a mark is "attended" (unless cancelled), one whose
    last mark was undone "registered" again. A few queries, whatever the number of pairs."""
    if not pairs:
        return
    people = {p for p, _s in pairs}
    sessions = {s for _p, s in pairs}
    latest = {}
    events = CheckInEvent.objects.filter(participation_id__in=people, session_id__in=sessions)
    for p, s, present in events.order_by(
        "participation_id", "session_id", "-device_time", "-event_id"
    ).values_list("participation_id", "session_id", "present"):
        latest.setdefault((p, s), present)
    marks = Attendance.objects.filter(participation_id__in=people, session_id__in=sessions)
    existing = {(p, s): pk for pk, p, s in marks.values_list("pk", "participation_id", "session_id")}
    wanted = {pair for pair in pairs if latest.get(pair)}
    # Two phones syncing the same people at once may both find a mark missing: the second
    # insert of the same mark is no error (the mark is there, as both wanted), never a 500.
    Attendance.objects.bulk_create(
        (Attendance(participation_id=p, session_id=s) for p, s in wanted - set(existing)),
        ignore_conflicts=True,
    )
    Attendance.objects.filter(pk__in=[pk for pair, pk in existing.items() if pair in pairs - wanted]).delete()
    marked = set(
        Attendance.objects.filter(participation_id__in=people).values_list("participation_id", flat=True)
    )
    Status = Participation.Status
    Participation.objects.filter(pk__in=marked, status__in=(Status.REGISTERED, Status.NO_SHOW)).update(
        status=Status.ATTENDED
    )
    Participation.objects.filter(pk__in=people - marked, status=Status.ATTENDED).update(
        status=Status.REGISTERED
    )


def _apply_walk_in(workshop, user, device, walk_in, now):
    """Record ``walk_in`` once (its UUID is unique): an ``Outcome`` naming the participation."""
    key = str(walk_in.id)
    received = CheckInWalkIn.objects.filter(walk_in_id=walk_in.id).first()
    if received is not None:
        if received.workshop_id != workshop.pk:
            return Outcome(key, "refused", _("This walk-in was sent for another workshop."))
        return Outcome(key, "duplicate", participation=received.participation_id)
    try:
        with transaction.atomic():
            participation, matched, message = _walk_in_participation(workshop, walk_in)
            CheckInWalkIn.objects.create(
                walk_in_id=walk_in.id,
                workshop=workshop,
                participation=participation,
                matched=matched,
                received_at=now,
                user=user,
                device_id=device,
            )
    except WalkInRefused as refusal:
        return Outcome(key, "refused", str(refusal))
    except IntegrityError:
        # The same walk-in sent by a retry that another request saved meanwhile.
        received = CheckInWalkIn.objects.filter(walk_in_id=walk_in.id).first()
        return Outcome(key, "duplicate", participation=received.participation_id if received else None)
    status = "applied" if participation is not None else "refused"
    return Outcome(key, status, message, participation.pk if participation else None)


class WalkInRefused(Exception):
    """A walk-in that cannot be recorded as sent (its phone or e-mail is not valid)."""


def _walk_in_participation(workshop, walk_in):
    """``(participation or None, matched, message)`` for ``walk_in``: the saved person with its
    phone, else its e-mail, else a new person; None for an erased person. Raises WalkInRefused
    for a phone or e-mail that is not valid."""
    try:
        walk_in.phone = normalise_phone(walk_in.phone)
    except ValueError:
        raise WalkInRefused(
            _("%(name)s: “%(phone)s” is not a phone number.") % {"name": walk_in.name, "phone": walk_in.phone}
        ) from None
    kept, skipped, _look_alikes = skip_erased([walk_in])
    if skipped:
        return (
            None,
            False,
            _("%(name)s: this person's data was erased; not recorded.") % {"name": walk_in.name},
        )
    by_phone, by_email = saved_contacts(kept)
    person = by_phone.get(walk_in.phone) or by_email.get(walk_in.email)
    matched = person is not None
    if person is None:
        person = Person(
            first_name=walk_in.first_name,
            last_name=walk_in.last_name,
            gender=walk_in.gender,
            phone=walk_in.phone,
            email=walk_in.email,
            organization=_organization(walk_in.organization),
        )
        try:
            person.full_clean()
        except ValidationError as exc:
            raise WalkInRefused(
                _("%(name)s: %(error)s") % {"name": walk_in.name, "error": _first_error(exc)}
            ) from None
        person.save()
    participation, _created = Participation.objects.get_or_create(
        workshop=workshop,
        person=person,
        defaults={"organization": person.organization, "position": person.position},
    )
    return participation, matched, ""


def _first_error(exc):
    messages = getattr(exc, "messages", None) or [str(exc)]
    return messages[0]


def _organization(name):
    """The saved organisation named ``name`` (folded) or by one of its aliases, else a new one;
    None for no name."""
    key = fold(name)
    if not key:
        return None
    found = Organization.objects.by_name_or_alias({key})
    return found.get(key) or Organization.objects.create(name=name)

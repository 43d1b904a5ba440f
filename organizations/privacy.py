"""Personal data under Morocco's Law 09-08: erasure, retention, and "data held on this person".

Erasing a person anonymises their row instead of deleting it, so that every count (participants,
women, regions, age bands, per-session attendance) stays the same: names, phone, e-mail, position,
city, consents are cleared; gender, age band, region of origin and organisation stay, as they no
longer point to anyone once the name and contacts are gone. The audit trail's entries about the
person, their participations and attendance marks lose their descriptions and recorded changes.

Each erasure is recorded twice: an ``ErasureRecord`` row (visible in the admin) and a line in the
append-only file ``settings.ERASURE_LOG_PATH`` (JSON lines ``{"person": id, "erased_at": iso,
"reason": "request|retention|other"}``), kept outside the database and its backups, so that
``replay_erasures`` can erase again the people that a restored, older backup brings back.
"""

import datetime as dt
import json
from pathlib import Path

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from organizations.models import ErasureRecord, Person

ERASED_PREFIX = "erased-"


def erased_name(person_pk):
    """The placeholder that replaces an erased person's name: ``"erased-<id>"``."""
    return f"{ERASED_PREFIX}{person_pk}"


@transaction.atomic
def erase_person(person, *, user=None, reason=ErasureRecord.Reason.REQUEST, now=None, write_log=True):
    """Anonymise ``person`` (see the module docstring) and record the erasure.

    ``user``: the staff member who erased (None for commands); ``reason``: an
    ``ErasureRecord.Reason``; ``now``: the time recorded (default: now); ``write_log``: append
    to ``ERASURE_LOG_PATH`` (False when replaying it). Returns the ``ErasureRecord``. Erasing an
    already erased person records nothing new and returns its last record.
    """
    from workshops.models import Attendance, Participation

    if person.erased_at is not None:
        return person.erasures.first()
    now = now or timezone.now()
    person.first_name = ""
    person.last_name = erased_name(person.pk)
    person.phone = ""
    person.email = ""
    person.position = ""
    person.city = ""
    person.consent_given = person.consent_photos = person.consent_public_listing = False
    person.consent_date = None
    person.erased_at = now
    person.save()
    participations = Participation.objects.filter(person=person)
    participations.update(position="")
    participation_ids = list(participations.values_list("pk", flat=True))
    attendance_ids = list(
        Attendance.objects.filter(participation__in=participation_ids).values_list("pk", flat=True)
    )
    scrub_audit_trail(Person, [person.pk])
    scrub_audit_trail(Participation, participation_ids)
    scrub_audit_trail(Attendance, attendance_ids)
    record = ErasureRecord.objects.create(
        person=person, person_ref=person.pk, erased_at=now, erased_by=user, reason=reason
    )
    if write_log:
        append_to_erasure_log(record)
    return record


def scrub_audit_trail(model, pks):
    """Blank the description and recorded changes of the audit entries about ``model`` rows
    ``pks`` (the fact, time and author of each change stay). Returns the number of entries."""
    if not pks:
        return 0
    content_type = ContentType.objects.get_for_model(model)
    return LogEntry.objects.filter(content_type=content_type, object_pk__in=[str(pk) for pk in pks]).update(
        object_repr=ERASED_PREFIX.rstrip("-"), changes=None, changes_text=""
    )


def append_to_erasure_log(record):
    """Append one JSON line for ``record`` to ``settings.ERASURE_LOG_PATH`` (created if needed)."""
    path = Path(settings.ERASURE_LOG_PATH)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(
        {"person": record.person_ref, "erased_at": record.erased_at.isoformat(), "reason": record.reason}
    )
    with path.open("a", encoding="utf-8") as log:
        log.write(line + "\n")


def replay_erasures(path=None):
    """Erase again every person listed in the erasure log who is not erased in the database
    (after restoring a backup older than some erasures). Returns the number erased.

    Lines that are not valid JSON are skipped; people absent from the database are ignored.
    """
    path = Path(path or settings.ERASURE_LOG_PATH)
    if not path.exists():
        return 0
    erased = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
            pk, when, reason = (
                int(entry["person"]),
                dt.datetime.fromisoformat(entry["erased_at"]),
                entry["reason"],
            )
        except (ValueError, KeyError, TypeError):
            continue
        person = Person.objects.filter(pk=pk, erased_at__isnull=True).first()
        if person is not None:
            erase_person(person, reason=reason, now=when, write_log=False)
            erased += 1
    return erased


def expired_people(today=None):
    """People whose personal data is past the retention period (a QuerySet).

    Retention: ``settings.PERSONAL_DATA_RETENTION_DAYS`` after the end of the last workshop they
    took part in (or, with no participation, after their record was created). Erased people are
    left out. ``today`` defaults to today in Africa/Casablanca.
    """
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    cutoff_time = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    return (
        Person.objects.filter(erased_at__isnull=True)
        .annotate(last_workshop=Max("participations__workshop__end_date"))
        .filter(Q(last_workshop__lt=cutoff) | Q(last_workshop__isnull=True, created_at__lt=cutoff_time))
    )


def anonymise_expired(today=None, user=None):
    """Erase everyone ``expired_people(today)`` returns (reason: retention). Returns the count."""
    count = 0
    for person in expired_people(today).iterator():
        erase_person(person, user=user, reason=ErasureRecord.Reason.RETENTION)
        count += 1
    return count


def person_data(person):
    """Everything the tracker holds on ``person``, as a JSON-ready dict ("right of access").

    Keys: ``person`` (every field), ``participations`` (workshop, dates, organisation, position,
    role, status, sessions attended), ``erasures``. Dates are ISO strings.
    """
    from workshops.models import Participation

    def value(field):
        raw = getattr(person, field.attname)
        return raw.isoformat() if hasattr(raw, "isoformat") else raw

    fields = {field.name: value(field) for field in Person._meta.concrete_fields}
    fields["organization"] = person.organization.name if person.organization else None
    fields["region"] = person.region.name_fr if person.region else None
    participations = []
    for participation in (
        Participation.objects.filter(person=person)
        .select_related("workshop", "organization")
        .prefetch_related("sessions")
        .order_by("workshop__start_date")
    ):
        participations.append(
            {
                "workshop": participation.workshop.title,
                "start_date": participation.workshop.start_date.isoformat(),
                "end_date": participation.workshop.end_date.isoformat(),
                "organization": participation.organization.name if participation.organization else None,
                "position": participation.position,
                "role": participation.role,
                "status": participation.status,
                "sessions_attended": [session.date.isoformat() for session in participation.sessions.all()],
            }
        )
    erasures = [
        {"erased_at": record.erased_at.isoformat(), "reason": record.reason}
        for record in person.erasures.all()
    ]
    return {"person": fields, "participations": participations, "erasures": erasures}

"""Personal data under Morocco's Law 09-08: erasure, retention, and "data held on this person".

Erasing a person anonymises their row instead of deleting it (and revokes their certificates of
participation, whose stored name is replaced), so that every count (participants,
women, regions, age bands, per-session attendance) stays the same: names, phone, e-mail, position,
city, consents are cleared; gender, age band, region of origin and organisation stay, as they no
longer point to anyone once the name and contacts are gone. The audit trail's entries about the
person, their participations and attendance marks lose their descriptions and recorded changes.

The name is also scrubbed wherever it was kept as text: the descriptions (``object_repr``) of
Django's admin log ("Recent actions") and of the audit trail, for the person, their participations
and attendance marks (whose descriptions start with the name), deleted ones included.

An erased person must stay erased: the record keeps keyed digests (HMAC-SHA256 with
``settings.ERASURE_HASH_KEY``, never the values) of their E.164 phone, lower-cased e-mail and name
key (``regions.names.digest_name_key``), and an import skips a sheet row whose phone or e-mail digest
matches (``ErasedPeople``). A name alone does not block, only warns: names are shared (two people
called Mohamed Alaoui), and blocking on it would drop a stranger from the counts. A user holding
``organizations.readmit_erased_person`` re-admits the person with a new consent (``readmit``),
which blanks the digests.

Each erasure is recorded twice: an ``ErasureRecord`` row (visible in the admin) and a line in the
append-only file ``settings.ERASURE_LOG_PATH`` (JSON lines ``{"person": id, "erased_at": iso,
"reason": "request|retention|other", "digests": {"phone": hex, "email": hex, "name": hex}}``;
a re-admission adds ``{"person": id, "readmitted_at": iso, "consent_date": "YYYY-MM-DD"}``),
kept outside the database and its backups, so that ``replay_erasures`` can erase again the people
that a restored, older backup brings back, and recreate the records it does not hold.
"""

import datetime as dt
import hmac
import json
import re
from functools import wraps
from pathlib import Path

import phonenumbers
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.cache import patch_cache_control

from organizations.models import ErasureRecord, Person
from regions.names import digest_name_key

ERASED_PREFIX = "erased-"
# What a scrubbed log entry says instead of the description that named the person.
SCRUBBED = "erased"
# Sheet values looked up per query (the database's limit on parameters).
LOOKUP_CHUNK = 500
# The ErasureRecord fields that keep an erased person's keyed digests.
DIGEST_FIELDS = ("phone_hash", "email_hash", "name_hash")
E164 = re.compile(r"\+[1-9][0-9]{6,14}")


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
    if person.erased_at is not None:
        return person.erasures.first()
    now = now or timezone.now()
    digests = identity_digests(person.phone, person.email, person.first_name, person.last_name)
    name = person.full_name
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
    person.participations.update(position="")
    scrub_certificates(person, now)
    scrub_traces(person, name)
    record = ErasureRecord.objects.create(
        person=person, person_ref=person.pk, erased_at=now, erased_by=user, reason=reason, **digests
    )
    if write_log:
        append_to_erasure_log(record)
    return record


def scrub_certificates(person, now):
    """Revoke the certificates of participation of ``person`` (at ``now``) and replace the name
    they keep as printed by ``erased_name``: the check page then finds none of them."""
    from django.apps import apps

    certificates = apps.get_model("attendance", "Certificate").objects.filter(participation__person=person)
    for certificate in certificates:
        certificate.facts = {**certificate.facts, "name": erased_name(person.pk)}
        certificate.revoked_at = certificate.revoked_at or now
        certificate.save(update_fields=["facts", "revoked_at"])


def scrub_traces(person, name=""):
    """Blank what the admin log and the audit trail keep about ``person``, their participations
    and attendance marks: descriptions, recorded changes, inline-change messages (the fact,
    time and author of each change stay). ``name``: the person's full name before erasure, to
    find the entries of participations and marks deleted since (their descriptions start with
    it). Returns the number of entries changed."""
    from workshops.models import Attendance, Participation

    participation_ids = list(person.participations.values_list("pk", flat=True))
    attendance_ids = list(
        Attendance.objects.filter(participation__in=participation_ids).values_list("pk", flat=True)
    )
    # How Participation.__str__ and Attendance.__str__ follow the person's name.
    targets = [
        (Person, [person.pk], None),
        (Participation, participation_ids, " @ "),
        (Attendance, attendance_ids, " – "),
    ]
    changed = 0
    for model, pks, separator in targets:
        content_type = ContentType.objects.get_for_model(model)
        about = Q(object_pk__in=[str(pk) for pk in pks])
        admin_about = Q(object_id__in=[str(pk) for pk in pks])
        if separator and name:
            about |= Q(object_repr__startswith=f"{name}{separator}")
            admin_about |= Q(object_repr__startswith=f"{name}{separator}")
        changed += LogEntry.objects.filter(about, content_type=content_type).update(
            object_repr=SCRUBBED, changes=None, changes_text="", serialized_data=None, additional_data=None
        )
        changed += AdminLogEntry.objects.filter(admin_about, content_type=content_type).update(
            object_repr=SCRUBBED, change_message=""
        )
    return changed


def keyed_digest(kind, value):
    """HMAC-SHA256 of ``value`` under ``settings.ERASURE_HASH_KEY``, as 64 hex characters, for
    ``kind`` ("phone", "email" or "name", mixed in so that equal strings of different kinds do
    not match); "" for a blank value."""
    if not value:
        return ""
    message = f"{kind}\0{value}".encode()
    return hmac.digest(settings.ERASURE_HASH_KEY.encode(), message, "sha256").hex()


def _e164(phone):
    """``phone`` in E.164 (Morocco the default region), or stripped as given if it is no number."""
    phone = (phone or "").strip()
    if E164.fullmatch(phone):
        return phone  # as stored and as imported: no need to parse (20,000 rows: 2 s saved)
    try:
        number = phonenumbers.parse(phone, "MA")
    except phonenumbers.NumberParseException:
        return phone
    if not phonenumbers.is_valid_number(number):
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def identity_digests(phone, email, first_name, last_name):
    """The ``ErasureRecord`` digest fields of a person: ``{"phone_hash", "email_hash",
    "name_hash"}`` from the E.164 phone, the lower-cased e-mail and
    ``regions.names.digest_name_key`` (the name key under the frozen fold the first digests were
    made with, so that they keep matching)."""
    return {
        "phone_hash": keyed_digest("phone", _e164(phone)),
        "email_hash": keyed_digest("email", (email or "").strip().lower()),
        "name_hash": keyed_digest("name", digest_name_key(first_name, last_name)),
    }


class ErasedPeople:
    """The erased people that some sheet rows may be, read in one query (per ``LOOKUP_CHUNK``
    values) from their digests; re-admitted people are not among them.

    ``digests``: the ``identity_digests`` of each row. ``match`` then answers per row.
    """

    def __init__(self, digests):
        lists = {field: sorted({d[field] for d in digests if d[field]}) for field in DIGEST_FIELDS}
        self.records = {}
        for start in range(0, max(len(values) for values in lists.values()), LOOKUP_CHUNK):
            condition = Q(pk__in=[])
            for field, values in lists.items():
                if values[start : start + LOOKUP_CHUNK]:
                    condition |= Q(**{f"{field}__in": values[start : start + LOOKUP_CHUNK]})
            for record in ErasureRecord.objects.filter(condition).order_by("erased_at"):
                for field in DIGEST_FIELDS:
                    if getattr(record, field):
                        self.records[(field, getattr(record, field))] = record

    def match(self, digests):
        """``(record, blocks)`` for a row's ``identity_digests``: the ErasureRecord of the erased
        person it may be, and True when a phone or e-mail matched (skip the row), False for the
        name alone (warn); ``(None, False)`` when nothing matched."""
        for field in DIGEST_FIELDS:
            record = self.records.get((field, digests[field])) if digests[field] else None
            if record is not None:
                return record, field != "name_hash"
        return None, False


def skip_erased(rows):
    """Split sheet rows (objects with ``phone``, ``email``, ``first_name``, ``last_name``) by
    ``ErasedPeople``, in one query: returns ``(kept, skipped, look_alikes)``: the rows to import,
    and ``[(row, ErasureRecord)]`` of the rows whose phone or e-mail is an erased person's (to
    skip) and of kept rows that only bear an erased person's name (to warn about)."""
    digests = [identity_digests(row.phone, row.email, row.first_name, row.last_name) for row in rows]
    erased = ErasedPeople(digests)
    kept, skipped, look_alikes = [], [], []
    for row, row_digests in zip(rows, digests, strict=True):
        record, blocks = erased.match(row_digests)
        if blocks:
            skipped.append((row, record))
            continue
        kept.append(row)
        if record is not None:
            look_alikes.append((row, record))
    return kept, skipped, look_alikes


def readmit(record, *, user=None, consent_date, now=None, write_log=True):
    """Re-admit the erased person of ``record``, who gave a new consent on ``consent_date``: the
    digests are blanked, so that an import creates them again. ``user``: who re-admitted
    (needs ``organizations.readmit_erased_person``; the caller checks). Every record of the same
    person is re-admitted. Returns the number of records changed."""
    now = now or timezone.now()
    changed = ErasureRecord.objects.filter(person_ref=record.person_ref, readmitted_at__isnull=True).update(
        phone_hash="",
        email_hash="",
        name_hash="",
        readmitted_at=now,
        readmitted_by=user,
        readmission_consent_date=consent_date,
    )
    if write_log:
        _append_line(
            {
                "person": record.person_ref,
                "readmitted_at": now.isoformat(),
                "consent_date": consent_date.isoformat(),
            }
        )
    return changed


def append_to_erasure_log(record):
    """Append one JSON line for ``record`` to ``settings.ERASURE_LOG_PATH`` (created if needed)."""
    _append_line(
        {
            "person": record.person_ref,
            "erased_at": record.erased_at.isoformat(),
            "reason": record.reason,
            "digests": {"phone": record.phone_hash, "email": record.email_hash, "name": record.name_hash},
        }
    )


def _append_line(entry):
    path = Path(settings.ERASURE_LOG_PATH)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")


def replay_erasures(path=None):
    """Replay the erasure log after restoring a backup older than some of its lines: erase again
    every listed person who is not erased, recreate the erasure records the backup lacks (with
    their digests, even for people the backup does not hold, so that an import still skips
    them), scrub the logs of people already erased, and apply re-admissions. Returns the
    number of people erased again. Lines that are not valid JSON are skipped.

    Raises FileNotFoundError when the log does not exist (``manage.py restore`` decides).
    """
    path = Path(path or settings.ERASURE_LOG_PATH)
    erased = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
            pk = int(entry["person"])
            if "readmitted_at" in entry:
                when = dt.datetime.fromisoformat(entry["readmitted_at"])
                consent = dt.date.fromisoformat(entry["consent_date"])
                readmit(ErasureRecord(person_ref=pk), consent_date=consent, now=when, write_log=False)
                continue
            when, reason = dt.datetime.fromisoformat(entry["erased_at"]), entry["reason"]
            digests = {f"{kind}_hash": str(value) for kind, value in entry.get("digests", {}).items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
        erased += _replay_erasure(pk, when, reason, digests)
    return erased


def _replay_erasure(pk, when, reason, digests):
    """Replay one erasure line; returns 1 when a person was erased again, else 0."""
    person = Person.objects.filter(pk=pk).first()
    if person is not None and person.erased_at is None:
        erase_person(person, reason=reason, now=when, write_log=False)
        return 1
    if person is not None:
        scrub_traces(person)
    if not ErasureRecord.objects.filter(person_ref=pk, erased_at=when).exists():
        ErasureRecord.objects.create(
            person=person,
            person_ref=pk,
            erased_at=when,
            reason=reason,
            **{field: value for field, value in digests.items() if field in DIGEST_FIELDS},
        )
    return 0


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


# Downloads of personal data ------------------------------------------------------------------

# Names and contacts leave the tracker only with both: seeing them and exporting.
EXPORT_PERSONAL_DATA_PERMISSIONS = ("organizations.view_personal_data", "workshops.export_attendance")


def can_export_personal_data(user):
    """The one rule for every download holding participants' names or contacts (attendance
    lists, pre-filled sign-in sheets, bulk exports, the data held on a person): the user holds
    both ``EXPORT_PERSONAL_DATA_PERMISSIONS``."""
    return user.has_perms(EXPORT_PERSONAL_DATA_PERMISSIONS)


def private_download(response):
    """Mark ``response`` (any HttpResponse, streamed or not) as never to be stored by a browser
    or proxy cache (``Cache-Control: no-store``). Returns it."""
    patch_cache_control(response, no_store=True, private=True, max_age=0)
    return response


def personal_data_download(view):
    """Decorate a view ``view(request, …)`` that returns personal data: 403
    (``PermissionDenied``) unless ``can_export_personal_data``, and the response kept out of
    every cache (``private_download``). For methods, wrap with ``method_decorator``."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not can_export_personal_data(request.user):
            raise PermissionDenied
        return private_download(view(request, *args, **kwargs))

    return checked


def mask_phone(phone):
    """``"+212600000901"`` → ``"+212 ••• •• 01"``: enough to tell two numbers apart, no more."""
    return f"{phone[:4]} ••• •• {phone[-2:]}" if phone else ""


def mask_email(email):
    """``"participant01@example.org"`` → ``"p•••@example.org"``."""
    if not email or "@" not in email:
        return ""
    local, domain = email.split("@", 1)
    return f"{local[:1]}•••@{domain}"

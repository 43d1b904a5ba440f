"""The rules of public registration: when a workshop takes registrations, and recording one.

A workshop takes registrations while staff keep it open (``Workshop.registration_open``), its
organiser has a CNDP declaration number, the closing time has not passed (``closes_at``) and a
place is left (``registration_capacity``; every participation that is not refused or cancelled
holds one, those awaiting approval included). ``register`` checks all of that and records the
person under a lock on the workshop's row, so that two people taking the last place at once do
not both get it.

Who is who, as an attendance import decides it (``attendance.people.saved_person``): the same
phone, else the same e-mail, is the same person, whose saved details are completed, never
overwritten (a phone or e-mail is never added to them: ``_record_person``), provided the name
typed can be theirs (``same_name``: spelling, order and script aside). A name that cannot is
someone else who typed a saved person's phone or e-mail (by mistake or on purpose): they are
recorded as a person of their own, without the contact that belongs to another, so that a
stranger cannot enrol a saved person, consent in their name or take their place and pass. A phone or
e-mail of an erased person (``organizations.privacy.skip_erased``)
records nothing: the person stays erased until staff re-admit them. The visitor is never told
that a phone or e-mail is known: a repeat registration for the same workshop, or one of an
erased person, answers as a new one would, with a code that is not saved (``Outcome.recorded``
False) and so opens nothing; the page says that only the first code received works. Showing the
saved code instead would hand anyone who types a participant's phone that person's pass.
"""

import datetime
from dataclasses import dataclass, replace

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz

from attendance.people import saved_person
from organizations.matching import is_generic
from organizations.models import Organization, Person
from organizations.privacy import skip_erased
from regions.names import collapse_spaces, fold
from regions.transliteration import translit_key
from registrations.models import Registration
from workshops.models import Participation, Workshop, new_pass_token

# Participations that do not hold a place.
PLACE_FREE_STATUSES = (Participation.Status.REFUSED, Participation.Status.CANCELLED)
# How alike (0-100, rapidfuzz) a typed name and a saved person's must be, once transliterated
# (``same_name``): "Aminah Ben Ali" is Amina Benali (92), "Mohamed El Alaoui" is محمد العلوي
# (100); "Omar Tazi" is not Ahmed Tazi (77), nor "Hicham Berrada" Hassan Berrada (71).
NAME_THRESHOLD = 80
# Fields of a saved person that a registration fills when they are blank.
COMPLETED_FIELDS = (
    "first_name",
    "last_name",
    "age_band",
    "position",
    "city",
    "commune",
    "region",
    "organization",
)


class RegistrationClosed(Exception):
    """Raised by ``register`` when the workshop takes no registration now; ``str()`` says why
    in the current language (closed, or no place left)."""


@dataclass
class Applicant:
    """What a visitor typed, cleaned: names as typed, ``gender`` a ``Person.Gender`` value,
    ``age_band`` a ``Person.AgeBand`` value or "", ``region`` a Region or None, ``commune`` a
    Commune or None and ``city`` its name or "", ``organization_name`` as typed, ``phone`` in
    E.164 or "", ``email`` lower-cased or "" (at least one of the two)."""

    first_name: str
    last_name: str
    gender: str
    age_band: str = ""
    region: object = None
    city: str = ""
    commune: object = None
    organization_name: str = ""
    position: str = ""
    phone: str = ""
    email: str = ""


@dataclass
class Outcome:
    """What the visitor is shown: ``pass_token`` (32 hex characters) and ``pending`` (staff
    must still approve). ``recorded`` is False when nothing was saved (a repeat, or an erased
    person's contact): for tests and logs, never for the page."""

    pass_token: str
    pending: bool
    recorded: bool


def closes_at(workshop):
    """When registration closes (an aware datetime): ``registration_closes_at``, else 23:59 on
    the workshop's first day in Africa/Casablanca (people may still register at the door)."""
    if workshop.registration_closes_at is not None:
        return workshop.registration_closes_at
    return timezone.make_aware(datetime.datetime.combine(workshop.start_date, datetime.time(23, 59)))


def places_taken(workshop):
    """Participations of ``workshop`` holding a place (all but refused and cancelled ones)."""
    return workshop.participations.exclude(status__in=PLACE_FREE_STATUSES).count()


def why_closed(workshop, now=None):
    """None when ``workshop`` takes registrations at ``now`` (default: now), else the reason
    in words (a lazy translated string): not open, closed since a date, or full."""
    now = now or timezone.now()
    if not workshop.registration_open or not workshop.organizer.cndp_declaration.strip():
        return _("This workshop does not take registrations.")
    if now >= closes_at(workshop):
        return _("Registration for this workshop is closed.")
    capacity = workshop.registration_capacity
    if capacity is not None and places_taken(workshop) >= capacity:
        return _("This workshop is full: every place is taken.")
    return None


def known_organization(name):
    """The saved organisation that ``name`` (as typed) obviously is: the same folded name, or a
    recorded other name (``OrganizationAlias``); None otherwise, and for a name that only says
    what kind of organisation it is ("Association", "جمعية")."""
    key = fold(name)
    if not key or is_generic(key):
        return None
    return Organization.objects.by_name_or_alias([key]).get(key)


def same_name(person, applicant):
    """Whether the name ``applicant`` typed can be the saved ``person``'s: their names'
    transliteration keys (``regions.transliteration.translit_key``: script, accents, articles
    and common spellings aside) alike by ``NAME_THRESHOLD``, word order aside or spaces aside
    ("Ben Ali" / "Benali"). A saved person with half a name (first or last missing) is the
    applicant when its words are among theirs; one with no name contradicts nothing."""
    saved = translit_key(f"{person.first_name} {person.last_name}")
    typed = translit_key(f"{applicant.first_name} {applicant.last_name}")
    if not saved:
        return True
    if not person.first_name.strip() or not person.last_name.strip():
        return set(saved.split()) <= set(typed.split())
    joined = fuzz.ratio(saved.replace(" ", ""), typed.replace(" ", ""))
    return max(fuzz.token_sort_ratio(saved, typed), joined) >= NAME_THRESHOLD


def _someone_else(applicant, matched_by):
    """``applicant`` without the phone or e-mail that belongs to a saved person of another name
    (``matched_by``: "phone" or "email"), nor an e-mail saved for anyone: they become a person
    of their own."""
    email_taken = applicant.email and Person.objects.filter(email=applicant.email).exists()
    return replace(
        applicant,
        phone="" if matched_by == "phone" else applicant.phone,
        email="" if matched_by == "email" or email_taken else applicant.email,
    )


@transaction.atomic
def register(workshop, applicant, *, language, consent_text, consent_version, now=None):
    """Record ``applicant`` (an ``Applicant``) for ``workshop`` through the public form.

    ``language``: the form's language code; ``consent_text`` and ``consent_version``: the text
    shown and agreed to (``registrations.consent``). Locks the workshop's row until the end of
    the transaction. Returns an ``Outcome``; raises ``RegistrationClosed`` when the workshop
    takes no registration (closed, full, not open). Nothing is saved on a refusal.
    """
    now = now or timezone.now()
    workshop = Workshop.objects.select_for_update().select_related("organizer").get(pk=workshop.pk)
    reason = why_closed(workshop, now)
    if reason is not None:
        raise RegistrationClosed(reason)
    pending = workshop.registration_needs_approval
    _kept, erased, _look_alikes = skip_erased([applicant])
    person, matched_by = saved_person(applicant.phone, applicant.email)
    if person is not None and not same_name(person, applicant):
        person, applicant = None, _someone_else(applicant, matched_by)
    if erased or (person is not None and workshop.participations.filter(person=person).exists()):
        return Outcome(pass_token=new_pass_token(), pending=pending, recorded=False)
    organization = known_organization(applicant.organization_name)
    person = _record_person(person, applicant, organization, now)
    participation = Participation.objects.create(
        workshop=workshop,
        person=person,
        organization=organization,
        position=applicant.position,
        role=Participation.Role.PARTICIPANT,
        status=Participation.Status.PENDING if pending else Participation.Status.REGISTERED,
    )
    Registration.objects.create(
        participation=participation,
        language=language,
        consent_text=consent_text,
        consent_version=consent_version,
        organization_name="" if organization else collapse_spaces(applicant.organization_name),
    )
    return Outcome(pass_token=participation.pass_token, pending=pending, recorded=True)


def _record_person(person, applicant, organization, now):
    """Create the person, or complete the saved one's blank fields, with the consent given today.

    A saved person's phone and e-mail are never added from the form: they are how imports,
    walk-ins and registrations find a person, and a visitor who typed someone's phone beside
    their own e-mail would otherwise become that person everywhere."""
    values = {
        "first_name": applicant.first_name,
        "last_name": applicant.last_name,
        "age_band": applicant.age_band,
        "position": applicant.position,
        "city": applicant.city,
        "commune": applicant.commune,
        "region": applicant.region,
        "organization": organization,
    }
    consent = {"consent_given": True, "consent_date": timezone.localdate(now)}
    if person is None:
        person = Person(
            gender=applicant.gender, phone=applicant.phone, email=applicant.email, **values, **consent
        )
        # The phone or e-mail saved meanwhile by another workshop's registration: refused by the
        # unique constraints, and the person then found by it.
        try:
            with transaction.atomic():
                person.save()
            return person
        except IntegrityError:
            person, _by = saved_person(applicant.phone, applicant.email)
    for name, value in values.items():
        if value and not getattr(person, name):
            setattr(person, name, value)
    if person.gender == Person.Gender.UNSPECIFIED:
        person.gender = applicant.gender
    for name, value in consent.items():
        setattr(person, name, value)
    person.save()
    return person


def decide(registrations, *, approve, user=None, now=None):
    """Approve (``approve`` True: "registered") or refuse ("refused") those of
    ``registrations`` (a Registration QuerySet) still awaiting approval, recording who and
    when. Returns the number decided; others are left as they are."""
    now = now or timezone.now()
    waiting = registrations.awaiting_approval()
    ids = list(waiting.values_list("participation_id", flat=True))
    status = Participation.Status.REGISTERED if approve else Participation.Status.REFUSED
    with transaction.atomic():
        Participation.objects.filter(pk__in=ids, status=Participation.Status.PENDING).update(status=status)
        Registration.objects.filter(participation_id__in=ids).update(decided_at=now, decided_by=user)
    return len(ids)

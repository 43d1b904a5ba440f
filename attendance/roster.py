"""The roster of one workshop: its participations with a tick per person and session, the
day's totals, and who is who when staff add a person (``attendance.roster_views`` shows it).

Rules kept here, not in the views:

- The totals count present people under the one counting rule (``Participation.objects.counted``:
  attended and counting toward totals); the number of marks is shown beside them.
- Search folds names (``regions.names.fold``: hamza, alif and ta marbuta forms, accents, case);
  a phone number is searched only for staff who may see contacts.
- A new person whose phone or e-mail is already saved is that person, as in the import
  (``attendance.people.saved_contacts``).

A roster of any size costs the same few queries (sessions, participations with their people,
marks); filters and search then run over the rows in memory.
"""

import re
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import transaction
from django.db.models import Q

from attendance.people import saved_contacts
from organizations.models import Person
from organizations.phones import normalise_phone, phone_search_term
from regions.names import fold
from regions.search import search_q
from workshops.models import Attendance, Participation

# The autocomplete proposes at most this many saved people.
SUGGESTIONS = 10
# A search term with at least this many digits is looked for in phone numbers.
PHONE_DIGITS = 4


@dataclass(frozen=True)
class RosterFilters:
    """What the staff member asked to see. ``q``: words of a name (folded) or a phone number;
    ``status``, ``role``, ``gender``: model values or ""; ``region``: a Region id or None;
    ``session``: a Session id (those present at it) or None."""

    q: str = ""
    status: str = ""
    role: str = ""
    gender: str = ""
    region: int | None = None
    session: int | None = None


@dataclass
class DayTotal:
    """One session's totals: ``marks`` (everyone ticked) and ``counted`` (ticked people whose
    participation counts under the counting rule)."""

    session: object
    marks: int = 0
    counted: int = 0


@dataclass
class RosterRow:
    """A participation and, in session order, ``(session, present)`` pairs."""

    participation: Participation
    ticks: list = field(default_factory=list)

    @property
    def days(self):
        """Sessions this participation is marked present at (int)."""
        return sum(1 for _session, present in self.ticks if present)


@dataclass
class Roster:
    """``sessions`` in order, ``rows`` (filtered ``RosterRow``), ``totals`` (``DayTotal`` per
    session, for the whole workshop whatever the filters) and ``size`` (all participations)."""

    sessions: list
    rows: list
    totals: list
    size: int


def is_counted(participation):
    """Whether ``participation`` counts under the counting rule (as ``ParticipationQuerySet.counted``)."""
    return participation.status == Participation.Status.ATTENDED and participation.counts_toward_totals


def build_roster(workshop, filters, contacts_visible):
    """The ``Roster`` of ``workshop`` seen with ``filters`` (``RosterFilters``); phones are
    searched only when ``contacts_visible``. Three queries, whatever the number of people."""
    sessions = list(workshop.sessions.order_by("position"))
    participations = list(
        workshop.participations.select_related("person", "person__region", "organization").order_by(
            "person__last_name", "person__first_name", "pk"
        )
    )
    marks = set(
        Attendance.objects.filter(session__workshop=workshop).values_list("participation_id", "session_id")
    )
    by_id = {p.pk: p for p in participations}
    totals = [DayTotal(session) for session in sessions]
    for total in totals:
        present = [by_id[pid] for pid, sid in marks if sid == total.session.pk and pid in by_id]
        total.marks = len(present)
        total.counted = sum(1 for p in present if is_counted(p))
    rows = [
        RosterRow(p, [(s, (p.pk, s.pk) in marks) for s in sessions])
        for p in participations
        if _matches(p, filters, contacts_visible, marks)
    ]
    return Roster(sessions, rows, totals, len(participations))


def _matches(participation, filters, contacts_visible, marks):
    """Whether one participation passes ``filters`` (``marks``: set of (participation, session))."""
    person = participation.person
    return (
        (not filters.status or participation.status == filters.status)
        and (not filters.role or participation.role == filters.role)
        and (not filters.gender or person.gender == filters.gender)
        and (filters.region is None or person.region_id == filters.region)
        and (filters.session is None or (participation.pk, filters.session) in marks)
        and (not filters.q or _found(person, filters.q, contacts_visible))
    )


def _found(person, q, contacts_visible):
    """Whether ``q`` finds ``person``: every folded word in the folded name, or (contacts
    visible) the number typed, whole or as a run of at least ``PHONE_DIGITS`` digits."""
    if contacts_visible and person.phone:
        whole = phone_search_term(q)
        digits = re.sub(r"\D", "", q)
        if whole == person.phone or (len(digits) >= PHONE_DIGITS and digits in person.phone):
            return True
    name = fold(f"{person.first_name} {person.last_name}")
    words = fold(q).split()
    return bool(words) and all(word in name for word in words)


def suggest_people(q, contacts_visible, limit=SUGGESTIONS):
    """Saved people (not erased) that ``q`` names, for the autocomplete: every word in the
    person's stored search keys (``regions.search``: folded letters and the transliteration key,
    so "Mohamed" finds "محمد"), or, when ``contacts_visible``, a whole phone number. A list of
    at most ``limit`` Person, region and organisation loaded."""
    if not q.split():
        return []
    people = Person.objects.filter(erased_at__isnull=True).select_related("region", "organization")
    term = search_q(q.split())
    phone = phone_search_term(q) if contacts_visible else None
    if phone:
        term |= Q(phone=phone)
    return list(people.filter(term).order_by("last_name", "first_name", "pk")[:limit])


def known_person(phone, email):
    """The saved person whose phone (first) or e-mail is ``phone`` / ``email`` (as typed; the
    phone is put in E.164 when valid), or None: the import's matching (``saved_contacts``)."""
    try:
        phone = normalise_phone(phone)
    except ValueError:
        phone = ""
    row = SimpleNamespace(phone=phone, email=(email or "").strip().lower())
    by_phone, by_email = saved_contacts([row])
    return by_phone.get(row.phone) or by_email.get(row.email)


@transaction.atomic
def enrol(workshop, person, sessions):
    """Make ``person`` a participant of ``workshop`` (kept as is when already one) and mark them
    present at ``sessions`` (of that workshop). Returns ``(participation, created)``."""
    participation, created = Participation.objects.get_or_create(
        workshop=workshop,
        person=person,
        defaults={"organization": person.organization, "position": person.position},
    )
    for session in sessions:
        Participation.objects.filter(pk=participation.pk).mark_present(session)
    participation.refresh_from_db()
    return participation, created


def set_presence(workshop, participation_ids, session, present):
    """Tick (``present``) or untick ``session`` for the participations of ``workshop`` among
    ``participation_ids``. Idempotent: the same tick twice is one mark, so two staff ticking the
    same cell converge. Returns the session's ``DayTotal`` afterwards (two queries)."""
    chosen = workshop.participations.filter(pk__in=participation_ids)
    if present:
        chosen.mark_present(session)
    else:
        chosen.mark_absent(session)
    return day_total(session)


def day_total(session):
    """The ``DayTotal`` of one session, counted in the database."""
    marks = Attendance.objects.filter(session=session)
    counted = marks.filter(participation__in=Participation.objects.counted())
    return DayTotal(session, marks.count(), counted.count())


@transaction.atomic
def save_grid(workshop, shown, ticked, sessions):
    """Save the grid posted without JavaScript: for the participations ``shown`` (ids), the marks
    at ``sessions`` become exactly ``ticked`` (a set of (participation id, session id)). Returns
    the number of marks added and removed."""
    shown = set(workshop.participations.filter(pk__in=shown).values_list("pk", flat=True))
    changes = 0
    for session in sessions:
        want = {pid for pid, sid in ticked if sid == session.pk and pid in shown}
        have = set(
            Attendance.objects.filter(session=session, participation__in=shown).values_list(
                "participation_id", flat=True
            )
        )
        if want - have:
            workshop.participations.filter(pk__in=want - have).mark_present(session)
        if (have & shown) - want:
            workshop.participations.filter(pk__in=(have & shown) - want).mark_absent(session)
        changes += len(want - have) + len((have & shown) - want)
    return changes

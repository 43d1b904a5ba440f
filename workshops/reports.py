"""Figures for public pages and attendance reports. Plain functions over querysets.

These are true counts: public pages get their counts of people through
``workshops.publication`` (the publication rule), never from here directly. Every public
figure is an aggregate over *counted* participations (``Participation.objects.counted()``:
status attended and counting toward totals) of *published, held* workshops. No function here
returns a person's name or contact to a public caller; ``attendance_table`` is the one function
that does, and it is used only by staff exports behind the ``workshops.export_attendance``
permission.
"""

import secrets
import time
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from config import pagecache
from organizations.models import Organization, Person
from regions.models import Commune, Region
from workshops.models import (
    Attendance,
    Commitment,
    MarginSum,
    Participation,
    ReachCount,
    Recommendation,
    RecommendationStatus,
    Workshop,
    WorkshopPartner,
    WorkshopPeople,
    WorkshopSender,
)


def share(part, whole):
    """Return ``part / whole`` as a percentage rounded to one decimal; None if ``whole`` is 0,
    or if either is None (a count hidden for publication: the share would give it back)."""
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


def public_participations():
    """Counted participations at published, held workshops (a QuerySet)."""
    return Participation.objects.in_published_workshops().counted()


def reach():
    """Distinct people reached: people with a counted participation at a published, held
    workshop, counted by region of origin and gender.

    Returns a dict ``{(region_id or None, gender value): count}``, combinations without anyone
    left out. Every public count of people (home headline and chart, map and regions list,
    region pages) is a sum over it: each person has one region and one gender, so the sums
    count everyone once. One query over tens of rows: ``ReachCount``, the summary table of the
    people reached (``Reached``, kept by ``workshops.summaries`` with these same rules) counted
    by region and gender as the same writes change it; shared through the cache (``cached``).
    """

    def compute():
        rows = ReachCount.objects.filter(people__gt=0).order_by().values_list("region", "gender", "people")
        return {(region_id or None, gender): n for region_id, gender, n in rows}

    return cached("reach", compute, localized=False, people=True)


def reach_totals(by, people=None, region=None):
    """``people`` (``reach()`` when not given) summed by ``"region"`` (``{region_id or None:
    count}``) or by ``"gender"`` (``{gender value: count}``), only people of ``region`` (a
    Region) when it is given."""
    position = {"region": 0, "gender": 1}[by]
    totals = Counter()
    for key, count in (reach() if people is None else people).items():
        if region is None or key[0] == region.pk:
            totals[key[position]] += count
    return dict(totals)


def status_counts(recommendations):
    """Count ``recommendations`` by status, in the scale's order.

    Returns a list of ``(value, label, count)`` tuples for every status, zeros included.
    One query.
    """
    counts = dict(recommendations.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in RecommendationStatus.choices]


def people_counts(participations):
    """Distinct people in ``participations`` by region of origin and gender: ``{(region_id or
    None, gender value): count}``, the shape of ``reach()``. One query."""
    rows = (
        participations.order_by()
        .values_list("person__region", "person__gender")
        .annotate(n=Count("person", distinct=True))
    )
    return {(region_id, gender): n for region_id, gender, n in rows}


def workshop_people(workshops):
    """``WorkshopPeople`` rows (the summary table of ``people_counts``) of the QuerySet
    ``workshops`` as ``(workshop_id, region_id or None, gender value, count)``."""
    return (
        WorkshopPeople.objects.filter(workshop__in=workshops)
        .order_by()
        .values_list("workshop", "region", "gender", "people")
    )


def people_by_workshop():
    """``people_counts`` of every published, held workshop: ``{workshop_id: {(region_id or None,
    gender value): count}}``, workshops without a counted participant left out. One query over
    the summary table ``WorkshopPeople``."""
    rows = workshop_people(Workshop.objects.published().held())
    result = defaultdict(dict)
    for workshop_id, region_id, gender, n in rows:
        result[workshop_id][(region_id, gender)] = n
    return dict(result)


def workshop_margin_sums():
    """The ``WorkshopMargin`` rows of every published, held workshop summed: ``(kind, region_id or
    None, gender or "", printed, minimum, people, rows)`` for each group. One query over tens of
    rows: ``MarginSum``, those sums kept by the writes that change the margins."""
    rows = (
        MarginSum.objects.filter(cells__gt=0)
        .order_by()
        .values_list("kind", "region", "gender", "printed", "minimum", "people", "cells")
    )
    return [(kind, region or None, *rest) for kind, region, *rest in rows]


def region_rows(counts):
    """``{region_id or None: count}`` as a list of ``(Region | None, count)`` in region-code
    order, None (people of unknown region) last. One query."""
    regions = Region.objects.in_bulk([pk for pk in counts if pk is not None])
    rows = sorted(
        ((regions[pk], n) for pk, n in counts.items() if pk is not None), key=lambda row: row[0].code
    )
    if counts.get(None):
        rows.append((None, counts[None]))
    return rows


@dataclass
class Headline:
    """Home-page figures. ``women_share`` is a percentage (one decimal) or None."""

    workshops_held: int
    participants: int
    women: int
    women_share: float | None
    organizations: int
    regions_reached: int
    recommendations: list = field(default_factory=list)


def headline(by_gender=None, per_year=None, people=None):
    """Compute the home page's headline figures over published, held workshops.

    ``participants`` counts distinct people (someone at three workshops counts once);
    ``organizations`` counts distinct organisations that organised, partnered or sent a counted
    participant; ``regions_reached`` counts regions that hosted, were targeted by, or sent
    participants to a workshop. ``by_gender``, ``per_year`` and ``people``
    (``participants_by_gender()``, ``workshops_per_year()`` and ``reach()``) are computed when
    not given. Six queries at most, whatever the data size (three when all are given).
    """
    people = reach() if people is None else people
    by_gender = participants_by_gender(people) if by_gender is None else by_gender
    per_year = workshops_per_year() if per_year is None else per_year
    participants = sum(count for _value, _label, count in by_gender)
    women = next(count for value, _label, count in by_gender if value == Person.Gender.FEMALE)
    organizations, hosting = cached("headline-activity", _headline_activity, localized=False, people=True)
    origins = {
        region_id for region_id, count in reach_totals("region", people).items() if count and region_id
    }
    return Headline(
        workshops_held=sum(count for _year, count in per_year),
        participants=participants,
        women=women,
        women_share=share(women, participants),
        organizations=organizations,
        regions_reached=len(hosting | origins),
        # The one figure of the headline that moves with progress (follow-ups).
        recommendations=public_recommendations_by_status(),
    )


def public_recommendations_by_status():
    """``status_counts()`` of the public recommendations, cached under the generations of
    progress and content only: a change of who attended, which makes the home page be built
    again, does not count them again. One query when computed."""
    return cached(
        "recommendations-by-status",
        lambda: status_counts(Recommendation.objects.public()),
        depends=(PROGRESS, CONTENT),
    )


def _headline_activity():
    """``(organisations, {region_id})`` of ``headline``: active organisations counted, and the
    regions that hosted or were targeted by a published, held workshop. Two UNION queries."""
    workshops = Workshop.objects.published().held().order_by()
    # One UNION count (UNION drops duplicates): the ids never travel to Python.
    organizations = (
        senders(workshops)
        .values_list("organization")
        .union(
            workshops.values_list("organizer"),
            WorkshopPartner.objects.filter(workshop__in=workshops).order_by().values_list("organization"),
        )
        .count()
    )
    hosting = (
        workshops.exclude(venue_region=None)
        .values_list("venue_region", flat=True)
        .union(
            Workshop.target_regions.through.objects.filter(workshop__in=workshops)
            .order_by()
            .values_list("region", flat=True)
        )
    )
    return organizations, set(hosting)


def workshop_figures(workshop):
    """True figures of one workshop (no personal data; ``publication.workshop_figures`` makes
    them public).

    Returns a dict: ``participants`` (int), ``women`` (int), ``women_share`` (percent or None),
    ``by_gender`` (list of (value, label, count)), ``by_region`` (list of (Region|None, count)),
    ``by_session`` (list of (Session, count) in session order), ``people``
    (``people_counts``, from the summary table ``WorkshopPeople``). Three queries.
    """
    people = {(r, g): n for _w, r, g, n in workshop_people(Workshop.objects.filter(pk=workshop.pk))}
    by_gender = participants_by_gender(people)
    total = sum(people.values())
    women = next(count for value, _label, count in by_gender if value == Person.Gender.FEMALE)
    # An aggregate makes a GROUP BY query, which ignores Meta.ordering: order explicitly.
    sessions = list(
        workshop.sessions.annotate(
            present=Count(
                "attendances",
                filter=Q(
                    attendances__participation__counts_toward_totals=True,
                    attendances__participation__status=Participation.Status.ATTENDED,
                ),
            )
        ).order_by("position")
    )
    return {
        "participants": total,
        "women": women,
        "women_share": share(women, total),
        "by_gender": by_gender,
        "by_region": region_rows(reach_totals("region", people)),
        "by_session": [(session, session.present) for session in sessions],
        "people": people,
    }


def region_figures(region, people=None):
    """True figures for a region page (``publication.region_figures`` makes them public).

    Returns a dict: ``workshops`` (QuerySet of published workshops held in or aimed at the
    region), ``participants`` (distinct counted people from the region at published held
    workshops), ``women`` (int), ``organizations`` (``active_organizations`` based in the region),
    ``recommendations`` (QuerySet of public recommendations whose target regions include it),
    ``committees`` (QuerySet of monitoring committees covering it). The three counts are
    cached (``cached``), from ``people`` (``reach()`` when not given); the QuerySets are not
    evaluated here.
    """

    def counts():
        by_gender = reach_totals("gender", people, region=region)
        return {
            "total": sum(by_gender.values()),
            "women": by_gender.get(Person.Gender.FEMALE, 0),
            "organizations": active_organizations_by_region().get(region.pk, 0),
        }

    totals = cached(f"region:{region.pk}", counts, localized=False, people=True)
    return {
        "workshops": Workshop.objects.published()
        .concerning(region)
        .select_related("venue_region", "organizer"),
        "participants": totals["total"],
        "women": totals["women"],
        "women_share": share(totals["women"], totals["total"]),
        "organizations": totals["organizations"],
        "recommendations": Recommendation.objects.public().concerning(region).select_related("workshop"),
        "committees": region.committees.public(),
        "commitments": Commitment.objects.public()
        .concerning(region)
        .with_progress()
        .order_by("due_date", "pk"),
    }


def senders(workshops):
    """The ``WorkshopSender`` rows (organisations that sent a counted participant) of the
    QuerySet ``workshops``, unordered."""
    return WorkshopSender.objects.filter(workshop__in=workshops).order_by()


def active_organizations():
    """Organisations that organised, partnered or sent a counted participant to a published,
    held workshop (a QuerySet). Organisations merely present in the database do not count."""
    workshops = Workshop.objects.published().held()
    return Organization.objects.filter(
        Q(pk__in=senders(workshops).values("organization"))
        | Q(pk__in=workshops.values("organizer"))
        | Q(pk__in=WorkshopPartner.objects.filter(workshop__in=workshops).values("organization"))
    )


def active_organizations_by_region():
    """``active_organizations()`` counted by the region they are based in: ``{region_id or None:
    count}``. One grouped query for every region; cached (``cached``)."""

    def compute():
        rows = active_organizations().order_by().values_list("region").annotate(n=Count("pk"))
        return dict(rows)

    return cached("organizations-by-region", compute, localized=False, people=True)


def regions_overview(people=None):
    """Per-region activity for the regions list: list of dicts in region-code order.

    Each dict: ``region``, ``workshops`` (published workshops held in or aimed at it),
    ``participants`` (distinct counted people from it, from ``people``: ``reach()`` when not
    given). Three queries for all 12 regions (two when ``people`` is given).
    (The workshops are counted in Python from distinct (workshop, region) pairs: a few
    thousand rows at a national scale.)
    """
    # Which workshops are published and where: content only.
    per_region = cached("workshops-by-region", _workshops_by_region, localized=False, content=True)
    participants = reach_totals("region", people)
    return [
        {
            "region": region,
            "workshops": per_region.get(region.pk, 0),
            "participants": participants.get(region.pk, 0),
        }
        for region in Region.objects.all()
    ]


def _workshops_by_region():
    """``Counter({region_id: published workshops held in or aimed at it})``. One query."""
    workshops = Workshop.objects.published().order_by()
    aimed = Workshop.target_regions.through.objects.filter(workshop__in=workshops).order_by()
    # (workshop, region) pairs, each once: held in it or aimed at it.
    # ``rewrite(False)``: django-modeltranslation's values_list would select the two columns in
    # another order than asked, which a UNION with the other pairs does not put right.
    pairs = (
        workshops.rewrite(False)
        .exclude(venue_region=None)
        .values_list("pk", "venue_region")
        .union(aimed.values_list("workshop", "region"))
    )
    return Counter(region_id for _pk, region_id in pairs)


# The attendance report's columns before the sessions: field name → header. The attendance
# import reads these same headers, in every language, as the fields they name
# (``attendance.vocabulary``), so an exported report imports back.
ATTENDANCE_COLUMNS = {
    "last_name": gettext_lazy("Last name"),
    "first_name": gettext_lazy("First name"),
    "gender": gettext_lazy("Gender"),
    "phone": gettext_lazy("Phone"),
    "email": gettext_lazy("E-mail"),
    "organization": gettext_lazy("Organisation"),
    "position": gettext_lazy("Position"),
    "region": gettext_lazy("Region"),
    "age_band": gettext_lazy("Age band"),
    "role": gettext_lazy("Role"),
    "counts": gettext_lazy("Counts toward totals"),
    "status": gettext_lazy("Status"),
}
# The last column: how many sessions each person attended (the import ignores it).
ATTENDED_COUNT_LABEL = gettext_lazy("Sessions attended")
# The values of the "Counts toward totals" column.
COUNTED_LABELS = {
    True: pgettext_lazy("counts toward totals", "yes"),
    False: pgettext_lazy("counts toward totals", "no"),
}
# The line that opens the summary below the people in the CSV report (the import stops there).
SUMMARY_LABEL = gettext_lazy("Summary")


def session_heading(session):
    """A session's column header: ``Day 2 (05/03/2021)``, or ``Day 2 – Opening (05/03/2021)``
    for a titled session (translated); the import matches it back by date and day number."""
    day = _("Day %(number)s") % {"number": session.position}
    title = f" – {session.title}" if session.title else ""
    return f"{day}{title} ({session.date:%d/%m/%Y})"


def attendance_table(workshop):
    """The staff attendance report of ``workshop``. PERSONAL DATA.

    Returns ``(header, rows, summary)``:

    - ``header``: list of column titles (translated): ``ATTENDANCE_COLUMNS`` (names, gender,
      contacts, organisation, position, region, age band, role, counted, status), one column
      per session (``session_heading``), sessions attended.
    - ``rows``: list of lists, one per participation (every status), labels translated,
      sessions marked with ``1`` where present and ``""`` where absent, the last cell the
      number attended.
    - ``summary``: list of rows for the summary sheet: people by gender x region (counted
      participations), then present per session.

    Four queries, whatever the number of participants.
    """
    sessions = list(workshop.sessions.all())
    participations = list(
        workshop.participations.select_related("person", "person__region", "organization").order_by(
            "person__last_name", "person__first_name", "pk"
        )
    )
    present = set(
        Attendance.objects.filter(session__workshop=workshop).values_list("participation_id", "session_id")
    )
    header = [
        *[str(label) for label in ATTENDANCE_COLUMNS.values()],
        *[session_heading(session) for session in sessions],
        str(ATTENDED_COUNT_LABEL),
    ]
    rows = []
    for p in participations:
        marks = [1 if (p.pk, s.pk) in present else "" for s in sessions]
        rows.append([*_participation_cells(p), *marks, sum(1 for m in marks if m)])
    summary = summary_table(workshop, participations, sessions, present)
    return header, rows, summary


def _participation_cells(p):
    """The cells of ``ATTENDANCE_COLUMNS`` for participation ``p`` (labels translated)."""
    return [
        p.person.last_name,
        p.person.first_name,
        str(p.person.get_gender_display()),
        p.person.phone,
        p.person.email,
        p.organization.name if p.organization else "",
        p.position,
        p.person.region.name if p.person.region else "",
        str(p.person.get_age_band_display()),
        str(p.get_role_display()),
        str(COUNTED_LABELS[bool(p.counts_toward_totals)]),
        str(p.get_status_display()),
    ]


def summary_table(workshop, participations, sessions, present):
    """Disaggregation rows for ``attendance_table``: gender x region, then per session.

    ``participations`` and ``sessions`` are lists already fetched, ``present`` a set of
    ``(participation_id, session_id)``. Returns a list of rows (lists of str/int).
    """
    counted = [
        p for p in participations if p.counts_toward_totals and p.status == Participation.Status.ATTENDED
    ]
    genders = Person.Gender.choices
    by_cell = Counter(
        (p.person.region.name if p.person.region else _("Unknown"), p.person.gender) for p in counted
    )
    region_names = list(
        OrderedDict.fromkeys(
            p.person.region.name if p.person.region else _("Unknown")
            for p in sorted(counted, key=lambda p: p.person.region.code if p.person.region else "99")
        )
    )
    rows = [[_("Region"), *[str(label) for _value, label in genders], _("Total")]]
    for name in region_names:
        cells = [by_cell[(name, value)] for value, _label in genders]
        rows.append([name, *cells, sum(cells)])
    totals = [sum(by_cell[(name, value)] for name in region_names) for value, _label in genders]
    rows.append([_("Total"), *totals, sum(totals)])
    rows.append([])
    rows.append([_("Session"), _("Date"), _("Present")])
    counted_ids = {p.pk for p in counted}
    for session in sessions:
        n = sum(1 for pid, sid in present if sid == session.pk and pid in counted_ids)
        rows.append([str(session), session.date.strftime("%d/%m/%Y"), n])
    return rows


def with_participant_counts(workshops):
    """Annotate each workshop of the QuerySet ``workshops`` with ``participants`` (int).

    ``participants`` is the number of counted participations (``ParticipationQuerySet.counted``:
    attended and counting toward totals), 0 when there are none, summed from the summary table
    ``WorkshopPeople``. A correlated subquery, so a list page stays one query however many rows
    it shows, and further filters or joins on ``workshops`` cannot inflate the count.
    """
    counted = (
        WorkshopPeople.objects.filter(workshop=OuterRef("pk"))
        .order_by()
        .values("workshop")
        .annotate(n=Sum("people"))
        .values("n")
    )
    return workshops.annotate(participants=Coalesce(Subquery(counted, output_field=IntegerField()), 0))


# Cached public figures --------------------------------------------------------------------------


# What a public figure may depend on: three kinds of change, each with a generation (a counter)
# of its own in the default cache. Progress: a follow-up, a status (``forget_progress``). People:
# who attended, their attendance, a counted person's region, gender or commune
# (``forget_attendance``). Content: the rest of what staff edit in the admin (workshops, their
# sessions and partners, recommendations, commitments, milestones, committees, organisations,
# places), after which ``forget_public_figures()`` moves every counter (a place's edit: all but
# people's, ``people=False``). A figure is kept under the generations of what it declares
# (``cached``), so it is computed again after a change of any of them, and only then.
PROGRESS = "progress"
PEOPLE = "people"
CONTENT = "content"
GENERATION = "public-figures:generation"  # progress
PEOPLE_GENERATION = "public-figures:people-generation"
CONTENT_GENERATION = "public-figures:content-generation"
_COUNTERS = {PROGRESS: GENERATION, PEOPLE: PEOPLE_GENERATION, CONTENT: CONTENT_GENERATION}


def cached(name, compute, localized=True, people=False, content=False, depends=None):
    """Return ``compute()``, kept in the default cache for ``PUBLIC_FIGURES_CACHE_SECONDS``
    under ``name`` and, when ``localized`` (the value holds translated labels), the active
    language; computed on every call when that setting is 0.

    A trade-off: at a national scale the home page's live counts (distinct people over half
    a million participations) take longer than a page may, so the figures may lag behind the
    data by up to that many seconds, or until the change is forgotten (``forget_progress``,
    ``forget_attendance``, ``forget_public_figures``), which every staff change does.

    One computation at a time (``compute_once``): when several requests miss the same figure
    together, one computes it and the others wait for its result.

    ``depends``: what the figure shows, a tuple of ``PROGRESS``, ``PEOPLE`` and ``CONTENT``
    (all three when not given: a figure that declares nothing is computed again after any
    change). Its key holds the generation of each, so it outlives the other kinds of change:
    the tracker (progress and content) outlives a change of who attended, the counts of people
    (people: the admin's edits of content move that generation too) outlive a follow-up.
    ``people=True`` is short for ``depends=(PEOPLE,)``, ``content=True`` for
    ``depends=(CONTENT,)``. A figure that declared less than it shows would stay stale:
    ``tests/workshops/test_figure_dependencies.py`` changes each kind of data under each.
    """
    seconds = settings.PUBLIC_FIGURES_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    if depends is None:
        depends = (CONTENT,) if content else (PEOPLE,) if people else (PROGRESS, PEOPLE, CONTENT)
    kinds = sorted(set(depends))
    counters = [_COUNTERS[kind] for kind in kinds]
    found = cache.get_many(counters)
    generation = ".".join(str(found[c] if c in found else current_generation(c)) for c in counters)
    key = f"public-figures:{'+'.join(kinds)}:{generation}:{name}"
    return compute_once(key + (f":{get_language()}" if localized else ""), compute, seconds)


_MISSING = object()


def compute_once(key, compute, seconds):
    """``cache[key]``, else ``compute()`` stored there for ``seconds``, computed by one caller at
    a time across every worker and server sharing the cache: the first takes a lock
    (``cache.add``, atomic in every backend) and the others poll the cache every 50 ms for up to
    ``PUBLIC_FIGURES_LOCK_SECONDS``, then compute it themselves (a computation that died)."""
    value = cache.get(key, _MISSING)
    if value is not _MISSING:
        return value
    lock = f"{key}:computing"
    wait = settings.PUBLIC_FIGURES_LOCK_SECONDS
    if cache.add(lock, 1, wait):
        try:
            value = compute()
            cache.set(key, value, seconds)
        finally:
            cache.delete(lock)
        return value
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        time.sleep(0.05)
        value = cache.get(key, _MISSING)
        if value is not _MISSING:
            return value
    return compute()


def forget_public_figures(workshop=None, *, people=True):
    """Make the cached public figures be computed again on their next use, and forget the
    cached public pages that show the change (``config.pagecache``).

    ``workshop``: the workshop whose data changed: its page, the region pages, home, the lists
    and the tracker are forgotten; the pages of the other workshops stay cached. The region
    pages go together, not only the workshop's regions: a participant counts in the region they
    come from, and small counts are hidden with complementary cells across regions. ``people``
    (the default: a change of any kind, who attended included): every commune page goes too, since a
    participant counts in the commune they come from; with ``people=False`` (a follow-up, a
    recommendation) only the pages of the communes the workshop is held in or aimed at and
    those its commitments concern (``concerned_commune_slugs``). Without ``workshop``, every
    public page is forgotten.

    Figures (``cached``): every generation moves, but with ``people=False`` the figures about
    people are kept (a place's edit without a workshop; with one, only the figures of progress
    move, as a follow-up's). A change of who attended alone is ``forget_attendance``'s, a
    change of progress alone ``forget_progress``'s: both forget less.

    Done at once and again when the current transaction commits: a page rendered meanwhile by
    another request, from the data as it was before this change, is not kept.
    """
    if workshop is None:
        scopes = [pagecache.SITE]
    else:
        scopes = [pagecache.workshop_scope(workshop.slug), pagecache.REGIONS, pagecache.LISTS]
        if people:
            scopes.append(pagecache.COMMUNES)
        else:
            scopes += [pagecache.commune_scope(slug) for slug in concerned_commune_slugs(workshop)]
    # Progress always; people and content unless ``people=False``, content anyway without a
    # workshop (a place renamed).
    counters = [GENERATION, PEOPLE_GENERATION, CONTENT_GENERATION] if people else [GENERATION]
    if workshop is None and not people:
        counters.append(CONTENT_GENERATION)
    _forget_figures(counters)
    transaction.on_commit(lambda: _forget_figures(counters))
    pagecache.forget_pages_now_and_on_commit(*scopes)


def forget_progress(workshop, regions=(), communes=(), overview=False, home=False):
    """Forget what a change of progress (a follow-up, a recommendation's or a commitment's
    status) of ``workshop`` changes on public pages, and only that (the decision is
    ``workshops.invalidation``'s): the figures that show progress (``GENERATION``; the others
    stay), the workshop's page, the pages of progress (tracker, lists and pages of
    recommendations and commitments, committees, feeds, open data), the pages of the regions
    and communes whose slugs are in ``regions`` and ``communes``, the home page and the regions
    list when ``overview`` (their map of open commitments changed), the home page when ``home``
    (its recommendations by status changed). Done at once and again when the current
    transaction commits."""
    scopes = [pagecache.workshop_scope(workshop.slug), pagecache.PROGRESS]
    scopes += [pagecache.region_scope(slug) for slug in regions]
    scopes += [pagecache.commune_scope(slug) for slug in communes]
    if overview:
        scopes.append(pagecache.OVERVIEW)
    if home:
        scopes.append(pagecache.HOME)
    _forget_figures([GENERATION])
    transaction.on_commit(lambda: _forget_figures([GENERATION]))
    pagecache.forget_pages_now_and_on_commit(*scopes)


def forget_attendance(*workshops):
    """Forget what a change of who attended ``workshops`` changes on public pages, and only that:
    the figures about people (``PEOPLE_GENERATION``; those of progress, the tracker's among
    them, stay) and the pages that show counts of people (``config.pagecache.PEOPLE_SCOPES``:
    home, the workshops list, the regions list, region, province and commune pages, communes'
    open data and feeds), with the pages of ``workshops``; without any (a person's region,
    gender or commune corrected: every workshop they attended counts them), every workshop's
    page.
    The tracker and the other pages of progress stay cached: none shows a count of people.

    For a participation added, cancelled or counted differently, an attendance mark, a roster,
    a check-in, an attendance import (the admin's edits of a workshop itself still forget every
    page: ``forget_public_figures()``). Done at once and again when the current transaction
    commits."""
    scopes = list(pagecache.PEOPLE_SCOPES)
    scopes += [pagecache.workshop_scope(w.slug) for w in workshops] if workshops else [pagecache.WORKSHOPS]
    _forget_figures([PEOPLE_GENERATION])
    transaction.on_commit(lambda: _forget_figures([PEOPLE_GENERATION]))
    pagecache.forget_pages_now_and_on_commit(*scopes)


def concerned_commune_slugs(workshop):
    """Slugs of the communes whose public page shows ``workshop`` or its commitments: the
    commune of its venue, those it is aimed at and those its commitments concern. One query."""
    aimed = Workshop.target_communes.through.objects.filter(workshop=workshop).values("commune")
    concerned = Commitment.target_communes.through.objects.filter(
        commitment__recommendation__workshop=workshop
    ).values("commune")
    return list(
        Commune.objects.filter(Q(pk=workshop.venue_commune_id) | Q(pk__in=aimed) | Q(pk__in=concerned))
        .order_by()
        .values_list("slug", flat=True)
    )


def current_generation(counter):
    """The generation (an int) kept under ``counter`` (``GENERATION``, ``PEOPLE_GENERATION``,
    ``CONTENT_GENERATION``). One that is missing (never set, or evicted: the file cache culls
    entries beyond its ``MAX_ENTRIES``) starts again from a random value, never from an old
    one, so that figures kept under an earlier generation cannot come back as current."""
    value = cache.get(counter)
    if value is None:
        cache.add(counter, secrets.randbits(48), None)
        value = cache.get(counter)
    return value


def _forget_figures(counters):
    for counter in counters:
        try:
            cache.incr(counter)
        except ValueError:
            current_generation(counter)  # evicted meanwhile: a new random start is a change too


# Map and charts of the public pages -----------------------------------------------------------


def region_measures(people=None):
    """Per-region figures for the map of the home and regions pages (``regions.maps``).

    Returns ``regions_overview()``'s rows (dicts in region-code order with ``region``,
    ``workshops``, ``participants``), each with two more keys:

    - ``per_100k``: participants per 100,000 inhabitants (float, two decimals; legal
      population of the RGPH 2024 census, ``Region.population_2024``);
    - ``open_commitments``: public commitments aimed at the region that are neither complete
      nor withdrawn.

    Four queries for all 12 regions (three when ``people``, ``reach()``, is given).
    """
    open_counts = open_commitments_by_region()
    rows = regions_overview(people)
    for row in rows:
        population = row["region"].population_2024
        row["per_100k"] = round(row["participants"] * 100_000 / population, 2) if population else 0.0
        row["open_commitments"] = open_counts.get(row["region"].pk, 0)
    return rows


def open_commitments_by_region():
    """``{region_id: count}`` of the public commitments aimed at each region that are neither
    complete nor withdrawn. Cached under the generations of progress and content only (a
    change of who attended, which makes the home page and the regions list be built again,
    does not count them again: 20-50 ms at national scale). One query when computed."""

    def compute():
        open_commitments = Commitment.objects.public().exclude(status__in=RecommendationStatus.closed())
        return dict(
            Commitment.target_regions.through.objects.filter(commitment__in=open_commitments)
            .order_by()
            .values_list("region")
            .annotate(n=Count("commitment", distinct=True))
        )

    return cached("open-commitments-by-region", compute, localized=False, depends=(PROGRESS, CONTENT))


def participants_by_gender(people=None):
    """Distinct people at published, held workshops by gender: list of ``(value, label, count)``
    in ``Person.Gender`` order, zeros included. Sums of ``people`` (``reach()`` when not given:
    one query)."""
    totals = reach_totals("gender", people)
    return [(value, label, totals.get(value, 0)) for value, label in Person.Gender.choices]


def workshops_per_year():
    """Published workshops held, by the year they started: list of ``(year, count)`` from the
    first year to the last, years without a workshop included (count 0); ``[]`` when there is
    none. One query."""
    counts = cached("workshops-per-year", _workshops_per_year, localized=False, content=True)
    if not counts:
        return []
    return [(year, counts.get(year, 0)) for year in range(min(counts), max(counts) + 1)]


def _workshops_per_year():
    return dict(
        Workshop.objects.published().held().order_by().values_list("start_date__year").annotate(n=Count("pk"))
    )

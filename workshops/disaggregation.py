"""Figures across workshops, for donors: who was reached, by gender, age, region and kind of
organisation, and how many came to enough days.

Entry point: ``build_report(scope, completion_percent=66)``. A ``Scope`` selects held workshops
by project, funder, region (held in or aimed at it) and period (start date within it). Counted
participations only (``ParticipationQuerySet.counted``: attended and counting toward totals).
No names or contacts: counts only. With ``public=True`` every count of people goes through the
publication rule (``workshops.publication``: the report is one table of linked cells, small
counts hidden and whatever would give them back); staff see true values.

Definitions
    unique participants: distinct people (someone at three workshops counts once);
    participations: person-workshop pairs; participant-days: distinct (participation, session
    date) pairs with a presence mark; women's share: women / unique participants, percent;
    by age band, region of origin, gender: distinct people; by organisation kind: distinct
    people per kind of the organisation they came for (someone who came for two kinds of
    organisation counts in both, so that table may add up to more than the unique count);
    workshops per region: held workshops by the region of their venue; completion: per
    workshop with M sessions, participations present at at least N of them
    (``workshops.completion``: 2 of 3 with the default 66 %).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from organizations.models import Organization, Person
from regions.models import Region
from workshops import publication
from workshops.completion import DEFAULT_COMPLETION_PERCENT, sessions_required
from workshops.kept_counts import kept_counts
from workshops.models import Attendance, Participation, Project, Session, Workshop, WorkshopPartner
from workshops.reports import share


@dataclass
class Scope:
    """Which workshops a report covers; every part optional (None: no restriction).

    ``project`` (Project), ``funder`` (Organization: a funder partner of the workshop or of
    its project), ``region`` (Region: held in or aimed at), ``start``/``end`` (dates: the
    workshop's start date, both included).
    """

    project: object = None
    funder: object = None
    region: object = None
    start: object = None
    end: object = None

    def workshops(self):
        """The held workshops in scope (a QuerySet)."""
        workshops = Workshop.objects.held()
        if self.project is not None:
            workshops = workshops.filter(project=self.project)
        if self.funder is not None:
            partner = WorkshopPartner.objects.filter(
                organization=self.funder, role=WorkshopPartner.Role.FUNDER
            ).values("workshop_id")
            funded = Project.objects.filter(funders=self.funder).values("pk")
            workshops = workshops.filter(Q(pk__in=partner) | Q(project__in=funded))
        if self.region is not None:
            workshops = workshops.concerning(self.region)
        if self.start is not None:
            workshops = workshops.filter(start_date__gte=self.start)
        if self.end is not None:
            workshops = workshops.filter(start_date__lte=self.end)
        return workshops

    def key(self):
        """The scope as a short string naming each restriction (a cache key's part)."""
        parts = [self.project, self.funder, self.region, self.start, self.end]
        return ",".join("" if part is None else str(getattr(part, "pk", part)) for part in parts)

    def describe(self):
        """The scope in words, for titles and the export log (translated)."""
        parts = []
        if self.project is not None:
            parts.append(_("Project: %(name)s") % {"name": self.project})
        if self.funder is not None:
            parts.append(_("Funder: %(name)s") % {"name": self.funder})
        if self.region is not None:
            parts.append(_("Region: %(name)s") % {"name": self.region})
        if self.start is not None:
            parts.append(_("From: %(date)s") % {"date": self.start.isoformat()})
        if self.end is not None:
            parts.append(_("To: %(date)s") % {"date": self.end.isoformat()})
        return " · ".join(parts) or _("All held workshops")


@dataclass
class Breakdown:
    """One table: ``title``, ``label_header`` (first column), ``rows`` [(label, count)],
    ``total`` (int or None), ``note`` (how to read it, or ""), ``keys`` (what each row counts:
    a gender or age band value, a region id, an organisation kind; None for "unknown"),
    ``count_header`` (what the counts count, for the spreadsheet's second column: "People" when
    empty)."""

    title: str
    label_header: str
    rows: list
    total: int | None = None
    note: str = ""
    keys: list = field(default_factory=list)
    count_header: str = ""


@dataclass
class CompletionRow:
    """One workshop's line of the completion table. ``workshop`` (the Workshop) is loaded only
    for the rows shown (``with_workshops``): at a national scale there are thousands."""

    workshop_id: int
    start_date: object
    sessions: int
    required: int
    participants: int
    completed: int | None
    workshop: Workshop | None = None

    @property
    def share(self):
        return share(self.completed, self.participants) if self.completed is not None else None


@dataclass
class Report:
    """Cross-workshop figures; see the module docstring for definitions. With ``public``,
    counts under the small-cell minimum are None. ``counted_at``: when the counts were taken
    (an aware datetime; they may come from the cache, ``scope_figures``); ``stale``: changes
    may have come since, and the counts are being taken again (``build_report(stale_ok=True)``)."""

    scope: Scope
    public: bool
    completion_percent: int
    workshops: int = 0
    counted_at: object = None
    stale: bool = False
    unique_participants: int | None = 0
    participations: int | None = 0
    participant_days: int | None = 0
    women: int | None = 0
    women_share: float | None = None
    breakdowns: list = field(default_factory=list)
    completion: list = field(default_factory=list)

    def headline_rows(self):
        """``[(label, value)]`` of the headline figures (a share that cannot be computed or
        is hidden is "–")."""
        return [
            (_("Workshops held"), self.workshops),
            (_("Unique participants"), self.unique_participants),
            (_("Participations (a person at a workshop)"), self.participations),
            (_("Participant-days"), self.participant_days),
            (_("Women"), self.women),
            (_("Women's share (%)"), "–" if self.women_share is None else self.women_share),
        ]

    def headline_cells(self):
        """``headline_rows`` as spreadsheet cells: a hidden count says so."""
        return [(label, _cell(value)) for label, value in self.headline_rows()]


def _breakdown(title, label_header, counter, labels, note="", count_header=""):
    """Rows for every label in ``labels`` (``[(key, label)]``, zeros kept) then the keys of
    ``counter`` not in ``labels``, and their total."""
    keys = [key for key, _label in labels]
    keys += [key for key in counter if key not in keys]
    rows = [(str(label), counter.get(key, 0)) for key, label in labels]
    rows += [(str(key), counter[key]) for key in keys[len(labels) :]]
    total = sum(count for _label, count in rows)
    return Breakdown(title, label_header, rows, total, note, keys, count_header=count_header)


def _publish(report, people):
    """Hide what the public may not see in ``report`` (in place), as one table
    (``publication.Table``). ``people``: ``_people_profiles``.

    The unique participants by gender and region are ``publication.add_people``'s cells, as on
    the public pages (so a scope that is one workshop, or the whole country, reads the same as
    its pages; people of unknown region are never printed); the age bands share out the same
    total; the organisation kinds have their own (someone may count in two). The participants
    of each workshop are hidden only when small, as on the workshop's page, and add up to the
    participations. Participant-days and each workshop's completers stand alone."""
    table = publication.Table({})
    unique = publication.add_people(table, _region_gender(people))
    table.add("days", report.participant_days)
    gender, age, region, kind = report.breakdowns[:4]
    cells = {
        0: [("gender", key) for key in gender.keys],
        1: _own_cells(table, "age", age),
        2: [("region", key) for key in region.keys],
        3: _own_cells(table, "kind", kind),
    }
    table.relate(unique, cells[1])
    table.relate(table.add("kinds", kind.total, publication.SUBTOTAL), cells[3])
    each = [table.add(("participants", i), row.participants) for i, row in enumerate(report.completion)]
    table.fixed.update(each)
    table.relate(table.add("participations", report.participations, publication.TOTAL), each)
    for i, row in enumerate(report.completion):
        table.add(("completed", i), row.completed or 0)
    shown = table.protect()
    report.unique_participants, report.participations = shown[unique], shown["participations"]
    report.participant_days = shown["days"]
    for index, breakdown in enumerate(report.breakdowns[:4]):
        # A region nobody came from is not in the table: a published zero.
        breakdown.rows = [
            (label, shown.get(cell, 0))
            for cell, (label, _n) in zip(cells[index], breakdown.rows, strict=True)
        ]
        breakdown.total = shown["kinds" if index == 3 else unique]
    report.women = shown[("gender", Person.Gender.FEMALE)]
    report.women_share = share(report.women, report.unique_participants)
    for i, row in enumerate(report.completion):
        row.participants = shown[("participants", i)]
        row.completed = None if row.completed is None else shown[("completed", i)]


def _own_cells(table, name, breakdown):
    """Add a cell ``(name, key)`` to ``table`` for each row of ``breakdown``; returns the keys."""
    return [
        table.add((name, key), count, publication.MARGIN)
        for key, (_label, count) in zip(breakdown.keys, breakdown.rows, strict=True)
    ]


def build_report(scope, completion_percent=DEFAULT_COMPLETION_PERCENT, public=False, stale_ok=False):
    """Compute the cross-workshop report of ``scope`` (a Scope); returns a ``Report``.

    ``completion_percent`` (1-100): share of a workshop's sessions a participant must attend
    to have completed it. ``public``: hide small cells. ``stale_ok`` (the staff page): after a
    change, take the counts kept from before it, marked ``stale``, rather than wait while they
    are taken again in the background (``scope_figures``); the XLSX export leaves it off, so a
    donor's file always holds current counts. Every count is aggregated by the
    database (``scope_figures``, cached): Python receives grouped rows (at most one per
    workshop and number of sessions attended), never the participations, so time and memory do
    not follow the number of people. Seven queries at most whatever the data size (six when
    no workshop has two sessions on one day), two when the scope's counts are cached.
    """
    workshops = list(
        scope.workshops().order_by("start_date", "pk").values_list("pk", "start_date", "venue_region")
    )
    kept = scope_figures(scope, stale_ok=stale_ok)
    figures = kept.value
    report = Report(
        scope,
        public,
        completion_percent,
        workshops=len(workshops),
        counted_at=kept.counted_at,
        stale=kept.stale,
    )
    people = figures.people
    report.unique_participants = sum(people.values())
    report.participant_days = figures.days
    genders = _sum_by(people, 0)
    report.women = genders.get(Person.Gender.FEMALE, 0)
    report.women_share = share(report.women, report.unique_participants)
    report.breakdowns = _breakdowns(genders, people, figures.kinds, workshops)
    report.completion = _completion(workshops, figures, completion_percent)
    report.participations = sum(row.participants for row in report.completion)
    if public:
        _publish(report, people)
    return report


@dataclass
class ScopeFigures:
    """The grouped counts a report is made of (``scope_figures``): ``people`` (``{(gender, age
    band, region id or None): distinct people}``), ``kinds`` (``{organisation kind or None:
    distinct people}``), ``sessions`` (``{workshop id: sessions}``), ``groups`` (``[(workshop
    id, marks, participations)]``: counted participations by how many sessions they were
    present at), ``days`` (participant-days) and ``counted_at`` (an aware datetime)."""

    people: dict
    kinds: dict
    sessions: dict
    groups: list
    days: int
    counted_at: object


def scope_figures(scope, stale_ok=False):
    """The ``ScopeFigures`` of ``scope`` in a ``kept_counts.Kept``, counted once and kept in
    the cache (``workshops.kept_counts``): current while the generation of the figures that
    count people stays the same (any change to participations or attendance made through the
    staff pages moves it; other changes show within ``PUBLIC_FIGURES_CACHE_SECONDS``). When
    several staff ask at once, one counts and the others wait for its result; with
    ``stale_ok``, nobody waits: the counts kept from before the change come back marked stale
    while one recount runs in the background. Five queries at most when counted, none
    otherwise."""
    return kept_counts(f"report:{scope.key()}", lambda: _count(scope), stale_ok=stale_ok)


def _count(scope):
    """``ScopeFigures`` of ``scope`` from the database: four passes at most over the scope's
    participations (people, kinds, marks; participant-days only for workshops with two
    sessions on one day) and one over its sessions."""
    counted = Participation.objects.counted().filter(workshop__in=scope.workshops()).order_by()
    sessions = {
        workshop: (n, dates)
        for workshop, n, dates in Session.objects.filter(workshop__in=scope.workshops())
        .order_by()
        .values_list("workshop")
        .annotate(n=Count("pk"), dates=Count("date", distinct=True))
    }
    groups = _mark_groups(counted)
    # A mark is one session of the participation's own workshop (``Attendance.clean``): where
    # the workshop's sessions all fall on different days, its participant-days are its marks.
    shared = {workshop for workshop, (n, dates) in sessions.items() if dates < n}
    days = sum(marks * n for workshop, marks, n in groups if workshop not in shared)
    if shared:
        days += _participant_days(counted.filter(workshop__in=shared))
    return ScopeFigures(
        people=_people_profiles(counted),
        kinds=dict(counted.values_list("organization__kind").annotate(n=Count("person", distinct=True))),
        sessions={workshop: n for workshop, (n, _dates) in sessions.items()},
        groups=groups,
        days=days,
        counted_at=timezone.now(),
    )


def _participant_days(counted):
    """Distinct (participation, session date) pairs with a mark, of ``counted`` (a QuerySet)."""
    return (
        Attendance.objects.filter(participation__in=counted)
        .values("participation", "session__date")
        .distinct()
        .count()
    )


def _mark_groups(counted):
    """``[(workshop id, marks, participations)]``: the participations ``counted`` (a QuerySet)
    grouped by workshop and number of presence marks. One query, in the form each database
    runs fastest at a national scale: PostgreSQL joins the marks and groups twice (a
    correlated count took 2 s there), SQLite counts each participation's marks from the marks'
    index (a join and a double grouping took twice as long there)."""
    if connection.vendor == "postgresql":
        per_participation = counted.values("workshop", "pk").annotate(marks=Count("attendances"))
        sql, params = per_participation.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT p.workshop, p.marks, COUNT(*) FROM ({sql}) AS p GROUP BY p.workshop, p.marks",  # noqa: S608
                params,
            )
            return cursor.fetchall()
    marks = (
        Attendance.objects.filter(participation=OuterRef("pk"))
        .order_by()
        .values("participation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    groups = (
        counted.annotate(marks=Coalesce(Subquery(marks, output_field=IntegerField()), 0))
        .values_list("workshop", "marks")
        .annotate(n=Count("pk"))
    )
    return list(groups)


def _people_profiles(counted):
    """Distinct people of the ``counted`` participations by profile: ``{(gender, age band,
    region id or None): count}``. One query, a semi-join (each person once, however many
    workshops), as ``reports.reach`` does."""
    rows = (
        Person.objects.filter(pk__in=counted.values("person"))
        .order_by()
        .values_list("gender", "age_band", "region")
        .annotate(n=Count("pk"))
    )
    return {(gender, age, region): n for gender, age, region, n in rows}


def _sum_by(profiles, position):
    """``profiles`` (``_people_profiles``) summed by one part of the profile: 0 gender, 1 age
    band, 2 region id. Returns a Counter."""
    totals = Counter()
    for key, count in profiles.items():
        totals[key[position]] += count
    return totals


def _breakdowns(genders, people, kinds, workshops):
    """The report's tables: people by gender (``genders``, a Counter), age band and region of
    origin (``people``: ``_people_profiles``), by kind of organisation (``kinds``: ``{kind or
    None: distinct people}``) and ``workshops`` (``[(id, start date, venue region id)]``) by
    the region of their venue."""
    regions = list(Region.objects.all())
    region_labels = [(r.pk, r.name) for r in regions] + [(None, _("Unknown"))]
    return [
        _breakdown(_("Gender"), _("Gender"), genders, list(Person.Gender.choices)),
        _breakdown(
            _("Age band"),
            _("Age band"),
            _sum_by(people, 1),
            [*Person.AgeBand.choices, ("", _("not stated"))],
        ),
        _breakdown(
            _("Region of origin"),
            _("Region"),
            _sum_by(people, 2),
            region_labels,
        ),
        _breakdown(
            _("Organisation kind"),
            _("Kind"),
            kinds,
            [*Organization.Kind.choices, (None, _("no organisation"))],
            note=_("Someone who came for two kinds of organisation counts in both."),
        ),
        _breakdown(
            _("Workshops per region"),
            _("Region of the venue"),
            Counter(region for _pk, _start, region in workshops),
            region_labels,  # counts of workshops, not of people: nothing to protect
            count_header=_("Workshops"),
        ),
    ]


def _region_gender(profiles):
    """``profiles`` (``_people_profiles``) summed by ``(region id or None, gender)``."""
    totals = Counter()
    for (gender, _age, region), count in profiles.items():
        totals[(region, gender)] += count
    return totals


def _completion(workshops, figures, percent):
    """One ``CompletionRow`` per workshop of ``workshops`` (``[(id, start date, venue region
    id)]``), in its order, from
    ``figures`` (``ScopeFigures``): the completion rule (``workshops.completion
    .sessions_required``) is applied to each group of participations with the same number of
    marks."""
    sessions = figures.sessions
    required = {workshop: sessions_required(m, percent) for workshop, m in sessions.items()}
    participants, completed = Counter(), Counter()
    for workshop, attended, n in figures.groups:
        participants[workshop] += n
        if attended >= required.get(workshop, 1):
            completed[workshop] += n
    return [
        CompletionRow(
            pk,
            start,
            sessions.get(pk, 0),
            required.get(pk, 0),
            participants[pk],
            completed[pk] if pk in sessions else None,
        )
        for pk, start, _region in workshops
    ]


def with_workshops(rows):
    """``rows`` (``CompletionRow``s) with their ``workshop`` loaded (one query); returns them."""
    workshops = Workshop.objects.in_bulk([row.workshop_id for row in rows])
    for row in rows:
        row.workshop = workshops[row.workshop_id]
    return rows


def completion_headers():
    """Titles of the completion table's figure columns (screen and XLSX)."""
    return [_("Sessions"), _("Sessions required"), _("Participants"), _("Completed"), _("Completed (%)")]


def report_workbook(report):
    """The report as XLSX bytes: a summary sheet, one sheet per breakdown, and completion."""
    from workshops.spreadsheets import add_table_sheet, new_workbook, workbook_bytes

    workbook = new_workbook()
    add_table_sheet(
        workbook,
        _("Summary"),
        [_("Figure"), _("Value")],
        [
            [_("Scope"), report.scope.describe()],
            *[[label, value] for label, value in report.headline_cells()],
        ],
    )
    for breakdown in report.breakdowns:
        rows = [[label, _cell(count)] for label, count in breakdown.rows]
        rows.append([_("Total"), _cell(breakdown.total)])
        if breakdown.note:
            rows.append([breakdown.note, ""])
        add_table_sheet(
            workbook, breakdown.title, [breakdown.label_header, breakdown.count_header or _("People")], rows
        )
    with_workshops(report.completion)
    add_table_sheet(
        workbook,
        _("Completion"),
        [_("Workshop"), _("Start date"), *completion_headers()],
        [
            [
                row.workshop.title,
                row.start_date,
                row.sessions,
                row.required or "–",
                _cell(row.participants),
                _cell(row.completed) if row.sessions else "–",
                "–" if row.share is None else row.share,
            ]
            for row in report.completion
        ],
    )
    return workbook_bytes(workbook), sum(len(b.rows) for b in report.breakdowns) + len(report.completion)


def _cell(value):
    """A count for a spreadsheet cell: a hidden cell says so."""
    return pgettext("count of people", "hidden") if value is None else value

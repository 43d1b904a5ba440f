"""The publication rule for counts of people: every public number about people comes from here.

Method: primary and complementary cell suppression, as statistics offices do it with τ-ARGUS
(and as Eurostat's and the UK ONS's disclosure-control handbooks describe it), applied to
*linked tables*: all the figures published about the same people (a workshop, the whole
country, one scope of the cross-workshop report) form one ``Table`` of cells tied by sums
(``Relation``: a total equals the sum of its parts). A cell's fate is decided once, on the whole
table, so that the same figure is hidden or shown alike on every page that prints it.

1. Primary suppression: every count from 1 to ``SMALL_CELL_MINIMUM - 1`` is hidden.
2. Audit: what can be worked out from the published cells is computed the way an attacker
   would: exact linear algebra over every relation (``_determined``), and the non-negativity of
   counts (a published total equal to its published parts makes every hidden part 0).
3. Complementary suppression: while a hidden cell from 1 to ``minimum - 1`` can be worked out,
   or a published total less its published parts gives a small group (1 to ``minimum - 1``
   people, e.g. "the women and the men together"), one more published cell is hidden: the
   cheapest that closes the leak (cells inside a table before its margins, margins before the
   grand total, smaller counts before larger ones, the τ-ARGUS "cost" of a cell), or, when no
   single cell does, the cheapest beside it, and the audit runs again. A grand total is hidden
   only when it is small itself (``Table.fixed``), as the workshop list can then print it alone.

The audit sees exact solutions (linear algebra, sums of zero); it does not compute the bounds
an attacker could draw from the other inequalities (a hidden cell is "between 1 and 9"), which
is what the τ-ARGUS protection levels add. A hidden cell is never pinned to one value.

Why suppression and not controlled rounding (Stats NZ, ABS): rounding would change figures
that reveal nobody (23 women of 50 would read 25 of 50), rounding small cells alone leaves
them recoverable from exact totals, and a perturbed figure reads as a mistake to an NGO's
public. Suppression keeps every safe figure exact and says "hidden" where it had to hide one.

Counts of activity, not of people's characteristics (present at a session, completed a
workshop), are protected as cells (1 to ``minimum - 1`` hidden) but their complements ("absent
that day") are not treated as groups of people: a workshop of 50 with 48 present on day one
publishes both.

Public callers: ``national()`` (home, regions list, map, region pages), ``workshop_figures``
and ``workshop_total`` (workshop page and list), ``workshops.disaggregation`` (the "for
publication" report). Hidden cells are None; templates print them as "hidden".
"""

import logging
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings

from organizations.models import Person
from workshops import reports

logger = logging.getLogger(__name__)

# What a cell costs to hide (τ-ARGUS's cost function): inner cells first, grand totals last.
INNER, MARGIN, SUBTOTAL, TOTAL = 1, 2, 3, 4
# How many cells ``Table._complement`` tries one by one (each try is an audit of the table).
TRIALS = 8


def small_cell_minimum():
    """The smallest count that may be published (``settings.SMALL_CELL_MINIMUM``, default 5)."""
    return settings.SMALL_CELL_MINIMUM


def is_small(value, minimum=None):
    """True when ``value`` (a count) is from 1 to ``minimum - 1``: a count that could point at
    a person. ``minimum`` defaults to ``small_cell_minimum()``."""
    minimum = small_cell_minimum() if minimum is None else minimum
    return value is not None and 0 < value < minimum


def suppress(value, minimum=None):
    """``value`` for publication when it stands alone (no total or breakdown beside it): None
    when ``is_small``, else unchanged. Zero is published: it reveals nobody."""
    return None if is_small(value, minimum) else value


@dataclass(frozen=True)
class Relation:
    """``total`` equals the sum of ``parts`` (cell keys of one ``Table``)."""

    total: object
    parts: tuple


@dataclass
class Table:
    """Figures published about the same people.

    ``values``: ``{key: count}`` (true counts, ints >= 0), in a stable order (ties are broken
    by it); ``relations``: list of ``Relation``; ``unpublished``: keys never printed but known to
    exist (they count as hidden); ``fixed``: keys whose fate is decided by another table (never
    hidden here to protect a neighbour); ``costs``: ``{key: INNER..TOTAL}`` (default INNER);
    ``secret``: unpublished keys that must not be worked out whatever their value (a cell that
    another table hid to protect a small one).
    """

    values: dict
    relations: list = field(default_factory=list)
    unpublished: set = field(default_factory=set)
    fixed: set = field(default_factory=set)
    costs: dict = field(default_factory=dict)
    secret: set = field(default_factory=set)

    def add(self, key, value, cost=INNER, published=True):
        """Add a cell; returns ``key``."""
        self.values[key] = value
        self.costs[key] = cost
        if not published:
            self.unpublished.add(key)
        return key

    def relate(self, total, parts):
        """Record that ``total`` equals the sum of ``parts`` (keys already added)."""
        self.relations.append(Relation(total, tuple(parts)))

    def protect(self, minimum=None):
        """Decide which cells to publish: ``{key: count or None}`` for the published keys, None
        for a hidden cell. Guarantees, for every count from 1 to ``minimum - 1`` in the table
        (published or not): it is not printed, it cannot be computed exactly from the printed
        cells through the relations, and no printed total less its printed parts equals it."""
        minimum = small_cell_minimum() if minimum is None else minimum
        hidden = {key for key, value in self.values.items() if is_small(value, minimum)}
        if not hidden and not self.secret:  # nothing small anywhere: nothing to give away
            return {key: (None if key in self.unpublished else value) for key, value in self.values.items()}
        hidden |= self.unpublished
        for _step in range(len(self.values)):
            leaks = self._leaks(hidden, minimum)
            if not leaks:
                break
            extra = self._complement(leaks[0], hidden, minimum)
            if extra is None:  # nothing left to hide: every cell that may go has gone
                break
            hidden.add(extra)
        return {key: (None if key in hidden else value) for key, value in self.values.items()}

    def _leaks(self, hidden, minimum):
        """What an attacker recovers from the cells not in ``hidden``: a list of leaks, each a
        ``("cell", key)`` (a small hidden count worked out) or ``("group", relation)`` (a
        published total less its published parts is small)."""
        unknown = set(hidden)
        leaks = []
        while True:
            solved = self._zeros(unknown) | _determined(self.relations, unknown)
            if not solved:
                break
            leaks += [
                ("cell", key) for key in solved if key in self.secret or is_small(self.values[key], minimum)
            ]
            unknown -= solved
        for relation in self.relations:
            parts = [key for key in relation.parts if key in unknown]
            if relation.total not in unknown and is_small(sum(self.values[k] for k in parts), minimum):
                leaks.append(("group", relation))
        return leaks

    def _zeros(self, unknown):
        """Unknown parts of a relation whose total is known and whose known parts already make
        it: counts are never negative, so they are all 0."""
        zeros = set()
        for relation in self.relations:
            parts = [key for key in relation.parts if key in unknown]
            if parts and relation.total not in unknown and sum(self.values[k] for k in parts) == 0:
                zeros.update(parts)
        return zeros

    def _complement(self, leak, hidden, minimum):
        """The cheapest published cell whose hiding closes ``leak`` (of the ``TRIALS`` cheapest,
        those beside it first at equal cost); when none alone does, the cheapest one beside it
        (the loop in ``protect`` goes on)."""
        order = {key: index for index, key in enumerate(self.values)}
        near = self._neighbours(leak)
        candidates = sorted(
            (
                key
                for key, value in self.values.items()
                if key not in hidden and key not in self.fixed and value
            ),
            key=lambda key: (self.costs.get(key, INNER), key not in near, self.values[key], order[key]),
        )
        for key in candidates[:TRIALS]:
            if leak not in self._leaks(hidden | {key}, minimum):
                return key
        return next((key for key in candidates if key in near), candidates[0] if candidates else None)

    def _neighbours(self, leak):
        kind, subject = leak
        relations = (
            [subject] if kind == "group" else [r for r in self.relations if subject in {r.total, *r.parts}]
        )
        return {key for relation in relations for key in (relation.total, *relation.parts)}


def _determined(relations, unknown):
    """The keys of ``unknown`` that the relations fix exactly once every other key is known:
    those whose unit vector lies in the row space of the relations restricted to ``unknown``
    (reduced row echelon form, exact: integer rows, fraction-free, each divided by its gcd)."""
    columns = {key: index for index, key in enumerate(sorted(unknown, key=repr))}
    rows = []
    for relation in relations:
        row = {}
        for key, sign in ((relation.total, 1), *((part, -1) for part in relation.parts)):
            if key in columns:
                row[columns[key]] = row.get(columns[key], 0) + sign
        row = {column: value for column, value in row.items() if value}
        if row:
            rows.append(row)
    reduced = []
    for column in range(len(columns)):
        pivot = next((row for row in rows if row.get(column)), None)
        if pivot is None:
            continue
        rows = [row for row in rows if row is not pivot]
        for row in rows + [done for _column, done in reduced]:
            if row.get(column):
                _eliminate(row, pivot, column)
        reduced.append((column, pivot))
    keys = {index: key for key, index in columns.items()}
    return {keys[column] for column, row in reduced if len(row) == 1}


def _eliminate(row, pivot, column):
    """Make ``row[column]`` 0 with a multiple of ``pivot`` (in place, integers kept small)."""
    a, b = pivot[column], row[column]
    for c in set(row) | set(pivot):
        value = a * row.get(c, 0) - b * pivot.get(c, 0)
        if value:
            row[c] = value
        else:
            row.pop(c, None)
    divisor = math.gcd(*row.values()) if row else 1
    if divisor > 1:
        for c in row:
            row[c] //= divisor


# The tables of the public pages ---------------------------------------------------------------


def add_people(table, people):
    """Add to ``table`` the cells of one group of people by region of origin and gender, the way
    every page that counts people shows them, so that the same people give the same decisions
    wherever they are counted (the whole country, one workshop, one report).

    ``people``: ``{(region_id or None, gender value): count}``. Cells: ``"total"`` (hidden only
    when small, like every grand total: ``fixed``), ``("gender", g)``, ``("region", r)`` (people
    of unknown region never printed), and inside, ``("cell", r, g)``: only the women of a known
    region are printed (on region pages), the others never. Regions nobody came from are
    published zeros, which change no sum: left out. Returns the ``"total"`` key.
    """
    regions = [*sorted({r for r, _g in people if r is not None}), None]
    genders = Person.Gender.values
    total = table.add("total", sum(people.values()), TOTAL)
    table.fixed.add(total)
    by_gender = {g: table.add(("gender", g), 0, SUBTOTAL) for g in genders}
    for r in regions:
        cells = []
        for g in genders:
            count = people.get((r, g), 0)
            published = r is not None and g == Person.Gender.FEMALE
            cells.append(table.add(("cell", r, g), count, INNER, published=published))
            table.values[by_gender[g]] += count
        margin = table.add(
            ("region", r), sum(table.values[c] for c in cells), MARGIN, published=r is not None
        )
        table.relate(margin, cells)
    for g in genders:
        table.relate(by_gender[g], [("cell", r, g) for r in regions])
    table.relate(total, by_gender.values())
    table.relate(total, [("region", r) for r in regions])
    return total


def national(people=None):
    """The country's figures about people, decided once for the home page (headline, charts),
    the map, the regions list and every region page, so that a region's count is shown or
    hidden alike everywhere.

    Returns ``{"total": n, "by_gender": {gender value: n}, "by_region": {region_id: n},
    "women_by_region": {region_id: n}}`` with None for hidden cells (the last two give 0 for a
    region nobody came from); the table is ``add_people``'s. ``people`` is ``reports.reach()``
    (computed when not given); cached with the public figures.
    """
    return reports.cached(
        "publication-national",
        lambda: _national(reports.reach() if people is None else people, workshop_sums()),
        localized=False,
        people=True,
    )


def _national(people, sums):
    table = Table({})
    total = add_people(table, people)
    _link_workshops(table, sums)
    shown = table.protect()
    regions = {r for r, _g in people if r is not None}
    return {
        "total": shown[total],
        "by_gender": {g: shown[("gender", g)] for g in Person.Gender.values},
        "by_region": defaultdict(int, {r: shown[("region", r)] for r in regions}),
        "women_by_region": defaultdict(int, {r: shown[("cell", r, Person.Gender.FEMALE)] for r in regions}),
    }


def _link_workshops(table, sums):
    """Tie the country's table to the workshops' pages. For each of the country's margins (the
    women, the people of a region, everyone), the workshops' printed counts add up to one
    published figure (``fixed``: their pages print them), and the counts they hid to one
    unpublished cell (``secret`` when it is one workshop's and not 0: that workshop relied on it
    staying hidden). Their sum is the country's count plus the people counted at two workshops or
    more (an unpublished cell): when nobody attended two, the country's count is their sum; when
    1 to ``SMALL_CELL_MINIMUM - 1`` did, that overlap is itself a small count that the country's
    figure less the workshops' must not give away. Each workshop's table is protected first, on
    its own, as its page is (``workshop_margins``); ``sums`` is ``workshop_sums()``."""
    for key in [key for key in table.values if key == "total" or key[0] in ("gender", "region")]:
        shown, hidden, cells = sums.get(key, (0, 0, 0))
        overlap = shown + hidden - table.values[key]
        table.fixed.discard(key)  # the country's total too may have to go
        parts = [table.add(("workshops shown", key), shown, TOTAL)]
        table.fixed.add(parts[0])
        if cells:
            parts.append(table.add(("workshops hidden", key), hidden, TOTAL, published=False))
            if cells == 1 and hidden:
                table.secret.add(parts[-1])
        if overlap == 0:
            table.relate(key, parts)
            continue
        workshops = table.add(("workshops", key), overlap + table.values[key], TOTAL, published=False)
        table.relate(workshops, parts)
        table.relate(workshops, [key, table.add(("at two workshops", key), overlap, TOTAL, published=False)])


def workshop_margins(people, minimum=None):
    """The margins of one workshop's table of people (``add_people``: ``people`` is ``{(region_id
    or None, gender value): count}``) as its page decides them with ``minimum`` (default
    ``small_cell_minimum()``): a list of ``(kind, region_id or None, gender value or "", count,
    printed)``, ``kind`` being ``"total"``, ``"gender"`` or ``"region"``. Printed zeros change no
    sum: left out. Stored by ``workshops.summaries`` (``WorkshopMargin``)."""
    table = Table({})
    add_people(table, people)
    shown = table.protect(minimum)
    rows = []
    for key, value in table.values.items():
        printed = shown[key] is not None
        if key == "total":
            row = ("total", None, "")
        elif key[0] == "gender":
            row = ("gender", None, key[1])
        elif key[0] == "region":
            row = ("region", key[1], "")
        else:
            continue
        if value or not printed:
            rows.append((*row, value, printed))
    return rows


def _national_key(kind, region, gender):
    return {"total": "total", "gender": ("gender", gender), "region": ("region", region)}[kind]


def workshop_sums():
    """What the published, held workshops' pages decide, summed for each of the country's
    margins: ``{key: (printed count, hidden count, hidden cells)}`` (keys as ``add_people``'s:
    ``"total"``, ``("gender", g)``, ``("region", r)``). One grouped query over ``WorkshopMargin``;
    when some rows were decided with another ``SMALL_CELL_MINIMUM`` (the setting changed since),
    every workshop is decided again from ``WorkshopPeople`` (seconds at a national scale) and a
    warning asks for ``manage.py rebuild_public_figures``."""
    minimum = small_cell_minimum()
    sums = defaultdict(lambda: [0, 0, 0])
    for kind, region, gender, printed, row_minimum, count, cells in reports.workshop_margin_sums():
        if row_minimum != minimum:
            logger.warning(STALE_MARGINS, minimum)
            return _sums_decided_again(minimum)
        _add(sums[_national_key(kind, region, gender)], count, printed, cells)
    return {key: tuple(value) for key, value in sums.items()}


STALE_MARGINS = (
    "Workshop margins were decided with another SMALL_CELL_MINIMUM than %s: deciding every "
    "workshop again on each computation; run manage.py rebuild_public_figures."
)


def _sums_decided_again(minimum):
    """``workshop_sums()`` computed from ``WorkshopPeople``, every workshop decided again."""
    return sums_of_workshops(reports.people_by_workshop().values(), minimum)


def sums_of_workshops(groups, minimum=None):
    """``workshop_sums()`` of the workshops whose ``people`` are ``groups`` (each ``{(region_id
    or None, gender value): count}``), every one decided here (``workshop_margins``)."""
    sums = defaultdict(lambda: [0, 0, 0])
    for people in groups:
        for kind, region, gender, count, printed in workshop_margins(people, minimum):
            _add(sums[_national_key(kind, region, gender)], count, printed, 1)
    return {key: tuple(value) for key, value in sums.items()}


def _add(sums, count, printed, cells):
    if printed:
        sums[0] += count
    else:
        sums[1] += count
        sums[2] += cells


def workshop_total(count):
    """A workshop's number of participants as the workshop list prints it: the same decision as
    its page (``workshop_figures``), where the total is hidden only when it is small
    (``add_people``: a grand total is ``fixed``)."""
    return suppress(count)


def workshop_figures(workshop):
    """The public figures of one workshop: its people (``add_people``'s table, as for the
    country) and the people present at each session (each alone: a session is not a part of the
    others). Returns a dict: ``participants``, ``women``, ``women_share`` (percent),
    ``by_gender`` (list of ``(value, label, count)``), ``by_region`` (list of ``(Region,
    count)`` in region-code order, people of unknown region left out), ``by_session`` (list of
    ``(Session, count)``); hidden cells None. Four queries."""
    figures = reports.workshop_figures(workshop)
    table = Table({})
    total = add_people(table, figures["people"])
    for session, count in figures["by_session"]:
        table.add(("session", session.pk), count)
    shown = table.protect()
    women = shown[("gender", Person.Gender.FEMALE)]
    return {
        "participants": shown[total],
        "women": women,
        "women_share": reports.share(women, shown[total]),
        "by_gender": [(value, label, shown[("gender", value)]) for value, label in Person.Gender.choices],
        "by_region": [
            (region, shown[("region", region.pk)]) for region, _n in figures["by_region"] if region
        ],
        "by_session": [(session, shown[("session", session.pk)]) for session, _n in figures["by_session"]],
    }


def region_figures(region):
    """``reports.region_figures`` ready for publication: ``participants``, ``women`` and
    ``women_share`` from ``national()`` (None when hidden)."""
    people = reports.reach()  # one query for both, when the figures are not cached
    figures = reports.region_figures(region, people)
    published = national(people)
    figures["participants"] = published["by_region"][region.pk]
    figures["women"] = published["women_by_region"][region.pk]
    figures["women_share"] = reports.share(figures["women"], figures["participants"])
    return figures


def region_measures(people=None):
    """``reports.region_measures()`` ready for publication (the map and the regions list):
    ``participants`` from ``national()``, ``per_100k`` None with it (it would give it back)."""
    rows = reports.region_measures(people)
    published = national(people)
    for row in rows:
        row["participants"] = published["by_region"][row["region"].pk]
        if row["participants"] is None:
            row["per_100k"] = None
    return rows


def home_figures():
    """Everything the home page shows besides its latest workshops, ready for publication: a
    dict with ``headline`` (``reports.Headline``: participants, women and women's share from
    ``national()``), ``region_rows`` (``region_measures()``), ``regions_by_participants`` (the
    same rows with anyone reached, most first, hidden counts last), ``by_gender`` (list of
    ``(value, label, count or None)``) and ``per_year`` (``reports.workshops_per_year()``).
    Eight queries, each grouped: none grows with the data. Cached (``reports.cached``)."""

    def compute():
        people = reports.reach()
        published = national(people)
        per_year = reports.workshops_per_year()
        figures = reports.headline(reports.participants_by_gender(people), per_year, people)
        figures.participants = published["total"]
        figures.women = published["by_gender"][Person.Gender.FEMALE]
        figures.women_share = reports.share(figures.women, figures.participants)
        rows = region_measures(people)
        return {
            "headline": figures,
            "region_rows": rows,
            "regions_by_participants": sorted(
                (row for row in rows if row["participants"] != 0),
                key=lambda row: -1 if row["participants"] is None else row["participants"],
                reverse=True,
            ),
            "by_gender": [
                (value, label, published["by_gender"][value]) for value, label in Person.Gender.choices
            ],
            "per_year": per_year,
        }

    # People; recommendations by status and open commitments per region (progress); names.
    return reports.cached("home", compute, depends=(reports.PROGRESS, reports.PEOPLE, reports.CONTENT))

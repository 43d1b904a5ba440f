"""The publication rule (``workshops.publication``), attacked as a careful visitor would.

Each shape of data holds groups of 1-4 people. The test renders every public page (home and its
map by two measures, the regions list, every region page, the workshop list, every workshop
page, the tracker, committee pages, feeds, open data, the sitemap) in English and French, reads
every count of people they print, and tries the differences an attacker would: a total less its
shown parts (on one page or across pages), the regions list against the region pages against
the national total, the workshop list against the workshop page, a count from its share, and,
when the whole country is one workshop, the national figures against the workshop's. No count
from 1 to 4 may come out. The "for publication" XLSX of the cross-workshop report is attacked
the same way.
"""

import io
import re
from collections import Counter
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation
from openpyxl import load_workbook

from organizations.models import Person
from regions.models import Region
from tests.factories import (
    AttendanceFactory,
    CommitmentFactory,
    FollowUpFactory,
    MonitoringCommitteeFactory,
    ParticipationFactory,
    PersonFactory,
    RecommendationFactory,
    SessionFactory,
    WorkshopFactory,
    region,
)
from tests.sitemaps import sitemap_xml
from workshops.models import Participation

pytestmark = pytest.mark.django_db

MINIMUM = 5
F, M, U = Person.Gender.FEMALE, Person.Gender.MALE, Person.Gender.UNSPECIFIED

# Shapes: workshops, each a list of (count, gender, region code or None, age band) groups and
# the number of sessions; ``days`` gives who came to which session (all when not given).
SHAPES = {
    "a workshop of 3": [{"people": [(2, F, "04", "25_34"), (1, M, "04", "25_34")]}],
    "8 of whom 7 women": [{"people": [(7, F, "04", "25_34"), (1, M, "04", "25_34")]}],
    "one small region beside larger ones": [
        {
            "people": [
                (9, F, "07", "25_34"),
                (8, M, "07", "35_44"),
                (8, F, "06", "25_34"),
                (8, M, "06", "25_34"),
                (10, F, "04", "18_24"),
                (10, M, "04", "25_34"),
                (2, F, "02", "25_34"),
                (1, M, "02", "25_34"),
            ]
        }
    ],
    "two small regions, two workshops": [
        {"people": [(12, F, "04", "25_34"), (8, M, "04", "25_34"), (2, M, "01", "25_34")]},
        {"people": [(8, F, "06", "25_34"), (7, M, "06", "45_54"), (4, F, "08", "25_34")]},
    ],
    "a workshop of 3 beside one of 20": [
        {"people": [(3, F, "04", "25_34")]},
        {"people": [(10, F, "04", "25_34"), (10, M, "06", "25_34")]},
    ],
    "a small 'not stated' gender": [
        {"people": [(10, F, "04", "25_34"), (12, M, "04", "25_34"), (2, U, "04", "25_34")]}
    ],
    "one small day": [
        {
            "people": [(7, F, "04", "25_34"), (5, M, "06", "25_34")],
            "sessions": 3,
            "days": lambda index: [0, 2] if index >= 3 else [0, 1, 2],
        }
    ],
    "age bands, a region with few men, unknown regions": [
        {
            "people": [
                (14, F, "04", "25_34"),
                (3, M, "04", "under_18"),
                (10, F, "06", "35_44"),
                (10, M, "06", "35_44"),
                (6, F, None, "55_64"),
                (2, M, None, ""),
            ]
        }
    ],
}


def build(shape):
    """Create the shape's published, held workshops; returns the workshops."""
    workshops = []
    for spec in shape:
        workshop = WorkshopFactory()
        sessions = [SessionFactory(workshop=workshop) for _ in range(spec.get("sessions", 1))]
        index = 0
        for count, gender, code, age in spec["people"]:
            for _ in range(count):
                person = PersonFactory(gender=gender, region=region(code) if code else None, age_band=age)
                participation = ParticipationFactory(workshop=workshop, person=person)
                days = spec["days"](index) if "days" in spec else range(len(sessions))
                for day in days:
                    AttendanceFactory(participation=participation, session=sessions[day])
                index += 1
        workshops.append(workshop)
    return workshops


# The truth and the attacker's equations ---------------------------------------------------------


def truth(workshops):
    """Every count the attacker might aim at: ``{cell: true count}``.

    National cells: ``("N",)``, ``("G", gender)``, ``("R", code or "?")``, ``("W", code or "?")``
    (women of a region), ``("O", code or "?")`` (the others of a region), ``("GO",)`` (men and
    not stated together). Workshop cells: ``("T", slug)``, ``("WG", slug, gender)``,
    ``("WR", slug, code or "?")``, ``("S", slug, session position)``."""
    counted = Participation.objects.counted().select_related("person__region", "workshop")
    people = {p.person for p in counted}
    cells = Counter()
    cells[("N",)] = len(people)
    for person in people:
        code = person.region.code if person.region else "?"
        cells[("G", person.gender)] += 1
        cells[("R", code)] += 1
        cells[("W" if person.gender == F else "O", code)] += 1
        cells[("GO",)] += person.gender != F
    for workshop in workshops:
        slug = workshop.slug
        mine = [p for p in counted if p.workshop_id == workshop.pk]
        cells[("T", slug)] = len(mine)
        for p in mine:
            cells[("WG", slug, p.person.gender)] += 1
            cells[("WR", slug, p.person.region.code if p.person.region else "?")] += 1
        for session in workshop.sessions.all():
            cells[("S", slug, session.position)] = session.attendances.count()
    return cells


def relations(workshops, codes):
    """What the attacker knows adds up: a list of ``(total, parts)``."""
    genders = [F, M, U]
    every = [*codes, "?"]
    known = [
        (("N",), [("G", g) for g in genders]),
        (("N",), [("R", c) for c in every]),
        (("G", F), [("W", c) for c in every]),
        (("GO",), [("G", M), ("G", U)]),
        (("GO",), [("O", c) for c in every]),
        *((("R", c), [("W", c), ("O", c)]) for c in every),
    ]
    for workshop in workshops:
        slug = workshop.slug
        known.append((("T", slug), [("WG", slug, g) for g in genders]))
        known.append((("T", slug), [("WR", slug, c) for c in every]))
    # Nobody here attended two workshops (the attacker may guess it): the country's counts are
    # the sums of the workshops'.
    slugs = [w.slug for w in workshops]
    known.append((("N",), [("T", s) for s in slugs]))
    known += [(("G", g), [("WG", s, g) for s in slugs]) for g in genders]
    known += [(("R", c), [("WR", s, c) for s in slugs]) for c in every]
    return known


def attack(published, shares, known):
    """Work out every cell the attacker can: differences (one unknown in a sum), zeros (a sum
    already made by its known parts) and counts from shares. Returns ``{cell: value}``."""
    values = dict(published)
    changed = True
    while changed:
        changed = False
        for (count, whole), percent in shares.items():
            if count not in values and values.get(whole):
                values[count] = round(percent * values[whole] / 100)
                changed = True
        for total, parts in known:
            unknown = [cell for cell in [total, *parts] if cell not in values]
            if total in values and unknown and sum(values[p] for p in parts if p in values) == values[total]:
                values.update(dict.fromkeys(unknown, 0))
                changed = True
            elif len(unknown) == 1:
                rest = sum(values[p] for p in parts if p in values)
                values[unknown[0]] = rest if unknown[0] == total else values[total] - rest
                changed = True
    return values


def assert_nothing_small_comes_out(cells, published, shares, known):
    for cell, value in published.items():
        assert value == cells[cell], f"{cell} is printed as {value}, truly {cells[cell]}"
        assert not 0 < value < MINIMUM, f"{cell} = {value} is printed"
    found = attack(published, shares, known)
    leaks = {cell: value for cell, value in found.items() if 0 < cells[cell] < MINIMUM}
    assert not leaks, f"small counts worked out: {leaks}"
    for total, parts in known:  # a total less its shown parts: a small group of people
        rest = [p for p in parts if p not in found]
        if total in found and len(rest) > 1:
            group = sum(cells[p] for p in rest)
            assert not 0 < group < MINIMUM, f"{total} less its shown parts gives {rest} = {group}"


# Reading the pages ------------------------------------------------------------------------------

# A bar of a chart whose row heading is a link (a region): (href, printed value).
LINKED_BAR = (
    r'<a href="([^"]+)">[^<]*</a></th>\s*<td><span class="bar-cell">.*?<span class="bar-value[^"]*">([^<]*)<'
)


def number(text, lang):
    """A printed count: int, or None when hidden (or "–")."""
    digits = re.sub(r"[\s\u00a0\u202f,.]", "", text)
    return int(digits) if digits.isdigit() else None  # "hidden", "masqué", "–"


def percent(text):
    match = re.search(r"(\d+(?:[.,]\d)?)", text)
    return float(match.group(1).replace(",", ".")) if match else None


def bar_values(html, lang):
    return [number(v, lang) for v in re.findall(r'<span class="bar-value[^"]*">([^<]*)</span>', html)]


def section(html, start, end):
    return html[html.index(start) : html.index(end, html.index(start))]


def slug_of(href):
    return href.rstrip("/").rsplit("/", 1)[1]


def read_home(client, lang, codes_by_slug, published, shares):
    html = client.get(f"/{lang}/").content.decode()
    figures = section(html, 'id="figures-heading"', "</section>")
    values = re.findall(r'<p class="figure-value">([^<]*)</p>', figures)
    labels = re.findall(r'<p class="figure-label">\s*([^<]*?)\s*</p>', figures)
    put(published, ("N",), number(values[1], lang))
    women = re.search(r"\((\d+)\)", labels[2])
    put(published, ("G", F), int(women.group(1)) if women else None)
    if percent(values[2]) is not None:
        shares[(("G", F), ("N",))] = percent(values[2])
    genders = bar_values(section(html, 'id="gender-heading"', "</section>"), lang)
    for gender, value in zip([F, M, U], genders, strict=True):
        put(published, ("G", gender), value)
    origin = section(html, 'id="origin-heading"', "</section>")
    for href, value in re.findall(LINKED_BAR, origin, re.S):
        put(published, ("R", codes_by_slug[slug_of(href)]), number(value, lang))
    read_map(client.get(f"/{lang}/?measure=participants").content.decode(), lang, published)
    return html


def read_map(html, lang, published):
    for code, value in re.findall(r'data-region="(\d\d)"><title>[^<:]*: ([^<]*)</title>', html):
        put(published, ("R", code), number(value, lang))


def read_regions(client, lang, codes_by_slug, published, shares):
    html = client.get(f"/{lang}/regions/").content.decode()
    read_map(client.get(f"/{lang}/regions/?measure=participants").content.decode(), lang, published)
    for href, row in re.findall(r'<th scope="row"><a href="([^"]+)">[^<]*</a></th>(.*?)</tr>', html, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        count = number(re.sub(r"<[^>]+>", "", cells[3]), lang)
        put(published, ("R", codes_by_slug[slug_of(href)]), count)
        assert (count is None) == (cells[4].strip() == "–"), "per 100,000 shown beside a hidden count"
    pages = []
    for slug, code in codes_by_slug.items():
        page = client.get(f"/{lang}/regions/{slug}/").content.decode()
        figures = section(page, "row-cols-md-4", '<div class="row g-4">')
        values = re.findall(r'<p class="figure-value">([^<]*)</p>', figures)
        labels = re.findall(r'<p class="figure-label">\s*([^<]*?)\s*</p>', figures)
        put(published, ("R", code), number(values[1], lang))
        women = re.search(r"\((\d+)\)", labels[2])
        put(published, ("W", code), int(women.group(1)) if women else None)
        if percent(values[2]) is not None:
            shares[(("W", code), ("R", code))] = percent(values[2])
        pages.append(page)
    return [html, *pages]


def read_workshops(client, lang, workshops, codes_by_slug, published, shares):
    html = client.get(f"/{lang}/workshops/").content.decode()
    for href, row in re.findall(r'<th scope="row"><a href="([^"]+)"[^>]*>.*?</th>(.*?)</tr>', html, re.S):
        last = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[-1]
        put(published, ("T", slug_of(unquote(href))), number(re.sub(r"<[^>]+>", "", last), lang))
    pages = [html]
    for workshop in workshops:
        page = client.get(f"/{lang}/workshops/{workshop.slug}/").content.decode()
        part = section(page, 'id="participants-heading"', "</section>")
        slug = workshop.slug
        total = re.search(r'<p class="figure-value">([^<]*)</p>', part)
        put(published, ("T", slug), number(total.group(1), lang) if total else None)
        of_whom = re.search(r"<p>[^<\d]*(\d+)[^<\d]*\((\d+(?:[.,]\d)?)\s*%\)", part)
        if of_whom:
            put(published, ("WG", slug, F), int(of_whom.group(1)))
            shares[(("WG", slug, F), ("T", slug))] = percent(of_whom.group(2))
        tables = re.findall(r"<caption>.*?</table>", part, re.S)
        if tables:
            for gender, value in zip([F, M, U], bar_values(tables[0], lang), strict=True):
                put(published, ("WG", slug, gender), value)
            for href, value in re.findall(LINKED_BAR, tables[1], re.S):
                put(published, ("WR", slug, codes_by_slug[slug_of(href)]), number(value, lang))
            if len(tables) > 2:
                for position, value in enumerate(bar_values(tables[2], lang), start=1):
                    put(published, ("S", slug, position), value)
        pages.append(page)
    return pages


def put(published, cell, value):
    """Record a printed count; the same cell printed twice must read the same."""
    if value is None:
        return
    assert published.setdefault(cell, value) == value, f"{cell} printed as {published[cell]} and {value}"


def other_public_outputs(client, lang):
    """The public outputs that print no count of people: tracker, committees, recommendations,
    commitments, feeds, open data, sitemap."""
    committee = MonitoringCommitteeFactory()
    commitment = CommitmentFactory()
    FollowUpFactory(recommendation=commitment.recommendation)
    urls = [
        f"/{lang}/tracker/",
        f"/{lang}/committees/",
        committee.get_absolute_url(),
        f"/{lang}/recommendations/",
        f"/{lang}/tracker/commitments/",
        commitment.get_absolute_url(),
        f"/{lang}/tracker/feed/",
        f"/{lang}/tracker/feed/region/marrakech-safi/",
        f"/{lang}/tracker/data/recommendations.csv",
        f"/{lang}/tracker/data/commitments.json",
    ]
    outputs = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        outputs.append(response.getvalue().decode())  # open data is streamed from a file
    return [*outputs, sitemap_xml(client)]


PEOPLE_WORDS = re.compile(r"\d+\s*(participants?|people|personnes?|femmes?|women|hommes?|men)\b", re.I)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_small_count_can_be_worked_out_from_the_public_pages(client, shape, lang):
    workshops = build(SHAPES[shape])
    RecommendationFactory(workshop=workshops[0])
    regions = list(Region.objects.all())
    codes_by_slug = {r.slug: r.code for r in regions}
    cells = truth(workshops)
    published, shares = {}, {}
    with translation.override(lang):
        pages = read_home(client, lang, codes_by_slug, published, shares)
        pages = [pages, *read_regions(client, lang, codes_by_slug, published, shares)]
        pages += read_workshops(client, lang, workshops, codes_by_slug, published, shares)
        for output in other_public_outputs(client, lang):
            assert not PEOPLE_WORDS.search(re.sub(r"<[^>]+>", " ", output)), (
                "a count of people outside the rule"
            )
    assert_nothing_small_comes_out(cells, published, shares, relations(workshops, [r.code for r in regions]))
    for page in pages:  # a hidden cell says "hidden", never "fewer than 5" (it may not be)
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
        assert not re.search(r"(fewer|moins) (than|de) 5(?! (people|personnes|participants))", text, re.I)


def test_the_example_figures_stay_exact_where_no_cell_is_small(client, example):
    """50 participants, 23 women, 17/17/16 per region, 48/50/45 per day: all printed, on every
    page that prints them."""
    from workshops import publication  # imported here: the rest of the file runs on main too

    figures = publication.home_figures()
    assert (figures["headline"].participants, figures["headline"].women) == (50, 23)
    assert figures["headline"].women_share == 46.0
    by_region = {
        row["region"].code: row["participants"] for row in figures["region_rows"] if row["participants"]
    }
    assert sorted(by_region.values()) == [16, 17, 17]
    page = publication.workshop_figures(example)
    assert (page["participants"], page["women"], page["women_share"]) == (50, 23, 46.0)
    assert [count for _session, count in page["by_session"]] == [48, 50, 45]
    assert sorted(count for _region, count in page["by_region"]) == [16, 17, 17]
    regions = list(Region.objects.all())
    codes_by_slug = {r.slug: r.code for r in regions}
    published, shares = {}, {}
    read_home(client, "en", codes_by_slug, published, shares)
    read_regions(client, "en", codes_by_slug, published, shares)
    read_workshops(client, "en", [example], codes_by_slug, published, shares)
    assert (published[("N",)], published[("G", F)], published[("T", example.slug)]) == (50, 23, 50)
    assert sorted(v for (kind, *_rest), v in published.items() if kind == "R" and v) == [16, 17, 17]
    assert [published[("S", example.slug, day)] for day in (1, 2, 3)] == [48, 50, 45]
    assert_nothing_small_comes_out(
        truth([example]), published, shares, relations([example], [r.code for r in regions])
    )


def test_the_example_beside_a_small_workshop_gives_nothing_away(client, example):
    """The country's figures are the example's plus a workshop of 8 from the Oriental, 7 women
    and a man: the man must not come out of the country's figures less the example's."""
    small = build([{"people": [(7, F, "02", "25_34"), (1, M, "02", "25_34")]}])
    regions = list(Region.objects.all())
    codes_by_slug = {r.slug: r.code for r in regions}
    published, shares = {}, {}
    read_home(client, "en", codes_by_slug, published, shares)
    read_regions(client, "en", codes_by_slug, published, shares)
    read_workshops(client, "en", [example, *small], codes_by_slug, published, shares)
    workshops = [example, *small]
    cells = truth(workshops)
    assert_nothing_small_comes_out(cells, published, shares, relations(workshops, [r.code for r in regions]))
    assert published[("T", example.slug)] == 50 and published[("S", example.slug, 1)] == 48


# The "for publication" report -------------------------------------------------------------------


@pytest.fixture
def analyst(client, django_user_model):
    user = django_user_model.objects.create_user("analyst", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_participation"))
    client.force_login(user)
    return user


def read_workbook(content):
    """The public XLSX as cells: ``{(sheet, label): value}`` with None for "hidden"."""
    workbook = load_workbook(io.BytesIO(content))
    cells = {}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=2, values_only=True):
            if row and row[0] is not None and len(row) > 1:
                cells[(sheet.title, str(row[0]))] = None if isinstance(row[1], str) else row[1]
        if sheet.title == "Completion":
            for row in sheet.iter_rows(min_row=2, values_only=True):
                cells[("Completion", str(row[0]))] = None if isinstance(row[4], str) else row[4]
    return cells


@pytest.mark.parametrize("shape", SHAPES)
def test_no_small_count_can_be_worked_out_from_the_public_report(client, analyst, shape):
    workshops = build(SHAPES[shape])
    # The XLSX is made by a background job (run at once in tests): ask, then download it.
    job_page = client.get(client.post("/en/reports/participants.xlsx?public=on")["Location"])
    response = client.get(job_page.context["status"]["download_url"])
    assert response.status_code == 200
    cells = read_workbook(b"".join(response.streaming_content))
    with translation.override("en"):
        true, known = report_truth(workshops)
    published = {key: value for key, value in cells.items() if key in true and value is not None}
    shares = {}
    share = cells.get(("Summary", "Women's share (%)"))
    if isinstance(share, float | int):
        shares[(("Summary", "Women"), ("Summary", "Unique participants"))] = share
    assert_nothing_small_comes_out(true, published, shares, known)
    assert "fewer than" not in str(cells.values())


def report_truth(workshops):
    """The report's true counts ``{(sheet, label): n}`` and the sums the attacker knows."""
    counted = list(Participation.objects.counted().select_related("person__region", "workshop"))
    people = {p.person for p in counted}
    true = Counter()
    true[("Summary", "Unique participants")] = len(people)
    true[("Summary", "Participations (a person at a workshop)")] = len(counted)
    for person in people:
        true[("Gender", str(person.get_gender_display()))] += 1
        true[("Age band", str(person.get_age_band_display() or "not stated"))] += 1
        true[("Region of origin", person.region.name if person.region else "Unknown")] += 1
    true[("Summary", "Women")] = true[("Gender", "woman")]
    for w in workshops:
        true[("Completion", w.title)] = sum(1 for p in counted if p.workshop_id == w.pk)
    unique, sheets = ("Summary", "Unique participants"), ["Gender", "Age band", "Region of origin"]
    true[("Region of origin", "Unknown")] += 0  # a part of the sum even when nobody is in it
    known = [(unique, [key for key in true if key[0] == sheet]) for sheet in sheets]
    for sheet in sheets:  # each breakdown's total is the unique participants again
        true[(sheet, "Total")] = len(people)
        known.append(((sheet, "Total"), [unique]))
    known += [(("Summary", "Women"), [("Gender", "woman")])]
    known += [
        (("Summary", "Participations (a person at a workshop)"), [k for k in true if k[0] == "Completion"])
    ]
    return true, known


# The rule on small tables ----------------------------------------------------------------------


def solutions(table, shown, names, top=30):
    """Every assignment of the hidden cells ``names`` (0..top) that agrees with the relations
    and the shown cells: brute force, for tables of three hidden cells."""
    import itertools

    found = []
    for values in itertools.product(range(top + 1), repeat=len(names)):
        cells = {**{k: v for k, v in shown.items() if v is not None}, **dict(zip(names, values, strict=True))}
        if all(cells[r.total] == sum(cells[p] for p in r.parts) for r in table.relations):
            found.append(dict(zip(names, values, strict=True)))
    return found


def test_a_cell_that_only_several_sums_together_give_away_is_protected():
    """x + y, x + z and y + z printed: each sum has two hidden cells, yet together they give x
    (the sum of the first two less the third, halved). The rule sees it and hides more."""
    from workshops.publication import Table

    table = Table({})
    x, y, z = table.add("x", 2), table.add("y", 8), table.add("z", 9)
    for name, parts in [("x+y", (x, y)), ("x+z", (x, z)), ("y+z", (y, z))]:
        table.relate(table.add(name, sum(table.values[p] for p in parts), cost=2), parts)
    shown = table.protect()
    hidden = [key for key, value in shown.items() if value is None]
    assert {x, y, z} <= set(hidden)
    assert len({s["x"] for s in solutions(table, shown, hidden, top=20)}) > 1


def test_a_total_made_by_its_shown_parts_gives_its_hidden_parts_zero_and_the_rule_knows_it():
    """Region "unknown" is never printed; when the printed regions make the total, it is 0, and
    the region women then make the women's total: the hidden man of 8 would come out."""
    from workshops.publication import Table, add_people

    table = Table({})
    add_people(table, {(4, "female"): 7, (4, "male"): 1})
    shown = table.protect()
    assert shown["total"] == 8 and shown[("region", 4)] == 8
    assert shown[("gender", "male")] is None and shown[("gender", "female")] is None
    assert shown[("cell", 4, "female")] is None


def test_the_workshop_list_and_page_print_the_same_total(client):
    from workshops.publication import workshop_figures, workshop_total

    small, large = build(
        [{"people": [(3, F, "04", "25_34")]}, {"people": [(7, F, "04", "25_34"), (1, M, "04", "")]}]
    )
    assert workshop_figures(small)["participants"] is None is workshop_total(3)
    assert workshop_figures(large)["participants"] == 8 == workshop_total(8)
    html = client.get("/en/workshops/").content.decode()
    assert html.count('<span class="suppressed">hidden</span></td>') == 1


def test_people_at_two_workshops_do_not_give_away_a_small_overlap(client):
    """Two workshops of 12 (6 women each); one woman of the first also attends the second. Home
    prints 24 participants and 12 women, the workshop pages 12 and 13, 6 and 7 women: 12 + 13 - 24
    = 1 person, 6 + 7 - 12 = 1 woman attended both."""
    first, second = build(
        [
            {"people": [(6, F, "04", "25_34"), (6, M, "04", "25_34")]},
            {"people": [(6, F, "06", "25_34"), (6, M, "06", "25_34")]},
        ]
    )
    woman = first.participations.filter(person__gender=F).first().person
    AttendanceFactory(
        participation=ParticipationFactory(workshop=second, person=woman), session=second.sessions.get()
    )
    published, shares = {}, {}
    regions = list(Region.objects.all())
    codes_by_slug = {r.slug: r.code for r in regions}
    read_home(client, "en", codes_by_slug, published, shares)
    read_workshops(client, "en", [first, second], codes_by_slug, published, shares)
    for national, per_workshop in [(("N",), "T"), (("G", F), "WG")]:
        parts = [key for key in published if key[0] == per_workshop and (per_workshop == "T" or key[2] == F)]
        if national in published and len(parts) == 2:
            overlap = sum(published[key] for key in parts) - published[national]
            assert not 0 < overlap < MINIMUM, f"{national}: {overlap} people at both workshops"

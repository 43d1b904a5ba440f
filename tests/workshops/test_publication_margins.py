"""The workshops' margins stored as summary rows (``WorkshopMargin``): the country's table decides
exactly as it did when every workshop's table was decided again on each computation, the rows
follow ``SMALL_CELL_MINIMUM``, and the first request after a change of who attended reads them in
a few queries."""

import logging
import random
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Person
from tests.attendance.test_roster import EDITOR, staff
from tests.factories import ParticipationFactory, PersonFactory, WorkshopFactory, region
from tests.workshops.test_summaries import figures_cached, page_queries  # noqa: F401 (fixture)
from workshops import publication, reports
from workshops.models import Participation, Workshop, WorkshopMargin

GENDERS = Person.Gender.values


# The algorithm as it was before the margins were stored (main at 58b1605, the cache left out):
# each workshop's table decided on every computation, the sums made in Python. Kept as the oracle.
def old_link_workshops(table, groups):
    shown, hidden = defaultdict(int), defaultdict(list)
    for people in groups:
        workshop = publication.Table({})
        publication.add_people(workshop, people)
        decided = workshop.protect()
        for key in decided:
            if key == "total" or key[0] != "cell":
                if decided[key] is not None:
                    shown[key] += workshop.values[key]
                else:
                    hidden[key].append(workshop.values[key])
    for key in [key for key in table.values if key == "total" or key[0] in ("gender", "region")]:
        overlap = shown[key] + sum(hidden[key]) - table.values[key]
        table.fixed.discard(key)
        parts = [table.add(("workshops shown", key), shown[key], publication.TOTAL)]
        table.fixed.add(parts[0])
        if hidden[key]:
            parts.append(
                table.add(("workshops hidden", key), sum(hidden[key]), publication.TOTAL, published=False)
            )
            if len(hidden[key]) == 1 and hidden[key][0]:
                table.secret.add(parts[-1])
        if overlap == 0:
            table.relate(key, parts)
            continue
        both = table.add(("workshops", key), overlap + table.values[key], publication.TOTAL, published=False)
        table.relate(both, parts)
        two = table.add(("at two workshops", key), overlap, publication.TOTAL, published=False)
        table.relate(both, [key, two])


def old_national(people, groups):
    """The country's decisions (``{key: count or None}`` for every cell) the old way."""
    table = publication.Table({})
    publication.add_people(table, people)
    old_link_workshops(table, groups)
    return table.protect()


def new_national(people, sums):
    table = publication.Table({})
    publication.add_people(table, people)
    publication._link_workshops(table, sums)
    return table.protect()


def random_country(rng):
    """``(people, groups)``: a country's reach and its workshops' people, from random persons
    (regions 1-4 or unknown, the three genders) at random workshops: tiny ones (1-3 people),
    empty margins (zeros), people at two workshops or more."""
    regions = [1, 2, 3, 4, None][: rng.randint(1, 5)]
    persons = [(rng.choice(regions), rng.choice(GENDERS)) for _ in range(rng.randint(1, 60))]
    groups, reached = [], set()
    for _workshop in range(rng.randint(1, 8)):
        size = rng.choice([1, 2, 3, rng.randint(1, len(persons))])
        chosen = rng.sample(range(len(persons)), min(size, len(persons)))
        reached.update(chosen)
        counts = defaultdict(int)
        for index in chosen:
            counts[persons[index]] += 1
        groups.append(dict(counts))
    people = defaultdict(int)
    for index in reached:
        people[persons[index]] += 1
    return dict(people), groups


@pytest.mark.parametrize("minimum", [2, 3, 5, 10])
def test_the_stored_margins_decide_the_country_as_the_old_algorithm_did(settings, minimum):
    settings.SMALL_CELL_MINIMUM = minimum
    rng, hiding = random.Random(minimum), 0
    for _country in range(300):
        people, groups = random_country(rng)
        expected = old_national(people, groups)
        assert new_national(people, publication.sums_of_workshops(groups)) == expected
        hiding += None in expected.values()
    assert hiding > 100  # the data exercised the complementary suppression, not only the shortcut


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(4))
def test_the_country_read_from_the_database_decides_as_the_old_algorithm_did(seed):
    """Workshops made through the application (the rows written by the signals), some not
    published or not held, people at two of them, unknown regions."""
    rng = random.Random(seed)
    regions = [region("01"), region("06"), region("09"), None]
    persons = [
        PersonFactory(region=rng.choice(regions), gender=rng.choice(GENDERS))
        for _ in range(rng.randint(8, 24))
    ]
    for index in range(rng.randint(2, 5)):
        workshop = WorkshopFactory(is_published=index != 1)
        for person in rng.sample(persons, rng.choice([1, 2, rng.randint(1, len(persons))])):
            ParticipationFactory(workshop=workshop, person=person)
    groups = list(reports.people_by_workshop().values())
    people = reports.reach()
    assert new_national(people, publication.workshop_sums()) == old_national(people, groups)


@pytest.mark.django_db
def test_a_change_of_small_cell_minimum_is_decided_again_until_the_rebuild(settings, caplog):
    workshop = WorkshopFactory()
    for gender in ("female", "female", "male", "male", "male", "male", "male", "male"):
        ParticipationFactory(workshop=workshop, person__gender=gender, person__region=region("06"))
    stored = publication.workshop_sums()
    assert stored[("gender", "female")] == (0, 2, 1)  # 2 women: hidden at the default minimum, 5
    settings.SMALL_CELL_MINIMUM = 2
    with caplog.at_level(logging.WARNING, logger="workshops.publication"):
        again = publication.workshop_sums()
    assert again[("gender", "female")] == (2, 0, 0)  # printed now: decided again, not stale
    assert "rebuild_public_figures" in caplog.text
    call_command("rebuild_public_figures", "--language", "en")
    assert set(WorkshopMargin.objects.values_list("minimum", flat=True)) == {2}
    caplog.clear()
    assert publication.workshop_sums() == again and not caplog.text


@pytest.mark.django_db
def test_unpublishing_a_workshop_takes_its_margins_out_of_the_country():
    workshop = WorkshopFactory()
    ParticipationFactory.create_batch(3, workshop=workshop)
    assert publication.workshop_sums()["total"] == (0, 3, 1)
    Workshop.objects.filter(pk=workshop.pk).update(is_published=False)
    assert publication.workshop_sums() == {}
    workshop.refresh_from_db()
    workshop.is_published = True
    workshop.save()
    assert publication.workshop_sums()["total"] == (0, 3, 1)


@pytest.mark.django_db
@pytest.mark.usefixtures("figures_cached")
# Home and the regions list: 6 and 3 since the workshops per year and per region, the
# recommendations by status and the open commitments per region follow content (and progress)
# alone: a change of who attended does not count them again (were 10 and 5, then 8 and 4).
@pytest.mark.parametrize(("page", "first", "cached"), [("home", 6, 1), ("region", 10, 7), ("regions", 3, 0)])
def test_first_request_after_a_change_of_who_attended_reads_the_margins_in_one_query(
    client,
    django_user_model,
    page,
    first,
    cached,  # noqa: F811 (fixture)
):
    """The roster's bulk status, as staff change who attended: the country's table then reads
    the sums of the stored margins and of the people reached (``MarginSum``, ``ReachCount``: one
    query each over tens of rows) instead of reading every workshop's people."""
    workshops = [WorkshopFactory(venue_region=region("06")) for _n in range(3)]
    for index, workshop in enumerate(workshops):
        for person_region in (region("06"), region("04"), None)[: index + 1]:
            ParticipationFactory.create_batch(3, workshop=workshop, person__region=person_region)
    paths = {
        "home": reverse("workshops:home"),
        "region": reverse("regions:detail", kwargs={"slug": region("06").slug}),
        "regions": reverse("regions:list"),
    }
    page_queries(client, paths[page])
    staff(django_user_model, client, *EDITOR)
    chosen = Participation.objects.filter(workshop=workshops[2]).order_by("pk")[:1]
    response = client.post(
        reverse("staff:roster_bulk", kwargs={"slug": workshops[2].slug}),
        {"selected": [chosen[0].pk], "action": "status", "status": "no_show"},
    )
    assert response.status_code == 302
    client.logout()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(paths[page]).status_code == 200
    read = [q["sql"] for q in queries]
    # The second level of summary: tens of rows, not the margins or the people reached.
    assert sum("workshops_marginsum" in sql for sql in read) == 1
    assert sum("workshops_reachcount" in sql for sql in read) == 1
    scanned = ("workshops_participation", "workshoppeople", "workshopmargin", "workshops_reached")
    assert not [sql for sql in read if any(table in sql for table in scanned)]
    assert (len(queries), page_queries(client, paths[page])) == (first, cached)

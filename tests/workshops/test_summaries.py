"""The public summary tables (``workshops.summaries``): every write keeps them equal to a rebuild
from scratch, and the figures read from them equal the counting rules computed live."""

import datetime

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendance.apply import import_attendance
from organizations.merging import merge
from organizations.models import Person
from regions.models import Commune
from tests.attendance.conftest import sample
from tests.factories import (
    OrganizationFactory,
    ParticipationFactory,
    PersonFactory,
    SessionFactory,
    WorkshopFactory,
    region,
)
from workshops import publication, reports, summaries
from workshops.models import (
    MarginSum,
    Participation,
    ReachCount,
    Reached,
    Workshop,
    WorkshopMargin,
    WorkshopPeople,
    WorkshopSender,
)

pytestmark = pytest.mark.django_db


def tables():
    """The four summary tables' rows and their sums' (``ReachCount``, ``MarginSum``: rows counting
    something; the writes keep the keys that fell to 0), each as a sorted list of tuples."""
    return tuple(
        sorted(rows, key=repr)
        for rows in (
            WorkshopPeople.objects.values_list("workshop", "region", "gender", "people"),
            WorkshopSender.objects.values_list("workshop", "organization"),
            Reached.objects.values_list("person", "region", "commune", "gender"),
            WorkshopMargin.objects.values_list(
                "workshop", "kind", "region", "gender", "people", "printed", "minimum", "public"
            ),
            ReachCount.objects.exclude(people=0).values_list("region", "gender", "people"),
            MarginSum.objects.exclude(people=0, cells=0).values_list(
                "kind", "region", "gender", "printed", "minimum", "people", "cells"
            ),
        )
    )


def live_reach():
    """``reports.reach()`` as it was computed before the summary tables: from the rules, live."""
    people = Person.objects.filter(pk__in=reports.public_participations().values("person")).order_by()
    return dict(((r, g), n) for r, g, n in people.values_list("region", "gender").annotate(n=Count("pk")))


def live_people_by_workshop():
    return {
        workshop.pk: reports.people_counts(workshop.participations.counted())
        for workshop in Workshop.objects.published().held()
        if workshop.participations.counted().exists()
    }


def assert_in_step():
    """The incremental tables equal a rebuild, and the figures read from them the live rules."""
    incremental = tables()
    assert reports.reach() == live_reach()
    assert reports.people_by_workshop() == live_people_by_workshop()
    # The workshops' stored margins sum as deciding each workshop's table again would.
    assert publication.workshop_sums() == publication._sums_decided_again(publication.small_cell_minimum())
    summaries.rebuild()
    assert tables() == incremental


@pytest.fixture
def scene():
    """Two published, held workshops and a draft, six people of three regions and both genders,
    some sent by organisations; one person at two workshops."""
    casablanca, rabat, souss = region("06"), region("04"), region("09")
    workshops = [WorkshopFactory(), WorkshopFactory(venue_region=souss), WorkshopFactory(is_published=False)]
    for workshop in workshops:
        SessionFactory(workshop=workshop)
        SessionFactory(workshop=workshop)
    organisations = [OrganizationFactory(), OrganizationFactory()]
    people = [
        PersonFactory(region=casablanca, gender=Person.Gender.FEMALE),
        PersonFactory(region=casablanca, gender=Person.Gender.MALE),
        PersonFactory(region=rabat, gender=Person.Gender.FEMALE),
        PersonFactory(region=souss, gender=Person.Gender.MALE),
        PersonFactory(region=None, gender=Person.Gender.FEMALE),
        PersonFactory(region=rabat, gender=Person.Gender.MALE),
    ]
    for index, person in enumerate(people):
        ParticipationFactory(
            workshop=workshops[index % 3], person=person, organization=organisations[index % 2]
        )
    ParticipationFactory(workshop=workshops[1], person=people[0], organization=None)
    return {"workshops": workshops, "people": people, "organisations": organisations}


def test_factories_fill_the_tables_as_a_rebuild_would(scene):
    assert WorkshopPeople.objects.count() == 7
    assert Reached.objects.count() == 4
    assert_in_step()


def test_participation_status_role_and_counting_changes_keep_the_tables_in_step(scene):
    workshop, people = scene["workshops"][0], scene["people"]
    # Named by person: an unordered first() or last() follows the factories' name sequence.
    first = Participation.objects.get(workshop=workshop, person=people[3])
    first.status = Participation.Status.NO_SHOW
    first.save()
    assert_in_step()
    Participation.objects.filter(workshop=scene["workshops"][1]).update(counts_toward_totals=False)
    assert_in_step()
    Participation.objects.filter(workshop=scene["workshops"][1]).set_role(Participation.Role.PARTICIPANT)
    assert_in_step()
    other = Participation.objects.get(workshop=workshop, person=people[0])
    other.person = people[5]  # someone who had not come to this workshop
    other.save()
    assert_in_step()


def test_attendance_marks_keep_the_tables_in_step(scene):
    workshop = scene["workshops"][0]
    first, second = workshop.sessions.all()
    participations = Participation.objects.filter(workshop=workshop)
    participations.update(status=Participation.Status.REGISTERED)
    assert Reached.objects.count() == 3
    participations.mark_present(first)
    assert_in_step()
    participations.mark_absent(first)
    assert_in_step()
    participations.mark_present(second)
    assert_in_step()


def test_workshop_publication_status_and_date_keep_the_tables_in_step(scene):
    workshop = scene["workshops"][1]
    workshop.is_published = False
    workshop.save()
    assert_in_step()
    workshop.is_published = True
    workshop.status = Workshop.Status.CANCELLED
    workshop.save()
    assert_in_step()
    workshop.status = Workshop.Status.PLANNED
    workshop.start_date = workshop.end_date = timezone.localdate() + datetime.timedelta(days=30)
    workshop.save()
    assert_in_step()
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.HELD)
    assert_in_step()
    draft = scene["workshops"][2]
    draft.is_published = True
    draft.save()
    draft.target_regions.set([region("01"), region("02")])
    draft.target_communes.set(Commune.objects.all()[:2])
    assert_in_step()


def test_person_changes_merges_and_deletions_keep_the_tables_in_step(scene):
    people = scene["people"]
    people[0].region, people[0].gender = region("09"), Person.Gender.MALE
    people[0].commune = Commune.objects.filter(province__region=region("09")).first()
    people[0].save()
    assert_in_step()
    merge(people[1], [people[4]])  # her participation moves to him: another region and gender
    assert_in_step()
    merge(people[0], [people[3]])  # both at the first workshop: the two rows become one
    assert Reached.objects.filter(person=people[3].pk).count() == 0
    assert_in_step()
    people[2].delete()
    assert_in_step()
    Participation.objects.filter(person=people[1]).delete()
    assert_in_step()
    Participation.objects.filter(person=people[5]).get().delete()
    assert_in_step()


def test_organisation_merge_and_workshop_deletion_keep_the_tables_in_step(scene):
    keep, other = scene["organisations"]
    merge(keep, [other])
    assert WorkshopSender.objects.filter(organization=keep.pk).count() == 3
    assert_in_step()
    scene["workshops"][0].delete()
    assert_in_step()
    keep.delete()
    assert not WorkshopSender.objects.exists()
    assert_in_step()


def test_an_attendance_import_keeps_the_tables_in_step(scene):
    workshop = WorkshopFactory(start_date=datetime.date(2021, 3, 5), end_date=datetime.date(2021, 3, 7))
    for day in (5, 6, 7):
        SessionFactory(workshop=workshop, date=datetime.date(2021, 3, day))
    import_attendance(workshop, sample("marrakech-2021-03-attendance-fr.csv"), "a.csv")
    assert WorkshopPeople.objects.filter(workshop=workshop).exists()
    assert_in_step()


def test_rebuild_public_figures_command_makes_lost_rows_again(scene, capsys):
    expected = tables()
    WorkshopPeople.objects.all().delete()
    Reached.objects.all().delete()
    call_command("rebuild_public_figures", "--language", "en")
    assert tables() == expected
    assert "4 people reached" in capsys.readouterr().out


@pytest.fixture
def figures_cached(settings):
    """Production caching of the public figures (in memory here); whole pages not kept."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "figures"},
    }
    settings.PUBLIC_FIGURES_CACHE_SECONDS = 60
    caches["default"].clear()


def page_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("page", "after_edit", "cached"),
    [("home", 10, 1), ("region", 10, 7), ("commune", 7, 7), ("workshop", 8, 8)],
)
def test_first_request_after_an_edit_reads_the_summaries_in_a_few_queries(
    client, figures_cached, scene, page, after_edit, cached
):
    """The issue's target: at most 12 queries for the first visitor after an edit, none of them
    over the participations; fewer once the figures are cached."""
    workshop = scene["workshops"][0]
    fes = Commune.objects.get(code="03.231.01.0")
    scene["people"][0].commune = fes
    scene["people"][0].save()
    paths = {
        "home": reverse("workshops:home"),
        "region": reverse("regions:detail", kwargs={"slug": region("06").slug}),
        "commune": fes.get_absolute_url(),
        "workshop": workshop.get_absolute_url(),
    }
    page_queries(client, paths[page])
    ParticipationFactory(workshop=workshop, person=PersonFactory(region=region("06"), commune=fes))
    reports.forget_public_figures()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(paths[page]).status_code == 200
    # Nothing over the participations, except the workshop page's sessions (its own only).
    over_participations = [q["sql"] for q in queries if "workshops_participation" in q["sql"]]
    assert len(over_participations) == (page == "workshop")
    assert (len(queries), page_queries(client, paths[page])) == (after_edit, cached)

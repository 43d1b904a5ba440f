"""The cross-workshop report aggregates in the database: its figures equal a plain Python count
over every participation (the computation it replaced) on varied generated data, its query count
does not follow the data, and its per-workshop table is paginated."""

import datetime
import random
from collections import Counter

import pytest
from django.urls import reverse

from organizations.models import Organization, Person
from regions.models import Region
from tests.attendance.test_roster import TICKER, staff
from tests.factories import (
    OrganizationFactory,
    PersonFactory,
    ProjectFactory,
    WorkshopFactory,
    WorkshopPartnerFactory,
    region,
)
from tests.workshops.test_disaggregation import analyst  # noqa: F401 (a fixture: staff who may see reports)
from workshops import reports
from workshops.completion import sessions_required
from workshops.disaggregation import Scope, build_report
from workshops.models import Attendance, Participation, Session, Workshop

pytestmark = pytest.mark.django_db

FIRST = ["فاطمة الزهراء", "Aïcha", "Hajar", "Ḥasan", "Mohamed-Amine", "نور الدين", "Éloïse", "Youssef"]


def generate(seed, workshops=9, people=40):
    """Seeded varied data: workshops of 0-4 sessions in several regions, some planned, two
    projects (one funded), people of every gender, age band and several regions (some unknown),
    organisations of several kinds (or none), every role and status, counted or not, and marks
    on random sessions (so some complete and some do not)."""
    rng = random.Random(seed)
    regions = list(Region.objects.order_by("code"))
    funder = OrganizationFactory(name=f"Fondation Ḥasan {seed}", kind=Organization.Kind.FUNDER)
    projects = [ProjectFactory(), ProjectFactory()]
    projects[0].funders.add(funder)
    orgs = [OrganizationFactory(kind=kind) for kind, _label in Organization.Kind.choices[:4]] + [None]
    persons = [
        PersonFactory(
            first_name=rng.choice(FIRST),
            gender=rng.choice([g for g, _label in Person.Gender.choices]),
            age_band=rng.choice([a for a, _label in Person.AgeBand.choices] + [""]),
            region=rng.choice(regions[:5] + [None]),
            organization=rng.choice(orgs),
        )
        for _i in range(people)
    ]
    for n in range(workshops):
        start = datetime.date(2025, 1 + n % 12, 3)
        days = rng.randint(1, 4)
        w = WorkshopFactory(
            start_date=start,
            end_date=start + datetime.timedelta(days=days - 1),
            venue_region=rng.choice(regions[:4] + [None]),
            project=rng.choice(projects + [None]),
            status=Workshop.Status.PLANNED if n == 4 else Workshop.Status.HELD,
        )
        if n % 3 == 0:
            WorkshopPartnerFactory(workshop=w, organization=funder)
        w.sync_sessions()  # one session a day; workshop 7 keeps none
        if n == 7:
            Session.objects.filter(workshop=w).delete()
        if n % 4 == 1:  # two sessions on one day (morning and afternoon): fewer days than marks
            first = Session.objects.filter(workshop=w).first()
            Session.objects.create(workshop=w, position=days + 1, date=first.date)
        sessions = list(Session.objects.filter(workshop=w))
        for person in rng.sample(persons, rng.randint(0, min(20, people))):
            p = Participation.objects.create(
                workshop=w,
                person=person,
                organization=rng.choice([person.organization, rng.choice(orgs)]),
                role=rng.choice([r for r, _label in Participation.Role.choices]),
                # Mostly attended, so that most cases count; every other status too.
                status=rng.choice(
                    [Participation.Status.ATTENDED] * 6 + [s for s, _l in Participation.Status.choices]
                ),
            )
            if rng.random() < 0.2:
                Participation.objects.filter(pk=p.pk).update(counts_toward_totals=not p.counts_toward_totals)
            for session in rng.sample(sessions, rng.randint(0, len(sessions))):
                Attendance.objects.create(participation=p, session=session)
    return {"funder": funder, "project": projects[0], "region": regions[2]}


def python_report(scope, percent):
    """The figures computed in Python over every counted participation, as the report did
    before it aggregated in the database."""
    workshops = list(scope.workshops().order_by("start_date", "pk"))
    counted = list(
        Participation.objects.counted()
        .filter(workshop__in=scope.workshops())
        .select_related("person", "organization")
    )
    people = {p.person_id: p.person for p in counted}
    marks = Counter(
        Attendance.objects.filter(participation__in=counted).values_list("participation", flat=True)
    )
    days = set(
        Attendance.objects.filter(participation__in=counted).values_list("participation", "session__date")
    )
    sessions = Counter(Session.objects.filter(workshop__in=workshops).values_list("workshop", flat=True))
    completion = []
    for w in workshops:
        mine = [p for p in counted if p.workshop_id == w.pk]
        m = sessions[w.pk]
        done = sum(1 for p in mine if marks[p.pk] >= sessions_required(m, percent)) if m else None
        completion.append((w.pk, m, sessions_required(m, percent) if m else 0, len(mine), done))
    return {
        "workshops": len(workshops),
        "unique": len(people),
        "participations": len(counted),
        "days": len(days),
        "gender": Counter(p.gender for p in people.values()),
        "age": Counter(p.age_band for p in people.values()),
        "region": Counter(p.region_id for p in people.values()),
        "kind": Counter(
            kind for _person, kind in {(p.person_id, p.organization and p.organization.kind) for p in counted}
        ),
        "completion": completion,
    }


def as_figures(report):
    gender, age, region_, kind = (
        dict(zip(b.keys, (n for _l, n in b.rows), strict=True)) for b in report.breakdowns[:4]
    )
    return {
        "workshops": report.workshops,
        "unique": report.unique_participants,
        "participations": report.participations,
        "days": report.participant_days,
        "gender": +Counter(gender),
        "age": +Counter(age),
        "region": +Counter(region_),
        "kind": +Counter(kind),
        "completion": [
            (r.workshop_id, r.sessions, r.required, r.participants, r.completed) for r in report.completion
        ],
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("percent", [66, 100, 1, 50])
def test_report_equals_the_python_count_over_every_participation(seed, percent):
    data = generate(seed)
    scopes = [
        Scope(),
        Scope(project=data["project"]),
        Scope(funder=data["funder"]),
        Scope(region=data["region"]),
        Scope(start=datetime.date(2025, 3, 1), end=datetime.date(2025, 8, 31)),
    ]
    for scope in scopes:
        expected = python_report(scope, percent)
        assert as_figures(build_report(scope, completion_percent=percent)) == {
            **expected,
            "gender": +expected["gender"],
            "age": +expected["age"],
            "region": +expected["region"],
            "kind": +expected["kind"],
        }, scope.describe()


def test_generated_data_covers_the_cases():
    generate(1)
    report = build_report(Scope())
    assert report.unique_participants > 10 and report.participations > report.unique_participants
    assert any(row.completed for row in report.completion)
    assert any(row.completed is None for row in report.completion)
    assert any(row.completed is not None and row.completed < row.participants for row in report.completion)
    # Two sessions on one day: fewer participant-days than marks.
    marks = Attendance.objects.filter(participation__in=Participation.objects.counted()).count()
    assert 0 < report.participant_days < marks


@pytest.mark.parametrize("public", [False, True])
def test_report_queries_do_not_follow_the_data(django_assert_num_queries, public):
    generate(4, workshops=2, people=5)
    with django_assert_num_queries(7):
        build_report(Scope(), public=public)
    generate(5, workshops=30, people=200)
    with django_assert_num_queries(7):
        build_report(Scope(), public=public)


def test_the_per_workshop_table_is_paginated(client, analyst):  # noqa: F811 (the fixture)
    for n in range(53):
        WorkshopFactory(
            title=f"Atelier n° {n:02d}", start_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=n)
        )
    client.force_login(analyst)
    url = reverse("reports:participants")
    first = client.get(url, {"region": region("04").pk}).content.decode()
    assert "Atelier n° 49" in first and "Atelier n° 50" not in first
    assert "Page 1 of 2" in first and "region=" in first.split('rel="next"')[0].rsplit("href=", 1)[1]
    second = client.get(url, {"region": region("04").pk, "page": "2"}).content.decode()
    assert "Atelier n° 50" in second and "Atelier n° 52" in second and "Atelier n° 49" not in second
    # What anyone can type in the address: the nearest page, never an error.
    for page in ["999", "-1", "abc", "٢"]:
        assert client.get(url, {"page": page}).status_code == 200


@pytest.fixture
def figures_cached(settings):
    """The report's counts kept as in production (in the tests' memory cache)."""
    settings.PUBLIC_FIGURES_CACHE_SECONDS = 120


def test_the_counts_are_taken_once_then_read_from_the_cache(figures_cached, django_assert_num_queries):
    generate(6, workshops=6, people=30)
    with django_assert_num_queries(7):
        first = build_report(Scope())
    # The workshops and the regions (their names) are read again; the counts are not.
    for public in [True, False]:
        with django_assert_num_queries(2):
            again = build_report(Scope(), public=public)
    assert again.counted_at == first.counted_at
    assert as_figures(build_report(Scope())) == as_figures(first)
    # Each scope has its own counts.
    with django_assert_num_queries(7):
        build_report(Scope(start=datetime.date(2025, 3, 1)))


def test_a_tick_in_the_roster_is_counted_at_once(figures_cached, client, django_user_model):
    w = WorkshopFactory(start_date=datetime.date(2026, 3, 5), end_date=datetime.date(2026, 3, 6))
    w.sync_sessions()
    registered = Participation.Status.REGISTERED
    p = Participation.objects.create(workshop=w, person=PersonFactory(), status=registered)
    assert build_report(Scope()).participant_days == 0
    staff(django_user_model, client, *TICKER)
    response = client.post(
        reverse("staff:roster_mark", kwargs={"slug": w.slug}),
        {"participation": p.pk, "session": w.sessions.get(position=1).pk, "present": "1"},
    )
    assert response.status_code == 200
    report = build_report(Scope())
    assert (report.participant_days, report.participations, report.completion[0].completed) == (1, 1, 0)


def test_a_follow_up_does_not_count_again(figures_cached):
    generate(7, workshops=3, people=10)
    first = build_report(Scope())
    reports.forget_public_figures(Workshop.objects.first(), people=False)
    assert build_report(Scope()).counted_at == first.counted_at
    reports.forget_public_figures(Workshop.objects.first())
    assert build_report(Scope()).counted_at > first.counted_at


def test_the_page_says_when_the_counts_were_taken(figures_cached, client, analyst):  # noqa: F811
    client.force_login(analyst)
    page = client.get(reverse("reports:participants")).content.decode()
    assert "they are kept for up to 2 minutes" in page

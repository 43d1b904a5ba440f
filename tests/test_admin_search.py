"""Admin search and filters of the large lists (people, participations, attendance marks): the
same rows as Django's own search, found through keys instead of joins; phone and e-mail
searchable only with the personal-data permission; queries that do not grow with the data;
the indexes that serve them (docs/performance.md)."""

import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from organizations.models import Person
from tests.conftest import _grant
from tests.factories import (
    AttendanceFactory,
    OrganizationFactory,
    ParticipationFactory,
    PersonFactory,
    SessionFactory,
    WorkshopFactory,
    region,
)
from workshops.models import Attendance, Participation

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


@pytest.fixture
def people():
    """Three people at two workshops: Fatima Bennani (Association Atlas) at both, Youssef Tazi
    at the first (for Réseau Nour, which he has since left), both from Casablanca-Settat, Hajar
    El Bakkali (no region) at the second; one attendance mark per session attended."""
    atlas, nour = OrganizationFactory(name="Association Atlas"), OrganizationFactory(name="Réseau Nour")
    budget = WorkshopFactory(title="Atelier budget participatif")
    forum = WorkshopFactory(title="Forum jeunesse")
    fatima = PersonFactory(
        first_name="Fatima",
        last_name="Bennani",
        organization=atlas,
        region=region("06"),
        phone="+212600000111",
        email="fatima@example.org",
    )
    youssef = PersonFactory(
        first_name="Youssef",
        last_name="Tazi",
        gender=Person.Gender.MALE,
        region=region("06"),
        phone="+212600000222",
    )
    hajar = PersonFactory(first_name="Hajar", last_name="El Bakkali", phone="", email="")
    for workshop, person, organization in [
        (budget, fatima, atlas),
        (forum, fatima, atlas),
        (budget, youssef, nour),
        (forum, hajar, None),
    ]:
        participation = ParticipationFactory(workshop=workshop, person=person, organization=organization)
        session = workshop.sessions.first() or SessionFactory(workshop=workshop)
        AttendanceFactory(participation=participation, session=session)
    return {"fatima": fatima, "youssef": youssef, "hajar": hajar, "budget": budget, "forum": forum}


def changelist_rows(client, model, **params):
    response = client.get(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"), params
    )
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def names(participations):
    return sorted(f"{p.person.first_name} @ {p.workshop.title.split()[0]}" for p in participations)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("Bennani", ["Fatima @ Atelier", "Fatima @ Forum"]),
        ("fatima", ["Fatima @ Atelier", "Fatima @ Forum"]),  # any case
        ("Nour", ["Youssef @ Atelier"]),  # the organisation at the time
        ("Atlas", ["Fatima @ Atelier", "Fatima @ Forum"]),
        ("budget", ["Fatima @ Atelier", "Youssef @ Atelier"]),  # the workshop's title
        ("Fatima budget", ["Fatima @ Atelier"]),  # every word, each in any field
        ('"El Bakkali"', ["Hajar @ Forum"]),  # a quoted phrase is one word
        ("Bakkali Fatima", []),
        ("Tazi Forum", []),
        ("zzz", []),
        ("+212600000222", ["Youssef @ Atelier"]),  # admin_client holds the personal-data permission
    ],
)
def test_participations_search(admin_client, people, term, expected):
    assert names(changelist_rows(admin_client, Participation, q=term)) == expected


@pytest.mark.parametrize(
    ("term", "expected"),
    [("Bennani", ["Fatima @ Atelier", "Fatima @ Forum"]), ("Forum", ["Fatima @ Forum", "Hajar @ Forum"])],
)
def test_attendance_search(admin_client, people, term, expected):
    marks = changelist_rows(admin_client, Attendance, q=term)
    assert names(mark.participation for mark in marks) == expected


@pytest.mark.parametrize(
    ("term", "expected"),
    [("Bennani", ["Fatima"]), ("Atlas", ["Fatima"]), ("a", ["Fatima", "Hajar", "Youssef"]), ("Nour", [])],
)
def test_people_search(admin_client, people, term, expected):
    # Youssef came for Réseau Nour but is not its member: the people list searches the person's
    # own organisation.
    assert sorted(p.first_name for p in changelist_rows(admin_client, Person, q=term)) == expected


@pytest.mark.parametrize("model", [Person, Participation, Attendance])
@pytest.mark.parametrize(
    "term",
    [
        "Bennani",
        "fatima atlas",
        "a",
        "Atelier",
        "forum hajar",
        '"el bakkali"',
        "+2126",
        "example.org",
        "zzz",
        " ",
    ],
)
@pytest.mark.parametrize("personal_data", [True, False])
def test_search_finds_the_rows_django_search_finds(django_user_model, people, model, term, personal_data):
    """Found through keys, the same rows as Django's join search, each once, for a user with
    and without the personal-data permission."""
    user = django_user_model.objects.create_user("searcher", password="x", is_staff=True)
    if personal_data:
        _grant(user, "organizations.view_personal_data")
    request = RequestFactory().get("/", {"q": term})
    request.user = django_user_model.objects.get(pk=user.pk)
    model_admin = admin.site._registry[model]
    queryset = model_admin.get_queryset(request)
    found, duplicates = model_admin.get_search_results(request, queryset, term)
    django_found, django_duplicates = admin.ModelAdmin.get_search_results(
        model_admin, request, queryset, term
    )
    found_pks = list(found.values_list("pk", flat=True))
    assert sorted(found_pks) == sorted(django_found.values_list("pk", flat=True).distinct())
    assert len(found_pks) == len(set(found_pks))
    assert duplicates is django_duplicates is False


@pytest.mark.parametrize("model", [Person, Participation])
def test_without_the_personal_data_permission_phone_and_email_find_nobody(
    client, django_user_model, people, model
):
    user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    _grant(user, "organizations.view_person", "workshops.view_participation")
    client.force_login(user)
    for term in ["+212600000111", "fatima@example.org", "example.org"]:
        assert changelist_rows(client, model, q=term) == []
    assert len(changelist_rows(client, model, q="Bennani")) >= 1  # names still are
    _grant(user, "organizations.view_personal_data")
    client.force_login(django_user_model.objects.get(pk=user.pk))  # now with the one-time code
    assert len(changelist_rows(client, model, q="+212600000111")) >= 1


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"person__gender__exact": "female"}, ["Fatima @ Atelier", "Fatima @ Forum", "Hajar @ Forum"]),
        ({"person__gender__exact": "male"}, ["Youssef @ Atelier"]),
        ({"person__gender__exact": "female", "q": "budget"}, ["Fatima @ Atelier"]),
        ({"person__gender__exact": "female", "status__exact": "no_show"}, []),
        ({"person__gender__isnull": "True"}, []),
        ({"person__gender__exact": "female", "person__region__isnull": "True"}, ["Hajar @ Forum"]),
    ],
)
def test_participations_filtered_by_the_person_gender(admin_client, people, params, expected):
    assert names(changelist_rows(admin_client, Participation, **params)) == expected


@pytest.mark.parametrize(
    ("changelist", "params"),
    [
        ("workshops_participation", {"q": "Bennani budget", "person__gender__exact": "female"}),
        ("workshops_attendance", {"q": "Bennani budget"}),
    ],
)
def test_searched_and_filtered_lists_join_no_person_to_their_rows(admin_client, people, changelist, params):
    # Joined to their people, half a million participations or a million marks are read whole:
    # people are searched alone, then the rows found by key (docs/performance.md).
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(reverse(f"admin:{changelist}_changelist"), params)
    assert not [q["sql"] for q in queries if 'JOIN "organizations_person"' in q["sql"]]


def test_people_list_filters_by_creation_date_without_a_date_hierarchy(admin_client, people):
    response = admin_client.get(reverse("admin:organizations_person_changelist"))
    assert "created_at__gte" in response.content.decode()  # today, past 7 days, this month…
    assert response.context["cl"].date_hierarchy is None


def grow(n):
    """``n`` more people called Bennani, each at a workshop of their own with an attendance mark."""
    for _ in range(n):
        participation = ParticipationFactory(person=PersonFactory(last_name="Bennani"))
        AttendanceFactory(participation=participation)


SEARCHED_LISTS = [
    ("organizations_person", {"q": "Bennani Fatima"}),
    ("workshops_participation", {"q": "Bennani Atelier"}),
    (
        "workshops_participation",
        {"q": "Bennani", "person__gender__exact": "female", "status__exact": "attended"},
    ),
    ("workshops_attendance", {"q": "Bennani"}),
    ("organizations_person", {"gender__exact": "female", "created_at__gte": "2000-01-01 00:00:00+00:00"}),
]


@pytest.mark.parametrize(("changelist", "params"), SEARCHED_LISTS)
def test_searched_lists_make_the_same_queries_whatever_the_data(
    admin_client, people, changelist, params, django_assert_max_num_queries
):
    url = reverse(f"admin:{changelist}_changelist")
    admin_client.get(url, params)  # sessions, content types: cached from here on
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url, params)
    grow(25)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = admin_client.get(url, params)
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as many:
        admin_client.get(url, params)
    assert len(many) == len(few)


def explain(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(
            ("EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN ") + sql, params
        )
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.fixture
def crowd(people):
    """5,000 more people, so that the planner prefers an index where one serves, and fresh
    statistics."""
    first, last = ["Amina", "Omar", "Salma", "Rachid", "Karima"], ["Tazi", "Idrissi", "Alaoui", "Berrada"]
    Person.objects.bulk_create(
        Person(first_name=first[i % 5], last_name=f"{last[i % 4]} {i}", phone=f"+2126100{i:05d}")
        for i in range(5000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def test_people_list_reads_the_name_index_instead_of_sorting(admin_client, crowd):
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(reverse("admin:organizations_person_changelist"))
    (page,) = [q["sql"] for q in queries if 'ORDER BY "organizations_person"."last_name"' in q["sql"]]
    assert "organizations_person_by_name" in explain(page, ())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only")
@pytest.mark.parametrize("field", ["last_name", "first_name", "phone", "email"])
def test_person_search_matches_the_trigram_indexes(field):
    """Django writes icontains as ``UPPER("column"::text) LIKE UPPER(%s)``: an index serves it
    only if made on that very expression. Compared as PostgreSQL itself writes both (whether it
    then uses the index depends on the data: measured in docs/performance.md)."""
    people = Person.objects.filter(**{f"{field}__icontains": "bennani"}).order_by().values("pk")
    plan = explain(*people.query.sql_with_params())
    expression = re.search(r"\((\S+) ~~ ", plan).group(1)  # Filter, Index Cond or Recheck Cond
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [f"organizations_person_{field}_trgm"]
        )
        (definition,) = cursor.fetchone()
    assert definition.endswith(f"USING gin ({expression} gin_trgm_ops)")


def test_a_search_matching_many_rows_counts_them_only_up_to_the_cap(admin_client, people, monkeypatch):
    """A common name in half a million participations was counted whole (1.3 s on SQLite at
    national scale): the count stops at the cap, and the page says "more than"."""
    from config.admin_search import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 2)
    changelist = reverse("admin:workshops_participation_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(changelist, {"q": "a"})  # every participation: four
    assert response.status_code == 200
    assert response.context["cl"].paginator.capped
    assert "more than 2 results" in response.content.decode()
    counts = [
        q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "workshops_participation" in q["sql"]
    ]
    assert len(counts) == 1 and "LIMIT 3" in counts[0]
    assert len(response.context["cl"].result_list) == 4  # every row still listed (one page)
    exact = admin_client.get(changelist, {"q": "Fatima"})
    assert not exact.context["cl"].paginator.capped
    assert "2 results" in exact.content.decode() and "more than" not in exact.content.decode()
    with translation.override("fr"):
        french = admin_client.get(reverse("admin:workshops_participation_changelist"), {"q": "a"})
    assert "plus de 2 résultats" in french.content.decode()


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("Bennani", ["Fatima @ Atelier", "Fatima @ Forum"]),
        ("بناني", ["Fatima @ Atelier", "Fatima @ Forum"]),  # the Arabic spelling of the name
        ("budget", ["Fatima @ Atelier", "Youssef @ Atelier"]),  # the workshop's title
        ("Tazi budget", ["Youssef @ Atelier"]),
        ("Bakkali", ["Hajar @ Forum"]),
        ("zzz", []),
    ],
)
def test_registrations_search_tests_each_registration_through_its_keys(admin_client, people, term, expected):
    """Registrations are few beside the participations: each one's participation and person are
    tested (EXISTS), not every participation of the matching people listed first."""
    from registrations.models import Registration

    for participation in Participation.objects.all():
        Registration.objects.create(participation=participation, language="fr", consent_version="1")
    with CaptureQueriesContext(connection) as queries:
        rows = changelist_rows(admin_client, Registration, q=term)
    assert names(r.participation for r in rows) == expected
    searched = [q["sql"] for q in queries if "registrations_registration" in q["sql"] and "LIKE" in q["sql"]]
    assert searched and all("EXISTS" in sql and " IN (SELECT" not in sql for sql in searched)


@pytest.mark.parametrize(
    ("term", "tested_row_by_row"),
    [("a", True), ("Bennani", False), ("بناني", False), ("budget", False), ("zzz", False)],
)
def test_attendance_marks_are_tested_row_by_row_only_for_a_common_word(
    admin_client, people, monkeypatch, term, tested_row_by_row
):
    """A word matching ``search_rows_first`` people or more is tested mark by mark (EXISTS: a
    common name fills a page from the newest marks at once); a rarer one through its marks'
    keys (IN: testing a million marks one by one for a rare name took 4-8 s). Same marks either
    way."""
    from workshops.admin import AttendanceAdmin

    assert AttendanceAdmin.search_rows_first == {"participation__person": 2000}
    monkeypatch.setattr(AttendanceAdmin, "search_rows_first", False)
    expected = sorted(mark.pk for mark in changelist_rows(admin_client, Attendance, q=term))
    monkeypatch.setattr(AttendanceAdmin, "search_rows_first", {"participation__person": 2})  # "a": 3
    with CaptureQueriesContext(connection) as queries:
        rows = changelist_rows(admin_client, Attendance, q=term)
    assert sorted(mark.pk for mark in rows) == expected
    sqls = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    searched = [sql for sql in sqls if "workshops_attendance" in sql and "LIKE" in sql]
    assert searched
    assert all(("EXISTS" in sql) == tested_row_by_row for sql in searched)
    if term == "a":
        assert len(expected) == 4  # every mark

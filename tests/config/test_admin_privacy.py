"""What the admin's lists accept from their URL (config/admin_privacy.py): only the parameters
a list declares narrow it, never one on a field the user may not read, and no junk answers 500.

The lookup and ordering tests enumerate the registered admins, their models' fields, the fields
of the people and users they reach through foreign keys, the lookups and the roles, so that a
new admin, field or filter is covered without a new test. They build each list as the admin's
list view does (``get_changelist_instance``), without rendering it: thousands of lists, each in
a few milliseconds. The issue's own addresses and the fuzz go through whole responses.
"""

import datetime
import re
import uuid

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth.models import Group, User
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db.models.functions import Lower
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from attendance.models import Certificate, CheckInEvent, CheckInWalkIn
from config.admin_privacy import (
    GUARDED_FIELDS,
    PERSONAL_DATA_PERMISSION,
    DeclaredLookupsMixin,
    ordering_paths,
    reads_guarded_field,
)
from organizations.models import ErasureRecord, ExportLog, OrganizationAlias, Person
from registrations.models import Registration
from tests.factories import (
    AttendanceFactory,
    FollowUpFactory,
    OrganizationFactory,
    ParticipationFactory,
    PersonFactory,
    SessionFactory,
    WorkshopFactory,
    region,
)
from workshops.models import Attendance, Participation, Workshop

pytestmark = pytest.mark.django_db

ROLES = ["Viewers", "Editors", "Data officers", "Managers", "superuser"]
LOOKUPS = ["", "exact", "iexact", "startswith", "contains", "regex", "gt", "in", "isnull"]
# Models whose rows are people: participants, and staff users (named in logs and devices).
PEOPLE = {Person, User}


PERSON_COLUMNS = ["first_name", "last_name", "gender", "age_band", "phone", "email", "city"]
PERSON_ROWS = [  # the columns, then the code of the region of origin
    ("Fatima", "Bennani", "female", "25_34", "+212600000901", "fatima@example.org", "Casablanca", "06"),
    ("Youssef", "Tazi", "male", "45_54", "+212700000902", "youssef@example.net", "Oujda", "02"),
    ("Hajar", "El Bakkali", "unspecified", "", "", "", "", None),
]


@pytest.fixture
def rows(db):
    """Three people unlike each other in every field, at two workshops, with attendance marks,
    export and erasure records, follow-ups, audit entries (written by the audit trail itself),
    two-factor devices and login failures."""
    atlas = OrganizationFactory(name="Association Atlas", region=region("06"))
    people = [
        PersonFactory(**dict(zip(PERSON_COLUMNS, values, strict=True)), region=region(code) if code else None)
        for *values, code in PERSON_ROWS
    ]
    Person.objects.filter(pk=people[0].pk).update(
        organization=atlas, position="Présidente", consent_given=True, consent_date=datetime.date(2026, 3, 1)
    )
    Person.objects.filter(pk=people[1].pk).update(consent_photos=True)
    workshops = [WorkshopFactory(title="Atelier budget"), WorkshopFactory(title="Forum jeunesse")]
    for person, workshop in zip(people, [*workshops, workshops[0]], strict=True):
        participation = ParticipationFactory(person=person, workshop=workshop)
        AttendanceFactory(participation=participation)
        # Certificates of participation name people too (their admin is probed like the others).
        Certificate.objects.create(participation=participation, facts={"name": person.full_name})
    _registrations_and_check_ins()
    FollowUpFactory(reported_by=atlas)
    FollowUpFactory()
    _staff_records(atlas, people)
    return people


def _registrations_and_check_ins():
    """A registration and check-in records for each participation of ``rows``."""
    # Registrations through the public form (registrations app), unlike each other too.
    for participation, language, typed in zip(
        Participation.objects.order_by("pk"), ["ar", "fr", "en"], ["جمعية النور", "", "Club X"], strict=True
    ):
        Registration.objects.create(
            participation=participation,
            language=language,
            consent_version="1",
            consent_text=language,
            organization_name=typed,
        )
    # What the check-in phones sent (attendance.checkin), unlike each other too.
    for n, participation in enumerate(Participation.objects.order_by("pk").select_related("workshop")):
        session = participation.workshop.sessions.first() or SessionFactory(workshop=participation.workshop)
        CheckInEvent.objects.create(
            event_id=uuid.UUID(int=n + 1),
            participation=participation,
            session=session,
            present=n % 2 == 0,
            device_time=datetime.datetime(2026, 3, 5 + n, 9, tzinfo=datetime.UTC),
            device_id=f"phone-{n}",
        )
        CheckInWalkIn.objects.create(
            walk_in_id=uuid.UUID(int=n + 100),
            workshop=participation.workshop,
            participation=participation,
            matched=n % 2 == 1,
            device_id=f"phone-{n}",
        )


def _staff_records(atlas, people):
    """Staff accounts with two-factor devices, aliases, login failures, erasures and exports."""
    staff = User.objects.create_user("nadia", email="nadia@example.org", first_name="Nadia", is_staff=True)
    for user in [staff, User.objects.create_user("omar", is_staff=True)]:
        TOTPDevice.objects.create(user=user, name=f"{user} phone", confirmed=user == staff)
        StaticDevice.objects.create(user=user, name=f"{user} codes")
    OrganizationAlias.objects.create(organization=atlas, name="جمعية الأطلس", language="ar", source="import")
    OrganizationAlias.objects.create(organization=OrganizationFactory(), name="Atlas Assoc", created_by=staff)
    for username, failures in [("nadia", 5), ("omar", 1)]:
        AccessAttempt.objects.create(
            username=username, ip_address="10.0.0.9", user_agent="Firefox", failures_since_start=failures
        )
    for person, user in [(people[0], staff), (people[1], None)]:
        ErasureRecord.objects.create(
            person=person, person_ref=person.pk, erased_at=timezone.now(), erased_by=user, reason="request"
        )
    for user, kind in [(staff, "attendance_list"), (None, "report")]:
        ExportLog.objects.create(
            user=user, username=getattr(user, "username", ""), kind=kind, file_format="csv"
        )


@pytest.fixture
def users(django_user_model):
    """One staff member per role (the groups of organizations/roles.py) and a superuser."""
    users = {"superuser": django_user_model.objects.create_superuser("root", "root@example.org", "x")}
    for role in ROLES[:-1]:
        user = django_user_model.objects.create_user(
            role.lower().replace(" ", ""), password="x", is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
        users[role] = django_user_model.objects.get(pk=user.pk)  # fresh: permissions are cached
    return users


def request_for(user, params=None):
    """A request by ``user``, who has passed two-factor authentication where it is required (as
    ``django_otp``'s middleware marks them): the lists are built without the middleware."""
    request = RequestFactory().get("/", params or {})
    request.user = user
    user.is_verified = lambda: True
    request._messages = CookieStorage(request)
    return request


def changelist(model_admin, user, params=None):
    """The list as the admin builds it for ``user`` and the query string ``params``, or None
    when the admin refuses them (its "invalid lookup" redirect, or a 400)."""
    try:
        return model_admin.get_changelist_instance(request_for(user, params))
    except (IncorrectLookupParameters, SuspiciousOperation):
        return None


def listed(model_admin, user, params=None):
    cl = changelist(model_admin, user, params)
    return None if cl is None else [obj.pk for obj in cl.result_list]


def order_by(model_admin, user, o):
    """The ``ORDER BY`` terms of the list sorted with ``?o=o``."""
    return changelist(model_admin, user, {"o": o}).queryset.query.order_by


def sorted_by(model_admin, user, column):
    """The ``ORDER BY`` terms of the list sorted by the header of ``column`` (the columns'
    numbers depend on the user: a list with actions starts with their checkboxes)."""
    return order_by(model_admin, user, str(changelist(model_admin, user).list_display.index(column)))


def declared(model_admin, user):
    """The filtering parameters the list declares to ``user``: its list filters' own and its
    date hierarchy's."""
    cl = changelist(model_admin, user)
    names = {name for spec in cl.filter_specs for name in spec.expected_parameters()}
    if cl.date_hierarchy:
        names |= {f"{cl.date_hierarchy}__{part}" for part in ("year", "month", "day")}
    return names


def paths_to_people(model, depth=3):
    """Paths of forward foreign keys from ``model`` to a model of ``PEOPLE``, each ending with
    ``__`` (``""`` for a model of people itself): ``participation__person__`` from a mark."""
    paths = [""] if model in PEOPLE else []
    if depth:
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is not None:
                paths += [f"{field.name}__{path}" for path in paths_to_people(field.related_model, depth - 1)]
    return paths


def admins_showing_people():
    """Every registered admin whose model is, or reaches through foreign keys, a person or a
    user, and the audit trail and logs whatever they reach."""
    logs = {LogEntry, ExportLog, ErasureRecord, Attendance, Participation}
    return [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model in logs or paths_to_people(model)
    ]


def probed_paths(model):
    """Every concrete field of ``model``, and every concrete field of each person or user it
    reaches through foreign keys."""
    paths = [field.name for field in model._meta.concrete_fields]
    for prefix in filter(None, paths_to_people(model)):
        target = model
        for name in prefix.rstrip("_").split("__"):
            target = target._meta.get_field(name).related_model
        paths += [prefix + field.name for field in target._meta.concrete_fields]
    return paths


def value_of(obj, path):
    """The value of ``path`` (``person__phone``) on ``obj`` as a query string would give it:
    a key for a relation, ISO dates; "" where a relation is empty."""
    *relations, name = path.split("__")
    for relation in relations:
        obj = getattr(obj, relation)
        if obj is None:
            return ""
    value = obj._meta.get_field(name).value_from_object(obj)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return "" if value is None else str(value)


def probe(path, lookup, value):
    """The query string parameter that tests ``value`` on ``path`` with ``lookup``."""
    key = f"{path}__{lookup}" if lookup else path
    if lookup == "isnull":
        return key, "True"
    return key, re.escape(value) if lookup == "regex" else value


def guarded(model, path):
    """True if ``path`` from ``model`` ends on a field of ``GUARDED_FIELDS``."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return name in GUARDED_FIELDS.get(model._meta.label_lower, {})


def test_phone_and_email_are_guarded_by_the_personal_data_permission():
    assert GUARDED_FIELDS["organizations.person"] == {
        "phone": PERSONAL_DATA_PERMISSION,
        "email": PERSONAL_DATA_PERMISSION,
    }


def test_every_registered_admin_takes_only_declared_lookups():
    assert all(isinstance(model_admin, DeclaredLookupsMixin) for model_admin in admin.site._registry.values())
    assert {type(a).__name__ for a in admins_showing_people()} >= {
        "PersonAdmin",
        "ParticipationAdmin",
        "AttendanceAdmin",
        "ExportLogAdmin",
        "ErasureRecordAdmin",
        "LogEntryAdmin",
    }


@pytest.mark.parametrize("role", ROLES)
def test_no_lookup_from_the_url_narrows_a_list_unless_declared(rows, users, role):
    """Every field of every admin showing people (and every field of the people and users it
    reaches) × every lookup: the list is refused or unchanged, unless the list declares that
    very parameter, which it never does on a field hidden from the role."""
    user = users[role]
    sees_contacts = user.has_perm(PERSONAL_DATA_PERMISSION)
    narrowed, probed = [], set()
    for model_admin in admins_showing_people():
        if not model_admin.has_view_or_change_permission(request_for(user)):
            continue
        probed.add(model_admin.model._meta.label)
        everything = listed(model_admin, user)
        assert len(everything) >= 2, model_admin
        first = model_admin.get_queryset(request_for(user)).get(pk=everything[0])
        allowed = declared(model_admin, user)
        for path in probed_paths(model_admin.model):
            for lookup in LOOKUPS:
                key, value = probe(path, lookup, value_of(first, path))
                if key in allowed:
                    assert sees_contacts or not guarded(model_admin.model, path), (model_admin, key)
                    continue
                if listed(model_admin, user, {key: value}) not in (None, everything):
                    narrowed.append(f"{model_admin.model._meta.label}?{key}={value}")
    assert narrowed == []
    assert probed >= {"organizations.Person", "workshops.Participation", "workshops.Attendance"}
    if role in ("Managers", "superuser"):
        assert probed >= {"organizations.ExportLog", "organizations.ErasureRecord", "auditlog.LogEntry"}


@pytest.mark.parametrize("role", ROLES)
def test_sorting_follows_only_sortable_columns_and_never_a_hidden_field(rows, users, role):
    """``?o=`` for every column of every list, both ways: only a column the admin declares
    sortable changes the order, and never by a field the role may not read."""
    user = users[role]
    for model_admin in admin.site._registry.values():
        if not model_admin.has_view_or_change_permission(request_for(user)):
            continue
        # An ``o`` naming no column drops the default order for the primary key's.
        unsorted = order_by(model_admin, user, "x")
        for index in range(len(changelist(model_admin, user).list_display) + 1):
            for prefix in ("", "-"):
                cl = changelist(model_admin, user, {"o": f"{prefix}{index}"})
                order = cl.queryset.query.order_by
                if index >= len(cl.list_display) or cl.list_display[index] not in cl.sortable_by:
                    assert order == unsorted, (model_admin, index)
                assert not any(
                    reads_guarded_field(model_admin.model, path, user, ordering=True)
                    for term in order
                    for path in ordering_paths(term)
                ), (model_admin, index)


@admin.display(ordering="phone")
def phone_column(person):
    return person.phone


@admin.display(ordering=Lower("email"))
def email_column(person):
    return person.email


class ContactsAdmin(DeclaredLookupsMixin, admin.ModelAdmin):
    """A list that would show, filter, search and sort by contacts (none of ours does)."""

    list_display = ["last_name", "phone", "email", phone_column, email_column]
    list_filter = ["gender", "phone", ("email", admin.EmptyFieldListFilter)]
    search_fields = ["last_name", "=phone", "^email"]


class ContactsOfParticipantsAdmin(DeclaredLookupsMixin, admin.ModelAdmin):
    list_display = ["workshop", "person__phone", "person"]
    list_filter = ["person__email", "status"]


@pytest.mark.parametrize(("role", "sees"), [("Viewers", False), ("Editors", False), ("Data officers", True)])
def test_a_list_of_contacts_sorts_and_filters_by_them_only_for_those_who_may_read_them(
    rows, users, role, sees
):
    user = users[role]
    contacts = ContactsAdmin(Person, admin.site)
    for column in ["phone", "email", phone_column, email_column]:
        assert (sorted_by(contacts, user, column) != order_by(contacts, user, "x")) is sees
    assert (
        contacts.get_search_fields(request_for(user)) == ["last_name", "=phone", "^email"][: 3 if sees else 1]
    )
    assert len(contacts.get_list_filter(request_for(user))) == (3 if sees else 1)
    for params in [{"phone": "+212600000901"}, {"email__isempty": "1"}]:
        assert (listed(contacts, user, params) not in (None, listed(contacts, user))) is sees
    participants = ContactsOfParticipantsAdmin(Participation, admin.site)
    # By person: by their names, which every role reads; by their phone: not.
    assert sorted_by(participants, user, "person") != order_by(participants, user, "x")
    assert (sorted_by(participants, user, "person__phone") != order_by(participants, user, "x")) is sees
    email = {"person__email": "fatima@example.org"}
    assert (listed(participants, user, email) not in (None, listed(participants, user))) is sees


@pytest.mark.parametrize(
    ("path", "ordering", "expected"),
    [
        ("phone", False, True),
        ("email__startswith", False, True),
        ("person__phone", False, True),
        ("participation__person__email__regex", False, True),
        ("person", False, False),
        ("person__last_name", False, False),
        ("participations__person__phone", False, True),
        ("created_at__year", False, False),
        ("unknown__phone", False, False),
    ],
)
def test_reads_guarded_field(users, path, ordering, expected):
    first = path.split("__")[0]
    model = {"person": Participation, "participation": Attendance, "participations": Workshop}.get(
        first, Person
    )
    assert reads_guarded_field(model, path, users["Viewers"], ordering=ordering) is expected
    assert reads_guarded_field(model, path, users["Data officers"], ordering=ordering) is False


def test_ordering_by_a_relation_reads_what_the_related_model_is_ordered_by(users, monkeypatch):
    monkeypatch.setattr(Person._meta, "ordering", ["phone"])
    assert reads_guarded_field(Participation, "person", users["Viewers"], ordering=True)
    assert not reads_guarded_field(Participation, "person", users["Viewers"])
    assert ordering_paths(Lower("email").desc()) == ["email"]


# The issue's own addresses, through whole responses ------------------------------------------

PROBES = [
    ("organizations_person", {"phone": "+212600000901"}),
    ("organizations_person", {"phone__startswith": "+2126"}),
    ("organizations_person", {"email__startswith": "f"}),
    ("organizations_person", {"phone__regex": "^\\+2126"}),
    ("organizations_person", {"email__in": "fatima@example.org"}),
    ("workshops_participation", {"person__phone": "+212600000901"}),
    ("workshops_participation", {"person__email__startswith": "f"}),
    ("workshops_attendance", {"participation__person__email__regex": "^f"}),
    ("workshops_attendance", {"participation__person__phone__startswith": "+2126"}),
]


@pytest.mark.parametrize("role", ["Viewers", "Editors", "Data officers"])
@pytest.mark.parametrize(("changelist_name", "params"), PROBES)
def test_contacts_cannot_be_probed_through_admin_addresses(
    client, rows, users, role, changelist_name, params
):
    client.force_login(users[role])
    url = reverse(f"admin:{changelist_name}_changelist")
    response = client.get(url, params)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert response["Location"] == f"{url}?e=1"


def test_french_address_of_the_issue_is_refused_to_a_viewer_and_logged(client, rows, users, caplog):
    client.force_login(users["Viewers"])
    response = client.get("/fr/admin/organizations/person/?phone=%2B212600000901")
    assert response.status_code == 302
    assert response["Location"] == "/fr/admin/organizations/person/?e=1"
    assert caplog.messages == ["organizations.Person list: parameters phone refused to viewers"]
    assert client.get("/fr/admin/organizations/person/?gender__exact=male").context["cl"].result_count == 1


@pytest.mark.parametrize(("role", "found"), [("Viewers", False), ("Editors", False), ("Data officers", True)])
@pytest.mark.parametrize("term", ["+212600000901", "fatima@example.org"])
@pytest.mark.parametrize("source", ["workshops.participation.person", "workshops.attendance.participation"])
def test_autocomplete_searches_contacts_only_for_those_who_may_read_them(
    client, rows, users, role, found, term, source
):
    """The pickers of people (participation form) and of participations (attendance form)
    search as the people and participation lists do."""
    client.force_login(users[role])
    url = reverse("admin:autocomplete")
    source = dict(zip(["app_label", "model_name", "field_name"], source.split("."), strict=True))
    results = client.get(url, {**source, "term": term}).json()["results"]
    assert (results != []) is found
    assert len(client.get(url, {**source, "term": "Bennani"}).json()["results"]) == 1


@pytest.mark.parametrize("model", [Person, Participation, LogEntry])
def test_a_search_term_with_a_nul_character_finds_nothing(client, rows, users, model):
    """The admin's search (lists and autocomplete alike) finds nothing for a NUL character
    instead of handing it to the database; requests holding one are refused before (400,
    ``config.bad_requests``)."""
    model_admin, request = admin.site._registry[model], request_for(users["superuser"])
    found, _duplicates = model_admin.get_search_results(request, model_admin.get_queryset(request), "a\x00b")
    assert list(found) == []
    client.force_login(users["Data officers"])
    source = {"app_label": "workshops", "model_name": "participation", "field_name": "person"}
    response = client.get(reverse("admin:autocomplete"), {**source, "term": "a\x00b"})
    assert response.status_code == 400 or response.json()["results"] == []


# Junk in every declared parameter of every list ----------------------------------------------

JUNK = [
    "a\x00b",
    "99999999999999999999",
    "-99999999999999999999",
    "abc",
    "",
    "2021-02-30",
    "9999-12-31 23:59:59",
]
# The list's own parameters, beside its filters: search, page, ordering, show all, facet
# counts, the field a popup returns.
LIST_PARAMETERS = ["q", "p", "o", "all", "_facets", "_to_field"]
HIERARCHY_PARTS = ("__year", "__month", "__day")
DATE_HIERARCHY_JUNK = [
    {"__year": "9999"},
    {"__year": "9999", "__month": "12"},
    {"__year": "9999", "__month": "12", "__day": "31"},
    {"__year": "1"},
    {"__year": "2021", "__month": "13"},
    {"__year": "2021", "__month": "2", "__day": "30"},
    {"__month": "2"},
]


def answer(model_admin, user, params):
    """The status the list view answers ``params`` with: 400 for what Django turns into one, 500
    and the error for any other exception. The page's rows are read; the page is rendered when
    it draws links from the parameters themselves (date hierarchy, facet counts): rendering
    every page would make this test minutes long."""
    try:
        response = model_admin.changelist_view(request_for(user, params))
        if response.status_code == 200:
            list(response.context_data["cl"].result_list)
            if "_facets" in params or any(name.endswith(HIERARCHY_PARTS) for name in params):
                response.render()
    except SuspiciousOperation:
        return 400
    except PermissionDenied:
        return 403
    except Exception as exc:  # what Django's handler would answer with a 500
        return f"500 {exc!r}"
    return response.status_code


@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime")
def test_junk_in_any_declared_parameter_never_answers_500(rows, users):
    """Every registered admin, as superuser: each declared filter parameter and each list
    parameter given each junk value, and junk dates for each date hierarchy."""
    superuser, answers = users["superuser"], {}
    for model_admin in admin.site._registry.values():
        label = model_admin.model._meta.label
        hierarchy = changelist(model_admin, superuser).date_hierarchy
        queries = [
            {name: junk} for name in declared(model_admin, superuser) | set(LIST_PARAMETERS) for junk in JUNK
        ]
        if hierarchy:
            queries += [{hierarchy + part: v for part, v in junk.items()} for junk in DATE_HIERARCHY_JUNK]
        for params in queries:
            answers[label, str(params)] = answer(model_admin, superuser, params)
    assert {key: status for key, status in answers.items() if status not in (200, 302, 400)} == {}
    assert len(answers) > 1500

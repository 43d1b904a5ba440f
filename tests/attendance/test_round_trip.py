"""The attendance report, exported in Arabic, French or English as CSV or XLSX, imports back
into its workshop with every field of every person, participation and mark unchanged."""

import datetime

import pytest
from django.utils import translation

from attendance.apply import import_attendance
from attendance.exports import render_attendance
from organizations.models import Organization, Person
from tests.factories import (
    AttendanceFactory,
    OrganizationFactory,
    ParticipationFactory,
    PersonFactory,
    SessionFactory,
    region,
)
from workshops.models import Participation

pytestmark = pytest.mark.django_db

Role, Status = Participation.Role, Participation.Status

# (person, participation, sessions present): every role, every status, counted both ways.
PEOPLE = [
    (
        dict(first_name="نزهة", last_name="بناني", gender="female", age_band="25_34", region="06"),
        dict(role=Role.PARTICIPANT, status=Status.ATTENDED, organization="جمعية الأمل", position="رئيسة"),
        [1, 2, 4],
    ),
    (
        dict(first_name="Karim", last_name="El Idrissi", gender="male", age_band="35_44", region="07"),
        dict(
            role=Role.FACILITATOR,
            status=Status.ATTENDED,
            organization="Association Tilila",
            position="Formateur",
        ),
        [1, 2, 3, 4],
    ),
    (
        dict(first_name="Salma", last_name="Ouazzani", gender="unspecified", age_band="", region=None),
        dict(role=Role.STAFF, status=Status.ATTENDED, counts_toward_totals=True, position="Logistique"),
        [3],
    ),
    (
        dict(first_name="يوسف", last_name="الفاسي", gender="male", age_band="65_plus", region="01"),
        dict(role=Role.SPEAKER, status=Status.CANCELLED, organization="Association Tilila"),
        [],
    ),
    (
        dict(
            first_name="Fatima Zahra", last_name="Amrani", gender="female", age_band="under_18", region="11"
        ),
        dict(role=Role.PARTICIPANT, status=Status.NO_SHOW, organization="جمعية الأمل"),
        [],
    ),
    (
        dict(first_name="Hassan", last_name="Tazi", gender="male", age_band="18_24", region="06", phone=""),
        dict(role=Role.PARTICIPANT, status=Status.REGISTERED, counts_toward_totals=False),
        [],
    ),
    (
        dict(
            first_name="خديجة", last_name="العلوي", gender="female", age_band="45_54", region="02", email=""
        ),
        dict(role=Role.STAFF, status=Status.NO_SHOW, organization="Réseau Espace Associatif"),
        [],
    ),
]


@pytest.fixture
def workshop(three_day_workshop):
    """Four sessions: one titled, two on the same day; seven people as in ``PEOPLE``."""
    workshop = three_day_workshop
    sessions = {session.position: session for session in workshop.sessions.all()}
    sessions[2].title = "Atelier budget participatif"
    sessions[2].save()
    sessions[4] = SessionFactory(workshop=workshop, date=datetime.date(2021, 3, 5), title="")
    organizations = {}
    for person_values, participation_values, present in PEOPLE:
        code = person_values.pop("region")
        person = PersonFactory(**person_values, region=region(code) if code else None)
        name = participation_values.pop("organization", "")
        if name and name not in organizations:
            organizations[name] = OrganizationFactory(name=name)
        person.organization = organizations.get(name)
        person.position = participation_values.get("position", "")
        person.save()
        participation = ParticipationFactory(
            workshop=workshop, person=person, organization=person.organization, **participation_values
        )
        for position in present:
            AttendanceFactory(participation=participation, session=sessions[position])
        person_values["region"] = code
    return workshop


def snapshot(workshop):
    """Every field the report carries, by person name: person, participation and marks."""
    participations = workshop.participations.select_related("person__region", "person__organization")
    return {
        (p.person.last_name, p.person.first_name): {
            "gender": p.person.gender,
            "age_band": p.person.age_band,
            "phone": p.person.phone,
            "email": p.person.email,
            "region": p.person.region.code if p.person.region else None,
            "person organisation": p.person.organization.name if p.person.organization else "",
            "person position": p.person.position,
            "organisation": p.organization.name if p.organization else "",
            "position": p.position,
            "role": p.role,
            "status": p.status,
            "counts_toward_totals": p.counts_toward_totals,
            "marks": sorted(p.sessions.values_list("position", flat=True)),
        }
        for p in participations
    }


def wipe(workshop):
    """Delete the workshop's participations, their people and their organisations."""
    people = list(workshop.participations.values_list("person", flat=True))
    organizations = list(Organization.objects.filter(members__in=people).values_list("pk", flat=True))
    workshop.participations.all().delete()
    Person.objects.filter(pk__in=people).delete()
    Organization.objects.filter(pk__in=organizations).delete()


# The import runs in another language than the export: the labels are read in every language.
IMPORT_LANGUAGE = {"ar": "fr", "fr": "en", "en": "ar"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_export_imports_back_with_every_field_unchanged(workshop, language, fmt):
    before = snapshot(workshop)
    assert len(before) == len(PEOPLE)
    with translation.override(language):
        data = render_attendance(workshop, fmt)
    wipe(workshop)
    assert snapshot(workshop) == {}
    with translation.override(IMPORT_LANGUAGE[language]):
        result = import_attendance(workshop, data, f"attendance.{fmt}")
    assert result.rows == len(PEOPLE)
    assert [session.position for session in result.sessions] == [1, 2, 3, 4]
    assert snapshot(workshop) == before
    # Nothing misread: the only warnings are about the people without phone or e-mail.
    assert [str(w) for w in result.warnings if w.column not in {None}] == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_export_imported_into_its_own_workshop_changes_nothing(workshop, language, fmt):
    before = snapshot(workshop)
    with translation.override(language):
        data = render_attendance(workshop, fmt)
    result = import_attendance(workshop, data, f"attendance.{fmt}", dry_run=True)
    assert not result.changes_anything, result.summary_text()
    import_attendance(workshop, data, f"attendance.{fmt}")
    assert snapshot(workshop) == before

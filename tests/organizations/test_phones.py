"""Phones are stored in one form, E.164 (+212… for Morocco), however they are typed: in the
admin and every form (``Person.full_clean``), in stored data (migration 0008); and staff
allowed to see them find a person by a phone typed any common way."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from organizations.models import Person
from organizations.phones import normalise_phone, phone_search_term
from tests.conftest import _grant
from tests.factories import ParticipationFactory, PersonFactory
from workshops.models import Participation

INVALID_PHONE = "Enter a valid phone number, e.g. 06 12 34 56 78, or +33 6 12 34 56 78 abroad."


@pytest.mark.parametrize(
    "typed",
    [
        "0661234567",
        "06 61 23 45 67",
        "06.61.23.45.67",
        "+212 6 61 23 45 67",
        "00212661234567",
        "212661234567",
    ],
)
def test_a_moroccan_number_typed_any_common_way_is_e164(typed):
    assert normalise_phone(typed) == "+212661234567"


def test_a_foreign_number_keeps_its_country_and_blank_stays_blank():
    assert normalise_phone("+33 6 12 34 56 78") == "+33612345678"
    assert normalise_phone("  ") == ""


@pytest.mark.parametrize("typed", ["123", "not a number", "06612345678999"])
def test_a_number_that_cannot_exist_is_refused(typed):
    with pytest.raises(ValueError):
        normalise_phone(typed)


@pytest.mark.parametrize(("term", "expected"), [("0901", None), ("Bennani", None), ("+2126", None)])
def test_names_and_parts_of_numbers_are_not_phone_search_terms(term, expected):
    assert phone_search_term(term) is expected


def add_person(client, phone, language="en"):
    with translation.override(language):
        url = reverse("admin:organizations_person_add")
    return client.post(
        url, {"first_name": "Karima", "last_name": "Alaoui", "gender": "female", "phone": phone}
    )


@pytest.mark.django_db
def test_a_person_added_in_the_admin_with_a_national_number_is_stored_in_e164(admin_client):
    assert add_person(admin_client, "0661234567").status_code == 302
    assert Person.objects.get(last_name="Alaoui").phone == "+212661234567"


@pytest.mark.django_db
def test_the_same_number_typed_another_way_is_the_same_person(admin_client):
    PersonFactory(phone="+212661234567")
    response = add_person(admin_client, "06 61 23 45 67")
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Another person already has this phone number: find them in the list of people "
        "(or merge the two) rather than adding them again."
    ]
    assert Person.objects.filter(phone="+212661234567").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", INVALID_PHONE),
        (
            "fr",
            "Saisissez un numéro de téléphone valide, p. ex. 06 12 34 56 78, ou +33 6 12 34 56 78 "
            "à l’étranger.",
        ),
        (
            # Each number isolated left to right (U+2066 … U+2069) in the right-to-left line.
            "ar",
            "أدخل رقم هاتف صحيحا، مثلا ⁦06 12 34 56 78⁩، أو ⁦+33 6 12 34 56 78⁩ خارج المغرب.",
        ),
    ],
)
def test_an_invalid_phone_in_the_admin_is_refused_in_the_users_language(admin_client, language, message):
    response = add_person(admin_client, "12345", language)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["phone"] == [message]
    assert not Person.objects.filter(last_name="Alaoui").exists()


@pytest.mark.django_db
def test_full_clean_stores_e164_as_every_form_does():
    person = PersonFactory.build(phone="06 61 23 45 67")
    person.full_clean()
    assert person.phone == "+212661234567"


@pytest.mark.django_db
def test_the_migration_normalises_stored_phones_and_leaves_clashes_and_garbage_alone():
    migration = importlib.import_module("organizations.migrations.0008_normalise_phones")
    national, spaced, garbage, clash, kept = PersonFactory.create_batch(5)
    for person, raw in [
        (national, "0661234567"),
        (spaced, "+212 6 62 00 00 01"),
        (garbage, "n/a"),
        (clash, "06 00 00 09 99"),
        (kept, "+212600000999"),
    ]:
        Person.objects.filter(pk=person.pk).update(phone=raw)  # as stored before the migration
    migration.forward(apps, None)
    stored = dict(Person.objects.values_list("pk", "phone"))
    assert [stored[p.pk] for p in (national, spaced, garbage, clash, kept)] == [
        "+212661234567",
        "+212662000001",
        "n/a",
        "06 00 00 09 99",  # the same person twice: merge them, then save
        "+212600000999",
    ]


@pytest.fixture
def officer(client, django_user_model):
    """Staff who may see people and participations, and their contact details."""
    user = django_user_model.objects.create_user("officer", password="x", is_staff=True)
    _grant(
        user, "organizations.view_person", "workshops.view_participation", "organizations.view_personal_data"
    )
    client.force_login(user)
    return user


def found(client, model, term):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url, {"q": term})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "term", ["0600000901", "06 00 00 09 01", "+212 600 000 901", "00212600000901", "0901"]
)
def test_staff_allowed_to_see_phones_find_a_person_by_a_phone_typed_any_way(client, officer, term):
    person = PersonFactory(phone="+212600000901")
    participation = ParticipationFactory(person=person)
    PersonFactory(phone="+212600000902")
    assert found(client, Person, term) == [person]
    assert found(client, Participation, term) == [participation]


@pytest.mark.django_db
def test_staff_not_allowed_to_see_phones_find_nobody_by_phone(client, django_user_model):
    PersonFactory(phone="+212600000901")
    user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    _grant(user, "organizations.view_person")
    client.force_login(user)
    assert found(client, Person, "0600000901") == []

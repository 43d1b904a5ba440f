"""Two people taking the last place at the same moment: one gets it. Threads on PostgreSQL (the
workshop's row is locked while a registration is recorded); on SQLite every write transaction
starts IMMEDIATE, one writer at a time, which the sequential tests cover."""

import pytest
from django.db import connection

from registrations.consent import CONSENT_VERSION
from registrations.rules import Applicant, RegistrationClosed, register
from tests.attendance.test_concurrency import at_once
from workshops.models import Participation

only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threads share one database server on PostgreSQL only"
)


def applicant(n):
    return Applicant(first_name=f"Salma {n}", last_name="Tazi", gender="female", phone=f"+21266100{n:04d}")


def registering(workshop, n):
    return lambda: register(
        workshop, applicant(n), language="fr", consent_text="…", consent_version=CONSENT_VERSION
    )


@only_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_for_the_last_place_at_once_one_gets_it(open_workshop):
    open_workshop.registration_capacity = 1
    open_workshop.save()
    outcomes = at_once(registering(open_workshop, 1), registering(open_workshop, 2))
    refused = [o for o in outcomes if isinstance(o, RegistrationClosed)]
    recorded = [o for o in outcomes if not isinstance(o, Exception) and o.recorded]
    assert (len(refused), len(recorded)) == (1, 1)
    assert Participation.objects.filter(workshop=open_workshop).count() == 1


@only_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_people_for_five_places_at_once_fill_them_exactly(open_workshop):
    open_workshop.registration_capacity = 5
    open_workshop.save()
    outcomes = at_once(*[registering(open_workshop, n) for n in range(10)])
    assert not [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, RegistrationClosed)]
    assert Participation.objects.filter(workshop=open_workshop).count() == 5


@only_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_phone_sent_twice_at_once_is_one_participation(open_workshop):
    outcomes = at_once(registering(open_workshop, 7), registering(open_workshop, 7))
    assert sorted(o.recorded for o in outcomes) == [False, True]
    assert Participation.objects.filter(workshop=open_workshop).count() == 1


@pytest.mark.django_db
def test_the_last_place_taken_refuses_the_next_one(open_workshop):
    open_workshop.registration_capacity = 1
    open_workshop.save()
    assert registering(open_workshop, 1)().recorded
    with pytest.raises(RegistrationClosed):
        registering(open_workshop, 2)()

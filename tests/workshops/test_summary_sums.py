"""The second level of public summary (``ReachCount``, ``MarginSum``: the people reached and the
workshops' public margins summed by the writes themselves): after every kind of write, on random
data, the sums equal a rebuild from scratch, the figures read from them equal the counting rules
computed live, and the country's table decides as the algorithm before any summary did; two
transactions adding to one sum both count."""

import random
import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from attendance.checkin import apply_batch, parse_batch
from organizations.models import Person
from tests.attendance.test_checkin import RECORDER_PERMS, event
from tests.attendance.test_roster import EDITOR, staff
from tests.factories import ParticipationFactory, PersonFactory, SessionFactory, WorkshopFactory, region
from tests.workshops.test_publication_margins import new_national, old_national
from tests.workshops.test_summaries import assert_in_step, live_people_by_workshop, live_reach
from workshops import publication, summaries
from workshops.models import MarginSum, Participation, ReachCount, Workshop

STATUSES = Participation.Status.values
GENDERS = Person.Gender.values


def random_world(rng):
    """Three to five workshops (some a draft, one planned), two sessions each, 10-24 people of
    three regions or none, each at one to three workshops with a random status."""
    regions = [region("01"), region("06"), region("09"), None]
    workshops = [WorkshopFactory(is_published=rng.random() < 0.8) for _n in range(rng.randint(3, 5))]
    workshops[-1].status = Workshop.Status.PLANNED
    workshops[-1].save()
    for workshop in workshops:
        SessionFactory(workshop=workshop, position=1, date=workshop.start_date)
        SessionFactory(workshop=workshop, position=2, date=workshop.start_date)
    for _n in range(rng.randint(10, 24)):
        person = PersonFactory(region=rng.choice(regions), gender=rng.choice(GENDERS))
        for workshop in rng.sample(workshops, rng.randint(1, 3)):
            ParticipationFactory(workshop=workshop, person=person, status=rng.choice(STATUSES))
    return regions


def some_workshop(rng):
    return rng.choice(list(Workshop.objects.order_by("pk")))


def some_participations(rng, k=3):
    pks = list(Participation.objects.order_by("pk").values_list("pk", flat=True))
    return Participation.objects.filter(pk__in=rng.sample(pks, min(k, len(pks))))


# Every kind of write that changes who is counted; each takes (rng, regions, client).


def add_participant(rng, regions, client):
    person = PersonFactory(region=rng.choice(regions), gender=rng.choice(GENDERS))
    ParticipationFactory(workshop=some_workshop(rng), person=person, status=rng.choice(STATUSES))


def change_status(rng, regions, client):
    participation = some_participations(rng, 1).get()
    participation.status = rng.choice(STATUSES)
    participation.save()


def update_statuses(rng, regions, client):
    some_participations(rng, 5).update(status=rng.choice(STATUSES))


def toggle_counting(rng, regions, client):
    some_participations(rng, 4).update(counts_toward_totals=rng.random() < 0.5)


def remove_participation(rng, regions, client):
    some_participations(rng, 1).get().delete()


def remove_participations(rng, regions, client):
    Participation.objects.filter(person=rng.choice(list(Person.objects.all()))).delete()


def attendance_marks(rng, regions, client):
    workshop = some_workshop(rng)
    session = workshop.sessions.order_by("?").first()
    participations = Participation.objects.filter(workshop=workshop)
    (participations.mark_present if rng.random() < 0.6 else participations.mark_absent)(session)


def bulk_create(rng, regions, client):
    workshop = some_workshop(rng)
    people = [PersonFactory(region=rng.choice(regions), gender=rng.choice(GENDERS)) for _n in range(3)]
    Participation.objects.bulk_create(
        [
            Participation(workshop=workshop, person=p, status=rng.choice(STATUSES), counts_toward_totals=True)
            for p in people
        ]
    )


def move_person(rng, regions, client):
    person = rng.choice(list(Person.objects.all()))
    person.region, person.gender = rng.choice(regions), rng.choice(GENDERS)
    person.save()


def delete_person(rng, regions, client):
    rng.choice(list(Person.objects.all())).delete()


def toggle_publication(rng, regions, client):
    workshop = some_workshop(rng)
    workshop.is_published = not workshop.is_published
    workshop.save()


def update_workshop_status(rng, regions, client):
    status = rng.choice(Workshop.Status.values)
    Workshop.objects.filter(pk=some_workshop(rng).pk).update(status=status)


def move_dates(rng, regions, client):
    workshop = some_workshop(rng)
    workshop.start_date = workshop.end_date = workshop.start_date.replace(year=rng.choice([2019, 2022]))
    workshop.save()


def delete_workshop(rng, regions, client):
    if Workshop.objects.count() > 2:
        some_workshop(rng).delete()


def roster_bulk_status(rng, regions, client):
    workshop = Workshop.objects.filter(participations__isnull=False).order_by("?").first()
    chosen = list(workshop.participations.order_by("?").values_list("pk", flat=True)[:3])
    response = client.post(
        reverse("staff:roster_bulk", kwargs={"slug": workshop.slug}),
        {"selected": chosen, "action": "status", "status": rng.choice(["attended", "no_show"])},
    )
    assert response.status_code == 302


def checkin_batch(rng, regions, client):
    workshop = Workshop.objects.filter(participations__isnull=False).order_by("?").first()
    session = workshop.sessions.order_by("?").first()
    events = [event(p, session, present=rng.random() < 0.7) for p in workshop.participations.all()[:4]]
    batch = parse_batch({"device": "phone-1", "events": events, "walk_ins": []})
    apply_batch(workshop, client.user, batch)


WRITES = [
    add_participant,
    change_status,
    update_statuses,
    toggle_counting,
    remove_participation,
    remove_participations,
    attendance_marks,
    bulk_create,
    move_person,
    delete_person,
    toggle_publication,
    update_workshop_status,
    move_dates,
    delete_workshop,
    roster_bulk_status,
    checkin_batch,
]


def assert_published_alike():
    """The country's table, read from the sums, decides as the algorithm before any summary
    (every workshop's table decided again, live counts)."""
    people = live_reach()
    assert new_national(people, publication.workshop_sums()) == old_national(
        people, list(live_people_by_workshop().values())
    )


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(3))
def test_every_kind_of_write_keeps_the_sums_equal_to_a_rebuild(seed, client, django_user_model, settings):
    settings.SMALL_CELL_MINIMUM = 3  # small cells on this small data: the complements are exercised
    rng = random.Random(seed)
    regions = random_world(rng)
    summaries.rebuild()  # the margins decided with this minimum
    client.user = staff(django_user_model, client, *EDITOR, *RECORDER_PERMS)
    writes = WRITES * 2
    rng.shuffle(writes)
    for write in writes:
        write(rng, regions, client)
        assert_in_step()  # incremental == rebuilt, sums included; reach() == live
        assert_published_alike()
    assert ReachCount.objects.filter(people__lt=0).count() == 0
    assert MarginSum.objects.filter(cells__lt=0).count() == 0


# Concurrency ----------------------------------------------------------------------------------

only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threads share one database server on PostgreSQL only"
)


def add_while_another_adds(key_exists):
    """Two transactions add 1 to the people of one ``ReachCount`` key: the first holds its
    transaction open while the second adds. Returns the count they leave."""
    if key_exists:
        ReachCount.objects.create(region=0, gender="x", people=5)
    added, errors = threading.Event(), []

    def first():
        try:
            with transaction.atomic():
                summaries.add_to_sums(ReachCount, {(0, "x"): (1,)})
                added.set()
                threading.Event().wait(0.3)  # the second is blocked on the row meanwhile
        except Exception as error:  # reported to the test
            errors.append(error)
            added.set()
        finally:
            connection.close()

    def second():
        try:
            added.wait(10)
            with transaction.atomic():
                summaries.add_to_sums(ReachCount, {(0, "x"): (1,)})
        except Exception as error:  # reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    return ReachCount.objects.get(region=0, gender="x").people


@only_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(("key_exists", "expected"), [(True, 7), (False, 2)])
def test_two_transactions_adding_to_one_sum_both_count(key_exists, expected):
    assert add_while_another_adds(key_exists) == expected


@only_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_participants_saved_at_once_in_two_workshops_keep_the_sums_in_step():
    """Two workshops' rosters changed at the same moment: the same sums (the country's total,
    the same region and gender) take both changes."""
    workshops = [WorkshopFactory(), WorkshopFactory()]
    for workshop in workshops:
        ParticipationFactory.create_batch(
            6, workshop=workshop, person__region=region("06"), person__gender="female", status="registered"
        )
    barrier = threading.Barrier(2)
    errors = []

    def attend(workshop):
        try:
            barrier.wait(10)
            with transaction.atomic():
                Participation.objects.filter(workshop=workshop).update(status="attended")
        except Exception as error:  # reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attend, args=(w,)) for w in workshops]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert ReachCount.objects.get(region=region("06").pk, gender="female").people == 12
    assert_in_step()

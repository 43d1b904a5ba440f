"""factory_boy factories: dull, predictable objects for tests.

Defaults are fixed values, not random ones: a workshop is a one-day training held on
2026-04-14 in Rabat (region "04"), published; a participation is attended. Give every value a
test depends on explicitly, e.g. ``WorkshopFactory(venue_region=region("06"))``.

Regions and provinces are not made here: the data migration has loaded the 12 regions and
75 provinces into the test database, so ``region(code)`` fetches one.
"""

import datetime

import factory
from factory.django import DjangoModelFactory
from modeltranslation.translator import translator

from organizations.models import FocusArea, Organization, Person
from regions.models import Province, Region
from workshops.content import written_in
from workshops.models import (
    Attendance,
    Commitment,
    CommitteeMembership,
    FollowUp,
    Milestone,
    MonitoringCommittee,
    Participation,
    Project,
    Recommendation,
    RecommendationStatus,
    Session,
    Workshop,
    WorkshopPartner,
)

WORKSHOP_DATE = datetime.date(2026, 4, 14)


def region(code):
    """The Region with official code ``code`` ("01"-"12"), as loaded by the data migration."""
    return Region.objects.get(code=code)


def province(code):
    """The Province with 3-digit HCP code ``code`` (e.g. "051", Al Hoceima)."""
    return Province.objects.get(code=code)


class TranslatedFactory(DjangoModelFactory):
    """A record whose texts have a version per language (``workshops/translation.py``): a text
    given by its plain name (``title="Forum de Oujda"``) is stored as the version of the
    language it is written in (``workshops.content.written_in``), which becomes the record's
    ``language`` unless given, as staff typing it in that language would have it."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        for name in translator.get_options_for_model(model_class).fields:
            if name in kwargs:
                text = kwargs.pop(name)
                kwargs.setdefault("language", written_in(text))
                kwargs[f"{name}_{kwargs['language']}"] = text
        return super()._create(model_class, *args, **kwargs)


class FocusAreaFactory(DjangoModelFactory):
    class Meta:
        model = FocusArea

    name = factory.Sequence(lambda n: f"Focus area {n}")


class OrganizationFactory(DjangoModelFactory):
    """An association with no region (set ``region=region("..")`` when it matters)."""

    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Association {n}")
    kind = Organization.Kind.ASSOCIATION


class PersonFactory(DjangoModelFactory):
    """A woman with a unique Moroccan mobile number (+2126001nnnnn) and example.org e-mail."""

    class Meta:
        model = Person

    first_name = "Amina"
    last_name = factory.Sequence(lambda n: f"Participant {n}")
    gender = Person.Gender.FEMALE
    # Not +2126000…: the example workshop's people and the tests' sheets use those numbers, which
    # a long test run's sequence would reach.
    phone = factory.Sequence(lambda n: f"+2126001{n:05d}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class ProjectFactory(TranslatedFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Project {n}")
    slug = factory.Sequence(lambda n: f"project-{n}")
    organizer = factory.SubFactory(OrganizationFactory)


class WorkshopFactory(TranslatedFactory):
    """A one-day training, held and published, in Rabat; Arabic title and unicode slug."""

    class Meta:
        model = Workshop

    title = factory.Sequence(lambda n: f"ورشة {n}")
    slug = factory.Sequence(lambda n: f"ورشة-{n}")
    kind = Workshop.Kind.TRAINING
    organizer = factory.SubFactory(OrganizationFactory)
    start_date = WORKSHOP_DATE
    end_date = factory.SelfAttribute("start_date")
    city = "Rabat"
    venue_region = factory.LazyFunction(lambda: region("04"))
    status = Workshop.Status.HELD
    is_published = True


class WorkshopPartnerFactory(DjangoModelFactory):
    class Meta:
        model = WorkshopPartner

    workshop = factory.SubFactory(WorkshopFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = WorkshopPartner.Role.FUNDER


class SessionFactory(DjangoModelFactory):
    """The workshop's next session (position 1, 2, 3…), dated on the workshop's first day."""

    class Meta:
        model = Session

    workshop = factory.SubFactory(WorkshopFactory)
    position = factory.LazyAttribute(lambda o: o.workshop.sessions.count() + 1)
    date = factory.SelfAttribute("workshop.start_date")


class ParticipationFactory(DjangoModelFactory):
    """A participant who attended and counts toward totals."""

    class Meta:
        model = Participation

    workshop = factory.SubFactory(WorkshopFactory)
    person = factory.SubFactory(PersonFactory)
    organization = factory.SelfAttribute("person.organization")
    role = Participation.Role.PARTICIPANT
    status = Participation.Status.ATTENDED


class AttendanceFactory(DjangoModelFactory):
    """A presence mark; the session defaults to a new one of the participation's workshop."""

    class Meta:
        model = Attendance

    participation = factory.SubFactory(ParticipationFactory)
    session = factory.SubFactory(SessionFactory, workshop=factory.SelfAttribute("..participation.workshop"))


class RecommendationFactory(TranslatedFactory):
    """The workshop's next recommendation (number 1, 2, 3…), not started."""

    class Meta:
        model = Recommendation

    workshop = factory.SubFactory(WorkshopFactory)
    position = factory.LazyAttribute(lambda o: o.workshop.recommendations.count() + 1)
    text = factory.Sequence(lambda n: f"Recommendation {n}")
    status = RecommendationStatus.NOT_STARTED


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUp

    recommendation = factory.SubFactory(RecommendationFactory)
    date = datetime.date(2026, 6, 1)
    note = factory.Sequence(lambda n: f"Follow-up note {n}")
    new_status = RecommendationStatus.LIMITED


class MonitoringCommitteeFactory(TranslatedFactory):
    """A proposed committee (so without a constitution date: a database constraint)."""

    class Meta:
        model = MonitoringCommittee

    name = factory.Sequence(lambda n: f"Monitoring committee {n}")
    slug = factory.Sequence(lambda n: f"لجنة-{n}")
    status = MonitoringCommittee.Status.PROPOSED


class CommitteeMembershipFactory(DjangoModelFactory):
    class Meta:
        model = CommitteeMembership

    committee = factory.SubFactory(MonitoringCommitteeFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = CommitteeMembership.Role.MEMBER


class CommitmentFactory(TranslatedFactory):
    """A commitment on a new recommendation, not started, due 2026-12-31."""

    class Meta:
        model = Commitment

    recommendation = factory.SubFactory(RecommendationFactory)
    position = factory.LazyAttribute(lambda o: o.recommendation.commitments.count() + 1)
    title = factory.Sequence(lambda n: f"Commitment {n}")
    due_date = datetime.date(2026, 12, 31)


class MilestoneFactory(TranslatedFactory):
    class Meta:
        model = Milestone

    commitment = factory.SubFactory(CommitmentFactory)
    position = factory.LazyAttribute(lambda o: o.commitment.milestones.count() + 1)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    weight = 1

"""Factories of action programmes, projects and observations (kept beside their tests so that
the shared ``tests/factories.py`` stays untouched). Communes are made here: their rows are loaded
by another data migration, which a test database may not hold."""

import datetime

import factory
from factory.django import DjangoModelFactory

from programmes.models import ActionProgramme, Observation, Project
from regions.models import Commune, Province
from tests.factories import MonitoringCommitteeFactory
from workshops.models import ProgressStatus


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    # HCP's shape (regions_commune_code_hcp: 2.3.2.1-2 digits) whatever the sequence has reached,
    # in a block (9x) that no commune of the Fès prefecture uses.
    code = factory.Sequence(lambda n: f"03.231.{90 + n // 100 % 10}.{n % 100:02d}")
    name_fr = factory.Sequence(lambda n: f"Commune {n}")
    name_ar = factory.Sequence(lambda n: f"جماعة {n}")
    slug = factory.Sequence(lambda n: f"commune-{n}")
    kind = Commune.Kind.RURAL
    province = factory.LazyFunction(lambda: Province.objects.get(code="231"))
    population_2024 = 10000


class ActionProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = ActionProgramme

    commune = factory.SubFactory(CommuneFactory)
    start_year = 2022
    end_year = 2027
    adopted_on = datetime.date(2022, 10, 5)


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    programme = factory.SubFactory(ActionProgrammeFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"مشروع رقم {n}")
    sector = "البنية التحتية"
    estimated_cost = 1_200_000
    start_year = 2023
    end_year = 2025


class ObservationFactory(DjangoModelFactory):
    class Meta:
        model = Observation

    committee = factory.SubFactory(MonitoringCommitteeFactory)
    project = factory.SubFactory(ProjectFactory)
    date = datetime.date(2024, 11, 12)
    note = "Visite sur place : travaux en cours."
    observed_status = ProgressStatus.SUBSTANTIAL

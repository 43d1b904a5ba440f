"""The founding example, as ``load_example`` enters it: the issue's exact figures."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from organizations.models import Organization, Person
from regions.models import Province, Region
from workshops.models import Attendance, MonitoringCommittee, Participation, Recommendation, Workshop
from workshops.reports import headline, workshop_figures

pytestmark = pytest.mark.django_db


def test_load_example_gives_the_reported_figures(example):
    assert Region.objects.count() == 12
    assert Province.objects.count() == 75
    assert Workshop.objects.count() == 1
    assert example.sessions.count() == 3
    figures = workshop_figures(example)
    assert figures["participants"] == 50
    assert figures["women"] == 23
    assert {region.code: n for region, n in figures["by_region"]} == {"03": 17, "05": 17, "01": 16}
    assert [n for _session, n in figures["by_session"]] == [48, 50, 45]
    assert Recommendation.objects.filter(workshop=example).count() == 5
    committee = MonitoringCommittee.objects.get()
    assert committee.status == MonitoringCommittee.Status.PROPOSED
    assert sorted(committee.regions.values_list("code", flat=True)) == ["01", "03", "05"]
    assert committee.origin_recommendation.position == 4


def test_example_attended_all_three_days(example):
    full = Participation.objects.filter(workshop=example).annotate(n=Count("attendances")).filter(n=3).count()
    assert full == 43


def test_example_workshop_facts(example):
    assert example.start_date.isoformat() == "2021-03-05"
    assert example.end_date.isoformat() == "2021-03-07"
    assert example.venue_region.code == "07"
    assert sorted(example.target_regions.values_list("code", flat=True)) == ["01", "03", "05"]
    assert len(example.objective_list) == 5
    assert example.partnerships.get().organization.acronym == "NED"
    assert example.partnerships.get().role == "funder"


def test_load_example_twice_changes_nothing(db):
    call_command("load_example")
    before = [
        Model.objects.count()
        for Model in (
            Person,
            Organization,
            Participation,
            Attendance,
            Recommendation,
            MonitoringCommittee,
            Workshop,
        )
    ]
    call_command("load_example")
    after = [
        Model.objects.count()
        for Model in (
            Person,
            Organization,
            Participation,
            Attendance,
            Recommendation,
            MonitoringCommittee,
            Workshop,
        )
    ]
    assert after == before
    assert before[:4] == [50, before[1], 50, 143]


def test_headline_figures_of_the_example(example):
    figures = headline()
    assert figures.workshops_held == 1
    assert figures.participants == 50
    assert figures.women == 23
    assert figures.women_share == 46.0
    # Marrakech-Safi hosted, three regions targeted and sending participants.
    assert figures.regions_reached == 4
    assert dict((value, n) for value, _label, n in figures.recommendations)["not_started"] == 5


def test_load_example_keeps_staff_edits(example):
    example.summary = "Résumé corrigé par l'équipe."
    example.save()
    call_command("load_example")
    example.refresh_from_db()
    assert example.summary == "Résumé corrigé par l'équipe."

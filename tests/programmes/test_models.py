"""Action programmes' rules: constraints in the database, the flag, the observation's meeting."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes.models import ActionProgramme, Project, commune_programmes
from tests.factories import MonitoringCommitteeFactory, RecommendationFactory
from tests.programmes.factories import (
    ActionProgrammeFactory,
    CommuneFactory,
    ObservationFactory,
    ProjectFactory,
)
from workshops.models import CommitteeMeeting, ProgressStatus

pytestmark = pytest.mark.django_db
S = ProgressStatus


def _refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        fields["factory"](**{k: v for k, v in fields.items() if k != "factory"})


@pytest.mark.parametrize(
    ("start", "end"),
    [(2027, 2022), (2022, 2028), (1950, 1952), (2099, 2101)],
)
def test_programme_period_is_checked_by_the_database(start, end):
    _refused(factory=ActionProgrammeFactory, start_year=start, end_year=end)


def test_programme_period_message_is_translated_and_names_six_years():
    programme = ActionProgrammeFactory.build(commune=CommuneFactory(), start_year=2022, end_year=2030)
    with pytest.raises(ValidationError, match="six years"):
        programme.validate_constraints()


def test_one_programme_per_commune_and_first_year():
    programme = ActionProgrammeFactory()
    _refused(factory=ActionProgrammeFactory, commune=programme.commune, start_year=2022, end_year=2027)


@pytest.mark.parametrize(
    "fields",
    [
        {"progress": 101},
        {"estimated_cost": -1},
        {"start_year": 2025, "end_year": 2024},
        {"reported_status": S.COMPLETE, "reported_on": None},
    ],
)
def test_project_constraints(fields):
    programme = ActionProgrammeFactory()
    _refused(factory=ProjectFactory, programme=programme, **fields)


def test_two_projects_cannot_share_a_number():
    project = ProjectFactory()
    _refused(factory=ProjectFactory, programme=project.programme, position=project.position)


def _followed_project(**fields):
    committee = MonitoringCommitteeFactory()
    project = ProjectFactory(**fields)
    project.programme.committees.add(committee)
    return committee, project


def _flags():
    return {p.title: (p.observed_status, p.is_flagged) for p in Project.objects.with_flags()}


def test_project_is_flagged_when_newest_observation_differs_from_the_communes_report():
    committee, project = _followed_project(reported_status=S.COMPLETE, reported_on=datetime.date(2024, 6, 30))
    ObservationFactory(
        committee=committee, project=project, observed_status=S.COMPLETE, date=datetime.date(2024, 1, 1)
    )
    ObservationFactory(
        committee=committee, project=project, observed_status=S.LIMITED, date=datetime.date(2024, 9, 1)
    )
    assert _flags() == {project.title: (S.LIMITED, True)}


def test_project_is_not_flagged_when_the_newest_observation_agrees():
    committee, project = _followed_project(reported_status=S.COMPLETE, reported_on=datetime.date(2024, 6, 30))
    ObservationFactory(
        committee=committee, project=project, observed_status=S.LIMITED, date=datetime.date(2024, 1, 1)
    )
    ObservationFactory(
        committee=committee, project=project, observed_status=S.COMPLETE, date=datetime.date(2024, 9, 1)
    )
    assert _flags() == {project.title: (S.COMPLETE, False)}


def test_no_flag_without_a_report_or_without_an_observation():
    committee, unreported = _followed_project()
    ObservationFactory(committee=committee, project=unreported, observed_status=S.LIMITED)
    unobserved = ProjectFactory(reported_status=S.COMPLETE, reported_on=datetime.date(2024, 6, 30))
    assert _flags() == {unreported.title: (S.LIMITED, False), unobserved.title: (None, False)}


def test_observations_of_an_unpublished_workshops_committee_do_not_count():
    committee, project = _followed_project(reported_status=S.COMPLETE, reported_on=datetime.date(2024, 6, 30))
    committee.origin_recommendation = RecommendationFactory(workshop__is_published=False)
    committee.save()
    ObservationFactory(committee=committee, project=project, observed_status=S.LIMITED)
    assert _flags() == {project.title: (None, False)}


def test_programme_counts_its_projects_and_flags():
    committee, flagged = _followed_project(reported_status=S.COMPLETE, reported_on=datetime.date(2024, 6, 30))
    ObservationFactory(committee=committee, project=flagged, observed_status=S.STALLED)
    ProjectFactory(programme=flagged.programme)
    ActionProgrammeFactory()
    counts = sorted((p.project_count, p.flagged_count) for p in ActionProgramme.objects.with_counts())
    assert counts == [(0, 0), (2, 1)]


def test_observation_meeting_must_be_the_observing_committees():
    committee, project = _followed_project()
    other_meeting = CommitteeMeeting.objects.create(
        committee=MonitoringCommitteeFactory(), date=datetime.date(2024, 5, 2)
    )
    observation = ObservationFactory.build(committee=committee, project=project, meeting=other_meeting)
    with pytest.raises(ValidationError) as error:
        observation.full_clean()
    assert "meeting" in error.value.message_dict


def test_observation_committee_must_follow_the_programme():
    observation = ObservationFactory.build(committee=MonitoringCommitteeFactory(), project=ProjectFactory())
    with pytest.raises(ValidationError) as error:
        observation.full_clean()
    assert "committee" in error.value.message_dict


def test_timeline_puts_observations_next_to_the_communes_report_newest_first():
    committee, project = _followed_project(reported_status=S.COMPLETE, reported_on=datetime.date(2024, 6, 30))
    late = ObservationFactory(committee=committee, project=project, date=datetime.date(2024, 11, 12))
    early = ObservationFactory(committee=committee, project=project, date=datetime.date(2024, 1, 5))
    assert [(d.isoformat(), kind, item) for d, kind, item in project.timeline()] == [
        ("2024-11-12", "observation", late),
        ("2024-06-30", "reported", project),
        ("2024-01-05", "observation", early),
    ]


@pytest.mark.parametrize("size", [1, 3])
def test_commune_programmes_takes_three_queries_whatever_the_size(size, django_assert_num_queries):
    commune = CommuneFactory()
    committee = MonitoringCommitteeFactory()
    for year in range(size):
        programme = ActionProgrammeFactory(
            commune=commune, start_year=2010 + 6 * year, end_year=2015 + 6 * year
        )
        programme.committees.add(committee)
        for _n in range(size):
            project = ProjectFactory(programme=programme, start_year=None, end_year=None)
            ObservationFactory(committee=committee, project=project)
    with django_assert_num_queries(3):
        programmes = commune_programmes(commune)
        rows = [
            (p.period, [(x.title, x.observed_status) for x in p.projects.all()], list(p.committees.all()))
            for p in programmes
        ]
    assert len(rows) == size
    assert all(len(projects) == size and committees == [committee] for _period, projects, committees in rows)

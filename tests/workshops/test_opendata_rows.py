"""The open data of recommendations and commitments read in a few queries whatever their number
(at a national scale the row-by-row prefetches took 13 s), and give the very rows the row-by-row
reading gave (``reference_*`` below: the code they replaced), in each language."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from tests.factories import (
    CommitmentFactory,
    FollowUpFactory,
    MilestoneFactory,
    OrganizationFactory,
    RecommendationFactory,
    WorkshopFactory,
    region,
)
from workshops import opendata
from workshops.models import Commitment, ProgressStatus, Recommendation

pytestmark = pytest.mark.django_db


def reference_recommendation_rows(base_url=""):
    today = timezone.localdate()
    queryset = (
        Recommendation.objects.public()
        .select_related("workshop")
        .prefetch_related("target_regions", "responsible_organizations", "commitments")
        .order_by("workshop__start_date", "workshop_id", "position")
    )
    for r in queryset:
        yield {
            "id": r.pk,
            "url": base_url + r.get_absolute_url(),
            "workshop": r.workshop.title,
            "workshop_url": base_url + r.workshop.get_absolute_url(),
            "workshop_start_date": r.workshop.start_date.isoformat(),
            "number": r.position,
            "text": r.text,
            "status": r.status,
            "status_label": str(r.get_status_display()),
            "due_date": r.due_date.isoformat() if r.due_date else "",
            "overdue": r.is_overdue(today),
            "target_regions": " ".join(x.code for x in r.target_regions.all()),
            "responsible_organisations": " | ".join(o.name for o in r.responsible_organizations.all()),
            "commitments": len(r.commitments.all()),
        }


def reference_commitment_rows(base_url=""):
    today = timezone.localdate()
    queryset = (
        Commitment.objects.public()
        .with_progress()
        .select_related("recommendation__workshop")
        .prefetch_related("target_regions", "responsible_organizations", "follow_ups")
        .order_by("recommendation__workshop__start_date", "recommendation_id", "position")
    )
    for c in queryset:
        updates = [f.date for f in c.follow_ups.all()]
        yield {
            "id": c.pk,
            "url": base_url + c.get_absolute_url(),
            "recommendation_id": c.recommendation_id,
            "recommendation_url": base_url + c.recommendation.get_absolute_url(),
            "workshop": c.recommendation.workshop.title,
            "number": c.position,
            "title": c.title,
            "status": c.status,
            "status_label": str(c.get_status_display()),
            "progress": "" if c.progress is None else c.progress,
            "due_date": c.due_date.isoformat() if c.due_date else "",
            "overdue": c.is_overdue(today),
            "target_regions": " ".join(x.code for x in c.target_regions.all()),
            "responsible_organisations": " | ".join(o.name for o in c.responsible_organizations.all()),
            "last_update": max(updates).isoformat() if updates else "",
        }


def tracker_data(n):
    """``n`` published workshops (and one not published) with recommendations in every status,
    several regions and organisations, commitments with milestones half
    done and follow-ups on several dates."""
    names = ["جمعية الأمل", "Association Atlas", "Atlas", "Zagora"]
    organisations = [OrganizationFactory(name=f"{name} {n}") for name in names]
    statuses = list(ProgressStatus.values)
    for i in range(n + 1):
        w = WorkshopFactory(
            title=f"Atelier {i} — ورشة", start_date=dt.date(2024, 1 + i % 12, 1 + i), is_published=i < n
        )
        for j in range(2):
            r = RecommendationFactory(
                workshop=w,
                status=statuses[(i + j) % len(statuses)],
                due_date=dt.date(2025, 1, 1) if j else None,
            )
            r.target_regions.set([region(code) for code in ["06", "01", "11"][: 1 + (i + j) % 3]])
            r.responsible_organizations.set(organisations[(i + j) % 4 :])
            for k in range(j + i % 2):
                c = CommitmentFactory(recommendation=r, status=statuses[(i + k) % len(statuses)])
                c.target_regions.set([region("04"), region("01")][: 1 + k])
                c.responsible_organizations.set(organisations[k:3])
                MilestoneFactory(commitment=c, weight=3, completed_on=dt.date(2025, 2, 1) if k else None)
                MilestoneFactory(commitment=c, weight=1)
                for day in range(k + 1):
                    FollowUpFactory(recommendation=None, commitment=c, date=dt.date(2025, 3, 1 + day * 7))


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_the_rows_are_those_read_row_by_row(language):
    tracker_data(4)
    with translation.override(language):
        base = "https://tracker.example.org"
        recommendations = list(opendata.recommendation_rows(base_url=base))
        assert recommendations == list(reference_recommendation_rows(base_url=base))
        commitments = list(opendata.commitment_rows(base_url=base))
        assert commitments == list(reference_commitment_rows(base_url=base))
    assert len(recommendations) == 8 and len(commitments) == 8
    assert {row["last_update"] for row in commitments} >= {"2025-03-01", "2025-03-08"}
    assert any("Atlas 4 | Zagora 4" in row["responsible_organisations"] for row in recommendations)


def test_the_queries_do_not_follow_the_number_of_rows(django_assert_num_queries):
    tracker_data(1)
    with django_assert_num_queries(4):
        list(opendata.recommendation_rows())
    with django_assert_num_queries(4):
        list(opendata.commitment_rows())
    tracker_data(6)
    with django_assert_num_queries(4):
        assert len(list(opendata.recommendation_rows())) == 14
    with django_assert_num_queries(4):
        list(opendata.commitment_rows())

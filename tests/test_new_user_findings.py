"""Findings of a new staff member's walk through the workshop-day features (set-up, public
registration, approval, roster, check-in, sign-in sheet, certificates), each pinned by a test."""

from django.utils import translation

from workshops.models import Participation


def test_french_participation_statuses_share_one_gender():
    """The admin's status filter listed "inscrit, présent, absent, désisté, refusée": one label
    agreed with "inscription" while the others agree with "participant"."""
    with translation.override("fr"):
        labels = [str(choice.label) for choice in Participation.Status]
    assert "refusé" in labels
    assert not [label for label in labels if label.endswith("ée")]

"""Database rules explain themselves: every constraint of our models carries its own translated
message, so staff never read Django's generic "Constraint … is violated"."""

from datetime import time

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.factories import SessionFactory, WorkshopFactory

OUR_APPS = {"regions", "organizations", "workshops"}


def our_constraints():
    """(model, constraint) for every constraint declared by our apps' models."""
    return [
        (model, constraint)
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
        for constraint in model._meta.constraints
    ]


def test_there_are_constraints_to_check():
    assert len(our_constraints()) >= 26


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_constraint_has_its_own_translated_message(language):
    missing, untranslated = [], []
    for _model, constraint in our_constraints():
        if constraint.violation_error_message == constraint.default_violation_error_message:
            missing.append(constraint.name)
            continue
        english = str(constraint.violation_error_message)
        with translation.override(language):
            if str(constraint.violation_error_message) == english:
                untranslated.append(constraint.name)
    assert missing == []
    assert untranslated == []


@pytest.mark.django_db
def test_a_session_ending_before_it_starts_is_refused_in_words():
    session = SessionFactory.build(
        workshop=WorkshopFactory(), position=1, start_time=time(20, 0), end_time=time(1, 0)
    )
    with pytest.raises(ValidationError) as raised:
        session.full_clean()
    text = " ".join(raised.value.messages)
    assert "past midnight" in text
    assert "is violated" not in text


@pytest.mark.django_db
def test_a_session_ending_before_it_starts_is_refused_in_french():
    session = SessionFactory.build(
        workshop=WorkshopFactory(), position=1, start_time=time(20, 0), end_time=time(1, 0)
    )
    with translation.override("fr"), pytest.raises(ValidationError) as raised:
        session.full_clean()
    assert "minuit" in " ".join(raised.value.messages)

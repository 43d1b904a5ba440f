"""A generation of public figures that the cache lost (evicted: the file cache culls entries
beyond ``MAX_ENTRIES``) starts again from a random value, so figures kept under an older one
never come back as current (``reports.current_generation``)."""

import pytest
from django.core.cache import cache

from workshops import reports

pytestmark = pytest.mark.django_db


def test_an_evicted_generation_does_not_bring_back_figures_of_an_older_one(settings):
    settings.PUBLIC_FIGURES_CACHE_SECONDS = 120
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    first = reports.cached("figure", compute, localized=False, people=True)
    reports.forget_public_figures()  # a change: the next figure is computed again
    assert reports.cached("figure", compute, localized=False, people=True) == 2
    cache.delete(reports.PEOPLE_GENERATION)  # evicted by the cache
    after = reports.cached("figure", compute, localized=False, people=True)
    assert (first, after) == (1, 3)  # neither the first value (its generation) nor the second


def test_a_generation_starts_at_random_and_moves_on_each_change():
    cache.delete(reports.CONTENT_GENERATION)
    start = reports.current_generation(reports.CONTENT_GENERATION)
    assert start == reports.current_generation(reports.CONTENT_GENERATION)
    reports.forget_public_figures()
    assert reports.current_generation(reports.CONTENT_GENERATION) == start + 1
    cache.delete(reports.CONTENT_GENERATION)
    reports.forget_public_figures()  # missing when the change comes: a new random start
    assert reports.current_generation(reports.CONTENT_GENERATION) not in {start, start + 1}

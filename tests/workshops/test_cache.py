"""The public figures' cache lives in the database, shared by every worker and server."""

import pytest
from django.core.cache import caches

from tests.factories import ParticipationFactory
from workshops import reports

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "tracker_cache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    }
    settings.PUBLIC_FIGURES_CACHE_SECONDS = 60
    caches["default"].clear()
    return caches["default"]


def test_the_cache_table_exists_after_migrate(database_cache):
    database_cache.set("probe", 42)
    assert database_cache.get("probe") == 42


def test_cached_figures_stay_until_forgotten(database_cache, example):
    first = reports.cached("headline", reports.headline)
    ParticipationFactory(workshop=example)
    assert reports.cached("headline", reports.headline).participants == first.participants == 50
    reports.forget_public_figures()
    assert reports.cached("headline", reports.headline).participants == 51

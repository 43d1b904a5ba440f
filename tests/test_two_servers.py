"""Two application servers sharing one Redis cache and one database: an edit made through one
shows at once on the other (``REDIS_URL``; ``.ci/run`` starts a Redis server for this test)."""

import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from bench.after_edit import fetch, free_port, post_form, wait_until_up
from tests.factories import CommitmentFactory, RecommendationFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[1]


def shared_redis():
    """``REDIS_URL`` emptied for the test, or a skip saying why there is none."""
    import redis

    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip("REDIS_URL is not set: no shared cache for two servers (.ci/run starts a Redis server)")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.RedisError as error:
        pytest.skip(f"no Redis answers at REDIS_URL: {error}")
    return url


def shared_database():
    """A URL of the test database that other processes can open, or a skip."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        pytest.skip(
            "two servers need a database they can both open: this runs on PostgreSQL (CI's second run)"
        )
    user = urllib.parse.quote(db["USER"])
    password = urllib.parse.quote(db["PASSWORD"])
    return f"postgres://{user}:{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def two_servers(tmp_path):
    """Two ``runserver`` processes on their own ports, the page cache and figures on for two
    minutes as in production, sharing the test database and Redis; yields their base URLs.
    Each has cache folders of its own, as two machines would: only Redis is shared."""
    env = {
        **os.environ,
        "DATABASE_URL": shared_database(),
        "REDIS_URL": shared_redis(),
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "PAGE_CACHE_SECONDS": "120",
        "PUBLIC_FIGURES_CACHE_SECONDS": "120",
    }
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env={
                **env,
                "PAGE_CACHE_DIR": str(tmp_path / f"{port}-pages"),
                "FIGURES_CACHE_DIR": str(tmp_path / f"{port}"),
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url in urls:
            wait_until_up(url, seconds=90)
        yield urls
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)


def read(url):
    return fetch(urllib.request.build_opener(), url)[1]


def test_an_edit_through_one_server_shows_at_once_on_the_other(two_servers, django_user_model):
    a, b = two_servers
    commitment = CommitmentFactory(recommendation=RecommendationFactory())
    with translation.override("fr"):
        page = commitment.get_absolute_url()
        form = reverse("workshops:commitment_update", kwargs={"pk": commitment.pk})
    note = "Réunion du comité de suivi tenue à Fès"
    assert note not in read(b + page)
    assert note not in read(b + page)  # now in B's page cache

    updater = django_user_model.objects.create_user("updater", password="x", is_staff=True)
    updater.user_permissions.add(Permission.objects.get(codename="add_followup"))
    signed_in = Client()
    signed_in.force_login(updater)
    session = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    fields = {"date": "2026-11-20", "new_status": "limited", "note": note}
    assert note in post_form(a + form, session, fields)[1]  # followed the redirect to the commitment

    assert note in read(b + page)

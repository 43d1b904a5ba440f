"""Fixtures shared by every test.

Personas where access matters (see CONVENTIONS.md): the anonymous ``client`` and ``admin_user``
come from pytest-django; ``staff_user`` is logged-in staff without any permission;
``export_user`` is staff allowed to see workshops and participations and to export attendance.
Log one in with ``client.force_login(user)``: a whole sign-in, one-time code included for the
accounts that must use two-factor authentication (``config.two_factor``);
``client.force_login(user, verified=False)`` stops after the password.
"""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY

from config.two_factor import requires_two_factor


class SignInClient(Client):
    """Django's test client whose ``force_login`` signs in as staff do: password, then the
    one-time code of an authenticator (made for the test) when the account must use one."""

    def force_login(self, user, backend=None, *, verified=True):
        super().force_login(user, backend)
        if verified and requires_two_factor(user):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            device = device or TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


@pytest.fixture
def client():
    """pytest-django's ``client``, signing in with the one-time code (``SignInClient``)."""
    return SignInClient()


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's ``admin_client``: a superuser, signed in with a one-time code."""
    client = SignInClient()
    client.force_login(admin_user)
    return client


@pytest.fixture(autouse=True)
def _jobs_run_at_once(settings, tmp_path):
    """Background jobs run inside the request that asks for them (django-tasks' ImmediateBackend),
    so that a test sees the job finished; tests of a queued job create it without a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JOB_FILES_DIR = tmp_path / "job-files"
    settings.OPEN_DATA_DIR = tmp_path / "open-data"


def pytest_report_header(config):
    """Say which database backend this run uses (CI runs the suite on SQLite and PostgreSQL)."""
    db = django_settings.DATABASES["default"]
    where = f"{db['HOST']}:{db['PORT']}/{db['NAME']}" if db.get("HOST") else "in-memory test database"
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} ({where})"


@pytest.fixture(autouse=True)
def _english_unless_a_test_says_otherwise(settings):
    """The site defaults to Arabic; tests read English (the source language) unless they pick a
    language with a URL prefix or ``translation.override``."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """MD5 instead of PBKDF2: creating users in tests should cost nothing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def _empty_static_root(tmp_path_factory):
    return tmp_path_factory.mktemp("staticfiles")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings, _empty_static_root):
    """Static files without the manifest, so templates render without collectstatic.

    STATIC_ROOT points to an existing empty folder: WhiteNoise warns about a missing one.
    """
    settings.STATIC_ROOT = _empty_static_root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _grant(user, *perms):
    """Give ``user`` the permissions named ``"app_label.codename"``."""
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


@pytest.fixture
def staff_user(django_user_model):
    """A staff member who may log in to the admin but holds no permission."""
    return django_user_model.objects.create_user(
        username="staff", email="staff@example.org", password="password", is_staff=True
    )


@pytest.fixture
def export_user(django_user_model):
    """Staff allowed to view workshops, participations and contact details, and to export
    attendance (what the "Data officers" role gives)."""
    user = django_user_model.objects.create_user(
        username="exporter", email="exporter@example.org", password="password", is_staff=True
    )
    _grant(
        user,
        "workshops.export_attendance",
        "workshops.view_participation",
        "workshops.view_workshop",
        "organizations.view_personal_data",
    )
    # A fresh instance: permission checks cache on the object.
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def example(db):
    """The Marrakech workshop of March 2021, loaded as ``load_example`` does."""
    from attendance.example import marrakech

    workshop, _result = marrakech.load()
    return workshop


@pytest.fixture(autouse=True)
def _public_figures_computed_live(settings):
    """Public figures are cached in production (``PUBLIC_FIGURES_CACHE_SECONDS``); tests that
    change data and read a page expect today's figures, so each test computes them live unless
    it turns the cache on itself."""
    from django.core.cache import cache, caches

    settings.PUBLIC_FIGURES_CACHE_SECONDS = 0
    settings.CACHE_MIDDLEWARE_SECONDS = 0  # whole pages are not kept either
    # The site's caches are database tables; tests without database access use memory instead.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    }
    cache.clear()
    caches["pages"].clear()

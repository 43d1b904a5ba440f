"""Production logging: server errors reach standard error with their traceback and the request
id; the id comes from a sane ``X-Request-ID`` or is made fresh; ``DJANGO_ADMINS`` adds e-mail."""

import logging
import subprocess
import sys

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.utils.log import AdminEmailHandler

from config.request_id import RequestIdFilter, request_id_from
from config.settings import env_admins
from tests.config.test_security import ROOT, production_env

# Runs in a fresh process with production settings: a request to a view that raises, through
# the whole middleware stack and the site's handler500, as gunicorn would make it.
FAILING_REQUEST = """
from django.test import Client, override_settings
with override_settings(ROOT_URLCONF="tests.config.urls_with_errors"):
    response = Client(raise_request_exception=False).get(
        "/fr/broken/",
        secure=True,
        headers={"Host": "tracker.example.org", "X-Request-ID": "proxy-id-0123456789"},
    )
print(response.status_code, response.headers["X-Request-ID"])
"""


def run_production(code, tmp_path, **env):
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", code],
        cwd=ROOT,
        env=production_env(
            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
            PAGE_CACHE_DIR=str(tmp_path / "page-cache"),
            **env,
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_with_debug_off_an_exception_in_a_view_writes_a_traceback_to_standard_error(tmp_path):
    result = run_production(FAILING_REQUEST, tmp_path)
    assert result.stdout.split() == ["500", "proxy-id-0123456789"], result.stderr
    error_line = next(line for line in result.stderr.splitlines() if "Internal Server Error" in line)
    expected = "ERROR django.request [proxy-id-0123456789] Internal Server Error: /fr/broken/"
    assert error_line.endswith(expected)
    assert "Traceback (most recent call last):" in result.stderr
    assert "RuntimeError: broken on purpose for the error-logging test" in result.stderr


def test_server_errors_are_mailed_only_when_admins_are_set(tmp_path):
    code = "from django.conf import settings; print(settings.LOGGING['loggers']['django']['handlers'])"
    assert run_production(code, tmp_path).stdout.strip() == "['stderr']"
    admins = "Amina Tazi <amina@example.org>, Ops <ops@example.org>"
    with_admins = run_production(code, tmp_path, DJANGO_ADMINS=admins)
    assert with_admins.stdout.strip() == "['stderr', 'mail_admins']", with_admins.stderr


def test_admins_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_ADMINS", "Amina Tazi <amina@example.org>,Ops <ops@example.org>")
    assert env_admins("DJANGO_ADMINS") == [("Amina Tazi", "amina@example.org"), ("Ops", "ops@example.org")]
    monkeypatch.setenv("DJANGO_ADMINS", "amina@example.org")
    with pytest.raises(ImproperlyConfigured, match="Name <address>"):
        env_admins("DJANGO_ADMINS")


@pytest.mark.parametrize(
    "header",
    [None, "", "short", "a" * 65, "id with spaces", "id\nX-Injected: 1", "<script>", "é" * 10],
)
def test_an_insane_request_id_is_replaced_by_a_fresh_one(header):
    fresh = request_id_from(header)
    assert fresh != header
    assert len(fresh) == 32 and int(fresh, 16) >= 0


@pytest.mark.parametrize(
    "header", ["0123456789abcdef0123456789abcdef", "3f2c1a9e-1b2d-4c5e-9f00-123456789abc"]
)
def test_a_sane_request_id_from_the_proxy_is_kept(header):
    assert request_id_from(header) == header


@pytest.mark.django_db
def test_every_response_and_log_line_of_a_request_carries_its_id(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        first = client.get("/fr/no-such-page/")
        second = client.get("/fr/no-such-page/", headers={"X-Request-ID": "nginx-0123456789"})
    assert second.headers["X-Request-ID"] == "nginx-0123456789"
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    assert [record.request_id for record in caplog.records] == [
        first.headers["X-Request-ID"],
        "nginx-0123456789",
    ]


def test_log_lines_outside_a_request_say_so():
    record = logging.LogRecord("workshops", logging.INFO, __file__, 1, "message", None, None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_the_mailed_error_report_holds_no_value_from_the_request_or_the_frames(rf, settings, mailoutbox):
    """Law 09-08: a traceback's variables or a request's fields may hold a participant's phone."""
    settings.ADMINS = [("Ops", "ops@example.org")]
    handler = AdminEmailHandler(reporter_class=settings.LOGGING["handlers"]["mail_admins"]["reporter_class"])
    request = rf.post(
        "/fr/broken/?q=Fatima",
        {"phone": "+212600000901"},
        headers={"Referer": "https://tracker.example.org/fr/?q=Fatima", "X-Request-ID": "report-0123456789"},
        REMOTE_ADDR="196.200.1.2",
    )
    request.COOKIES["sessionid"] = "session-secret-value"
    request.user = AnonymousUser()
    participant_phone = "+212600000777"  # noqa: F841 (a frame's variable, not to be mailed)
    try:
        raise RuntimeError("broken on purpose")
    except RuntimeError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/fr/broken/",), None
        )
        record.exc_info = sys.exc_info()
    record.request, record.status_code = request, 500
    handler.emit(record)
    (mail,) = mailoutbox
    assert "Exception Value: broken on purpose" in mail.body
    assert 'raise RuntimeError("broken on purpose")' in mail.body
    for value in ("Fatima", "+212600000777", "+212600000901", "196.200.1.2", "session-secret-value"):
        assert value not in mail.body
    assert "phone = '********************'" in mail.body
    assert "HTTP_X_REQUEST_ID = 'report-0123456789'" in mail.body


@pytest.mark.django_db
def test_a_page_served_from_the_page_cache_carries_this_request_id(client, settings, tmp_path):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        },
    }
    settings.CACHE_MIDDLEWARE_SECONDS = 60
    first = client.get("/fr/tracker/", headers={"X-Request-ID": "first-request-id"})
    again = client.get("/fr/tracker/", headers={"X-Request-ID": "second-request-id"})
    assert again.content == first.content
    assert first.headers["X-Request-ID"] == "first-request-id"
    assert again.headers["X-Request-ID"] == "second-request-id"

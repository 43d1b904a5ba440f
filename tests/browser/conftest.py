"""Fixtures of the browser tests (marker ``browser``): Playwright for Python driving Debian's
Chromium against a live server on 127.0.0.1, with the Marrakech example loaded.

They need two things that pip does not bring:

- Chromium: Debian's ``chromium`` package, ``/usr/bin/chromium`` (``CHROMIUM`` overrides the
  path). ``playwright install`` downloads a browser build of its own, which we do not use.
- axe-core, from the npm registry: ``make axe`` puts it in ``node_modules/axe-core/``
  (``AXE_CORE_JS`` overrides the path of ``axe.min.js``); ``make test`` runs it when npm is there.

When one is missing the tests are skipped with the reason, unless ``BROWSER_TESTS_REQUIRED=1``
(set by ``.ci/run``): then they fail, so that CI cannot pass without having run them.
"""

import os
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler
from pytest_django.live_server_helper import LiveServer

from attendance.example import marrakech

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE_CORE_JS = Path(os.environ.get("AXE_CORE_JS", ROOT / "node_modules" / "axe-core" / "axe.min.js"))
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# Without the background-networking flags Chromium tries to reach Google's servers at start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Containers often have a small /dev/shm, where Chromium would crash on long pages.
    "--disable-dev-shm-usage",
]


def _unavailable(reason):
    """Skip, or fail when the run requires the browser tests (CI)."""
    if os.environ.get("BROWSER_TESTS_REQUIRED", "") not in {"", "0"}:
        pytest.fail(f"{reason} (BROWSER_TESTS_REQUIRED is set)", pytrace=False)
    pytest.skip(reason)


class OneRequestAtATime(LiveServerThread):
    """A live server that answers one request at a time. On SQLite in memory the server shares
    the test's one connection; Django's threaded server let two requests use it at once (the
    roster's marks, posted as fast as a person clicks), which broke its savepoints ("no such
    savepoint") and every test after. Not threaded, Django's server closes each connection
    after its response, so the browser never holds the only thread."""

    def _create_server(self, connections_override=None):
        return WSGIServer((self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=False)


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server, on 127.0.0.1 rather than "localhost": the tests check that
    no request leaves that address. Static files are served from the finders (``static/``).
    On SQLite in memory, one request at a time (``OneRequestAtATime``)."""
    server = LiveServer("127.0.0.1", start=False)
    if server.thread.connections_override:
        server.thread.__class__ = OneRequestAtATime
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium():
    """Path of the Chromium executable."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} not found: apt-get install chromium (Debian's package)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright package is not installed: pip install -r requirements-dev.txt")
    return CHROMIUM


@pytest.fixture
def axe_core():
    """Path of axe-core's ``axe.min.js``."""
    if not AXE_CORE_JS.exists():
        _unavailable(f"{AXE_CORE_JS} not found: run `make axe` (npm install of axe-core)")
    return AXE_CORE_JS


@pytest.fixture
def example(live_server):
    """The Marrakech workshop, loaded in the database the live server reads."""
    workshop, _result = marrakech.load()
    return workshop


class Page:
    """A Playwright page that records every request it makes and every error its console shows
    (a resource that failed to load, a script error, a Content-Security-Policy violation)."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.requests = []
        self.errors = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.set_default_timeout(15_000)

    def open(self, path):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return response


@pytest.fixture
def page(live_server, example, chromium):
    """A fresh page at 1280 x 900 px in a Chromium of its own.

    Playwright starts after the example is loaded and stops before the database is flushed: while
    its synchronous API runs, asgiref sees an event loop in this thread and would hand the ORM
    other connection objects than the test database's (which hold what serialized rollback
    restores). So no test talks to the database while the browser is open.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield Page(context.new_page(), live_server.url)
        browser.close()

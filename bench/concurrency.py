"""Concurrent staff and public on the default SQLite database, through gunicorn.

Makes a temporary folder with a fresh SQLite database (migrate, the example workshop, an
Editors-role user: editors need no one-time code), starts gunicorn on 127.0.0.1 at a free port
with production settings (DEBUG off, page and figures caches on; 3 workers x 2 threads as in
docs/deployment.md), then:

1. the **anchor**: ``--readers`` public connections alone for ``--anchor-seconds``;
2. the **load**: the same readers plus ``--writers`` staff for ``--seconds``. Writers take turns
   over four kinds of write: the admin change form of the workshop, of a recommendation, the
   quick follow-up form of a recommendation, and an attendance import of the example sheet
   (``manage.py import_attendance``, a separate process as a staff member's command would be)
   into a copy of the workshop of the writer's own, with the sheet ``load_example`` imported
   (its people and organisations are known): two imports into one workshop, or two creating
   the same new organisation, at the same moment are another matter (issue 12: one import at
   a time, the plan and its writes in one transaction).

It prints requests, errors by kind (HTTP status >= 500, refused forms, failed imports, "database
is locked" in the server's log, where bench/gunicorn_errors.py writes each 500 on one line) and
latency percentiles for public and staff requests, with the load average at start and end.
Everything stops by itself; the folder and the server go at the end. Standard library only::

    .venv/bin/python bench/concurrency.py                      # this checkout
    .venv/bin/python bench/concurrency.py --project /tmp/main  # another checkout, same test

``--project`` serves another checkout of the code (e.g. ``git worktree add /tmp/main main``)
with this script, so a before/after comparison runs the same load.
"""

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent
PUBLIC_PATHS = [
    "/fr/",
    "/ar/",
    "/fr/regions/",
    "/ar/regions/marrakech-safi/",
    "/fr/workshops/",
    "/fr/workshops/marrakech-2021-planification-strategique/",
    "/fr/tracker/",
    "/en/recommendations/",
]
WRITES = ["workshop", "recommendation", "followup", "import"]
SETUP = """
import json
from django.contrib.auth.models import Group, User
from workshops.models import Workshop
user = User.objects.create_user("bench-editor", password={password!r}, is_staff=True)
user.groups.add(Group.objects.get(name="Editors"))
workshop = Workshop.objects.get(slug="marrakech-2021-planification-strategique")
sessions = list(workshop.sessions.all())
copies = []
for number in range({writers}):
    copy = Workshop.objects.get(pk=workshop.pk)
    copy.pk, copy.slug = None, f"{{workshop.slug}}-bench-{{number}}"
    copy.save()
    for session in sessions:
        session.pk, session.workshop = None, copy
        session.save()
    copies.append(copy.slug)
print(json.dumps({{"workshop": workshop.pk, "imports_into": copies,
    "recommendations": list(workshop.recommendations.values_list("pk", flat=True))}}))
"""


class Results:
    """Latencies (seconds) and error counts by kind, per group ("public", "staff", "import")."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times = {}
        self.errors = {}

    def add(self, group, seconds=None, error=None):
        with self.lock:
            if seconds is not None:
                self.times.setdefault(group, []).append(seconds)
            if error:
                self.errors.setdefault(group, Counter())[error] += 1


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 after a save is the answer to time, not a page to fetch


class FormFields(HTMLParser):
    """The forms of a page: ``[(form attributes, [(name, value), ...])]``, as a browser would
    submit them (checked boxes only, selected options, no file or button)."""

    def __init__(self):
        super().__init__()
        self.forms, self.select, self.options, self.textarea = [], None, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs, []))
        elif not self.forms or "name" not in attrs and tag != "option":
            return
        elif tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            if kind not in {"submit", "button", "file", "image", "reset"}:
                default = "on" if kind in {"checkbox", "radio"} else ""
                self.forms[-1][1].append((attrs["name"], attrs.get("value") or default))
        elif tag == "select":
            self.select, self.options = (attrs["name"], "multiple" in attrs), []
        elif tag == "option" and self.select:
            self.options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            name, multiple = self.select
            chosen = [value for value, selected in self.options if selected]
            if not chosen and not multiple and self.options:
                chosen = [self.options[0][0]]
            self.forms[-1][1].extend((name, value) for value in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.forms[-1][1].append(tuple(self.textarea))
            self.textarea = None


def form_with(html, field):
    """The fields of the first form on the page that has ``field``."""
    parser = FormFields()
    parser.feed(html)
    for _attrs, fields in parser.forms:
        if any(name == field for name, _value in fields):
            return fields
    raise LookupError(f"no form with {field!r}")


class Staff:
    """One signed-in staff member (own cookies) doing the writes of ``WRITES`` in turn."""

    def __init__(self, base, password, ids, results):
        self.base, self.ids, self.results = base, ids, results
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )
        login = "/fr/admin/login/"
        fields = form_with(self.fetch(login)[1], "username")
        fields = [(k, v) for k, v in fields if k not in {"username", "password"}]
        status, _body = self.fetch(login, fields + [("username", "bench-editor"), ("password", password)])
        if status != 302:
            raise RuntimeError(f"login refused ({status})")

    def fetch(self, path, fields=None, group=None):
        """``(status, text)``; timed into ``group`` when given. Never raises for HTTP errors."""
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, data=data, timeout=60) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        except OSError as error:
            status, body = f"connection: {type(error).__name__}", b""
        if group:
            failed = f"HTTP {status}" if not isinstance(status, int) or status >= 500 else None
            self.results.add(group, time.perf_counter() - started, failed)
        return status, body.decode("utf-8", "replace")

    def save_form(self, path, field, changes=()):
        """Open a form and post it back (with ``changes``); a refused form is an error."""
        status, page = self.fetch(path, group="staff")
        if status != 200:
            return
        fields = [(k, v) for k, v in form_with(page, field) if k not in dict(changes)] + list(changes)
        status, page = self.fetch(path, fields, group="staff")
        if status == 200:
            reason = re.search(r"(?:errorlist|invalid-feedback)[^>]*>\s*(?:<li>|<strong>)?([^<]*)", page)
            self.results.add("staff", error=f"form refused: {reason[1] if reason else path}")

    def write(self, kind, turn):
        ids = self.ids
        recommendation = ids["recommendations"][turn % len(ids["recommendations"])]
        if kind == "workshop":
            self.save_form(f"/fr/admin/workshops/workshop/{ids['workshop']}/change/", "title")
        elif kind == "recommendation":
            path = f"/fr/admin/workshops/recommendation/{recommendation}/change/"
            self.save_form(path, "text")
        elif kind == "followup":
            # What a staff member types: the form starts with no date and no status.
            status = ["not_started", "limited", "substantial"][turn % 3]
            typed = [("date", time.strftime("%Y-%m-%d")), ("new_status", status), ("note", f"bench {turn}")]
            self.save_form(f"/fr/recommendations/{recommendation}/update/", "new_status", typed)


def run_import(project, env, slug, sheet, results):
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", "import_attendance", slug, str(sheet)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    failed = None
    if done.returncode:
        locked = "database is locked" in done.stderr
        failed = "database is locked" if locked else f"import failed: {done.stderr.strip()[-300:]}"
    results.add("import", time.perf_counter() - started, failed)


def public_reader(base, deadline, results, offset):
    turn = offset
    while time.monotonic() < deadline and turn < offset + 100_000:
        path = PUBLIC_PATHS[turn % len(PUBLIC_PATHS)]
        turn += 1
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(base + path, timeout=60) as response:
                response.read()
            failed = None
        except urllib.error.HTTPError as error:
            failed = f"HTTP {error.code}" + (f" {path}" if error.code < 500 else "")
        except OSError as error:
            failed = f"connection: {type(error).__name__}"
        results.add("public", time.perf_counter() - started, failed)


def staff_writer(staff, writer, deadline, think, run_import_once):
    turn = 0
    while time.monotonic() < deadline and turn < 10_000:
        kind = WRITES[(writer + turn) % len(WRITES)]
        if kind == "import":
            run_import_once()
        else:
            staff.write(kind, turn)
        turn += 1
        time.sleep(think)


def phase(seconds, readers, writers=()):
    """Run ``readers`` (callables taking a deadline) and ``writers`` for ``seconds``."""
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=job, args=(deadline,)) for job in [*readers, *writers]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def environment(folder):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        ERASURE_HASH_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        PAGE_CACHE_DIR=str(folder / "page-cache"),
        FIGURES_CACHE_DIR=str(folder / "figures-cache"),
        ATTENDANCE_STAGING_DIR=str(folder / "staging"),
        ERASURE_LOG_PATH=str(folder / "erasures.jsonl"),
    )
    return env


def prepare(project, env, password, writers):
    """Migrate, load the example, collect static files, create the editor: the ids to write."""
    manage = [sys.executable, "manage.py"]
    commands = (["migrate", "-v0"], ["load_example"], ["sync_roles"], ["collectstatic", "--noinput", "-v0"])
    for command in commands:
        subprocess.run(manage + command, cwd=project, env=env, check=True, capture_output=True)
    shell = [*manage, "shell", "-c", SETUP.format(password=password, writers=writers)]
    done = subprocess.run(shell, cwd=project, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def start_server(project, env, args, log):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    command += ["-c", str(HERE / "gunicorn_errors.py")]
    command += [f"--bind=127.0.0.1:{port}", f"--workers={args.workers}", f"--threads={args.threads}"]
    server = subprocess.Popen(command + ["--timeout=120"], cwd=project, env=env, stderr=log, stdout=log)
    base = f"http://127.0.0.1:{port}"
    for _attempt in range(120):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=5).read()
            return server, base
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def percentiles(times):
    if len(times) < 2:
        return "-"
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return " / ".join(f"{cuts[p - 1] * 1000:.0f}" for p in (50, 95, 99))


def report(title, results, seconds, log_text):
    print(f"\n{title}  (load average {'/'.join(f'{x:.1f}' for x in os.getloadavg())} at the end)")
    print(f"{'group':<8} {'requests':>8} {'per s':>7}  p50 / p95 / p99 ms   errors")
    for group in ("public", "staff", "import"):
        times = results.times.get(group, [])
        if times or results.errors.get(group):
            errors = dict(results.errors.get(group, {})) or "none"
            rate = len(times) / seconds
            print(f"{group:<8} {len(times):>8} {rate:>7.1f}  {percentiles(times):<19} {errors}")
    lines = [line for line in log_text.splitlines() if "Internal Server Error" in line]
    locked = sum("database is locked" in line for line in lines)
    print(f"server log: {len(lines)} errors (HTTP 500), of which 'database is locked': {locked}")
    for line, count in Counter(re.sub(r"\d+", "N", line) for line in lines).most_common(5):
        print(f"  {count} x {line[:160]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, default=HERE.parent, help="checkout to serve")
    parser.add_argument("--seconds", type=float, default=60, help="length of the load (default 60)")
    parser.add_argument("--anchor-seconds", type=float, default=20, help="readers alone first")
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--think", type=float, default=0.2, help="pause of a writer between writes (s)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    project = args.project.resolve()
    sheet = next(project.glob("**/example/marrakech-2021-03-attendance-ar.xlsx"))
    print(f"project {project}; load average at start {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="bench-concurrency-") as name:
        folder, password = Path(name), secrets.token_urlsafe(16)
        env = environment(folder)
        ids = prepare(project, env, password, args.writers)
        with (folder / "server.log").open("w") as log:
            server, base = start_server(project, env, args, log)
        try:
            measure(args, project, env, ids, base, password, folder / "server.log", sheet)
        finally:
            server.terminate()
            server.wait(timeout=30)


def measure(args, project, env, ids, base, password, log_path, sheet):
    for path in PUBLIC_PATHS:  # warm up: the page and figures caches
        urllib.request.urlopen(base + path, timeout=60).read()
    anchor = Results()
    readers = [lambda d, i=i: public_reader(base, d, anchor, i) for i in range(args.readers)]
    phase(args.anchor_seconds, readers)
    before = log_path.read_text()
    title = f"ANCHOR: {args.readers} public readers alone, {args.anchor_seconds:.0f} s"
    report(title, anchor, args.anchor_seconds, before)
    load = Results()
    staff = [Staff(base, password, ids, load) for _writer in range(args.writers)]
    readers = [lambda d, i=i: public_reader(base, d, load, i) for i in range(args.readers)]
    writers = [
        lambda d, w=w: staff_writer(
            staff[w], w, d, args.think, lambda: run_import(project, env, ids["imports_into"][w], sheet, load)
        )
        for w in range(args.writers)
    ]
    phase(args.seconds, readers, writers)
    title = f"LOAD: {args.readers} public readers + {args.writers} staff writers, {args.seconds:.0f} s"
    report(title, load, args.seconds, log_path.read_text()[len(before) :])


if __name__ == "__main__":
    main()

"""What visitors get after a member of staff saves, with the production caches on: the first
request after an edit, twenty simultaneous first requests, public throughput while three staff
save, and two application servers; each next to its anchor, measured in the same run.

Run by ``bench/run.py`` (``--skip edits`` leaves it out) or alone, against the database named by
``DATABASE_URL`` that ``bench/generate.py`` filled::

    .venv/bin/python bench/after_edit.py --rounds 5 --seconds 20

The edit is what the quick update form does: a member of staff (``bench-updater``, with
``workshops.add_followup`` only) posts a follow-up on a public commitment of the measured
workshop through the form's view, which records it and forgets what it changes
(``workshops.reports.forget_public_figures``). The first request is also measured after a change
of who attended (``ParticipantEdit``: the roster's bulk status, which moves the generation of
the figures about people): home, the region page, the regions list and the tracker. Every
request goes through the full middleware stack (``django.test.Client``, DEBUG off) with the
caches of production: files in a temporary folder, or Redis when ``REDIS_URL`` is set. The two
servers are two gunicorn processes (one worker each) with page and figure caches of their own, as
on two machines: only Redis (with ``REDIS_URL``) and the database are shared. Writes follow-ups
with the note "bench".
"""

import argparse
import collections
import contextlib
import http.cookiejar
import itertools
import os
import random
import re
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import add_minimal_views, measure, setup_django  # noqa: E402

PAGES = ("home", "region", "workshop", "commune")
_statuses = itertools.cycle(["limited", "substantial"])


def load():
    """The load average over 1, 5 and 15 minutes, as ``uptime`` prints it."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def use_temporary_caches():
    """Production's file caches, in a temporary folder (not the project's var/)."""
    folder = tempfile.mkdtemp(prefix="bench-caches-")
    os.environ.setdefault("PAGE_CACHE_DIR", os.path.join(folder, "pages"))
    os.environ.setdefault("FIGURES_CACHE_DIR", os.path.join(folder, "figures"))


class Scene:
    """What is measured: the published workshop with public commitments that has the most
    participations, one of its commitments (the edits), and the French URLs of ``PAGES``: home,
    the workshop's region, the workshop, its commune (``paths``)."""

    def __init__(self):
        from django.db.models import Count
        from django.urls import reverse
        from django.utils import translation

        from workshops.models import Commitment, Workshop

        public = Commitment.objects.public()
        workshop = (
            Workshop.objects.published()
            .filter(pk__in=public.values("recommendation__workshop"), venue_commune__isnull=False)
            .select_related("venue_region", "venue_commune")
            .annotate(n=Count("participations"))
            .order_by("-n", "pk")
            .first()
        )
        if workshop is None:
            raise SystemExit(
                "No published workshop with a commune and public commitments: run bench/generate.py"
            )
        self.workshop = workshop
        self.commitment = public.filter(recommendation__workshop=workshop).order_by("pk").first()
        self.commitments = list(public.order_by("pk")[:200])
        with translation.override("fr"):
            self.paths = {
                "home": reverse("workshops:home"),
                "region": workshop.venue_region.get_absolute_url(),
                "workshop": workshop.get_absolute_url(),
                "commune": workshop.venue_commune.get_absolute_url(),
            }
            # The pages that show the country's figures about people (publication.national),
            # the workshop whose attendance changes and its commune (every commune's page goes:
            # a participant counts in the commune they come from), and the tracker (kept).
            self.people_paths = {
                "home": self.paths["home"],
                "region": self.paths["region"],
                "regions": reverse("regions:list"),
                "workshop": self.paths["workshop"],
                "commune": self.paths["commune"],
                "tracker": reverse("workshops:tracker"),
            }
            self.commitment_path = self.commitment.get_absolute_url()
            self.mix = self._mix()

    def _mix(self):
        """The readers' mix of public pages: home, tracker, lists, four region pages, and the
        pages and communes of 40 workshops (a list of URLs)."""
        from django.urls import reverse

        from regions.models import Region
        from workshops.models import Workshop

        mix = [
            reverse(name)
            for name in ("workshops:home", "workshops:tracker", "workshops:list", "regions:list")
        ]
        mix += [region.get_absolute_url() for region in Region.objects.order_by("code")[:4]]
        for workshop in Workshop.objects.published().select_related("venue_commune").order_by("pk")[:40]:
            mix.append(workshop.get_absolute_url())
            if workshop.venue_commune:
                mix.append(workshop.venue_commune.get_absolute_url())
        return mix


def staff_client():
    """A ``Client`` signed in as ``bench-updater``: staff with ``workshops.add_followup`` only
    (no two-factor step: that is for superusers, managers and data officers)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.test import Client

    user, _created = get_user_model().objects.get_or_create(
        username="bench-updater", defaults={"is_staff": True}
    )
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="workshops", codename="add_followup")
    )
    client = Client()
    client.force_login(user)
    return client


def visitor():
    """A ``Client`` for a visitor, its middleware already loaded (a client's first request loads
    it: WhiteNoise reads the static files, a fifth of a second that no server pays per request)."""
    from django.test import Client

    client = Client()
    client.get("/healthz")
    return client


def follow_up_url(commitment):
    from django.urls import reverse
    from django.utils import translation

    with translation.override("fr"):
        return reverse("workshops:commitment_update", kwargs={"pk": commitment.pk})


def follow_up_fields(note="bench"):
    """The quick update form's fields: today, the next status, ``note``."""
    from django.utils import timezone

    return {"date": timezone.localdate().isoformat(), "new_status": next(_statuses), "note": note}


def edit(staff, commitment):
    """Post a follow-up on ``commitment`` through the quick update form, as staff do."""
    response = staff.post(follow_up_url(commitment), follow_up_fields())
    assert response.status_code == 302, f"the follow-up was refused: HTTP {response.status_code}"


class ParticipantEdit:
    """A change of who attended the measured workshop, as staff make it on the roster (its bulk
    status, signed in as ``bench-roster``): one counted participant marked no-show, then attended
    again, in turn (an even number of calls leaves the data as it was). Callable."""

    PERMISSIONS = ("view_participation", "change_participation", "view_workshop", "view_person")

    def __init__(self, scene):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Permission
        from django.test import Client
        from django.urls import reverse

        user, _created = get_user_model().objects.get_or_create(
            username="bench-roster", defaults={"is_staff": True}
        )
        user.user_permissions.add(*Permission.objects.filter(codename__in=self.PERMISSIONS))
        self.client = Client()
        self.client.force_login(user)
        participation = scene.workshop.participations.counted().order_by("pk").first()
        self.fields = {"selected": [participation.pk], "action": "status"}
        self.url = reverse("staff:roster_bulk", kwargs={"slug": scene.workshop.slug})
        self.statuses = itertools.cycle(["no_show", "attended"])

    def __call__(self):
        response = self.client.post(self.url, {**self.fields, "status": next(self.statuses)})
        assert response.status_code == 302, f"the roster refused the change: HTTP {response.status_code}"


def timed(client, path):
    """``(ms, queries, response)`` of one GET of ``path``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(path)
        ms = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, f"{path}: HTTP {response.status_code}"
    return ms, len(queries), response


@contextlib.contextmanager
def rebuild_at_once():
    """While inside, a page forgotten by an edit is built again by its next request whatever the
    time since its last build (``PAGE_REBUILD_INTERVAL_SECONDS`` and ``PAGE_REBUILD_FACTOR`` 0):
    the edits of these measurements come back to back, and with the bounded rebuild rate the
    "first request" would get the latest copy instead of the build being measured."""
    from django.conf import settings

    saved = settings.PAGE_REBUILD_INTERVAL_SECONDS, settings.PAGE_REBUILD_FACTOR
    settings.PAGE_REBUILD_INTERVAL_SECONDS = settings.PAGE_REBUILD_FACTOR = 0
    try:
        yield
    finally:
        settings.PAGE_REBUILD_INTERVAL_SECONDS, settings.PAGE_REBUILD_FACTOR = saved


def first_after_edit(scene, staff, rounds, people=False):
    """For each page of ``PAGES``, ``rounds`` times: an edit, then the page's first request (a
    new visitor); then, as anchors, the same page forgotten alone (figures still cached: the
    figures-cached render) and served from the page cache. Prints a row per page. ``people``:
    the edit is a change of who attended (``ParticipantEdit``), on ``scene.people_paths``."""
    from config import pagecache

    client = visitor()
    minimal = measure(client, "/bench-minimal/", 20)
    change = ParticipantEdit(scene) if people else (lambda: edit(staff, scene.commitment))
    paths = scene.people_paths if people else scene.paths
    kind = "a participant change" if people else "an edit"
    print(f"\nFirst request after {kind} ({rounds} edits per page; load {load()})")
    print(
        f"{'page':<10} {'first ms':>9} {'max ms':>8} {'queries':>8} {'cached-figures ms':>18} {'queries':>8} "
        f"{'ratio':>6} {'page-cache ms':>14}"
    )
    print(f"{'minimal view (page cache on)':<47} {minimal[0]:>9.2f} ms, {minimal[2]} queries")
    for label, path in paths.items():
        client.get(path)
        first, anchor, cached = [], [], []
        for _ in range(rounds):
            change()
            first.append(timed(client, path)[:2])
            pagecache.forget_pages(*pagecache.page_scopes(path)[1:])  # this page's scopes only
            anchor.append(timed(client, path)[:2])
            cached.append(timed(client, path)[:2])
        first_ms, anchor_ms = (
            statistics.median(t for t, _q in first),
            statistics.median(t for t, _q in anchor),
        )
        print(
            f"{label:<10} {first_ms:>9.1f} {max(t for t, _q in first):>8.1f} {max(q for _t, q in first):>8} "
            f"{anchor_ms:>18.1f} {max(q for _t, q in anchor):>8} {first_ms / anchor_ms:>6.2f} "
            f"{statistics.median(t for t, _q in cached):>14.2f}",
            flush=True,
        )


@contextlib.contextmanager
def counting_computations():
    """Count, while inside, the computations of each public figure (``reports.compute_once``):
    yields a Counter of figure names (with the language for localised ones)."""
    from workshops import reports

    computed, original = collections.Counter(), reports.compute_once

    def counting(key, compute, seconds):
        def counted():
            computed[key.split(":", 2)[-1]] += 1
            return compute()

        return original(key, counted, seconds)

    reports.compute_once = counting
    try:
        yield computed
    finally:
        reports.compute_once = original


def visit(path, barrier, results):
    """One visitor: wait for the others at ``barrier``, then GET ``path``; appends ``(ms, built)``
    to ``results`` (``built``: this request rendered the page, not the cache)."""
    from django.db import connection

    client = visitor()
    barrier.wait()
    start = time.perf_counter()
    response = client.get(path)
    ms = (time.perf_counter() - start) * 1000
    results.append((ms, response.status_code == 200 and response.wsgi_request._cache_update_cache))
    connection.close()


def simultaneous(scene, staff, visitors):
    """For each page of ``PAGES``: an edit, then ``visitors`` first requests at the same moment
    (threads). Prints how many built the page, how many times each figure was computed, and
    the slowest wait."""
    print(f"\n{visitors} simultaneous first requests after an edit (load {load()})")
    print(
        f"{'page':<10} {'built':>6} {'previous copy':>14} {'figures':>8} {'max computations':>17} "
        f"{'median ms':>10} {'slowest ms':>11}"
    )
    for label, path in scene.paths.items():
        visitor().get(path)  # a copy from before the edit exists, as on a live site
        edit(staff, scene.commitment)
        barrier, results = threading.Barrier(visitors), []
        with counting_computations() as computed:
            threads = [threading.Thread(target=visit, args=(path, barrier, results)) for _ in range(visitors)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        times, built = [ms for ms, _b in results], sum(b for _ms, b in results)
        print(
            f"{label:<10} {built:>6} {visitors - built:>14} {len(computed):>8} "
            f"{max(computed.values(), default=0):>17} {statistics.median(times):>10.1f} {max(times):>11.1f}",
            flush=True,
        )


def read(paths, stop, counts, seed):
    from django.db import connection

    client, rng, done = visitor(), random.Random(seed), 0
    while not stop.is_set():
        response = client.get(rng.choice(paths))
        assert response.status_code == 200, response.status_code
        done += 1
    counts.append(done)
    connection.close()


def write(staff, commitments, stop, counts, seed):
    from django.db import connection

    rng, done = random.Random(seed), 0
    while not stop.is_set():
        edit(staff, rng.choice(commitments))
        done += 1
    counts.append(done)
    connection.close()


def throughput(scene, seconds, readers, writers):
    """``(requests/s, saves/s)`` of ``readers`` threads reading ``scene.mix`` for ``seconds``
    while ``writers`` staff (threads) save follow-ups back to back, from a warm page cache."""
    warm = visitor()
    for path in set(scene.mix):
        warm.get(path)
    stop, reads, saves = threading.Event(), [], []
    threads = [threading.Thread(target=read, args=(scene.mix, stop, reads, i)) for i in range(readers)]
    staff = [staff_client() for _ in range(writers)]
    threads += [
        threading.Thread(target=write, args=(staff[i], scene.commitments, stop, saves, i))
        for i in range(writers)
    ]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return sum(reads) / seconds, sum(saves) / seconds


def print_throughput(scene, seconds, readers, writers):
    """Public throughput read-only (the anchor), then while ``writers`` staff save, readers and
    staff as threads of this one process (the GIL): a rough in-process figure; what users get
    is ``bench/http_throughput.py``'s (gunicorn, separate processes)."""
    print(
        f"\nPublic throughput IN ONE PROCESS (threads, one GIL; not what users get), {readers} readers "
        f"over {len(set(scene.mix))} pages, {seconds:g} s each"
    )
    alone, _saves = throughput(scene, seconds, readers, 0)
    print(f"{'read-only':<28} {alone:>8.1f} requests/s  load {load()}", flush=True)
    busy, saves = throughput(scene, seconds, readers, writers)
    print(
        f"{f'{writers} staff saving':<28} {busy:>8.1f} requests/s  {saves:.1f} saves/s  "
        f"{busy / alone:.2f} of read-only  load {load()}",
        flush=True,
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def servers(count):
    """``count`` gunicorn servers (one worker each) on free ports, each with cache folders of
    its own; yields their base URLs."""
    folder = tempfile.mkdtemp(prefix="bench-servers-")
    env = {**os.environ, "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    ports, processes = [free_port() for _ in range(count)], []
    for port in ports:
        own = {"PAGE_CACHE_DIR": f"{folder}/{port}/pages", "FIGURES_CACHE_DIR": f"{folder}/{port}/figures"}
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"]
        command.append("--no-control-socket")  # one socket per machine by default: two servers here
        processes.append(subprocess.Popen(command, cwd=ROOT, env={**env, **own}, stderr=subprocess.DEVNULL))
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url in urls:
            wait_until_up(url)
        yield urls
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)


def wait_until_up(url, seconds=60):
    """Return once ``url`` answers ``/healthz``; RuntimeError after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=5):
                return
        except (urllib.error.URLError, OSError):  # refused, or still starting (timed out)
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not start in {seconds} s")


def fetch(opener, url, data=None):
    """``(ms, text)`` of a GET (or a POST of ``data``, a dict) of ``url``."""
    start = time.perf_counter()
    body = urllib.parse.urlencode(data).encode() if data else None
    with opener.open(url, data=body, timeout=60) as response:
        text = response.read().decode()
    return (time.perf_counter() - start) * 1000, text


def post_form(url, session, fields):
    """Post ``fields`` (a dict) to the form at ``url`` over HTTP as the signed-in session whose
    cookie value is ``session``: a GET for the CSRF token and cookie, then the POST, its redirect
    followed. Returns ``(ms of the POST, text of the page it led to)``."""
    from django.conf import settings

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Cookie", f"{settings.SESSION_COOKIE_NAME}={session}")]
    html = fetch(opener, url)[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    csrf = next(cookie.value for cookie in jar if cookie.name == settings.CSRF_COOKIE_NAME)
    opener.addheaders = [
        ("Cookie", f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"),
        ("Referer", url),
    ]
    return fetch(opener, url, {**fields, "csrfmiddlewaretoken": token})


def edit_over_http(server, commitment, note):
    """Post a follow-up with ``note`` on ``commitment`` through ``server``'s quick update form,
    signed in as ``bench-updater`` (its session, from the shared database); returns the ms."""
    from django.conf import settings

    session = staff_client().cookies[settings.SESSION_COOKIE_NAME].value
    return post_form(server + follow_up_url(commitment), session, follow_up_fields(note))[0]


def two_servers(scene):
    """An edit through server A, then the commitment's page on server B: whether B shows it at
    once, and B's first request next to its page-cache hit and the edit itself."""
    from django.conf import settings

    shared = "Redis (REDIS_URL)" if settings.REDIS_URL else "none: file caches of their own"
    print(f"\nTwo servers (gunicorn, one worker each), shared cache: {shared} (load {load()})")
    visitor = urllib.request.build_opener()
    with servers(2) as (a, b):
        page = scene.commitment_path
        for server in (a, b, b):
            fetch(visitor, server + page)
        hit_ms = fetch(visitor, b + page)[0]
        note = f"bench two servers {time.time():.0f}"
        edit_ms = edit_over_http(a, scene.commitment, note)
        first_ms, html = fetch(visitor, b + page)
    seen = "yes" if note in html else "NO (B served its stale copy)"
    print(
        f"edit on A: {edit_ms:.1f} ms; seen on B at once: {seen}; B's first request {first_ms:.1f} ms "
        f"(page-cache hit {hit_ms:.1f} ms)",
        flush=True,
    )


def bench_edits(
    rounds=5, visitors=20, seconds=20, readers=4, writers=3, first_only=False, only_http=False, http_rounds=2
):
    """Every measurement of this module, in order, on the database Django is set up with
    (``first_only``: the first requests after an edit and after a participant change alone;
    ``only_http``: the throughput over HTTP alone, ``http_rounds`` times each phase)."""
    from django.conf import settings

    from bench.http_throughput import print_http_throughput

    add_minimal_views()
    scene = Scene()
    print(
        f"\nAfter an edit: workshop {scene.workshop.slug} ({scene.workshop.n:,} participations), "
        f"caches {settings.CACHES['pages']['BACKEND'].rsplit('.', 1)[-1]}, page cache "
        f"{settings.CACHE_MIDDLEWARE_SECONDS} s, figures {settings.PUBLIC_FIGURES_CACHE_SECONDS} s"
    )
    if only_http:
        print_http_throughput(scene, seconds, readers, writers, http_rounds)
        return
    staff = staff_client()
    with rebuild_at_once():
        first_after_edit(scene, staff, rounds)
        first_after_edit(scene, staff, rounds + rounds % 2, people=True)  # even: the data comes back
    if first_only:
        return
    with rebuild_at_once():
        simultaneous(scene, staff, visitors)
    print_throughput(scene, seconds, readers, writers)
    print_http_throughput(scene, seconds, readers, writers, http_rounds)
    two_servers(scene)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="edits per page for the first request")
    parser.add_argument("--visitors", type=int, default=20, help="simultaneous first requests")
    parser.add_argument("--seconds", type=float, default=20, help="length of each throughput run")
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--writers", type=int, default=3)
    parser.add_argument("--first-only", action="store_true", help="only the first requests after edits")
    parser.add_argument("--http-throughput", action="store_true", help="only the throughput over HTTP")
    parser.add_argument("--http-rounds", type=int, default=2, help="rounds of the throughput over HTTP")
    args = parser.parse_args()
    use_temporary_caches()
    setup_django()
    bench_edits(
        args.rounds,
        args.visitors,
        args.seconds,
        args.readers,
        args.writers,
        args.first_only,
        args.http_throughput,
        args.http_rounds,
    )


if __name__ == "__main__":
    main()

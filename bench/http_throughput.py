"""Public throughput while staff save, measured the way users get it: the app served by gunicorn
as docs/deployment.md runs it (3 workers, 2 threads each, ``DJANGO_CONN_MAX_AGE=60``), the
caches of production (files in a temporary folder, or Redis with ``REDIS_URL``), readers and
staff as separate OS processes speaking HTTP/1.1 with keep-alive.

Each round measures, alternately on the same machine:

- ``read-only``: readers alone (the anchor);
- ``3 staff saving``: the same readers while each member of staff posts follow-ups back to back
  through the quick update form (a POST, then the page it leads to, as a browser does);
- ``ceiling``: the same, on a second server whose saves forget nothing
  (``bench/ceiling_wsgi.py``): what the saves themselves cost the readers;
- ``read-only (ceiling server)``: the second anchor, readers alone on that server;
- ``staff at a human pace``: each member of staff saves once every ``pace`` seconds.

Run from ``bench/after_edit.py`` (``--http-throughput``) or ``bench/run.py``. No Django in the
reader and staff processes: only the standard library's ``http.client``.
"""

import contextlib
import http.client
import multiprocessing
import os
import random
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# docs/deployment.md's gunicorn command line and environment.
GUNICORN = ["--workers", "3", "--threads", "2", "--timeout", "60"]
DEPLOYED_ENV = {"DJANGO_CONN_MAX_AGE": "60"}


def load():
    """The load average over 1, 5 and 15 minutes, as ``uptime`` prints it."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env():
    """The environment of a server: the caches of this process (``PAGE_CACHE_DIR`` and
    ``FIGURES_CACHE_DIR``, or ``REDIS_URL``), which the two servers share as they are measured
    in turn, so that the figures this process computed first are there for both."""
    return {**os.environ, **DEPLOYED_ENV, "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}


@contextlib.contextmanager
def gunicorn(app):
    """A gunicorn server of ``app`` (a WSGI path) on a free port, deployed as documented;
    yields ``(host, port)``."""
    from bench.after_edit import wait_until_up

    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", app, "-b", f"127.0.0.1:{port}", *GUNICORN]
    command.append("--no-control-socket")
    process = subprocess.Popen(command, cwd=ROOT, env=_server_env(), stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}")
        yield ("127.0.0.1", port)
    finally:
        process.terminate()
        process.wait(60)


def _request(connection, method, path, headers=None, body=None):
    """``(status, headers, body)`` of one request on a kept-alive ``connection``, reconnecting
    once if the server closed it."""
    for attempt in (1, 2):
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            connection.close()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def reader(server, paths, start, seconds, seed, results):
    """One visitor process: GET random ``paths`` back to back from ``start`` (epoch seconds) for
    ``seconds``; puts ``(requests, errors)`` on ``results``."""
    connection, rng, done, errors = http.client.HTTPConnection(*server, timeout=60), random.Random(seed), 0, 0
    time.sleep(max(0, start - time.time()))
    deadline = start + seconds
    while time.time() < deadline:
        status = _request(connection, "GET", rng.choice(paths))[0]
        done += status == 200
        errors += status != 200
    results.put((done, errors))


def _csrf(connection, session_cookie, form):
    """``(cookie header, form token)`` for posting as the session: a GET of the ``form``."""
    status, headers, body = _request(connection, "GET", form, {"Cookie": session_cookie})
    assert status == 200, f"{form}: HTTP {status}"
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    csrf = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "")).group(1)
    return f"{session_cookie}; csrftoken={csrf}", token


def staff(server, scene, seed, start, seconds, pace, results):
    """Member of staff number ``seed`` (signed in with ``scene["sessions"][seed]``): from
    ``start`` for ``seconds``, post a follow-up (``scene["fields"]``) on a random form of
    ``scene["forms"]`` and open the page it leads to, back to back (``pace`` 0) or one save
    every ``pace`` seconds; puts ``(saves, refused)`` on ``results``."""
    connection, rng = http.client.HTTPConnection(*server, timeout=60), random.Random(seed)
    forms, fields = scene["forms"], scene["fields"]
    cookie, token = _csrf(connection, scene["sessions"][seed], forms[0])
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    saves = refused = 0
    time.sleep(max(0, start - time.time()) + (rng.random() * pace))
    deadline = start + seconds
    while time.time() < deadline:
        began, form = time.time(), rng.choice(forms)
        body = urllib.parse.urlencode({**fields[saves % len(fields)], "csrfmiddlewaretoken": token})
        status, answer, _body = _request(
            connection, "POST", form, {**headers, "Referer": f"http://{server[0]}:{server[1]}{form}"}, body
        )
        if status == 302:
            saves += 1
            _request(connection, "GET", urllib.parse.urlsplit(answer["Location"]).path, {"Cookie": cookie})
        else:
            refused += 1  # 503 "try again" from a database too busy to write
        time.sleep(max(0, began + pace - time.time()))
    results.put((saves, refused))


def _warm(server, paths):
    """GET each of ``paths`` once; a page whose figures expired and take longer than gunicorn's
    timeout is asked again (a worker killed mid-way: the next one finds the figures locked, then
    computed)."""
    for path in sorted(set(paths)):
        for _attempt in range(5):
            warm = http.client.HTTPConnection(*server, timeout=90)
            try:
                if _request(warm, "GET", path)[0] == 200:
                    break
            except OSError:
                pass
            finally:
                warm.close()


def phase(server, scene, seconds, readers, writers, pace=0):
    """``(requests/s, saves/s, errors)`` of ``readers`` visitor processes on ``server`` for
    ``seconds`` while ``writers`` staff processes save (none when 0), from a warm page cache."""
    context = multiprocessing.get_context("spawn")
    _warm(server, scene["mix"])
    reads, saves = context.Queue(), context.Queue()
    start = time.time() + 2  # every process started and connected first
    processes = [
        context.Process(target=reader, args=(server, scene["mix"], start, seconds, i, reads))
        for i in range(readers)
    ]
    processes += [
        context.Process(target=staff, args=(server, scene, i, start, seconds, pace, saves))
        for i in range(writers)
    ]
    for process in processes:
        process.start()
    read_counts = [reads.get(timeout=seconds + 120) for _ in range(readers)]
    save_counts = [saves.get(timeout=seconds + 120) for _ in range(writers)]
    for process in processes:
        process.join(30)
    errors = sum(e for _n, e in read_counts) + sum(r for _n, r in save_counts)
    return sum(n for n, _e in read_counts) / seconds, sum(n for n, _r in save_counts) / seconds, errors


def http_scene(scene, writers):
    """What the processes need, as plain data: the readers' URLs, the forms of the commitments
    staff update, the form fields, and one signed-in session cookie per member of staff."""
    from django.conf import settings

    from bench.after_edit import follow_up_fields, follow_up_url, staff_client

    sessions = [
        f"{settings.SESSION_COOKIE_NAME}={staff_client().cookies[settings.SESSION_COOKIE_NAME].value}"
        for _ in range(max(writers, 1))
    ]
    return {
        "mix": list(scene.mix),
        "forms": [follow_up_url(commitment) for commitment in scene.commitments],
        "fields": [follow_up_fields() for _ in range(2)],  # the two statuses, alternately
        "sessions": sessions,
    }


PHASES = (
    # label, server (0: deployed, 1: saves forget nothing), staff?, pace
    ("read-only", 0, False, 0),
    ("3 staff saving", 0, True, 0),
    ("ceiling: saves forget nothing", 1, True, 0),
    ("read-only (ceiling server)", 1, False, 0),
    ("staff at a human pace", 0, True, None),
)


def print_http_throughput(scene, seconds=15, readers=4, writers=3, rounds=2, pace=2.0):
    """Every phase of ``PHASES`` in turn, ``rounds`` times, on two gunicorn servers; prints a row
    per phase and round, then the medians and the ratios to the read-only anchors."""
    from django.conf import settings
    from django.db import connections

    from bench.after_edit import visitor

    data = http_scene(scene, writers)
    # The public figures computed here first, with no time limit: a cold figure at national
    # scale may take longer than gunicorn's 60 s on a loaded machine (not what is measured).
    warm = visitor()
    for path in sorted(set(data["mix"])):
        warm.get(path)
    connections.close_all()
    caches = "Redis (REDIS_URL)" if settings.REDIS_URL else "files"
    print(
        f"\nPublic throughput over HTTP: gunicorn {' '.join(GUNICORN)}, caches {caches}, {readers} "
        f"reader and {writers} staff processes, {len(set(data['mix']))} pages, {seconds:g} s a phase, "
        f"{rounds} rounds"
    )
    figures = {label: [] for label, *_rest in PHASES}
    with gunicorn("config.wsgi") as deployed, gunicorn("bench.ceiling_wsgi") as ceiling:
        for round_ in range(1, rounds + 1):
            for label, which, saving, phase_pace in PHASES:
                server = (deployed, ceiling)[which]
                wait = pace if phase_pace is None else phase_pace
                reads, saves, errors = phase(server, data, seconds, readers, writers if saving else 0, wait)
                figures[label].append((reads, saves))
                print(
                    f"round {round_} {label:<32} {reads:>8.1f} requests/s {saves:>6.1f} saves/s "
                    f"{errors:>4} errors  load {load()}",
                    flush=True,
                )
    _print_medians(figures)
    return figures


def _print_medians(figures):
    median = {label: statistics.median(r for r, _s in rows) for label, rows in figures.items()}
    saves = {label: statistics.median(s for _r, s in rows) for label, rows in figures.items()}
    anchors = {0: median["read-only"], 1: median["read-only (ceiling server)"]}
    print("medians:")
    for label, which, _saving, _pace in PHASES:
        print(
            f"  {label:<32} {median[label]:>8.1f} requests/s {saves[label]:>6.1f} saves/s "
            f"{median[label] / anchors[which]:>5.2f} of its read-only anchor",
            flush=True,
        )

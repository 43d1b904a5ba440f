"""Counts that staff may be shown a little late rather than wait for (stale-while-revalidate).

The cross-workshop report's counts (``disaggregation.scope_figures``) take seconds at a national
scale. Every change to participations or attendance made through the staff pages moves the
generation of the figures that count people (``reports.PEOPLE_GENERATION``, moved by
``reports.forget_public_figures``), which used to make the next staff member wait for a whole
recount. Here each count is kept under a name with the generation and time it was taken:

- counts of the current generation taken less than ``PUBLIC_FIGURES_CACHE_SECONDS`` ago are
  current: returned as they are;
- otherwise, when the caller accepts it (``stale_ok``, the report page), the kept counts are
  returned at once, marked stale, and ONE recount starts in the background (a thread of the
  serving process; a lock in the shared cache keeps it to one across workers and servers), which
  replaces them when done; the page says so;
- otherwise (nothing kept, or the caller needs current counts: the XLSX export a donor gets) the
  counts are taken now, one caller at a time (``reports.compute_once``).

With ``PUBLIC_FIGURES_CACHE_SECONDS`` at 0 nothing is kept: every call counts.
"""

import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import timezone

from workshops.reports import PEOPLE_GENERATION, compute_once, current_generation

logger = logging.getLogger(__name__)

# Kept counts are shown (marked stale) while they are counted again for this long at most
# (seconds); counts older than that are taken while the caller waits, as if none were kept.
KEEP_SECONDS = 7 * 24 * 3600
# A recount that takes longer than this (seconds) is taken for dead (e.g. its worker was
# restarted): the next request starts another. A national recount takes 2-4 s on two loaded cores.
RECOUNT_LOCK_SECONDS = 60
# A recount that finds the generation moved while it counted counts again, this often at most.
RECOUNT_ROUNDS = 3


@dataclass
class Kept:
    """What ``kept_counts`` returns: ``value`` (the counts), ``counted_at`` (an aware datetime:
    when they were taken) and ``stale`` (True: changes may have come since; a recount is under
    way)."""

    value: object
    counted_at: object
    stale: bool = False


def kept_counts(name, compute, *, stale_ok=False):
    """``compute()`` kept under ``name`` (a str naming what it counts); returns a ``Kept``.

    ``stale_ok``: when the kept counts are not current (see the module's docstring), return
    them marked stale and start one recount in the background, instead of counting now.
    ``compute`` must read the database only (it may run in another thread, with its own
    connection) and return a picklable value."""
    seconds = settings.PUBLIC_FIGURES_CACHE_SECONDS
    if seconds <= 0:
        return Kept(compute(), timezone.now())
    generation = current_generation(PEOPLE_GENERATION)
    key = f"kept-counts:{name}"
    entry = _kept(key)
    if entry is not None and _current(entry, generation, seconds):
        return Kept(entry[2], entry[1])
    if entry is not None and stale_ok:
        recount_in_background(key, compute)
        return Kept(entry[2], entry[1], stale=True)
    entry = compute_once(f"{key}:{generation}", lambda: _count(key, generation, compute), seconds)
    return Kept(entry[2], entry[1])


def _kept(key):
    """The entry ``(generation, counted_at, value)`` kept under ``key``, or None (also for an
    entry older than ``KEEP_SECONDS``)."""
    entry = cache.get(key)
    if entry is None or (timezone.now() - entry[1]).total_seconds() > KEEP_SECONDS:
        return None
    return entry


def _current(entry, generation, seconds):
    """Whether the kept ``entry`` counts the data of ``generation`` as of less than ``seconds``
    ago (changes made outside the staff pages, which move no generation, show within that)."""
    return entry[0] == generation and (timezone.now() - entry[1]).total_seconds() < seconds


def _count(key, generation, compute):
    """Count now (``generation``: the generation read before counting) and keep the result
    under ``key`` unless a later count is kept there already; returns the entry."""
    entry = (generation, timezone.now(), compute())
    kept = cache.get(key)
    if kept is None or (kept[0], kept[1]) <= (entry[0], entry[1]):
        cache.set(key, entry, KEEP_SECONDS)
    return entry


def recount_in_background(key, compute):
    """Start one recount of ``compute`` into ``key`` in the background unless one is under way
    (a lock in the shared cache, for ``RECOUNT_LOCK_SECONDS`` at most); returns whether this
    call started it."""
    lock = f"{key}:recounting"
    if not cache.add(lock, 1, RECOUNT_LOCK_SECONDS):
        return False
    start_background(lambda: _recount(key, compute, lock))
    return True


def _recount(key, compute, lock):
    """Count into ``key`` until the generation stays the same during a count (a change made
    meanwhile is counted too; ``RECOUNT_ROUNDS`` at most), then release ``lock``."""
    try:
        for _round in range(RECOUNT_ROUNDS):
            generation = current_generation(PEOPLE_GENERATION)
            _count(key, generation, compute)
            if cache.get(PEOPLE_GENERATION) == generation:
                break
    except Exception:
        # The kept counts stay, marked stale; the next request starts another recount.
        logger.exception("Recount of %s failed", key)
    finally:
        cache.delete(lock)


# The recounts started by this process (``wait_for_recounts``), newest last.
_threads = []


def start_background(work):
    """Run ``work()`` (no arguments) in a daemon thread of this process, which closes its
    database connections when done. Tests replace it to run ``work`` when they choose."""

    def run():
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name="kept-counts-recount", daemon=True)
    _threads[:] = [t for t in _threads if t.is_alive()] + [thread]
    thread.start()


def wait_for_recounts(timeout=None):
    """Wait until the recounts this process started are done (``timeout``: seconds for each,
    None: no limit); for benchmarks and commands that must not overlap them."""
    for thread in list(_threads):
        thread.join(timeout)

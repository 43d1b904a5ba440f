"""The cache of whole public pages, forgotten by scope, and the browser's revalidation.

Django's cache middleware keeps a public page under a key made of the URL, the language and
``CACHE_MIDDLEWARE_KEY_PREFIX``. Here the prefix also holds the current *generation* of every
scope the page belongs to (``page_scopes``): the whole site, then ``workshop:<slug>`` for a
workshop's page (and its registration pages), ``communes`` and ``commune:<slug>`` for a
commune's page, open data and feed, ``regions`` for the regions list and the region, province
and commune-search pages, ``region:<slug>`` for one region's page, ``programmes`` for the
action programmes' pages, ``lists`` for every other public page (home, lists, tracker,
committees, feeds, open data); the sitemap's index and sections are in ``lists``, ``progress``
and ``programmes``. Three scopes cut across: ``progress`` holds the pages that show
the progress of recommendations and commitments (tracker, their lists and pages, committees,
feeds, open data), ``overview`` the home page and the regions list (their map), ``home`` the
home page. ``forget_pages("workshop:x", "lists")`` gives those scopes a new random generation,
so the pages that show them are built again while the pages of the other workshops, regions,
communes and programmes stay cached.
Generations live in the pages cache itself (the files, or Redis when ``REDIS_URL`` is set), so
every worker and every server sees a change at once; a generation that was evicted comes back
as a new random value, never an old one.

Browsers are told ``no-cache`` with an ETag: they ask each time and get ``304 Not Modified``
when nothing changed, instead of keeping a stale copy for minutes.

One build of a page at a time: while a request builds a forgotten page again, visitors who come
meanwhile get the previous copy (for at most ``PAGE_REBUILD_SECONDS``) instead of all building
it at once.

A bounded rebuild rate: a page built again because it was forgotten is not built again before
``max(PAGE_REBUILD_INTERVAL_SECONDS, PAGE_REBUILD_FACTOR x the seconds that build took)`` have
passed since it started; visitors meanwhile get that latest copy. While staff save faster than
a page can be built, it is built at that pace instead of back to back, and a change shows on
it at most that interval (plus one build) after it was saved. An isolated change shows at once:
the page's last build was longer ago than the interval, or was not a rebuild (its first
build). Signed-in staff never get a cached page.
"""

import contextvars
import hashlib
import secrets
import time

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.middleware import cache as cache_middleware
from django.middleware.http import ConditionalGetMiddleware
from django.urls import Resolver404, resolve

from config.middleware import FetchFromCacheForVisitorsMiddleware

SITE = "site"
REGIONS = "regions"
COMMUNES = "communes"
PROGRAMMES = "programmes"
LISTS = "lists"
PROGRESS = "progress"
OVERVIEW = "overview"
HOME = "home"
PEOPLE = "people"
WORKSHOPS = "workshops"
# The scopes of the pages that show counts of people, workshops' own pages aside
# (``workshop:<slug>`` each, ``WORKSHOPS`` all of them): what a change of who attended forgets
# (``workshops.reports.forget_attendance``), not the tracker nor the other pages of progress.
PEOPLE_SCOPES = (PEOPLE, REGIONS, COMMUNES)

_prefix = contextvars.ContextVar("page_cache_prefix", default=None)
# The latest copy of a URL outlives the page (this many times its lifetime): when the page
# expires, the visitors who come while one request builds it again get that copy, instead of
# all building it at once, each waiting for figures that expired with it.
LATEST_LIFETIME = 10


def workshop_scope(slug):
    """The scope of one workshop's public page: ``"workshop:<slug>"``."""
    return f"workshop:{slug}"


def commune_scope(slug):
    """The scope of one commune's public page, open data and feed: ``"commune:<slug>"``."""
    return f"commune:{slug}"


def region_scope(slug):
    """The scope of one region's public page: ``"region:<slug>"``."""
    return f"region:{slug}"


# Pages showing the progress of recommendations and commitments (besides the workshops', the
# regions' and the communes' pages, which have scopes of their own).
_PROGRESS_VIEWS = (
    "recommendations",
    "recommendation",
    "committees",
    "committee",
    "tracker",
    "commitments",
    "commitment",
    "feed",
    "region_feed",
    "committee_feed",
    "open_data",
)


# View name -> (its scopes after SITE, as a function of the URL's keyword arguments).
_SCOPES = {
    "workshops:detail": lambda kwargs: [workshop_scope(kwargs["slug"]), WORKSHOPS],
    "registrations:register": lambda kwargs: [workshop_scope(kwargs["slug"])],
    "registrations:done": lambda kwargs: [workshop_scope(kwargs["slug"])],
    "regions:commune": lambda kwargs: [COMMUNES, commune_scope(kwargs["slug"])],
    "regions:commune_data": lambda kwargs: [COMMUNES, commune_scope(kwargs["slug"])],
    "workshops:commune_feed": lambda kwargs: [COMMUNES, commune_scope(kwargs["slug"])],
    "regions:detail": lambda kwargs: [REGIONS, region_scope(kwargs["slug"])],
    "regions:list": lambda kwargs: [REGIONS, OVERVIEW],
    "workshops:home": lambda kwargs: [LISTS, OVERVIEW, HOME, PEOPLE],
    # Its participants per workshop.
    "workshops:list": lambda kwargs: [LISTS, PEOPLE],
    **{f"workshops:{name}": lambda kwargs: [LISTS, PROGRESS] for name in _PROGRESS_VIEWS},
    # The sitemap's index and sections list workshops, recommendations, commitments (public by
    # their workshop), committees and programmes.
    **{name: lambda kwargs: [LISTS, PROGRESS, PROGRAMMES] for name in ("sitemap", "sitemap-section")},
}
_NAMESPACE_SCOPES = {"regions": REGIONS, "programmes": PROGRAMMES}


def page_scopes(path):
    """Scopes of the public page at ``path`` (a request's ``path_info``), ``SITE`` first: a list
    of strings, the same for every request of that page."""
    try:
        match = resolve(path)
    except Resolver404:
        return [SITE, LISTS]
    if match.view_name in _SCOPES:
        return [SITE, *_SCOPES[match.view_name](match.kwargs)]
    return [SITE, _NAMESPACE_SCOPES.get(match.namespace, LISTS)]


def _pages():
    return caches[settings.CACHE_MIDDLEWARE_ALIAS]


def generations(scopes):
    """``{scope: generation}`` for ``scopes``, a missing one given a new random generation."""
    keys = {f"page-generation:{scope}": scope for scope in scopes}
    found = _pages().get_many(keys)
    missing = {key: secrets.token_hex(4) for key in keys if key not in found}
    if missing:
        # add(): two workers meeting a missing generation at once end up with the same one.
        for key, value in missing.items():
            if not _pages().add(key, value, None):
                missing[key] = _pages().get(key, value)
    return {keys[key]: value for key, value in {**found, **missing}.items()}


def forget_pages(*scopes):
    """Forget every cached page of ``scopes`` (``SITE`` forgets them all): new generations."""
    _pages().set_many({f"page-generation:{scope}": secrets.token_hex(4) for scope in scopes}, None)


def forget_pages_now_and_on_commit(*scopes):
    """``forget_pages(*scopes)`` at once and again when the current transaction commits: a page
    built meanwhile by another request, from the data as it was before the change, is not kept."""
    forget_pages(*scopes)
    transaction.on_commit(lambda: forget_pages(*scopes))


def key_prefix(path):
    """The page cache key prefix of ``path``: the settings' prefix and its scopes' generations."""
    scopes = page_scopes(path)
    current = generations(scopes)
    return ".".join([settings.CACHE_MIDDLEWARE_KEY_PREFIX, *(current[scope] for scope in scopes)])


class ScopedPrefix:
    """``key_prefix`` of Django's cache middleware, read from the request being served."""

    @property
    def key_prefix(self):
        return _prefix.get() or settings.CACHE_MIDDLEWARE_KEY_PREFIX

    @key_prefix.setter
    def key_prefix(self, value):
        pass  # set per request by FetchFromCacheMiddleware.process_request


def latest_key(url):
    """Cache key of the last page built for ``url`` (absolute, language included), whatever
    its generation: what visitors get while one request builds the page again."""
    return "page-latest:" + hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()


def rebuild_interval(took):
    """Seconds before a page whose rebuild took ``took`` seconds may be rebuilt again:
    ``max(PAGE_REBUILD_INTERVAL_SECONDS, PAGE_REBUILD_FACTOR * took)``."""
    return max(settings.PAGE_REBUILD_INTERVAL_SECONDS, settings.PAGE_REBUILD_FACTOR * took)


def _rebuilt_lately(built):
    """Whether ``built`` (``(started, took, rebuilt)`` of a URL's latest copy: epoch seconds,
    seconds, a bool) was a rebuild started less than its ``rebuild_interval`` ago."""
    if not built:
        return False
    started, took, rebuilt = built
    return rebuilt and time.time() < started + rebuild_interval(took)


class FetchFromCacheMiddleware(ScopedPrefix, FetchFromCacheForVisitorsMiddleware):
    """Django's, answering only visitors who are not signed in
    (``config.middleware.FetchFromCacheForVisitorsMiddleware``), with the key prefix of the
    requested page's scopes (``key_prefix``), one build of a page at a time and a bounded
    rebuild rate. On a miss: the latest copy of the page when its last rebuild was less than
    ``rebuild_interval`` ago; else the first visitor builds the page while the others get the
    latest copy (stale while revalidating), or build it too when there is none."""

    def process_request(self, request):
        enabled = settings.CACHE_MIDDLEWARE_SECONDS > 0 and request.method in ("GET", "HEAD")
        _prefix.set(key_prefix(request.path_info) if enabled else None)
        response = super().process_request(request)
        missed = enabled and response is None and getattr(request, "_cache_update_cache", False)
        if not missed or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return response
        latest = latest_key(request.build_absolute_uri())
        found = _pages().get_many([latest, f"{latest}:built"])
        stale = found.get(latest)
        if stale is not None and _rebuilt_lately(found.get(f"{latest}:built")):
            request._cache_update_cache = False
            return stale
        if _pages().add(f"{latest}:building", 1, settings.PAGE_REBUILD_SECONDS):
            request._page_latest_key = latest
            request._page_build = (time.time(), time.monotonic(), stale is not None)
            return None
        if stale is not None:
            request._cache_update_cache = False
        return stale


class UpdateCacheMiddleware(ScopedPrefix, cache_middleware.UpdateCacheMiddleware):
    """Django's, storing the page under the prefix ``FetchFromCacheMiddleware`` computed, and
    as the latest copy of its URL, with when its build started, how long it took and whether it
    was a rebuild, for the visitors who come while it is built again."""

    def process_response(self, request, response):
        response = super().process_response(request, response)
        latest = getattr(request, "_page_latest_key", None)
        if latest:
            cache_control = response.get("Cache-Control", "")
            stored = response.status_code == 200 and "max-age" in cache_control
            if stored and not response.streaming and "private" not in cache_control:
                started, clock, rebuilt = request._page_build
                built = (started, time.monotonic() - clock, rebuilt)
                copies = {latest: response, f"{latest}:built": built}
                _pages().set_many(copies, settings.CACHE_MIDDLEWARE_SECONDS * LATEST_LIFETIME)
            _pages().delete(f"{latest}:building")
        return response


class RevalidateMiddleware(ConditionalGetMiddleware):
    """Public pages: ``Cache-Control: no-cache`` instead of the page cache's ``max-age``, an ETag,
    and ``304 Not Modified`` to a request whose ``If-None-Match`` matches it (Django's
    ``ConditionalGetMiddleware``). Placed before ``UpdateCacheMiddleware``: the headers are set
    on pages served from the cache too."""

    def process_response(self, request, response):
        cache_control = response.get("Cache-Control", "")
        # Only the page cache's own max-age: static files (WhiteNoise, answered before the
        # page cache is asked) keep their year.
        from_page_cache = hasattr(request, "_cache_update_cache")
        if from_page_cache and "max-age" in cache_control and "private" not in cache_control:
            response["Cache-Control"] = "public, no-cache"
            del response["Expires"]
        return super().process_response(request, response)

"""The cache of whole public pages, forgotten by scope, and the browser's revalidation.

Django's cache middleware keeps a public page under a key made of the URL, the language and
``CACHE_MIDDLEWARE_KEY_PREFIX``. Here the prefix also holds the current *generation* of every
scope the page belongs to (``page_scopes``): the whole site, then ``workshop:<slug>`` for a
workshop's page, ``regions`` for the region pages, ``lists`` for every other public page
(home, lists, tracker, feeds, open data). ``forget_pages("workshop:x", "lists")`` gives those
scopes a new random generation, so the pages that show them are built again while the pages of
the other workshops stay cached. Generations live in the pages cache itself (the files, or
Redis when ``REDIS_URL`` is set), so every worker and every server sees a change at once; a
generation that was evicted comes back as a new random value, never an old one.

Browsers are told ``no-cache`` with an ETag: they ask each time and get ``304 Not Modified``
when nothing changed, instead of keeping a stale copy for minutes.
"""

import contextvars
import secrets

from django.conf import settings
from django.core.cache import caches
from django.middleware import cache as cache_middleware
from django.middleware.http import ConditionalGetMiddleware
from django.urls import Resolver404, resolve

SITE = "site"
REGIONS = "regions"
LISTS = "lists"

_prefix = contextvars.ContextVar("page_cache_prefix", default=None)


def workshop_scope(slug):
    """The scope of one workshop's public page: ``"workshop:<slug>"``."""
    return f"workshop:{slug}"


def page_scopes(path):
    """Scopes of the public page at ``path`` (a request's ``path_info``), ``SITE`` first."""
    try:
        match = resolve(path)
    except Resolver404:
        return [SITE, LISTS]
    if match.view_name == "workshops:detail":
        return [SITE, workshop_scope(match.kwargs["slug"])]
    if match.view_name.startswith("regions:"):
        return [SITE, REGIONS]
    return [SITE, LISTS]


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


class FetchFromCacheMiddleware(ScopedPrefix, cache_middleware.FetchFromCacheMiddleware):
    """Django's, with the key prefix of the requested page's scopes (``key_prefix``)."""

    def process_request(self, request):
        enabled = settings.CACHE_MIDDLEWARE_SECONDS > 0 and request.method in ("GET", "HEAD")
        _prefix.set(key_prefix(request.path_info) if enabled else None)
        return super().process_request(request)


class UpdateCacheMiddleware(ScopedPrefix, cache_middleware.UpdateCacheMiddleware):
    """Django's, storing the page under the prefix ``FetchFromCacheMiddleware`` computed."""


class RevalidateMiddleware(ConditionalGetMiddleware):
    """Public pages: ``Cache-Control: no-cache`` instead of the page cache's ``max-age``, an ETag,
    and ``304 Not Modified`` to a request whose ``If-None-Match`` matches it (Django's
    ``ConditionalGetMiddleware``). Placed before ``UpdateCacheMiddleware``: the headers are set
    on pages served from the cache too."""

    def process_response(self, request, response):
        cache_control = response.get("Cache-Control", "")
        if "max-age" in cache_control and "private" not in cache_control:
            response["Cache-Control"] = "public, no-cache"
            del response["Expires"]
        return super().process_response(request, response)

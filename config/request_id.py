"""A request id for every request: in the ``X-Request-ID`` response header, in every log line
written while the request is served, and on the error pages, so that a user who quotes it
leads staff to the traceback.

An ``X-Request-ID`` sent by the reverse proxy (nginx's ``$request_id``, see
docs/deployment.md) is kept when it is a sane token (``SANE_REQUEST_ID``), so that the proxy's
access log and ours share one id; anything else is replaced by a fresh random id.
"""

import contextvars
import logging
import re
import uuid

# 8 to 64 letters, digits, dots, dashes or underscores: a UUID, nginx's 32 hex digits, a
# load balancer's trace id. Nothing that could break a log line or a header.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Outside a request (management commands, start-up) log lines carry this instead.
NO_REQUEST = "-"

current_request_id = contextvars.ContextVar("request_id", default=NO_REQUEST)


def request_id_from(header):
    """The id to use for a request whose ``X-Request-ID`` header is ``header`` (str or None):
    the header when it matches ``SANE_REQUEST_ID``, else 32 new random hex digits."""
    if header and SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Set ``request.request_id`` and the ``X-Request-ID`` response header, and make the id
    available to log records (``RequestIdFilter``) while the request is served.

    First in ``MIDDLEWARE``: outside the page cache, so a page served from the cache gets this
    request's id rather than the one it was stored with, and around everything that may log.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request.headers.get("X-Request-ID"))
        token = current_request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class RequestIdFilter(logging.Filter):
    """Add ``record.request_id`` (the current request's id, or ``"-"``) to every record, for the
    ``%(request_id)s`` of the log format. Attached to handlers, so that it sees the records
    that propagate from every logger.

    Django logs a 4xx answer after the middleware has returned, with the request in the
    record (``record.request``): its id is read from there first.
    """

    def filter(self, record):
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or current_request_id.get()
        return True

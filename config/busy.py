"""A database too busy to write answers 503 "try again", never 500.

SQLite lets one writer at a time: past its timeout it raises ``OperationalError("database is
locked")`` ("database table is locked" for the test server's shared in-memory database).
PostgreSQL gives up on a lock, a deadlock or a serialisation conflict with SQLSTATE 55P03,
40P01 or 40001. In each case nothing was saved (the transaction was rolled back), and the same
request sent again a moment later succeeds: so the visitor is told to try again, with
``Retry-After``, in the page's language; a script (``Accept: application/json``) gets JSON.
Any other database error is left to the 500 page.
"""

import logging

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

from config.errors import page_language, request_id

logger = logging.getLogger(__name__)

# SQLSTATE codes of PostgreSQL's lock_not_available, deadlock_detected, serialization_failure.
BUSY_SQLSTATES = {"55P03", "40P01", "40001"}
# Seconds a client is asked to wait before sending the request again.
RETRY_AFTER_SECONDS = 2


def is_busy(exception):
    """True when ``exception`` (any exception) says the database was too busy to write now."""
    if not isinstance(exception, OperationalError):
        return False
    cause = exception.__cause__
    if getattr(cause, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    return any(text in str(exception) for text in ("database is locked", "database table is locked"))


def busy_response(request):
    """The 503 answer: JSON ``{"error": "busy", "message"}`` to a script, else ``503.html``
    (no context processor, no database query: the database is what was busy)."""
    with translation.override(page_language(request)):
        message = _("The database is busy with other changes. Nothing was saved: please try again.")
        if "application/json" in request.headers.get("Accept", ""):
            response = JsonResponse({"error": "busy", "message": message}, status=503)
        else:
            context = {
                "request_id": request_id(request),
                "LANGUAGE_CODE": translation.get_language(),
                "LANGUAGE_BIDI": translation.get_language_bidi(),
            }
            response = HttpResponse(loader.render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class BusyDatabaseMiddleware:
    """Turns a view's ``is_busy`` exception into ``busy_response``; leaves others alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_busy(exception):
            return None
        logger.warning("Database busy, answered 503: %s", exception)
        return busy_response(request)

"""The site's URLs plus views that fail (a bug; a busy database), under the language
prefixes: for the tests of the 500 and 503 pages and of error logging only."""

from django.conf.urls.i18n import i18n_patterns
from django.db import OperationalError
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def broken_view(request):
    raise RuntimeError("broken on purpose for the error-logging test")


def busy_view(request):
    """Fails as a write does when the database is too busy: SQLite's message, or PostgreSQL's
    SQLSTATE (``?sqlstate=40P01``) on the driver's error that Django wraps."""
    sqlstate = request.GET.get("sqlstate")
    if sqlstate:
        cause = Exception("deadlock detected")
        cause.sqlstate = sqlstate
        raise OperationalError("deadlock detected") from cause
    raise OperationalError(request.GET.get("message", "database table is locked: workshops_attendance"))


urlpatterns = urlpatterns + i18n_patterns(
    path("broken/", broken_view), path("busy/", busy_view), prefix_default_language=True
)

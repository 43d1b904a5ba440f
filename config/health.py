"""``/healthz``: is this application server able to serve? For load balancers and monitoring."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Answer 200 ``{"status": "ok", "database": "ok"}`` when a ``SELECT 1`` succeeds, else 503
    with ``"database": "error"``. No login; reveals nothing but up or down."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not ready"
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})

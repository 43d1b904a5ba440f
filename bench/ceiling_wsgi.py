"""The WSGI application with invalidation off, for the ceiling of ``bench/http_throughput.py``:
staff saves forget no page and no figure, so readers lose only what the saves themselves cost
the server (CPU, the database's writes). Never for production: the public pages would lag."""

from config.wsgi import application
from workshops import reports


def _forget_nothing(*args, **kwargs):
    return None


reports.forget_public_figures = _forget_nothing
reports.forget_progress = _forget_nothing
reports.forget_attendance = _forget_nothing

__all__ = ["application"]

"""gunicorn settings used by bench/concurrency.py: every request Django answers with a 500 is
written to the server's error log on one line, with the exception (with DEBUG off Django only
e-mails them to the admins, so "database is locked" would otherwise leave no trace).

    gunicorn -c bench/gunicorn_errors.py config.wsgi:application
"""

import logging


class OneLine(logging.Formatter):
    """``ERROR Internal Server Error: /path | OperationalError: database is locked``."""

    def format(self, record):
        error = record.exc_info[1] if record.exc_info else None
        return f"{record.levelname} {record.getMessage()} | {type(error).__name__}: {error}"


def post_worker_init(worker):
    """After Django has set up its logging in this worker: add the one-line handler."""
    handler = logging.StreamHandler()
    handler.setLevel(logging.ERROR)
    handler.setFormatter(OneLine())
    logging.getLogger("django.request").addHandler(handler)

"""What each kind of job runs, who may read its result and how its download is logged.

The apps that own the work register it (``attendance.job_runners``, ``workshops.job_runners``,
imported by their ``AppConfig.ready``), so that this app depends on none of them:

    @kinds.register(Job.Kind.REPORT_XLSX, may_read=..., export_kind=ExportLog.Kind.REPORT)
    def report_xlsx(job, progress): ...

A runner takes the ``Job`` (its ``parameters``) and a ``jobs.progress.Progress``, writes the
job's file to ``job.path`` when it makes one, and returns a ``Outcome``. It raises
``JobFailed`` with a translated message for a failure the user can act on; any other exception
fails the job with a generic message (the traceback goes to the log).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

KINDS = {}


class JobFailed(Exception):
    """The job cannot be done, for the reason given (a translated message for the user)."""


@dataclass(frozen=True)
class Outcome:
    """What a runner did: ``rows`` delivered (rows of the file, or rows imported) and, for a job
    with no file, a ``message`` to show (translated)."""

    rows: int
    message: str = ""


@dataclass(frozen=True)
class Kind:
    """A registered kind of job. ``may_read(user)`` is the permission its content needs (checked
    when the job is asked for and again at each download); ``export_kind``: the
    ``ExportLog.Kind`` recorded at each download ("" for a job without a file);
    ``log_extra(job)``: more ``ExportLog.record`` arguments (e.g. the workshop)."""

    name: str
    run: Callable
    may_read: Callable
    export_kind: str = ""
    personal_data: bool = True
    log_extra: Callable = field(default=lambda job: {})


def register(name, *, may_read, export_kind="", personal_data=True, log_extra=None):
    """Decorator registering ``run(job, progress) -> Outcome`` as the runner of ``name`` (a
    ``Job.Kind``)."""

    def decorator(run):
        options = {"log_extra": log_extra} if log_extra else {}
        KINDS[str(name)] = Kind(str(name), run, may_read, export_kind, personal_data, **options)
        return run

    return decorator


def kind_of(job):
    """The registered ``Kind`` of ``job``; KeyError for an unregistered kind."""
    return KINDS[job.kind]

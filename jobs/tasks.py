"""Starting and running jobs through django-tasks (the tasks API that Django 6.0 adopts).

``start`` records the ``Job`` and enqueues ``run_job`` on the backend of ``settings.TASKS``: the
database queue (``django_tasks_db``, worker ``manage.py jobs_worker``) by default, RQ on Redis
when ``REDIS_URL`` is set. The task carries only the job's id; everything else is read from the
row, so a job runs the same whichever backend carries it.
"""

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django_tasks import task

from jobs.kinds import JobFailed, kind_of
from jobs.models import Job
from jobs.progress import Progress

logger = logging.getLogger(__name__)
# What a job that stopped on a bug says (the details are in the server's log, not for the user).
UNEXPECTED = gettext_noop(
    "The job stopped on an unexpected error; nothing was delivered. "
    "Try again, or tell the site's administrators."
)

# A file with no job is left alone this long (seconds): its job may be about to be recorded.
ORPHAN_GRACE_SECONDS = 3600


def start(user, kind, *, parameters=None, description="", file=("", "", ""), job=None):
    """Record a job of ``kind`` (a ``Job.Kind``) for ``user`` and queue it; returns the ``Job``.
    ``file``: ``(name it is downloaded under, format, content type)``, ``("", "", "")`` for a
    job that makes no file. The job's
    messages will be in the active language. Expired files are swept first
    (``delete_expired_files``), so that they go even where no cron runs the command. ``job``: an
    unsaved ``Job`` whose id its input file already bears (e.g. ``Job.input_path``)."""
    delete_expired_files()
    job = job or Job()
    job.user, job.kind, job.parameters = user, kind, parameters or {}
    job.description = description[:500]
    job.language = get_language() or settings.LANGUAGE_CODE
    job.file_name, job.file_format, job.content_type = file
    job.save(force_insert=True)
    run_job.enqueue(str(job.pk))
    job.refresh_from_db()
    return job


@task()
def run_job(job_id):
    """Run the queued job ``job_id`` (str of its UUID) in its requester's language: mark it
    running, call its kind's runner, then mark it done (file kept ``JOB_FILES_MAX_AGE`` seconds)
    or failed with a translated reason. A job no longer queued (already run, deleted) is left
    alone."""
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    settings.JOB_FILES_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    with translation.override(job.language):
        try:
            outcome = kind_of(job).run(job, Progress(job))
        except JobFailed as failure:
            _finish(job, error=str(failure))
        except Exception:
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            _finish(job, error=_(UNEXPECTED))
        else:
            _finish(job, outcome=outcome)


def _finish(job, *, outcome=None, error=""):
    """Mark ``job`` done (with ``outcome``) or failed (with ``error``); a failed job keeps no file."""
    now = timezone.now()
    fields = {"finished_at": now}
    if error:
        job.path.unlink(missing_ok=True)
        fields.update(state=Job.State.FAILED, error=error)
    else:
        fields.update(
            state=Job.State.DONE,
            rows_done=outcome.rows,
            rows_total=outcome.rows,
            message=outcome.message,
            expires_at=now + dt.timedelta(seconds=settings.JOB_FILES_MAX_AGE),
        )
    Job.objects.filter(pk=job.pk).update(**fields)


def delete_expired_files(now=None):
    """Delete the files of jobs whose time is over, and files that no job owns (its requester's
    account was deleted) once an hour old (a job's input is written just before its row);
    returns how many files went."""
    directory = settings.JOB_FILES_DIR
    if not directory.exists():
        return 0
    now = now or timezone.now()
    paths = list(directory.iterdir())
    # Only the jobs that still have a file: one query whatever the number of past jobs.
    stems = {path.stem for path in paths}
    jobs = dict(
        Job.objects.filter(pk__in=[stem for stem in stems if _is_uuid(stem)]).values_list("pk", "expires_at")
    )
    live = {str(pk) for pk, expires_at in jobs.items() if expires_at is None or expires_at > now}
    known = {str(pk) for pk in jobs}
    removed = 0
    for path in paths:
        orphan_since = now.timestamp() - path.stat().st_mtime
        if path.stem not in live and (path.stem in known or orphan_since > ORPHAN_GRACE_SECONDS):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _is_uuid(text):
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True

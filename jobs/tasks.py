"""Starting and running jobs through django-tasks (the tasks API that Django 6.0 adopts).

``start`` records the ``Job`` and enqueues ``run_job`` on the backend of ``settings.TASKS``: the
database queue (``django_tasks_db``, worker ``manage.py jobs_worker``) by default, RQ on Redis
when ``REDIS_URL`` is set. The task carries only the job's id; everything else is read from the
row, so a job runs the same whichever backend carries it.
"""

import datetime as dt
import logging
import threading
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection
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

# What a job whose worker stopped answering says (``fail_stalled``).
STALLED = gettext_noop(
    "The job stopped: the worker running it was stopped or restarted before it finished; "
    "nothing was delivered. Ask for it again."
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
    fail_stalled()
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
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    settings.JOB_FILES_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    with translation.override(job.language), heartbeat(job):
        try:
            outcome = kind_of(job).run(job, Progress(job))
        except JobFailed as failure:
            _finish(job, error=str(failure))
        except Exception:
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            _finish(job, error=_(UNEXPECTED))
        else:
            _finish(job, outcome=outcome)


@contextmanager
def heartbeat(job):
    """While inside, write ``job.heartbeat_at`` every ``JOB_HEARTBEAT_SECONDS`` from a thread of
    its own (a step of the work may give no progress for minutes), so that a job whose worker
    died is told from one that is slow (``fail_stalled``)."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    pass  # e.g. SQLite busy with the job's own writes: the next beat will do
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"job-heartbeat-{job.pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def fail_stalled(now=None):
    """Mark failed, each in its requester's language, the running jobs whose worker gave no sign
    of life for ``JOB_STALLED_SECONDS`` (``Job.objects.stalled``), and delete what they had
    written; returns how many. Called when a job is asked for, shown, or a worker starts."""
    failed = 0
    for job in Job.objects.stalled(now):
        with translation.override(job.language):
            failed += _finish(job, error=_(STALLED))
    return failed


def _finish(job, *, outcome=None, error=""):
    """Mark ``job`` done (with ``outcome``) or failed (with ``error``), if it is still running (a
    job marked failed as stalled stays so: its file is deleted); a failed job keeps no file.
    Returns 1 when the job was marked, else 0."""
    now = timezone.now()
    fields = {"finished_at": now}
    if error:
        fields.update(state=Job.State.FAILED, error=error)
    else:
        fields.update(
            state=Job.State.DONE,
            rows_done=outcome.rows,
            rows_total=outcome.rows,
            message=outcome.message,
            expires_at=now + dt.timedelta(seconds=settings.JOB_FILES_MAX_AGE),
        )
    marked = Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(**fields)
    if error or not marked:
        job.path.unlink(missing_ok=True)
    return marked


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

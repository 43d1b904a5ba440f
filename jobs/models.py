"""One background job: who asked for what, how far it got, and the file it made.

A job is created by the view where a staff member asks for long work, run by a worker
(``jobs.tasks.run_job``, django-tasks) and shown on its progress page (``jobs.views``). Its file
waits in ``settings.JOB_FILES_DIR`` (outside MEDIA_ROOT: it may hold personal data) until
``expires_at`` (``settings.JOB_FILES_MAX_AGE`` seconds after it was made); only the requester may
download it, and only while they still hold the permission its content needs (checked again at
each download). The export log (``organizations.ExportLog``) records each download, with the
rows the file holds: what was delivered, not what was asked for.
"""

import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class JobQuerySet(models.QuerySet):
    def of(self, user):
        """The jobs ``user`` asked for."""
        return self.filter(user=user)

    def expired(self, now=None):
        """Jobs whose file's time is over (``expires_at`` passed)."""
        return self.filter(expires_at__lte=now or timezone.now())

    def stalled(self, now=None):
        """Running jobs whose worker gave no sign of life (``heartbeat_at``, else ``started_at``)
        for ``settings.JOB_STALLED_SECONDS``: it was stopped or restarted, or died."""
        limit = (now or timezone.now()) - dt.timedelta(seconds=settings.JOB_STALLED_SECONDS)
        return self.filter(state=Job.State.RUNNING).filter(
            Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, started_at__lt=limit)
        )


class Job(models.Model):
    """A staff member's long work. ``kind`` names what runs it (``jobs.kinds``), ``parameters``
    (JSON) what exactly; ``rows_done`` of ``rows_total`` (None while unknown) says how far it got;
    ``error`` says why it failed, in the requester's language; ``heartbeat_at`` when its worker
    last showed it was alive; ``file_name`` is the name the
    file is downloaded under ("" for a job that makes none, e.g. an import)."""

    class Kind(models.TextChoices):
        ATTENDANCE_EXPORT = "attendance_export", _("attendance export")
        REPORT_XLSX = "report_xlsx", _("cross-workshop report (XLSX)")
        CERTIFICATES = "certificates", _("certificates of participation")
        ATTENDANCE_IMPORT = "attendance_import", _("attendance import")

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("job state", "waiting")
        RUNNING = "running", pgettext_lazy("job state", "running")
        DONE = "done", pgettext_lazy("job state", "done")
        FAILED = "failed", pgettext_lazy("job state", "failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jobs",
        verbose_name=_("requested by"),
    )
    kind = models.CharField(_("what"), max_length=30, choices=Kind)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in all"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Written by the worker while the job runs (``jobs.tasks``): a running job without one for
    # long lost its worker (``JobQuerySet.stalled``).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    error = models.TextField(_("why it failed"), blank=True)
    message = models.TextField(_("outcome"), blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_format = models.CharField(_("format"), max_length=10, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    expires_at = models.DateTimeField(_("file kept until"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [
            # The expiry sweep: jobs whose file's time is over.
            models.Index(fields=["expires_at"], name="jobs_job_expires"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_total__isnull=True) | Q(rows_done__lte=F("rows_total")),
                name="jobs_job_done_within_total",
                violation_error_message=_("A job cannot have done more rows than it has in all."),
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True)
                | Q(started_at__isnull=True)
                | Q(finished_at__gte=F("started_at")),
                name="jobs_job_finished_after_start",
                violation_error_message=_("A job cannot finish before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("jobs:detail", args=[self.pk])

    @property
    def path(self):
        """Where the job's file is (or will be) kept: ``JOB_FILES_DIR/<id>.<format>``."""
        return Path(settings.JOB_FILES_DIR) / f"{self.pk}.{self.file_format or 'bin'}"

    @property
    def input_path(self):
        """Where a job's input waits until it runs (an uploaded sheet): ``JOB_FILES_DIR/<id>.input``."""
        return Path(settings.JOB_FILES_DIR) / f"{self.pk}.input"

    @property
    def finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)

    def is_stalled(self, now=None):
        """True when the job is running and its worker gave no sign of life for
        ``JOB_STALLED_SECONDS`` (the rule of ``JobQuerySet.stalled``, on this row)."""
        last = self.heartbeat_at or self.started_at
        limit = (now or timezone.now()) - dt.timedelta(seconds=settings.JOB_STALLED_SECONDS)
        return self.state == self.State.RUNNING and last is not None and last < limit

    def is_expired(self, now=None):
        """True once the file's time is over (the file is then deleted, or about to be)."""
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def has_file(self, now=None):
        """True when the job is done, made a file, and that file may still be downloaded."""
        return (
            self.state == self.State.DONE
            and bool(self.file_name)
            and not self.is_expired(now)
            and self.path.exists()
        )

    def percent(self):
        """Share of rows done, 0-100 (int), or None while the total is unknown."""
        if self.state == self.State.DONE:
            return 100
        if not self.rows_total:
            return None
        return min(100, self.rows_done * 100 // self.rows_total)

    def seconds_left(self, now=None):
        """Estimated seconds until the job is done (int), from its pace so far; None when it
        cannot be told (not running, no total, no row done yet)."""
        if (
            self.state != self.State.RUNNING
            or not self.rows_total
            or not self.rows_done
            or not self.started_at
        ):
            return None
        elapsed = ((now or timezone.now()) - self.started_at).total_seconds()
        return max(0, round(elapsed / self.rows_done * (self.rows_total - self.rows_done)))

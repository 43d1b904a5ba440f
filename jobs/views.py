"""The pages of a job, for the staff member who asked for it only (anyone else gets 404, as if
it did not exist): its progress page (``jobs:detail``), the same facts as JSON for the page's
script (``jobs:status``) and the download of its file (``jobs:download``).

Each needs what the staff site needs (``admin.site.has_permission``: active staff, one-time code
passed where required); the download also needs, again, the permission of its content
(``jobs.kinds.Kind.may_read``), so that a staff member who lost it since gets 403. Each download
is logged with the rows the file holds."""

import uuid
from urllib.parse import quote

from django.contrib import admin
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from jobs.kinds import kind_of
from jobs.models import Job
from jobs.tasks import fail_stalled
from organizations.models import ExportLog


class JobMixin(UserPassesTestMixin):
    """A job's page: for who may use the staff site (anonymous visitors go to its login page,
    others get 403), and only the job's requester finds the job (``get_job``); never cached (it
    changes as the job runs and names what was exported)."""

    def test_func(self):
        return admin.site.has_permission(self.request)

    def get_login_url(self):
        return reverse("admin:login")

    def get_job(self):
        """The job named in the URL (str) if the signed-in staff member asked for it; Http404
        for anyone else's, and for a malformed id."""
        try:
            pk = uuid.UUID(self.kwargs["pk"])
        except ValueError:
            raise Http404 from None
        job = get_object_or_404(Job.objects.of(self.request.user), pk=pk)
        if job.is_stalled():
            fail_stalled()
            job.refresh_from_db()
        return job

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        patch_cache_control(response, no_store=True, private=True, max_age=0)
        return response


def time_left(seconds):
    """``seconds`` (int or None) as words: "about 3 minutes left", "" when unknown."""
    if seconds is None:
        return ""
    if seconds < 60:
        return _("less than a minute left")
    minutes = round(seconds / 60)
    return ngettext("about %(count)d minute left", "about %(count)d minutes left", minutes) % {
        "count": minutes
    }


def status(job, now=None):
    """The facts of ``job`` for its page's script, a dict: ``state`` (queued, running, done,
    failed), ``state_label`` (translated), ``finished`` (bool), ``rows_done``, ``rows_total``
    (int or None), ``percent`` (0-100 or None), ``seconds_left`` (int or None), ``text`` (the
    progress in words), ``error`` (why it failed, "" otherwise), ``download_url`` (None until
    there is a file to download)."""
    now = now or timezone.now()
    seconds = job.seconds_left(now)
    if job.rows_total is not None:
        text = _("%(done)s of %(total)s rows") % {"done": job.rows_done, "total": job.rows_total}
    else:
        text = ngettext("%(done)s row", "%(done)s rows", job.rows_done) % {"done": job.rows_done}
    return {
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "finished": job.finished,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": job.percent(),
        "seconds_left": seconds,
        "text": " · ".join(part for part in (text, time_left(seconds)) if part),
        "error": job.error,
        "download_url": reverse("jobs:download", args=[job.pk]) if job.has_file(now) else None,
    }


class JobView(JobMixin, View):
    """The job's progress page: a progress bar that ``static/js/job-progress.js`` keeps up to
    date (without script, the page reloads itself every few seconds), then the download link,
    or why the job failed."""

    def get(self, request, *args, **kwargs):
        job = self.get_job()
        facts = status(job)
        size = job.path.stat().st_size if facts["download_url"] else None
        context = {
            **admin.site.each_context(request),
            "title": job.get_kind_display(),
            "job": job,
            "status": facts,
            "size": filesizeformat(size) if size is not None else "",
            "refresh_seconds": 3,
        }
        return TemplateResponse(request, "jobs/job_detail.html", context)


class StatusView(JobMixin, View):
    """``status`` of the job as JSON (one query for the job, whatever its size)."""

    def get(self, request, *args, **kwargs):
        return JsonResponse(status(self.get_job()))


class DownloadView(JobMixin, View):
    """The job's file, while it is kept: 404 when there is none (not done, failed, expired),
    403 when the requester no longer holds the permission of its content. Logged with the rows
    the file holds."""

    def get(self, request, *args, **kwargs):
        job = self.get_job()
        if not job.has_file():
            raise Http404
        kind = kind_of(job)
        if not kind.may_read(request.user):
            raise PermissionDenied
        ExportLog.record(
            kind=kind.export_kind,
            file_format=job.file_format,
            user=request.user,
            scope=job.description,
            rows=job.rows_done,
            channel=ExportLog.Channel.ADMIN,
            personal_data=kind.personal_data,
            **kind.log_extra(job),
        )
        content_type = job.content_type or "application/octet-stream"
        response = FileResponse(job.path.open("rb"), content_type=content_type)
        ascii_name = job.file_name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
        response["Content-Disposition"] = (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(job.file_name)}"
        )
        return response

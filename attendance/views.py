"""Staff pages of the attendance app: the import (upload, preview, confirm or cancel) and the
attendance downloads of one workshop (admin, ``attendance.admin``), and the bulk attendance
export across workshops (``/<lang>/reports/attendance.<csv|xlsx>``)."""

from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views import View

from attendance import bulk_exports, exports, staging
from attendance.apply import forget_imported, import_attendance
from attendance.choices import Choices
from attendance.forms import AttendanceUploadForm
from attendance.job_runners import import_job
from attendance.rights import ImporterRights
from attendance.sheet_template import render_template, template_filename
from attendance.vocabulary import AttendanceImportError
from jobs.models import Job
from jobs.tasks import start as start_job
from organizations.privacy import can_export_personal_data, personal_data_download, private_download
from regions.models import Region
from workshops.models import Workshop
from workshops.report_views import StaffReportMixin
from workshops.spreadsheets import CONTENT_TYPES

# The import preview lists at most this many participants (the counts cover them all).
PREVIEW_ROWS = 500


def import_sheet(request, pk, admin_site):
    """Upload an attendance sheet, preview what it does, answer its questions, then confirm or
    cancel; needs ``workshops.import_attendance``.

    Upload: the sheet is checked and planned without saving, kept by ``attendance.staging``
    with the answers its preview used, and the preview shown with the questions it raises
    (``attendance.choices``). "Preview again" re-reads the staged sheet with the answers
    chosen. "Confirm import" imports the very same bytes with the answers of the preview last
    shown, in one transaction; answers changed since that preview are previewed again first.
    "Cancel" deletes the staged sheet.
    """
    if not request.user.has_perm("workshops.import_attendance"):
        raise PermissionDenied
    workshop = get_object_or_404(Workshop, pk=pk)
    page = {"errors": [], "result": None, "token": "", "filename": "", "questions": []}
    form = AttendanceUploadForm()
    if request.method == "POST" and STAGED_ACTIONS & set(request.POST):
        response = _on_staged_sheet(request, workshop, page)
        if response is not None:
            return response
    elif request.method == "POST":
        form = AttendanceUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            _preview(request, workshop, upload.read(), upload.name, page, Choices(shown=True))
    result = page["result"]
    context = {
        **admin_site.each_context(request),
        **page,
        "opts": Workshop._meta,
        "original": workshop,
        "title": _("Import attendance"),
        "form": form,
        "plan_rows": result.plan[:PREVIEW_ROWS] if result else [],
        **ImporterRights.of(request.user).as_dict(),
        "preview_limit": PREVIEW_ROWS,
    }
    return TemplateResponse(request, "admin/attendance/import_attendance.html", context)


# The buttons of the preview's form, which names a staged sheet by its token.
STAGED_ACTIONS = {"confirm", "cancel", "repreview"}


def _on_staged_sheet(request, workshop, page):
    """Cancel, preview again or confirm the staged sheet named by the posted token: a redirect,
    or None with ``page`` filled (preview, or the import's errors). Another user's or another
    workshop's token is a 404 and touches nothing (``attendance.staging``)."""
    token = request.POST.get("token", "")
    if "cancel" in request.POST:
        staging.discard(request, workshop, token)
        messages.info(request, _("Import cancelled: nothing was saved."))
        return redirect(reverse("admin:workshops_workshop_change", args=[workshop.pk]))
    posted = Choices.from_post(request.POST)
    staged_answers = staging.answers(request, workshop, token)
    if staged_answers is None:
        messages.error(request, _("This preview has expired or was already used: upload the sheet again."))
        return redirect(request.path)
    if "confirm" in request.POST and posted.answers == staged_answers:
        return _confirm(request, workshop, token, Choices(staged_answers, shown=True), page)
    if "confirm" in request.POST:
        messages.warning(request, _("You changed an answer: check the preview again, then confirm."))
    staged = staging.load(request, workshop, token)
    if staged is None:
        messages.error(request, _("This preview has expired or was already used: upload the sheet again."))
        return redirect(request.path)
    _preview(request, workshop, *staged, page, posted, token=token)
    return None


def _confirm(request, workshop, token, choices, page):
    """Import the sheet staged under ``token`` with ``choices``: a redirect, or None with the
    import's errors in ``page`` (the upload form is shown again). A sheet whose preview planned
    more than ``settings.IMPORT_JOB_THRESHOLD`` rows is imported by a background job
    (``attendance.job_runners``): a redirect to its progress page."""
    change_url = reverse("admin:workshops_workshop_change", args=[workshop.pk])
    large = staging.planned_rows(request, workshop, token) > settings.IMPORT_JOB_THRESHOLD
    staged = staging.claim(request, workshop, token)
    if staged is None:
        messages.error(request, _("This preview has expired or was already used: upload the sheet again."))
        return redirect(request.path)
    data, page["filename"] = staged
    if large:
        try:
            return redirect(import_job(request.user, workshop, data, page["filename"], choices))
        finally:
            staging.release(token)
    try:
        result = import_attendance(
            workshop, data, page["filename"], choices=choices, rights=ImporterRights.of(request.user)
        )
    except AttendanceImportError as exc:
        page["errors"] = exc.errors
        return None
    finally:
        staging.release(token)
    forget_imported(workshop, result)
    if not result.changes_anything:
        # Someone imported the same sheet meanwhile: this confirmation waited, then found it saved.
        messages.info(request, _("Nothing to save: this sheet was already imported into this workshop."))
        return redirect(change_url)
    messages.success(request, _("Attendance imported. %(summary)s") % {"summary": result.summary_text()})
    return redirect(change_url)


def _preview(request, workshop, data, filename, page, choices, token=""):
    """Check and plan the sheet (bytes ``data`` named ``filename``) with ``choices`` without
    saving. It stays staged (under ``token``, or a new one) with the answers used while
    confirming would change something or the preview asks questions. Fills ``page`` (errors,
    questions, result, token, filename)."""
    page["filename"] = filename
    try:
        result = import_attendance(
            workshop, data, filename, dry_run=True, choices=choices, rights=ImporterRights.of(request.user)
        )
    except AttendanceImportError as exc:
        page["errors"], page["questions"] = exc.errors, exc.questions
    else:
        page["result"], page["questions"] = result, result.questions
    answers = {question.field_name: question.answer for question in page["questions"]}
    if not (page["questions"] or (page["result"] and page["result"].changes_anything)):
        if token:
            staging.discard(request, workshop, token)
        return
    rows = len(page["result"].plan) if page["result"] else 0
    if token:
        staging.remember_answers(request, workshop, token, answers, rows)
        page["token"] = token
    else:
        page["token"] = staging.stage(request, workshop, data, filename, answers, rows)


def download(request, pk, fmt):
    """Download the attendance report (CSV or XLSX) or the sign-in sheet (PDF, pre-filled,
    or blank with ``?blank=1``; phone and e-mail only for ``organizations.view_personal_data``).
    Logged. The pre-filled ones hold personal data and need
    ``organizations.privacy.can_export_personal_data``; a blank sheet holds none and needs
    only ``workshops.view_workshop``."""
    if fmt not in exports.FORMATS:
        raise Http404
    blank = fmt == "pdf" and request.GET.get("blank") == "1"
    if not (
        request.user.has_perm("workshops.view_workshop") if blank else can_export_personal_data(request.user)
    ):
        raise PermissionDenied
    workshop = get_object_or_404(Workshop, pk=pk)
    contacts = request.user.has_perm("organizations.view_personal_data")
    export = exports.export_attendance(workshop, fmt, user=request.user, blank=blank, contacts=contacts)
    response = _attachment(
        export.content,
        export.content_type,
        f"{'sign-in' if fmt == 'pdf' else 'attendance'}-{workshop.pk}.{fmt}",
        export.filename,
    )
    return response if blank else private_download(response)


def template(request, pk):
    """Download the empty attendance template (XLSX, ``attendance.sheet_template``) of the
    workshop, in the active language or the one named by ``?language=ar|fr|en``. It holds no
    personal data: needs only ``workshops.view_workshop``, like the blank sign-in sheet."""
    if not request.user.has_perm("workshops.view_workshop"):
        raise PermissionDenied
    workshop = get_object_or_404(Workshop, pk=pk)
    language = request.GET.get("language")
    with translation.override(language if language in dict(settings.LANGUAGES) else get_language()):
        content = render_template(workshop)
    return _attachment(
        content, CONTENT_TYPES["xlsx"], f"attendance-template-{workshop.pk}.xlsx", template_filename(workshop)
    )


def _attachment(content, content_type, ascii_name, filename):
    """A download of ``content`` named ``filename`` (``ascii_name`` for old browsers)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


class AttendanceExportForm(forms.Form):
    """Which attendance to export in bulk: a region (by code) and a year, both optional."""

    region = forms.ModelChoiceField(
        Region.objects.all(), to_field_name="code", required=False, label=_("region")
    )
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False, label=_("year"))


class BulkExportView(StaffReportMixin, View):
    """``reports/attendance.<csv|xlsx>?region=<code>&year=<yyyy>``: every attendance mark of the
    region's workshops started that year (or of all), as a background job
    (``attendance.job_runners``): GET shows what will be exported, POST starts the job and goes
    to its progress page, where the file is downloaded (and each download logged with the rows
    it holds). PERSONAL DATA: needs what every such download needs
    (``organizations.privacy.personal_data_download``)."""

    fmt = "csv"

    @method_decorator(personal_data_download)
    def get(self, request, *args, **kwargs):
        form = AttendanceExportForm(request.GET or None)
        return TemplateResponse(request, "attendance/bulk_export.html", self._context(form))

    @method_decorator(personal_data_download)
    def post(self, request, *args, **kwargs):
        form = AttendanceExportForm(request.POST)
        if not form.is_valid():
            return TemplateResponse(request, "attendance/bulk_export.html", self._context(form), status=400)
        region, year = form.cleaned_data["region"], form.cleaned_data["year"]
        selection = bulk_exports.Selection(region, year)
        job = start_job(
            request.user,
            Job.Kind.ATTENDANCE_EXPORT,
            parameters={"region": region.code if region else None, "year": year},
            description=selection.describe(),
            file=(selection.filename(self.fmt), self.fmt, CONTENT_TYPES[self.fmt]),
        )
        return redirect(job)

    def _context(self, form):
        return {
            **admin.site.each_context(self.request),
            "title": _("Export attendance (%(format)s)") % {"format": self.fmt.upper()},
            "form": form,
            "fmt": self.fmt,
        }

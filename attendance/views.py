"""Staff pages of the attendance app: the import (upload, preview, confirm or cancel) and the
attendance downloads of one workshop (admin, ``attendance.admin``), and the bulk attendance
export across workshops (``/<lang>/reports/attendance.<csv|xlsx>``)."""

import tempfile
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views import View

from attendance import bulk_exports, exports, staging
from attendance.apply import import_attendance
from attendance.forms import AttendanceUploadForm
from attendance.sheet_template import render_template, template_filename
from attendance.vocabulary import AttendanceImportError
from organizations.models import ExportLog
from organizations.privacy import can_export_personal_data, personal_data_download, private_download
from regions.models import Region
from workshops import reports
from workshops.models import Workshop
from workshops.report_views import StaffReportMixin
from workshops.spreadsheets import CONTENT_TYPES

# The import preview lists at most this many participants (the counts cover them all).
PREVIEW_ROWS = 500


def import_sheet(request, pk, admin_site):
    """Upload an attendance sheet, preview what it does, then confirm or cancel; needs
    ``workshops.import_attendance``.

    Upload: the sheet is checked and planned without saving, kept by ``attendance.staging``
    and the preview shown. "Confirm import" re-reads the very same bytes and imports them
    in one transaction; "Cancel" deletes them.
    """
    if not request.user.has_perm("workshops.import_attendance"):
        raise PermissionDenied
    workshop = get_object_or_404(Workshop, pk=pk)
    page = {"errors": [], "result": None, "token": "", "filename": ""}
    if request.method == "POST" and ("confirm" in request.POST or "cancel" in request.POST):
        response = _confirm_or_cancel(request, workshop, page)
        if response is not None:
            return response
    uploading = request.method == "POST" and "confirm" not in request.POST
    form = AttendanceUploadForm(request.POST, request.FILES) if uploading else AttendanceUploadForm()
    if uploading and form.is_valid():
        _preview(request, workshop, form.cleaned_data["file"], page)
    result = page["result"]
    context = {
        **admin_site.each_context(request),
        **page,
        "opts": Workshop._meta,
        "original": workshop,
        "title": _("Import attendance"),
        "form": form,
        "plan_rows": result.plan[:PREVIEW_ROWS] if result else [],
        "preview_limit": PREVIEW_ROWS,
    }
    return TemplateResponse(request, "admin/attendance/import_attendance.html", context)


def _confirm_or_cancel(request, workshop, page):
    """Confirm or cancel the staged sheet named by the posted token: a redirect, or None with
    the import's errors in ``page`` (the upload form is shown again). Another user's or another
    workshop's token is a 404 and touches nothing (``attendance.staging``)."""
    change_url = reverse("admin:workshops_workshop_change", args=[workshop.pk])
    token = request.POST.get("token", "")
    if "cancel" in request.POST:
        staging.discard(request, workshop, token)
        messages.info(request, _("Import cancelled: nothing was saved."))
        return redirect(change_url)
    staged = staging.claim(request, workshop, token)
    if staged is None:
        messages.error(request, _("This preview has expired or was already used: upload the sheet again."))
        return redirect(request.path)
    data, page["filename"] = staged
    try:
        result = import_attendance(workshop, data, page["filename"], contacts_visible=_sees_contacts(request))
    except AttendanceImportError as exc:
        page["errors"] = exc.errors
        return None
    finally:
        staging.release(token)
    reports.forget_public_figures()
    if not result.changes_anything:
        # Someone imported the same sheet meanwhile: this confirmation waited, then found it saved.
        messages.info(request, _("Nothing to save: this sheet was already imported into this workshop."))
        return redirect(change_url)
    messages.success(request, _("Attendance imported. %(summary)s") % {"summary": result.summary_text()})
    return redirect(change_url)


def _preview(request, workshop, upload, page):
    """Check and plan the uploaded sheet without saving; stage it when confirming would change
    something. Fills ``page`` (errors, result, token, filename)."""
    data, page["filename"] = upload.read(), upload.name
    try:
        page["result"] = import_attendance(
            workshop, data, page["filename"], dry_run=True, contacts_visible=_sees_contacts(request)
        )
    except AttendanceImportError as exc:
        page["errors"] = exc.errors
        return
    if page["result"].changes_anything:
        page["token"] = staging.stage(request, workshop, data, page["filename"])


def download(request, pk, fmt):
    """Download the attendance report (CSV or XLSX) or the sign-in sheet (PDF, pre-filled,
    or blank with ``?blank=1``). Logged. The pre-filled ones hold personal data and need
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
    export = exports.export_attendance(workshop, fmt, user=request.user, blank=blank)
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
    region's workshops started that year (or of all), streamed (``attendance.bulk_exports``).
    PERSONAL DATA: needs what every such download needs
    (``organizations.privacy.personal_data_download``); logged before the first byte."""

    fmt = "csv"

    @method_decorator(personal_data_download)
    def get(self, request, *args, **kwargs):
        form = AttendanceExportForm(request.GET)
        if not form.is_valid():
            return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
        selection = bulk_exports.Selection(form.cleaned_data["region"], form.cleaned_data["year"])
        ExportLog.record(
            kind=ExportLog.Kind.REPORT,
            file_format=self.fmt,
            user=request.user,
            scope=selection.describe(),
            rows=bulk_exports.selected(selection).count(),
            channel=ExportLog.Channel.ADMIN,
            personal_data=True,
        )
        if self.fmt == "csv":
            response = StreamingHttpResponse(
                bulk_exports.csv_chunks(selection), content_type=CONTENT_TYPES["csv"]
            )
        else:
            # A ZIP container cannot be sent before it is complete: written to a temporary
            # file (constant memory), then sent from disk.
            target = tempfile.TemporaryFile()
            bulk_exports.write_xlsx(selection, target)
            target.seek(0)
            response = FileResponse(target, content_type=CONTENT_TYPES["xlsx"])
        response["Content-Disposition"] = f'attachment; filename="{selection.filename(self.fmt)}"'
        return response


def _sees_contacts(request):
    """Whether the importer may see participants' phones and e-mails (the admin's masking rule):
    the preview of one who may not names nobody through a phone or e-mail."""
    return request.user.has_perm("organizations.view_personal_data")

"""Admin for NGO staff: workshops with sessions, partners and recommendations inline; attendance
import and report download from the workshop's page."""

from urllib.parse import quote

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from workshops import exports
from workshops.forms import AttendanceUploadForm
from workshops.imports import AttendanceImportError, import_attendance
from workshops.models import (
    Attendance,
    CommitteeMembership,
    FollowUp,
    MonitoringCommittee,
    Participation,
    Project,
    Recommendation,
    Session,
    Workshop,
    WorkshopPartner,
)

# Links typed without a scheme are taken as https:// (Django 6.0's default, chosen now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "organizer", "start_date", "end_date"]
    list_select_related = ["organizer"]
    search_fields = ["name", "organizer__name"]
    autocomplete_fields = ["organizer", "funders"]
    prepopulated_fields = {"slug": ["name"]}


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["position", "date", "title", "start_time", "end_time"]


class WorkshopPartnerInline(admin.TabularInline):
    model = WorkshopPartner
    extra = 0
    autocomplete_fields = ["organization"]


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0
    fields = ["position", "text", "status", "due_date", "target_regions", "responsible_organizations"]
    autocomplete_fields = ["target_regions", "responsible_organizations"]
    show_change_link = True


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "start_date",
        "end_date",
        "city",
        "venue_region",
        "status",
        "is_published",
        "participant_count",
    ]
    list_filter = ["status", "is_published", "kind", "venue_region", "target_regions", "project"]
    list_select_related = ["venue_region"]
    search_fields = ["title", "city", "venue", "organizer__name"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["project", "organizer", "venue_region", "target_regions"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SessionInline, WorkshopPartnerInline, RecommendationInline]
    change_form_template = "admin/workshops/workshop/change_form.html"
    formfield_overrides = HTTPS_URLS
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "status", "is_published"]}),
        (_("Who"), {"fields": ["project", "organizer", "expected_participants"]}),
        (
            _("When and where"),
            {"fields": ["start_date", "end_date", "venue", "city", "venue_region", "target_regions"]},
        ),
        (_("Content"), {"fields": ["objectives", "summary"]}),
        (_("Source"), {"fields": ["source_note", "source_url"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                counted_participants=Count(
                    "participations",
                    filter=Q(
                        participations__status=Participation.Status.ATTENDED,
                        participations__counts_toward_totals=True,
                    ),
                )
            )
        )

    @admin.display(description=_("participants"), ordering="counted_participants")
    def participant_count(self, obj):
        return obj.counted_participants

    def get_urls(self):
        return [
            path(
                "<int:pk>/import-attendance/",
                self.admin_site.admin_view(self.import_attendance_view),
                name="workshops_workshop_import_attendance",
            ),
            path(
                "<int:pk>/attendance.<str:fmt>",
                self.admin_site.admin_view(self.export_attendance_view),
                name="workshops_workshop_export_attendance",
            ),
            *super().get_urls(),
        ]

    def import_attendance_view(self, request, pk):
        """Upload an attendance sheet; needs ``workshops.import_attendance``."""
        if not request.user.has_perm("workshops.import_attendance"):
            raise PermissionDenied
        workshop = get_object_or_404(Workshop, pk=pk)
        errors, result = [], None
        form = AttendanceUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            dry_run = form.cleaned_data["dry_run"]
            try:
                result = import_attendance(workshop, upload.read(), upload.name, dry_run=dry_run)
            except AttendanceImportError as exc:
                errors = exc.errors
            else:
                if not dry_run:
                    messages.success(
                        request, _("Attendance imported. %(summary)s") % {"summary": result.summary_text()}
                    )
                    for warning in result.warnings:
                        messages.warning(request, str(warning))
                    return redirect(reverse("admin:workshops_workshop_change", args=[workshop.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": workshop,
            "title": _("Import attendance"),
            "form": form,
            "errors": errors,
            "result": result,
        }
        return TemplateResponse(request, "admin/workshops/workshop/import_attendance.html", context)

    def export_attendance_view(self, request, pk, fmt):
        """Download the attendance report (CSV or XLSX); needs ``workshops.export_attendance``."""
        if not request.user.has_perm("workshops.export_attendance"):
            raise PermissionDenied
        if fmt not in exports.FORMATS:
            raise PermissionDenied
        workshop = get_object_or_404(Workshop, pk=pk)
        response = HttpResponse(
            exports.render_attendance(workshop, fmt), content_type=exports.CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = (
            f'attachment; filename="attendance-{workshop.pk}.{fmt}"; '
            f"filename*=UTF-8''{quote(exports.export_filename(workshop, fmt))}"
        )
        return response


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["session"]


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["person", "workshop", "organization", "role", "status", "counts_toward_totals"]
    list_filter = ["status", "role", "counts_toward_totals", "person__gender", "person__region"]
    list_select_related = ["person", "workshop", "organization"]
    search_fields = [
        "person__last_name",
        "person__first_name",
        "person__phone",
        "person__email",
        "workshop__title",
        "organization__name",
    ]
    autocomplete_fields = ["workshop", "person", "organization"]
    inlines = [AttendanceInline]
    show_full_result_count = False


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "workshop", "position", "date"]
    list_select_related = ["workshop"]
    search_fields = ["title", "workshop__title"]
    autocomplete_fields = ["workshop"]
    date_hierarchy = "date"


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["participation", "session"]
    list_select_related = ["participation__person", "participation__workshop", "session"]
    list_filter = ["session__date"]
    search_fields = [
        "participation__person__last_name",
        "participation__person__first_name",
        "participation__workshop__title",
    ]
    autocomplete_fields = ["participation", "session"]
    show_full_result_count = False


class FollowUpInline(admin.StackedInline):
    model = FollowUp
    extra = 0
    formfield_overrides = HTTPS_URLS


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "workshop", "position", "status", "due_date"]
    list_filter = ["status", "target_regions", "workshop__project"]
    list_select_related = ["workshop"]
    search_fields = ["text", "workshop__title"]
    autocomplete_fields = ["workshop", "responsible_organizations", "target_regions"]
    inlines = [FollowUpInline]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["__str__", "recommendation", "date", "new_status"]
    list_filter = ["new_status"]
    list_select_related = ["recommendation"]
    search_fields = ["note", "recommendation__text"]
    autocomplete_fields = ["recommendation"]
    date_hierarchy = "date"
    formfield_overrides = HTTPS_URLS


class CommitteeMembershipInline(admin.TabularInline):
    model = CommitteeMembership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(MonitoringCommittee)
class MonitoringCommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "constituted_on", "origin_recommendation"]
    list_filter = ["status", "regions"]
    list_select_related = ["origin_recommendation"]
    search_fields = ["name", "mandate"]
    autocomplete_fields = ["origin_recommendation", "regions"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CommitteeMembershipInline]


@admin.register(WorkshopPartner)
class WorkshopPartnerAdmin(admin.ModelAdmin):
    list_display = ["organization", "workshop", "role"]
    list_filter = ["role"]
    list_select_related = ["organization", "workshop"]
    search_fields = ["organization__name", "workshop__title"]
    autocomplete_fields = ["workshop", "organization"]


@admin.register(CommitteeMembership)
class CommitteeMembershipAdmin(admin.ModelAdmin):
    list_display = ["organization", "committee", "role"]
    list_filter = ["role"]
    list_select_related = ["organization", "committee"]
    search_fields = ["organization__name", "committee__name"]
    autocomplete_fields = ["committee", "organization"]

"""The attendance pages on a workshop's admin page: "Import attendance" and the downloads.

``workshops`` knows nothing of this app, so the workshop admin is registered again here, with
the same URLs and URL names as before (``admin:workshops_workshop_import_attendance``,
``admin:workshops_workshop_export_attendance`` and ``admin:workshops_workshop_attendance_template``,
used by the workshop's change form), and the certificates of participation
(``admin:workshops_workshop_certificates``, ``admin:workshops_workshop_certificate``).
"""

from django.contrib import admin, messages
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from attendance import certificate_views, views
from attendance.models import Certificate, CheckInEvent, CheckInWalkIn
from config.admin_privacy import PERSONAL_DATA_PERMISSION
from workshops.admin import WorkshopAdmin
from workshops.models import Workshop


class AttendanceWorkshopAdmin(WorkshopAdmin):
    """The workshop admin with the attendance import and downloads (``attendance.views``)."""

    def get_urls(self):
        return [
            path(
                "<int:pk>/import-attendance/",
                self.admin_site.admin_view(self.import_attendance_view),
                name="workshops_workshop_import_attendance",
            ),
            path(
                "<int:pk>/attendance-template.xlsx",
                self.admin_site.admin_view(views.template),
                name="workshops_workshop_attendance_template",
            ),
            path(
                "<int:pk>/attendance.<str:fmt>",
                self.admin_site.admin_view(views.download),
                name="workshops_workshop_export_attendance",
            ),
            path(
                "<int:pk>/certificates.pdf",
                self.admin_site.admin_view(certificate_views.workshop_certificates),
                name="workshops_workshop_certificates",
            ),
            path(
                "<int:pk>/certificates/<int:participation>.pdf",
                self.admin_site.admin_view(certificate_views.participation_certificate),
                name="workshops_workshop_certificate",
            ),
            *super().get_urls(),
        ]

    def import_attendance_view(self, request, pk):
        return views.import_sheet(request, pk, self.admin_site)


admin.site.unregister(Workshop)
admin.site.register(Workshop, AttendanceWorkshopAdmin)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Certificates issued (read only: they are issued from the workshop's downloads) and their
    revocation. They name people: seen only with ``organizations.view_personal_data``."""

    list_display = ("person_name", "workshop_title", "issued_at", "issued_by_name", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    list_select_related = ("participation__workshop",)
    search_fields = ("=code",)
    date_hierarchy = "issued_at"
    show_full_result_count = False
    readonly_fields = (
        "code",
        "participation",
        "facts",
        "issued_at",
        "issued_by",
        "issued_by_name",
        "revoked_at",
    )
    fields = readonly_fields
    actions = ("revoke",)

    @admin.display(description=_("name"))
    def person_name(self, certificate):
        return certificate.facts.get("name", "")

    @admin.display(description=_("workshop"))
    def workshop_title(self, certificate):
        return certificate.participation.workshop.title

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(PERSONAL_DATA_PERMISSION) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(PERSONAL_DATA_PERMISSION) and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Revoked, never deleted: the check page must keep saying "revoked".
        return False

    @admin.action(description=_("Revoke the selected certificates"), permissions=["change"])
    def revoke(self, request, queryset):
        revoked = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        message = ngettext("%(count)s certificate revoked.", "%(count)s certificates revoked.", revoked)
        self.message_user(request, message % {"count": revoked}, messages.SUCCESS)


class PhoneAuditAdmin(admin.ModelAdmin):
    """What the check-in phones sent, read only: the audit trail of ticks, unticks and walk-ins
    (``attendance.checkin`` writes them). They name people: seen only with
    ``organizations.view_personal_data``; nobody adds, edits or deletes them here."""

    date_hierarchy = "received_at"
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(PERSONAL_DATA_PERMISSION) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CheckInEvent)
class CheckInEventAdmin(PhoneAuditAdmin):
    list_display = ("participation", "session", "present", "device_time", "received_at", "user", "device_id")
    list_filter = ("present",)
    list_select_related = ("participation__person", "participation__workshop", "session", "user")
    search_fields = ("=event_id", "=device_id")


@admin.register(CheckInWalkIn)
class CheckInWalkInAdmin(PhoneAuditAdmin):
    list_display = ("workshop", "participation", "matched", "received_at", "user", "device_id")
    list_filter = ("matched",)
    list_select_related = ("workshop", "participation__person", "participation__workshop", "user")
    search_fields = ("=walk_in_id", "=device_id")

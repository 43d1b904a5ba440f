"""The attendance pages on a workshop's admin page: "Import attendance" and the downloads.

``workshops`` knows nothing of this app, so the workshop admin is registered again here, with
the same URLs and URL names as before (``admin:workshops_workshop_import_attendance``,
``admin:workshops_workshop_export_attendance`` and ``admin:workshops_workshop_attendance_template``,
used by the workshop's change form), and the certificates of participation
(``admin:workshops_workshop_certificates``, ``admin:workshops_workshop_certificate``).
"""

from django.contrib import admin
from django.urls import path

from attendance import certificate_views, views
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

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import ExportLog, FocusArea, Organization, Person


@admin.register(FocusArea)
class FocusAreaAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "region", "city"]
    list_filter = ["kind", "region"]
    list_select_related = ["region"]
    search_fields = ["name", "acronym", "city"]
    autocomplete_fields = ["region", "province", "focus_areas"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "gender", "organization", "region", "phone", "email"]
    list_filter = ["gender", "region", "age_band", "consent_given"]
    list_select_related = ["organization", "region"]
    search_fields = ["last_name", "first_name", "phone", "email", "organization__name"]
    autocomplete_fields = ["organization", "region"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["first_name", "last_name", "gender", "age_band"]}),
        (_("Contact (personal data)"), {"fields": ["phone", "email"]}),
        (_("Affiliation"), {"fields": ["organization", "position", "city", "region"]}),
        (_("Consent"), {"fields": ["consent_given", "consent_date"]}),
    ]


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    """Who exported what, read-only: visible to users with "Can view export log entry"
    (give it to the Managers group); nobody adds, changes or deletes entries here."""

    list_display = [
        "created_at",
        "username",
        "channel",
        "kind",
        "file_format",
        "scope",
        "row_count",
        "personal_data",
    ]
    list_filter = ["kind", "file_format", "channel", "personal_data"]
    list_select_related = ["user", "workshop"]
    search_fields = ["username", "scope", "workshop__title"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = [
        "created_at",
        "user",
        "username",
        "channel",
        "kind",
        "file_format",
        "workshop",
        "scope",
        "row_count",
        "personal_data",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

"""Registrations in the admin: read them, approve or refuse those awaiting approval."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from registrations.models import Registration
from registrations.rules import decide


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["participation", "workshop", "status", "created_at", "language", "organization_name"]
    list_filter = ["participation__status", "language"]
    search_fields = ["participation__workshop__title", "participation__person__last_name"]
    list_select_related = ["participation__person", "participation__workshop"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    # A few thousand registrations beside half a million participations: each registration's
    # participation and person are tested, not every participation of a matching person listed
    # (config.admin_search).
    search_rows_first = True
    actions = ["approve", "refuse"]
    fields = [
        "participation",
        "created_at",
        "language",
        "organization_name",
        "consent_version",
        "consent_text",
        "decided_at",
        "decided_by",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # made by the public form only

    @admin.display(description=_("workshop"), ordering="participation__workshop__title")
    def workshop(self, obj):
        return obj.participation.workshop

    @admin.display(description=_("status"), ordering="participation__status")
    def status(self, obj):
        return obj.participation.get_status_display()

    @admin.action(description=_("Approve the selected registrations"), permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Refuse the selected registrations"), permissions=["change"])
    def refuse(self, request, queryset):
        self._decide(request, queryset, approve=False)

    def _decide(self, request, queryset, *, approve):
        count = decide(queryset, approve=approve, user=request.user)
        if approve:
            text = ngettext("%(count)s registration approved.", "%(count)s registrations approved.", count)
        else:
            text = ngettext("%(count)s registration refused.", "%(count)s registrations refused.", count)
        level = messages.SUCCESS if count else messages.WARNING
        if not count:
            text = _("None of the selected registrations was awaiting approval.")
        self.message_user(request, text % {"count": count}, level)

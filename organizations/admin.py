from auditlog.signals import accessed
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.admin_deletion import SummarisesDeletionMixin
from config.admin_privacy import PERSONAL_DATA_PERMISSION
from config.admin_search import SearchesRelatedByKeyMixin
from organizations.forms import ReadmitForm
from organizations.merging import MergeRefused, merge
from organizations.models import ErasureRecord, ExportLog, FocusArea, Organization, OrganizationAlias, Person
from organizations.privacy import (
    can_export_personal_data,
    erase_person,
    mask_email,
    mask_phone,
    person_data,
    personal_data_download,
    readmit,
)


class ErasedFilter(admin.SimpleListFilter):
    """Erased people (anonymised) or not."""

    title = _("erased")
    parameter_name = "erased"

    def lookups(self, request, model_admin):
        return [("yes", _("Erased")), ("no", _("Not erased"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(erased_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(erased_at__isnull=True)
        return queryset


@admin.register(FocusArea)
class FocusAreaAdmin(admin.ModelAdmin):
    search_fields = ["name"]


def may_merge(request, model_admin):
    """Merging needs the rights to change and to delete the records, and for people to see
    their personal data (the page compares them)."""
    opts = model_admin.opts
    needed = [f"{opts.app_label}.change_{opts.model_name}", f"{opts.app_label}.delete_{opts.model_name}"]
    if opts.model is Person:
        needed.append(PERSONAL_DATA_PERMISSION)
    return request.user.has_perms(needed)


@admin.action(description=_("Merge the selected %(verbose_name_plural)s into one"))
def merge_selected(model_admin, request, queryset):
    """Show which record to keep, what would move to it and the duplicate rows to merge
    (``organizations.merging``, rolled back); merge when confirmed."""
    if not may_merge(request, model_admin):
        raise PermissionDenied
    records = list(queryset.order_by("pk"))
    if len(records) < 2:
        model_admin.message_user(request, _("Select at least two records to merge."), messages.WARNING)
        return None
    keep = next((record for record in records if str(record.pk) == request.POST.get("keep")), records[0])
    confirmed = request.POST.get("confirm") == "yes"
    try:
        report = merge(keep, [record for record in records if record != keep], dry_run=not confirmed)
    except MergeRefused as refusal:
        model_admin.message_user(request, str(refusal), messages.ERROR)
        return None
    if confirmed:
        model_admin.message_user(request, _("Merged into “%(record)s”.") % {"record": keep}, messages.SUCCESS)
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Merge %(things)s") % {"things": model_admin.opts.verbose_name_plural},
        "opts": model_admin.opts,
        "records": records,
        "keep": keep,
        "report": report,
        # Lists: a Counter answers 0 to the template's ``.items``.
        "moved": sorted(report.moved.items()),
        "duplicates": sorted(report.duplicates.items()),
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/organizations/merge_confirmation.html", context)


class OrganizationAliasInline(admin.TabularInline):
    """The organisation's other names, kept by whoever may change the organisation."""

    model = OrganizationAlias
    fields = ["name", "language", "source", "created_at", "created_by"]
    readonly_fields = ["source", "created_at", "created_by"]
    extra = 0

    def _may_change_organization(self, request):
        return request.user.has_perm("organizations.change_organization")

    def has_add_permission(self, request, obj=None):
        return self._may_change_organization(request)

    def has_change_permission(self, request, obj=None):
        return self._may_change_organization(request)

    def has_delete_permission(self, request, obj=None):
        return self._may_change_organization(request)


@admin.register(OrganizationAlias)
class OrganizationAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "language", "source", "created_at"]
    list_filter = ["language", "source"]
    list_select_related = ["organization"]
    search_fields = ["name", "organization__name"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["source", "created_at", "created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Organization)
class OrganizationAdmin(SummarisesDeletionMixin, admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "region", "city"]
    list_filter = ["kind", "region"]
    list_select_related = ["region"]
    search_fields = ["name", "acronym", "city"]
    autocomplete_fields = ["region", "province", "commune", "focus_areas"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = [merge_selected]
    inlines = [OrganizationAliasInline]

    def save_formset(self, request, form, formset, change):
        for alias_form in formset.forms:
            if isinstance(alias_form.instance, OrganizationAlias) and alias_form.instance.pk is None:
                alias_form.instance.created_by = request.user
        super().save_formset(request, form, formset, change)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not may_merge(request, self):
            actions.pop("merge_selected", None)
        return actions


@admin.register(Person)
class PersonAdmin(SummarisesDeletionMixin, SearchesRelatedByKeyMixin, admin.ModelAdmin):
    """People, with their contact details shown only to staff holding ``view_personal_data``;
    others see names and masked phone and e-mail, and cannot search, filter or sort by them
    (``config.admin_privacy``, which the site gives every admin). Actions: erase
    (``erase_person``) and download the data held on a person (``view_personal_data``)."""

    list_display = ["last_name", "first_name", "gender", "organization", "region", "phone", "email"]
    # Creation date as a filter (today, past 7 days, this month, this year), not a
    # ``date_hierarchy``: the hierarchy's links need the distinct days (or months, years) of
    # every person listed, computed on each page; SQLite converts each of 150,000 dates to local
    # time in Python for it (0.7 s), and with a search it runs the search twice more.
    list_filter = ["gender", "region", "age_band", "consent_given", ErasedFilter, "created_at"]
    list_select_related = ["organization", "region"]
    search_fields = ["last_name", "first_name", "phone", "email", "organization__name"]
    autocomplete_fields = ["organization", "region", "commune"]
    show_full_result_count = False
    readonly_fields = ["erased_at", "masked_phone", "masked_email"]
    actions = ["erase_selected", merge_selected]
    fieldsets = [
        (None, {"fields": ["first_name", "last_name", "gender", "age_band"]}),
        (_("Contact (personal data)"), {"fields": ["phone", "email"]}),
        (_("Affiliation"), {"fields": ["organization", "position", "city", "region", "commune"]}),
        (
            _("Consent"),
            {
                "fields": [
                    "consent_given",
                    "consent_photos",
                    "consent_public_listing",
                    "consent_date",
                    "erased_at",
                ]
            },
        ),
    ]

    @staticmethod
    def sees_personal_data(request):
        return request.user.has_perm(PERSONAL_DATA_PERMISSION)

    @admin.display(description=_("phone"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    @admin.display(description=_("e-mail"))
    def masked_email(self, obj):
        return mask_email(obj.email)

    def get_list_display(self, request):
        if self.sees_personal_data(request):
            return self.list_display
        return [{"phone": "masked_phone", "email": "masked_email"}.get(f, f) for f in self.list_display]

    def get_fieldsets(self, request, obj=None):
        if self.sees_personal_data(request):
            return self.fieldsets
        return [
            (
                name,
                {
                    "fields": [
                        {"phone": "masked_phone", "email": "masked_email"}.get(f, f) for f in opts["fields"]
                    ]
                },
            )
            for name, opts in self.fieldsets
        ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("organizations.erase_person"):
            actions.pop("erase_selected", None)
        if not may_merge(request, self):
            actions.pop("merge_selected", None)
        return actions

    def get_urls(self):
        return [
            path(
                "<int:pk>/data.json",
                self.admin_site.admin_view(self.person_data_view),
                name="organizations_person_data",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.sees_personal_data(request) and object_id:
            person = self.get_object(request, object_id)
            if person is not None:
                # Seeing someone's contact details is itself recorded in the audit trail.
                accessed.send(sender=Person, instance=person)
        extra_context = {**(extra_context or {}), "can_download_data": can_export_personal_data(request.user)}
        return super().change_view(request, object_id, form_url, extra_context)

    @method_decorator(personal_data_download)
    def person_data_view(self, request, pk):
        """The data held on one person as JSON (right of access); needs what every download of
        personal data needs (``organizations.privacy.can_export_personal_data``)."""
        person = get_object_or_404(Person, pk=pk)
        ExportLog.record(
            kind=ExportLog.Kind.PERSON_DATA,
            file_format="json",
            user=request.user,
            scope=f"person #{person.pk}",
            rows=1,
            personal_data=True,
        )
        response = JsonResponse(person_data(person), json_dumps_params={"ensure_ascii": False, "indent": 1})
        response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
        return response

    @admin.action(description=_("Erase the personal data of the selected people"))
    def erase_selected(self, request, queryset):
        """Ask for confirmation, then anonymise (``organizations.privacy.erase_person``)."""
        if not request.user.has_perm("organizations.erase_person"):
            raise PermissionDenied
        if request.POST.get("confirm") == "yes":
            reason = request.POST.get("reason") or ErasureRecord.Reason.REQUEST
            if reason not in ErasureRecord.Reason.values:
                reason = ErasureRecord.Reason.REQUEST
            count = 0
            for person in queryset.filter(erased_at__isnull=True):
                erase_person(person, user=request.user, reason=reason)
                count += 1
            self.message_user(
                request,
                ngettext(
                    "%(count)s person erased: names and contacts removed, counts kept.",
                    "%(count)s people erased: names and contacts removed, counts kept.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Erase personal data"),
            "opts": self.model._meta,
            "people": queryset,
            "reasons": ErasureRecord.Reason.choices,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/organizations/person/erase_confirmation.html", context)


class ReadOnlyAdmin(admin.ModelAdmin):
    """A log shown in the admin: entries are written by the application, never by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


READMIT_PERMISSION = "organizations.readmit_erased_person"


@admin.register(ErasureRecord)
class ErasureRecordAdmin(ReadOnlyAdmin):
    """Erasures, read-only (Law 09-08 accountability). Holds no personal data. Users holding
    ``readmit_erased_person`` re-admit an erased person with a new consent (``readmit_view``)."""

    list_display = ["person_ref", "erased_at", "reason", "erased_by", "readmitted_at"]
    list_filter = ["reason"]
    date_hierarchy = "erased_at"
    exclude = ["phone_hash", "email_hash", "name_hash"]

    def get_list_display(self, request):
        if request.user.has_perm(READMIT_PERMISSION):
            return [*self.list_display, "readmit_link"]
        return self.list_display

    @admin.display(description=_("re-admission"))
    def readmit_link(self, obj):
        if obj.readmitted_at is not None:
            return ""
        url = reverse("admin:organizations_erasurerecord_readmit", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Re-admit with a new consent"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/readmit/",
                self.admin_site.admin_view(self.readmit_view),
                name="organizations_erasurerecord_readmit",
            ),
            *super().get_urls(),
        ]

    def readmit_view(self, request, pk):
        """Ask for the date of the new consent, then ``organizations.privacy.readmit``: the next
        import of a sheet listing the person records them again. Needs ``readmit_erased_person``."""
        if not request.user.has_perm(READMIT_PERMISSION):
            raise PermissionDenied
        record = get_object_or_404(ErasureRecord, pk=pk, readmitted_at__isnull=True)
        form = ReadmitForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            readmit(record, user=request.user, consent_date=form.cleaned_data["consent_date"])
            self.message_user(
                request,
                _("Person #%(person)s re-admitted: the next import that lists them records them again.")
                % {"person": record.person_ref},
                messages.SUCCESS,
            )
            return redirect("admin:index")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Re-admit an erased person"),
            "opts": self.model._meta,
            "record": record,
            "form": form,
        }
        return TemplateResponse(request, "admin/organizations/erasurerecord/readmit.html", context)


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
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
    # Every language version of the title (django-modeltranslation, workshops/translation.py).
    search_fields = ["username", "scope", "workshop__title_ar", "workshop__title_fr", "workshop__title_en"]
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

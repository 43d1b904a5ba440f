from auditlog.signals import accessed
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import build_q_object_from_lookup_parameters, lookup_spawns_duplicates
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organizations.models import ErasureRecord, ExportLog, FocusArea, Organization, Person
from organizations.privacy import erase_person, person_data

# Prefixes of ``search_fields`` entries, as Django's admin reads them.
SEARCH_PREFIXES = {"^": "istartswith", "=": "iexact", "@": "search"}


def _search_path(model, entry):
    """``(field names, lookup)`` of one ``search_fields`` entry, as Django's admin builds it
    (``^name`` istartswith, ``=name`` iexact, ``@name`` search, otherwise icontains); None when
    the entry names a lookup of its own, left to Django."""
    lookup = SEARCH_PREFIXES.get(entry[:1])
    names = (entry[1:] if lookup else entry).split("__")
    opts = model._meta
    for i, name in enumerate(names):
        try:
            field = opts.pk if name == "pk" else opts.get_field(name)
        except FieldDoesNotExist:
            return None
        names[i] = field.name
        if field.is_relation and field.related_model is not None:
            opts = field.related_model._meta
    return names, lookup or "icontains"


def _keys(model, names):
    """Split a path of field names into the forward foreign keys (or one-to-ones) it starts
    with, as field objects, and the rest of the path: ``person__organization__name`` from a
    participation gives ``([person, organization], ["name"])``."""
    keys = []
    while len(names) > 1:
        field = model._meta.get_field(names[0])
        if not ((field.many_to_one or field.one_to_one) and field.concrete):
            break
        keys.append(field)
        model, names = field.related_model, names[1:]
    return tuple(keys), names


def _search_q(model, paths, bit):
    """``Q`` on ``model``: ``bit`` matches one of ``paths`` (``(field names, lookup)``).

    Paths that reach the same table through the same foreign keys are searched together in
    that table alone, and the keys followed back as nested ``key IN (SELECT …)``: from an
    attendance mark, ``participation__person__last_name`` and ``…__first_name`` become
    ``participation_id IN (SELECT id FROM participation WHERE person_id IN (SELECT id FROM
    person WHERE last_name … OR first_name …))``. Each table is filtered by its own indexed
    key, no row is joined to test a text, and the OR between tables is one between keys of
    ``model`` itself, which the database tests cheaply row by row.
    """
    groups = {}
    for names, lookup in paths:
        keys, rest = _keys(model, names)
        groups.setdefault(keys, []).append(("__".join([*rest, lookup]), bit))
    terms = []
    for keys, lookups in groups.items():
        term = models.Q.create(lookups, connector=models.Q.OR)
        for key in reversed(keys):
            related = key.related_model._base_manager.filter(term).values(key.target_field.name)
            term = models.Q((f"{key.name}__in", related))
        terms.append(term)
    return models.Q.create(terms, connector=models.Q.OR)


class SearchesRelatedByKeyMixin:
    """Admin search (``?q=``) that reaches related tables through their keys, not through joins.

    Same results as Django's admin search: every word (or quoted phrase) must match one of
    ``get_search_fields(request)``, so a field hidden from a user cannot be searched either.
    But ``person__last_name`` is searched as ``person_id IN (SELECT id FROM person WHERE
    last_name …)`` rather than by joining every row of this table to its person and testing
    the text of each joined row: for half a million participations, the 150,000 people are
    searched once, then the participations found by their indexed ``person_id``. Paths through
    several foreign keys nest the same way; anything else (a text field of this table, a
    many-to-many path, an entry with its own lookup) is searched as Django does.
    """

    def get_search_results(self, request, queryset, search_term):
        entries = [str(entry) for entry in self.get_search_fields(request)]
        paths = [_search_path(queryset.model, entry) for entry in entries]
        if not entries or not search_term or None in paths:
            return super().get_search_results(request, queryset, search_term)
        words = []
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            words.append(_search_q(queryset.model, paths, bit))
        queryset = queryset.filter(models.Q.create(words))
        # Only a path searched with a join from this table can repeat rows (a many-to-many
        # one): behind a key, the join is inside ``key IN (SELECT …)``.
        may_have_duplicates = any(
            lookup_spawns_duplicates(self.opts, "__".join([*names, lookup]))
            for names, lookup in paths
            if not _keys(queryset.model, names)[0]
        )
        return queryset, may_have_duplicates


class FiltersThroughKeyMixin:
    """For a list filter on a field of a related row (``person__gender``, ``person__region``):
    test ``EXISTS (SELECT 1 FROM person WHERE id = person_id AND gender = …)`` instead of
    joining the related table.

    Same rows (the key must not be nullable). But SQLite drove the join from the related table
    (all the women, say) and went through every match, twice (count, then page): 0.8 s for a
    search among the women in half a million participations. With ``EXISTS`` it reads this
    table in the page's order and stops at the page's end (0.4 s). PostgreSQL plans both alike
    (0.2 s). When another filter on the same related table is in use (women of one region), that
    table is joined once and both fields tested on the joined row, as Django does: a second
    ``EXISTS`` would cost a lookup per row where the join can start from the table's index.
    """

    def queryset(self, request, queryset):
        keys, _rest = _keys(queryset.model, self.field_path.split("__"))
        if len(keys) != 1 or keys[0].null or not self.used_parameters:
            return super().queryset(request, queryset)
        key, prefix = keys[0], f"{keys[0].name}__"
        if any(name.startswith(prefix) and name not in self.used_parameters for name in request.GET):
            return super().queryset(request, queryset)
        try:
            condition = build_q_object_from_lookup_parameters(
                {name.removeprefix(prefix): values for name, values in self.used_parameters.items()}
            )
            related = key.related_model._base_manager.filter(
                condition, **{key.target_field.name: models.OuterRef(key.attname)}
            )
            return queryset.filter(models.Exists(related))
        except (ValueError, ValidationError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class ChoicesThroughKeyFilter(FiltersThroughKeyMixin, admin.ChoicesFieldListFilter):
    """Django's filter of a field with choices (``person__gender``), through the key."""


class RelatedThroughKeyFilter(FiltersThroughKeyMixin, admin.RelatedFieldListFilter):
    """Django's filter of a foreign key of a related row (``person__region``), through the key."""


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


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "region", "city"]
    list_filter = ["kind", "region"]
    list_select_related = ["region"]
    search_fields = ["name", "acronym", "city"]
    autocomplete_fields = ["region", "province", "focus_areas"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


PERSONAL_DATA_PERMISSION = "organizations.view_personal_data"


def mask_phone(phone):
    """``"+212600000901"`` → ``"+212 ••• •• 01"``: enough to tell two numbers apart, no more."""
    return f"{phone[:4]} ••• •• {phone[-2:]}" if phone else ""


def mask_email(email):
    """``"participant01@example.org"`` → ``"p•••@example.org"``."""
    if not email or "@" not in email:
        return ""
    local, domain = email.split("@", 1)
    return f"{local[:1]}•••@{domain}"


@admin.register(Person)
class PersonAdmin(SearchesRelatedByKeyMixin, admin.ModelAdmin):
    """People, with their contact details shown only to staff holding ``view_personal_data``;
    others see names and masked phone and e-mail, and cannot search by them. Actions: erase
    (``erase_person``) and download the data held on a person (``view_personal_data``)."""

    list_display = ["last_name", "first_name", "gender", "organization", "region", "phone", "email"]
    # Creation date as a filter (today, past 7 days, this month, this year), not a
    # ``date_hierarchy``: the hierarchy's links need the distinct days (or months, years) of
    # every person listed, computed on each page; SQLite converts each of 150,000 dates to local
    # time in Python for it (0.7 s), and with a search it runs the search twice more.
    list_filter = ["gender", "region", "age_band", "consent_given", ErasedFilter, "created_at"]
    list_select_related = ["organization", "region"]
    search_fields = ["last_name", "first_name", "phone", "email", "organization__name"]
    autocomplete_fields = ["organization", "region"]
    show_full_result_count = False
    readonly_fields = ["erased_at", "masked_phone", "masked_email"]
    actions = ["erase_selected"]
    fieldsets = [
        (None, {"fields": ["first_name", "last_name", "gender", "age_band"]}),
        (_("Contact (personal data)"), {"fields": ["phone", "email"]}),
        (_("Affiliation"), {"fields": ["organization", "position", "city", "region"]}),
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

    def get_search_fields(self, request):
        if self.sees_personal_data(request):
            return self.search_fields
        return [f for f in self.search_fields if f not in {"phone", "email"}]

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
        extra_context = {**(extra_context or {}), "can_download_data": self.sees_personal_data(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def person_data_view(self, request, pk):
        """The data held on one person as JSON (right of access); needs ``view_personal_data``."""
        if not self.sees_personal_data(request):
            raise PermissionDenied
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


@admin.register(ErasureRecord)
class ErasureRecordAdmin(ReadOnlyAdmin):
    """Erasures, read-only (Law 09-08 accountability). Holds no personal data."""

    list_display = ["person_ref", "erased_at", "reason", "erased_by"]
    list_filter = ["reason"]
    date_hierarchy = "erased_at"


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

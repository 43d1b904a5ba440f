"""Admin of action programmes: programmes with their projects inline (no relation widgets in
the inline, so the page runs a fixed number of queries whatever the number of projects), projects,
observations, and the import of a programme's projects from a sheet (preview, then confirm)."""

import json

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from config import pagecache
from programmes import importing
from programmes.models import ActionProgramme, Observation, Project
from workshops.admin import HTTPS_URLS

IMPORT_MAX_AGE = 3600  # seconds a preview may wait for its confirmation


def forget_public_pages(commune_slugs):
    """Forget the cached public pages an action programme shows on (``config.pagecache``): the
    programmes' pages, the committees' (they list the programmes they follow) and the pages of
    the communes of ``commune_slugs`` (an iterable of slugs); the others stay cached."""
    communes = [pagecache.commune_scope(slug) for slug in set(commune_slugs)]
    pagecache.forget_pages_now_and_on_commit(pagecache.PROGRAMMES, pagecache.LISTS, *communes)


class ForgetsPublicPagesMixin:
    """Changes made here show on the public pages at once (``forget_public_pages``): the pages
    of the commune of the changed rows, before and after the change, are forgotten after every
    save and delete. ``commune_slug``: the lookup from the model to its commune's slug."""

    commune_slug = "commune__slug"

    def _slugs(self, queryset):
        return list(queryset.values_list(self.commune_slug, flat=True))

    def save_model(self, request, obj, form, change):
        before = self._slugs(self.model.objects.filter(pk=obj.pk)) if change else []
        super().save_model(request, obj, form, change)
        forget_public_pages(before + self._slugs(self.model.objects.filter(pk=obj.pk)))

    def delete_model(self, request, obj):
        before = self._slugs(self.model.objects.filter(pk=obj.pk))
        super().delete_model(request, obj)
        forget_public_pages(before)

    def delete_queryset(self, request, queryset):
        before = self._slugs(queryset)
        super().delete_queryset(request, queryset)
        forget_public_pages(before)


class PreviewSerializer:
    """``signing`` serializer of a preview's rows: JSON with Decimal costs as text."""

    def dumps(self, obj):
        return json.dumps(obj, cls=DjangoJSONEncoder, separators=(",", ":")).encode("latin-1")

    def loads(self, data):
        return json.loads(data.decode("latin-1"))


class ProjectInline(admin.TabularInline):
    model = Project
    extra = 0
    show_change_link = True
    # Partners and the location's commune are edited on the project's own page: a relation widget
    # per inline row would cost queries per project.
    fields = [
        "position",
        "title",
        "sector",
        "estimated_cost",
        "start_year",
        "end_year",
        "status",
        "progress",
        "reported_status",
        "reported_on",
    ]


class ImportForm(forms.Form):
    sheet = forms.FileField(
        label=gettext_lazy("Table of projects"),
        help_text=gettext_lazy("XLSX, XLS, ODS or CSV with a header row: project, sector, cost, years…"),
    )


@admin.register(ActionProgramme)
class ActionProgrammeAdmin(ForgetsPublicPagesMixin, admin.ModelAdmin):
    list_display = ["__str__", "commune", "start_year", "end_year", "adopted_on", "is_illustrative"]
    list_filter = ["is_illustrative", "start_year", "commune__province__region"]
    list_select_related = ["commune"]
    search_fields = ["commune__name_fr", "commune__name_ar", "commune__code"]
    autocomplete_fields = ["commune", "committees"]
    formfield_overrides = HTTPS_URLS
    inlines = [ProjectInline]

    def get_urls(self):
        return [
            path(
                "<int:pk>/import/",
                self.admin_site.admin_view(self.import_view),
                name="programmes_actionprogramme_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request, pk):
        """Upload a table of projects, see the preview, confirm: all rows are saved or none."""
        programme = get_object_or_404(ActionProgramme.objects.select_related("commune"), pk=pk)
        if not (
            self.has_change_permission(request, programme) and request.user.has_perm("programmes.add_project")
        ):
            raise PermissionDenied
        salt = f"programmes.import.{programme.pk}"
        context = {**self.admin_site.each_context(request), "opts": self.opts, "original": programme}
        form = ImportForm()
        if request.method == "POST" and "token" in request.POST:
            try:
                rows = signing.loads(
                    request.POST["token"], salt=salt, max_age=IMPORT_MAX_AGE, serializer=PreviewSerializer
                )
            except signing.BadSignature:
                messages.error(request, _("This preview has expired or was altered: upload the sheet again."))
                return redirect("admin:programmes_actionprogramme_import", pk=programme.pk)
            created = importing.save_rows(programme, rows)
            forget_public_pages([programme.commune.slug])
            count = len(created)
            messages.success(
                request,
                ngettext("%(count)s project imported.", "%(count)s projects imported.", count)
                % {"count": count},
            )
            return redirect("admin:programmes_actionprogramme_change", programme.pk)
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["sheet"]
                table = importing.read_table(upload.read(), upload.name, programme)
                token = (
                    signing.dumps(table.rows, salt=salt, compress=True, serializer=PreviewSerializer)
                    if not table.errors
                    else ""
                )
                context.update(table=table, token=token, filename=upload.name)
        context.update(form=form, title=_("Import projects from a sheet"), labels=importing.FIELD_LABELS)
        return TemplateResponse(request, "admin/programmes/import_projects.html", context)


@admin.register(Project)
class ProjectAdmin(ForgetsPublicPagesMixin, admin.ModelAdmin):
    commune_slug = "programme__commune__slug"
    list_display = ["__str__", "programme", "sector", "status", "progress", "reported_status", "reported_on"]
    list_filter = ["status", "reported_status", "programme__is_illustrative"]
    list_select_related = ["programme__commune"]
    search_fields = ["title", "sector", "programme__commune__name_fr", "programme__commune__name_ar"]
    autocomplete_fields = ["programme", "partner_organizations", "location_commune"]
    show_full_result_count = False


@admin.register(Observation)
class ObservationAdmin(ForgetsPublicPagesMixin, admin.ModelAdmin):
    commune_slug = "project__programme__commune__slug"
    list_display = ["date", "project", "committee", "observed_status", "meeting"]
    list_filter = ["observed_status", "committee"]
    list_select_related = ["project", "committee", "meeting__committee"]
    search_fields = ["project__title", "note", "committee__name"]
    autocomplete_fields = ["committee", "project", "meeting"]
    formfield_overrides = HTTPS_URLS
    date_hierarchy = "date"

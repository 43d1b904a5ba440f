from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from regions.models import Commune, PlaceAlias, Province, Region


class ProvinceInline(admin.TabularInline):
    model = Province
    extra = 0
    fields = ["code", "name_fr", "name_ar", "kind"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_ar", "capital_fr", "population_2024"]
    search_fields = ["code", "name_fr", "name_ar", "name_en"]
    prepopulated_fields = {"slug": ["name_fr"]}
    inlines = [ProvinceInline]


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_ar", "kind", "region"]
    list_filter = ["kind", "region"]
    list_select_related = ["region"]
    search_fields = ["code", "name_fr", "name_ar"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    """The 1,503 communes (HCP reference data, loaded by migration)."""

    list_display = ["code", "name_fr", "name_ar", "kind", "province", "population_2024"]
    list_filter = ["kind", "province__region"]
    list_select_related = ["province"]
    # Autocompletes of every form that names a commune search here: ``get_search_results``
    # (``Commune.name_key``), not through the generic search keys of config.admin_search.
    search_fields = ["code", "name_fr", "name_ar"]
    searches_its_own_way = True
    autocomplete_fields = ["province"]
    prepopulated_fields = {"slug": ["name_fr"]}
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        """Fold the term as the names are folded (``Commune.name_key``): "fes", "Fès" and "FES"
        find Fès, "اسفي" finds آسفي; an HCP code prefix finds its communes."""
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False


@admin.register(PlaceAlias)
class PlaceAliasAdmin(admin.ModelAdmin):
    """Known spellings of regions and provinces: those of the reference data (with their
    source) and those recorded by imports. Staff with the ``regions`` permissions on place
    aliases list, add and delete them; an alias is found by the next import at once."""

    list_display = ["alias", "kind", "place", "source", "created_by", "created_at"]
    list_filter = ["kind", "region"]
    list_select_related = ["region", "province", "created_by"]
    search_fields = ["alias", "key", "source"]
    autocomplete_fields = ["region", "province"]
    fields = ["kind", "region", "province", "alias", "source", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
    date_hierarchy = "created_at"

    @admin.display(description=_("place"))
    def place(self, alias):
        return alias.place

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("source", _("added in the admin"))
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

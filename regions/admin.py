from django.contrib import admin

from regions.models import Province, Region


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

"""Public pages of the regions: the list with activity figures, and one page per region. They live
here, beside the figures they show (``workshops.reports``), so that ``regions`` imports none of
our apps; their URL names stay ``regions:list`` and ``regions:detail``."""

from django.db.models import Count, Window
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from regions import maps
from regions.models import Commune, Province, Region
from workshops import communes, opendata, publication, reports

# A region page lists this many workshops and recommendations, then links to the full lists.
PREVIEW = 10
# Seconds a region page's rendered communes tables stay in the cache. They are kept under the
# digest of what they show (``communes.fingerprint``), so a change of the data gives a new key at
# once; this lets unused versions go, and a new release's wording show within the hour.
COMMUNE_TABLES_SECONDS = 3600


def preview(queryset):
    """``(the first PREVIEW rows of queryset as a list, the number of all its rows)``, in one
    query: the number is a window count over the rows the LIMIT leaves out."""
    rows = list(queryset.annotate(all_rows=Window(Count("pk")))[:PREVIEW])
    return rows, rows[0].all_rows if rows else 0


class RegionListView(ListView):
    """The 12 regions with their figures (``publication.region_measures``: counts of people
    through the publication rule) on a map and in a table;
    ``?measure=`` picks the map's measure (``regions.maps.MEASURES``)."""

    template_name = "regions/region_list.html"
    context_object_name = "rows"

    def get_queryset(self):
        # People and open commitments (progress) per region, the regions' names.
        return reports.cached(
            "regions",
            publication.region_measures,
            depends=(reports.PROGRESS, reports.PEOPLE, reports.CONTENT),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            region_map=maps.choropleth(self.object_list, self.request.GET.get("measure")),
            small_cell_minimum=publication.small_cell_minimum(),
            **kwargs,
        )


class RegionDetailView(DetailView):
    """One region: figures from ``publication.region_figures``, its provinces and prefectures
    with every commune's activity (``communes.activity``). The communes' tables, a few hundred
    rows to render, are cached as HTML under their ``communes.fingerprint``: the first request
    after a follow-up renders only what the follow-up can change."""

    model = Region

    def get_context_data(self, **kwargs):
        # Counts of people through the publication rule, as on the regions list and the map.
        figures = publication.region_figures(self.object)
        # Every commune of the region, by province (the provinces come with them: one query).
        rows = communes.activity(
            Commune.objects.filter(province__region=self.object).order_by(
                "province__name_fr", "province", "name_fr"
            )
        )
        workshops, workshop_count = preview(figures["workshops"])
        recommendations, recommendation_count = preview(figures["recommendations"])
        commitments, commitment_count = preview(figures["commitments"])
        return super().get_context_data(
            figures=figures,
            workshops=workshops,
            workshop_count=workshop_count,
            recommendations=recommendations,
            recommendation_count=recommendation_count,
            commitments=commitments,
            commitment_count=commitment_count,
            provinces=communes.by_province(rows),
            active_communes=communes.with_activity(rows),
            communes_fingerprint=communes.fingerprint(rows),
            communes_seconds=COMMUNE_TABLES_SECONDS,
            preview=PREVIEW,
            small_cell_minimum=publication.small_cell_minimum(),
            **kwargs,
        )


class CommuneListView(ListView):
    """Commune search: ``?q=`` in Arabic or French, letter variants and accents folded
    (``CommuneQuerySet.search``), or an HCP code prefix; 50 to a page. Without ``q``, the
    communes where anything happened (``communes.with_activity``)."""

    template_name = "regions/commune_list.html"
    context_object_name = "communes"
    paginate_by = 50

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()[:100]
        communes = Commune.objects.select_related("province__region")
        return communes.search(self.query) if self.query else communes.none()

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        active = [] if self.query else communes.with_activity(communes.activity(Commune.objects.all()))
        return super().get_context_data(query=self.query, active=active[: PREVIEW * 5], **kwargs)


class CommuneDetailView(DetailView):
    """One commune: names in both scripts, population, workshops held there or aimed at it,
    organisations based there, commitments concerning it (``communes.commune_figures``).
    At most 12 queries whatever the data size, with room for the action programmes."""

    queryset = Commune.objects.select_related("province__region")

    def get_context_data(self, **kwargs):
        figures = communes.commune_figures(self.object)
        return super().get_context_data(
            figures=figures,
            workshops=figures["workshops"][:PREVIEW],
            commitments=figures["commitments"][:PREVIEW],
            organizations=figures["organizations"][: PREVIEW * 5],
            preview=PREVIEW,
            small_cell_minimum=publication.small_cell_minimum(),
            **kwargs,
        )


class ProvinceDetailView(DetailView):
    """One province or prefecture: every commune with its activity (``communes.activity``)."""

    queryset = Province.objects.select_related("region")
    slug_field = "code"
    slug_url_kwarg = "code"
    template_name = "regions/province_detail.html"

    def get_context_data(self, **kwargs):
        rows = communes.activity(self.object.communes.order_by("name_fr"))
        return super().get_context_data(rows=rows, **kwargs)


def commune_data(request, slug, fmt):
    """``/regions/communes/<slug>/data.<csv|json>``: a commune page's items as open data
    (``opendata.commune_rows``: public fields only)."""
    commune = get_object_or_404(Commune, slug=slug)
    if fmt not in {"csv", "json"}:
        raise Http404
    rows = opendata.commune_rows(commune, base_url=request.build_absolute_uri("/").rstrip("/"))
    name = f"commune-{commune.code}"
    if fmt == "csv":
        content, content_type = opendata.as_csv(rows, opendata.COMMUNE_FIELDS), "text/csv; charset=utf-8"
    else:
        content, content_type = opendata.as_json(rows, opendata.COMMUNE_FIELDS, name), "application/json"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response

"""Public pages of the regions: the list with activity figures, and one page per region. They live
here, beside the figures they show (``workshops.reports``), so that ``regions`` imports none of
our apps; their URL names stay ``regions:list`` and ``regions:detail``."""

from django.views.generic import DetailView, ListView

from regions import maps
from regions.models import Region
from workshops import publication, reports

# A region page lists this many workshops and recommendations, then links to the full lists.
PREVIEW = 10


class RegionListView(ListView):
    """The 12 regions with their figures (``publication.region_measures``: counts of people
    through the publication rule) on a map and in a table;
    ``?measure=`` picks the map's measure (``regions.maps.MEASURES``)."""

    template_name = "regions/region_list.html"
    context_object_name = "rows"

    def get_queryset(self):
        return reports.cached("regions", publication.region_measures)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            region_map=maps.choropleth(self.object_list, self.request.GET.get("measure")),
            small_cell_minimum=publication.small_cell_minimum(),
            **kwargs,
        )


class RegionDetailView(DetailView):
    """One region: figures from ``publication.region_figures``, its provinces and prefectures."""

    model = Region

    def get_context_data(self, **kwargs):
        # Counts of people through the publication rule, as on the regions list and the map.
        figures = publication.region_figures(self.object)
        return super().get_context_data(
            figures=figures,
            workshops=figures["workshops"][:PREVIEW],
            workshop_count=figures["workshops"].count(),
            recommendations=figures["recommendations"][:PREVIEW],
            recommendation_count=figures["recommendations"].count(),
            commitments=figures["commitments"][:PREVIEW],
            commitment_count=figures["commitments"].count(),
            provinces=self.object.provinces.all(),
            preview=PREVIEW,
            small_cell_minimum=publication.small_cell_minimum(),
            **kwargs,
        )

"""Public pages: home, workshops, recommendations and monitoring committees.

No login needed and no personal data: figures come from ``workshops.reports`` (counts only).
Every list runs a fixed number of queries whatever the number of rows.
"""

from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from workshops import reports
from workshops.filters import RecommendationFilter, WorkshopFilter
from workshops.models import MonitoringCommittee, Recommendation, Workshop


class PublicMixin:
    """What every public list and detail view shares: public rows only, 20 to a page.

    ``public`` names the QuerySet method that keeps the rows the public may see
    (``"published"`` for workshops, ``"public"`` for recommendations); None when every row is
    public (monitoring committees). A page number out of range or not a number shows the
    last or first page rather than a 404.
    """

    public = None
    paginate_by = 20

    def get_queryset(self):
        queryset = super().get_queryset()
        return getattr(queryset, self.public)() if self.public else queryset

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class HomeView(PublicMixin, ListView):
    """Headline figures and the latest published workshops."""

    public = "published"
    paginate_by = None
    latest = 6
    queryset = Workshop.objects.select_related("venue_region")
    template_name = "workshops/home.html"
    context_object_name = "latest_workshops"

    def get_queryset(self):
        return super().get_queryset()[: self.latest]

    def get_context_data(self, **kwargs):
        return super().get_context_data(headline=reports.headline(), **kwargs)


class WorkshopListView(PublicMixin, FilterView):
    public = "published"
    queryset = reports.with_participant_counts(Workshop.objects.select_related("venue_region"))
    filterset_class = WorkshopFilter
    template_name = "workshops/workshop_list.html"
    context_object_name = "workshops"


class WorkshopDetailView(PublicMixin, DetailView):
    public = "published"
    queryset = Workshop.objects.select_related("project", "organizer", "venue_region").prefetch_related(
        "partnerships__organization", "target_regions"
    )

    def get_context_data(self, **kwargs):
        workshop = self.object
        return super().get_context_data(
            figures=reports.workshop_figures(workshop),
            recommendations=workshop.recommendations.all(),
            committees=MonitoringCommittee.objects.filter(origin_recommendation__workshop=workshop),
            **kwargs,
        )


class RecommendationListView(PublicMixin, FilterView):
    public = "public"
    queryset = Recommendation.objects.select_related("workshop").prefetch_related("target_regions")
    filterset_class = RecommendationFilter
    template_name = "workshops/recommendation_list.html"
    context_object_name = "recommendations"


class RecommendationDetailView(PublicMixin, DetailView):
    public = "public"
    queryset = Recommendation.objects.select_related("workshop").prefetch_related(
        "responsible_organizations", "target_regions", "follow_ups", "committees"
    )


class CommitteeListView(PublicMixin, ListView):
    queryset = MonitoringCommittee.objects.select_related("origin_recommendation__workshop").prefetch_related(
        "regions"
    )
    context_object_name = "committees"


class CommitteeDetailView(PublicMixin, DetailView):
    queryset = MonitoringCommittee.objects.select_related("origin_recommendation__workshop").prefetch_related(
        "regions", "memberships__organization"
    )
    context_object_name = "committee"

"""Public pages: home, workshops, recommendations and monitoring committees.

No login needed and no personal data: figures come from ``workshops.reports`` (counts only).
Every list runs a fixed number of queries whatever the number of rows.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, ListView, TemplateView
from django_filters.views import FilterView

from regions import maps
from workshops import invalidation, opendata_files, publication, reports, tracker
from workshops.evidence import CONTENT_TYPES, STORED_NAME
from workshops.filters import CommitmentFilter, RecommendationFilter, WorkshopFilter
from workshops.forms import FollowUpForm
from workshops.models import (
    Commitment,
    FollowUp,
    MonitoringCommittee,
    ProgressStatus,
    Recommendation,
    Workshop,
    document_visible_to,
)


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
    """Headline figures, the map of regional activity (``?measure=``, see ``regions.maps``),
    charts of participants and workshops, and the latest published workshops."""

    public = "published"
    paginate_by = None
    latest = 6
    queryset = Workshop.objects.select_related("venue_region")
    template_name = "workshops/home.html"
    context_object_name = "latest_workshops"

    def get_queryset(self):
        return super().get_queryset()[: self.latest]

    def get_context_data(self, **kwargs):
        figures = publication.home_figures()
        return super().get_context_data(
            region_map=maps.choropleth(figures["region_rows"], self.request.GET.get("measure")),
            small_cell_minimum=publication.small_cell_minimum(),
            **figures,
            **kwargs,
        )


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
            # Counts of people through the publication rule: small ones, and what gives them away, hidden.
            figures=publication.workshop_figures(workshop),
            small_cell_minimum=publication.small_cell_minimum(),
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
        "responsible_organizations", "target_regions", "committees"
    )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            commitments=self.object.commitments.with_progress().prefetch_related("responsible_organizations"),
            follow_ups=self.object.follow_ups.select_related("reported_by"),
            can_update=self.request.user.has_perm("workshops.add_followup"),
            **kwargs,
        )


class CommitteeListView(PublicMixin, ListView):
    public = "public"
    queryset = MonitoringCommittee.objects.select_related("origin_recommendation__workshop").prefetch_related(
        "regions"
    )
    context_object_name = "committees"


class CommitteeDetailView(PublicMixin, DetailView):
    public = "public"
    queryset = MonitoringCommittee.objects.select_related("origin_recommendation__workshop").prefetch_related(
        "regions", "memberships__organization", "meetings", "programmes__commune"
    )
    context_object_name = "committee"

    def get_context_data(self, **kwargs):
        committee = self.object
        return super().get_context_data(
            commitments=committee.followed_commitments.public()
            .with_progress()
            .select_related("recommendation__workshop"),
            follow_ups=FollowUp.objects.public().for_committee(committee).with_subjects()[:20],
            **kwargs,
        )


class TrackerView(TemplateView):
    """The public tracker: commitments and recommendations by status, region, organisation,
    workshop and project; overdue commitments."""

    template_name = "workshops/tracker.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            # No count of people: it outlives a change of who attended.
            dashboard=reports.cached(
                "tracker", tracker.dashboard, depends=(reports.PROGRESS, reports.CONTENT)
            ),
            statuses=ProgressStatus.choices,
            **kwargs,
        )


class CommitmentListView(PublicMixin, FilterView):
    public = "public"
    queryset = (
        Commitment.objects.with_progress()
        .select_related("recommendation__workshop")
        .prefetch_related("responsible_organizations", "target_regions")
        .order_by("-recommendation__workshop__start_date", "recommendation__position", "position", "pk")
    )
    filterset_class = CommitmentFilter
    template_name = "workshops/commitment_list.html"
    context_object_name = "commitments"


class CommitmentDetailView(PublicMixin, DetailView):
    public = "public"
    queryset = (
        Commitment.objects.with_progress()
        .select_related("recommendation__workshop")
        .prefetch_related(
            "responsible_organizations",
            "target_regions",
            "target_provinces",
            "milestones",
            Prefetch("committees", queryset=MonitoringCommittee.objects.public()),
        )
    )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            follow_ups=self.object.follow_ups.select_related("reported_by"),
            can_update=self.request.user.has_perm("workshops.add_followup"),
            **kwargs,
        )


class FollowUpCreateView(LoginRequiredMixin, PermissionRequiredMixin, CreateView):
    """Staff's quick update of a commitment's (or recommendation's) status: one short form."""

    permission_required = "workshops.add_followup"
    raise_exception = False
    form_class = FollowUpForm
    template_name = "workshops/followup_form.html"
    subject_model = Commitment

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise PermissionDenied
        return super().handle_no_permission()

    def get_subject(self):
        if not hasattr(self, "subject"):
            self.subject = get_object_or_404(self.subject_model.objects.public(), pk=self.kwargs["pk"])
        return self.subject

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["subject"] = self.get_subject()
        if self.subject_model is Commitment:
            kwargs["instance"] = FollowUp(commitment=self.get_subject())
        else:
            kwargs["instance"] = FollowUp(recommendation=self.get_subject())
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.get_subject(), **kwargs)

    def form_valid(self, form):
        change = invalidation.ProgressChange(self.get_subject())
        try:
            form.instance.record(self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        change.forget()
        messages.success(self.request, _("The update is recorded and shown on the public page."))
        return redirect(self.get_subject().get_absolute_url())


class RecommendationFollowUpCreateView(FollowUpCreateView):
    subject_model = Recommendation


def open_data(request, dataset, fmt):
    """``/tracker/data/<recommendations|commitments>.<csv|json>``: public fields only, sent from
    a file made once per change (``workshops.opendata_files``)."""
    if dataset not in opendata_files.DATASETS or fmt not in opendata_files.CONTENT_TYPES:
        raise Http404
    return opendata_files.response(request, dataset, fmt)


# Served documents may not run anything, even if a browser took one for a page.
DOCUMENT_POLICY = "sandbox; default-src 'none'"


def stored_document(request, path):
    """``/media/<evidence|minutes>/<year>/<hex>.<pdf|png|jpg>``: an evidence document or minutes.

    Only names of the stored scheme that a row links and ``document_visible_to`` allows; 404
    otherwise. Sent with the Content-Type of its type, ``X-Content-Type-Options: nosniff``,
    ``Content-Security-Policy: sandbox`` and, for a PDF, ``Content-Disposition: attachment``.
    """
    match = STORED_NAME.fullmatch(path)
    if not match or not document_visible_to(path, request.user):
        raise Http404
    return document_response(path, match["suffix"])


def document_response(path, suffix):
    """The response sending the stored document ``path`` (already checked) of type ``suffix``,
    with the headers ``stored_document`` describes; 404 when the file is missing."""
    try:
        handle = default_storage.open(path, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        content_type=CONTENT_TYPES[suffix],
        as_attachment=not CONTENT_TYPES[suffix].startswith("image/"),
        filename=path.rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOCUMENT_POLICY
    return response

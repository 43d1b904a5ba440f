"""Public pages of action programmes: the list, a programme with its projects, a project with its
public timeline, open data, and their documents. No login and no personal data: programmes,
projects and committees' observations are public facts about communes."""

import re

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.views.generic import DetailView, ListView

from programmes import opendata
from programmes.models import ActionProgramme, Observation, Project, document_visible_to
from workshops.evidence import STORED_NAME
from workshops.models import MonitoringCommittee
from workshops.views import PublicMixin, document_response

FOLDERS = {"programmes", "observations"}


def public_committees():
    """A Prefetch of the public committees following a programme, by name."""
    return Prefetch("committees", queryset=MonitoringCommittee.objects.public().order_by("name"))


class ProgrammeListView(PublicMixin, ListView):
    """Every action programme with its commune, period, number of projects and of flagged ones;
    ``?region=<code>`` ("01"-"12") keeps those of one region's communes (the region page links
    there), any other value is ignored."""

    queryset = (
        ActionProgramme.objects.select_related("commune__province__region")
        .with_counts()
        .order_by("commune__name_fr", "-start_year", "pk")
    )
    context_object_name = "programmes"

    def region_code(self):
        code = self.request.GET.get("region", "")
        return code if re.fullmatch(r"(0[1-9]|1[0-2])", code) else ""

    def get_queryset(self):
        queryset = super().get_queryset()
        code = self.region_code()
        return queryset.filter(commune__province__region__code=code) if code else queryset


class ProgrammeDetailView(DetailView):
    """A programme: its commune, period, document, following committees and projects (status,
    progress, reported status, the newest observation and its flag)."""

    queryset = ActionProgramme.objects.select_related("commune__province__region").prefetch_related(
        public_committees(),
        Prefetch("projects", queryset=Project.objects.with_flags().prefetch_related("partner_organizations")),
    )
    context_object_name = "programme"


class ProjectDetailView(DetailView):
    """A project and its public timeline: the committees' observations next to the status the
    commune reported."""

    queryset = Project.objects.with_flags().select_related("programme__commune__province", "location_commune")
    context_object_name = "project"

    def get_queryset(self):
        observations = Observation.objects.public().select_related("committee", "meeting")
        return (
            super()
            .get_queryset()
            .prefetch_related(
                "partner_organizations",
                Prefetch("observations", queryset=observations, to_attr="public_observations"),
            )
        )


def open_data(request, fmt):
    """``/programmes/data/projects.<csv|json>``: every programme's projects (public fields)."""
    base_url = request.build_absolute_uri("/").rstrip("/")
    if fmt == "csv":
        body, content_type = opendata.as_csv(base_url), "text/csv; charset=utf-8"
    elif fmt == "json":
        body, content_type = opendata.as_json(base_url), "application/json"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="action-programme-projects.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def stored_document(request, folder, path):
    """``/media/<folder>/<year>/<hex>.<pdf|png|jpg>`` (``folder``: ``"programmes"`` or
    ``"observations"``): a programme's source document or an observation's evidence, served as
    ``workshops.views.stored_document`` serves evidence; 404 unless a row links it and
    ``document_visible_to`` allows it."""
    path = f"{folder}/{path}"
    match = STORED_NAME.fullmatch(path)
    if not match or match["folder"] not in FOLDERS or not document_visible_to(path, request.user):
        raise Http404
    return document_response(path, match["suffix"])

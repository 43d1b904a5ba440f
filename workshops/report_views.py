"""Staff report pages: figures across workshops (``workshops.disaggregation``) on screen and as
XLSX (a background job). Login and the ``workshops.view_participation`` permission are required:
the pages show counts only, but true counts, including small ones. Every XLSX download is logged."""

import math

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.mixins import UserPassesTestMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from config.two_factor import requires_two_factor
from jobs.models import Job
from jobs.tasks import start as start_job
from organizations.models import Organization
from regions.models import Region
from workshops.disaggregation import (
    DEFAULT_COMPLETION_PERCENT,
    Scope,
    build_report,
    completion_headers,
    with_workshops,
)
from workshops.models import Project, WorkshopPartner
from workshops.publication import small_cell_minimum
from workshops.spreadsheets import CONTENT_TYPES


class ReportScopeForm(forms.Form):
    """The report's filters, read from the query string; all optional."""

    project = forms.ModelChoiceField(Project.objects.all(), required=False, label=_("Project"))
    funder = forms.ModelChoiceField(Organization.objects.none(), required=False, label=_("Funder"))
    region = forms.ModelChoiceField(Region.objects.all(), required=False, label=_("Region"))
    start = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    completion_percent = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=100,
        label=_("Completion: share of sessions attended (%)"),
        help_text=_("66 means 2 of 3 days."),
        initial=DEFAULT_COMPLETION_PERCENT,
    )
    public = forms.BooleanField(
        required=False,
        label=_("For publication: hide small numbers"),
        help_text=_("Counts under the minimum are hidden, as statistics offices do."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and not self.data.get("completion_percent"):
            # The field shows the threshold in force, not an empty box while the default applies.
            self.data = self.data.copy()
            self.data["completion_percent"] = str(DEFAULT_COMPLETION_PERCENT)
        funder_partners = WorkshopPartner.objects.filter(role=WorkshopPartner.Role.FUNDER).values(
            "organization_id"
        )
        self.fields["funder"].queryset = Organization.objects.filter(
            Q(kind=Organization.Kind.FUNDER) | Q(funded_projects__isnull=False) | Q(pk__in=funder_partners)
        ).distinct()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            raise forms.ValidationError(_("The end of the period comes before its start."))
        return cleaned

    def scope(self):
        """The Scope of the valid form (every restriction None when the form is invalid)."""
        data = self.cleaned_data if self.is_valid() else {}
        return Scope(
            project=data.get("project"),
            funder=data.get("funder"),
            region=data.get("region"),
            start=data.get("start"),
            end=data.get("end"),
        )

    def options(self):
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("completion_percent") or DEFAULT_COMPLETION_PERCENT, bool(data.get("public"))


class StaffReportMixin(UserPassesTestMixin):
    """Who may see the reports: staff who may use the admin (so managers have passed their
    one-time code) and hold ``workshops.view_participation``. Anonymous visitors and staff
    still to pass their code go to the admin's login page; others get 403."""

    permission_required = "workshops.view_participation"

    def test_func(self):
        return admin.site.has_permission(self.request) and self.request.user.has_perm(
            self.permission_required
        )

    def handle_no_permission(self):
        user = self.request.user
        to_verify = (
            user.is_authenticated and user.is_staff and requires_two_factor(user) and not user.is_verified()
        )
        if user.is_authenticated and not to_verify:
            raise PermissionDenied
        return redirect_to_login(self.request.get_full_path(), reverse("admin:login"))

    def report(self):
        """``(form, report)`` of the request's filters. Right after a change the report may hold
        the counts from before it, marked ``stale`` (the page says so) while they are taken
        again in the background: staff do not wait seconds for a national recount."""
        form = ReportScopeForm(self.request.GET or None)
        percent, public = form.options()
        return form, build_report(form.scope(), completion_percent=percent, public=public, stale_ok=True)


class DisaggregationView(StaffReportMixin, TemplateView):
    """Figures across workshops as tables, with a link to the same as XLSX. The completion
    table (one row per workshop, thousands at a national scale) is shown ``paginate_by`` rows
    a page (``?page=N``; a page out of range shows the nearest); the XLSX has every row."""

    template_name = "reports/disaggregation.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        form, report = self.report()
        page = Paginator(report.completion, self.paginate_by).get_page(self.request.GET.get("page"))
        with_workshops(page.object_list)
        scope_query = self.request.GET.copy()
        scope_query.pop("page", None)
        return super().get_context_data(
            **admin.site.each_context(self.request),
            title=_("Participants across workshops"),
            form=form,
            report=report,
            minimum=small_cell_minimum(),
            # Current counts come from the cache for this long at most; past it, or after a
            # change, the page shows them marked stale while they are counted again
            # (``workshops.kept_counts``).
            kept_minutes=math.ceil(settings.PUBLIC_FIGURES_CACHE_SECONDS / 60),
            completion_headers=completion_headers(),
            completion_page=page,
            query=scope_query.urlencode(),
            **kwargs,
        )


class DisaggregationXlsxView(StaffReportMixin, View):
    """The same figures as an XLSX workbook, one sheet per table, made by a background job
    (``workshops.job_runners``): POST (the report page's button, its filters in the query
    string) starts it and goes to its progress page; each download is logged. A GET (an old
    link) goes to the report page with the same filters."""

    def get(self, request, *args, **kwargs):
        query = request.GET.urlencode()
        return redirect(reverse("reports:participants") + (f"?{query}" if query else ""))

    def post(self, request, *args, **kwargs):
        form = ReportScopeForm(request.GET or None)
        job = start_job(
            request.user,
            Job.Kind.REPORT_XLSX,
            parameters={"query": request.GET.urlencode()},
            description=form.scope().describe(),
            file=("participants-across-workshops.xlsx", "xlsx", CONTENT_TYPES["xlsx"]),
        )
        return redirect(job)

"""The workshops app's background job (``jobs.kinds``): the cross-workshop report as XLSX.
Registered by ``WorkshopsConfig.ready``."""

from django.http import QueryDict

from jobs.kinds import Outcome, register
from jobs.models import Job
from organizations.models import ExportLog
from workshops.disaggregation import build_report, report_workbook


def may_read_report(user):
    """Who may take the report: ``workshops.view_participation`` (counts only, but true ones)."""
    return user.has_perm("workshops.view_participation")


@register(
    Job.Kind.REPORT_XLSX, may_read=may_read_report, export_kind=ExportLog.Kind.REPORT, personal_data=False
)
def report_xlsx(job, progress):
    """Build the report of the filters ``job.parameters["query"]`` (the report page's query
    string) and write it as XLSX to the job's file; its rows are the workbook's rows."""
    from workshops.report_views import ReportScopeForm

    form = ReportScopeForm(QueryDict(job.parameters.get("query", "")) or None)
    percent, public = form.options()
    report = build_report(form.scope(), completion_percent=percent, public=public)
    content, rows = report_workbook(report)
    job.path.write_bytes(content)
    return Outcome(rows)

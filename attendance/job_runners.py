"""The attendance app's background jobs (``jobs.kinds``): the bulk attendance export (CSV or
XLSX) and the certificates of a large workshop. Registered by ``AttendanceConfig.ready``."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from attendance import bulk_exports, certificates
from jobs.kinds import JobFailed, Outcome, register
from jobs.models import Job
from organizations.models import ExportLog
from organizations.privacy import can_export_personal_data
from regions.models import Region
from workshops.models import Workshop


def may_export_attendance(user):
    """Who may take the bulk attendance export: what every personal-data download needs, and
    the reports' ``workshops.view_participation`` (``workshops.report_views.StaffReportMixin``)."""
    return can_export_personal_data(user) and user.has_perm("workshops.view_participation")


def selection_of(parameters):
    """The ``bulk_exports.Selection`` of a job's parameters ``{"region": code or None, "year":
    int or None}``; ``JobFailed`` when the region is gone since."""
    region = None
    if parameters.get("region"):
        region = Region.objects.filter(code=parameters["region"]).first()
        if region is None:
            raise JobFailed(_("The region of this export no longer exists."))
    return bulk_exports.Selection(region, parameters.get("year"))


@register(Job.Kind.ATTENDANCE_EXPORT, may_read=may_export_attendance, export_kind=ExportLog.Kind.REPORT)
def attendance_export(job, progress):
    """Write the bulk attendance export of ``job.parameters`` (``selection_of``, and
    ``format``: csv or xlsx) to the job's file."""
    selection = selection_of(job.parameters)
    progress.total(bulk_exports.selected(selection).count())
    if job.file_format == "csv":
        with job.path.open("w", encoding="utf-8", newline="") as stream:
            rows = bulk_exports.write_csv(selection, stream, progress=progress.set)
    else:
        rows = bulk_exports.write_xlsx(selection, job.path, progress=progress.set)
    return Outcome(rows)


def _certificates_workshop(job):
    return {"workshop": Workshop.objects.filter(pk=job.parameters["workshop"]).first()}


@register(
    Job.Kind.CERTIFICATES,
    may_read=can_export_personal_data,
    export_kind=ExportLog.Kind.CERTIFICATES,
    log_extra=_certificates_workshop,
)
def workshop_certificates(job, progress):
    """Issue and render the certificates of every eligible participation of workshop
    ``job.parameters["workshop"]`` (pk) as one PDF; ``base_url`` starts their verification
    links. The certificates are issued by the requester."""
    workshop = Workshop.objects.select_related("organizer").filter(pk=job.parameters["workshop"]).first()
    if workshop is None:
        raise JobFailed(_("This workshop no longer exists."))
    participations = list(certificates.eligible(workshop))
    if not participations:
        raise JobFailed(_("No participant of this workshop meets the completion rule any more."))
    progress.total(len(participations))
    user = get_user_model().objects.get(pk=job.user_id)
    pdf, issued = certificates.make_certificates(participations, job.parameters["base_url"], user=user)
    job.path.write_bytes(pdf)
    return Outcome(len(issued))

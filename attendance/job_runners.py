"""The attendance app's background jobs (``jobs.kinds``): the bulk attendance export (CSV or
XLSX), the certificates of a large workshop and the import of a large attendance sheet.
Registered by ``AttendanceConfig.ready``."""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from attendance import bulk_exports, certificates
from attendance.apply import forget_imported, import_attendance
from attendance.choices import Choices
from attendance.rights import ImporterRights
from attendance.vocabulary import AttendanceImportError
from jobs.kinds import JobFailed, Outcome, register
from jobs.models import Job
from jobs.tasks import start as start_job
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
    user = get_user_model().objects.get(pk=job.user_id)
    pdf, issued = certificates.make_certificates(participations, job.parameters["base_url"], user=user)
    job.path.write_bytes(pdf)
    return Outcome(len(issued))


def import_job(user, workshop, data, filename, choices):
    """Start the import of a staged sheet (bytes ``data`` named ``filename``) into ``workshop``
    with the staff member's ``choices`` as a job of ``user``: the bytes wait in the job's input
    file. Returns the ``Job``."""
    parameters = {"workshop": workshop.pk, "filename": filename, "answers": choices.answers}
    job = Job(user=user, kind=Job.Kind.ATTENDANCE_IMPORT, parameters=parameters)
    settings.JOB_FILES_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(job.input_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    description = _("%(file)s into %(workshop)s") % {"file": filename, "workshop": workshop.title}
    return start_job(
        user, Job.Kind.ATTENDANCE_IMPORT, parameters=parameters, description=description, job=job
    )


@register(Job.Kind.ATTENDANCE_IMPORT, may_read=lambda user: user.has_perm("workshops.import_attendance"))
def attendance_import(job, progress):
    """Import the sheet waiting in the job's input file into workshop
    ``job.parameters["workshop"]``, with the requester's answers and rights, as the admin's
    "Confirm import" does (``attendance.apply.import_attendance``: all or nothing). Its errors
    (row and column named) fail the job; the input file goes whatever the outcome."""
    try:
        workshop = Workshop.objects.filter(pk=job.parameters["workshop"]).first()
        if workshop is None:
            raise JobFailed(_("This workshop no longer exists."))
        data = job.input_path.read_bytes()
        choices = Choices(job.parameters.get("answers"), shown=True)
        try:
            result = import_attendance(
                workshop,
                data,
                job.parameters["filename"],
                choices=choices,
                rights=ImporterRights.of(job.user),
            )
        except AttendanceImportError as error:
            raise JobFailed("\n".join(str(problem) for problem in error.errors)) from error
    finally:
        job.input_path.unlink(missing_ok=True)
    forget_imported(workshop, result)
    if not result.changes_anything:
        return Outcome(0, _("Nothing to save: this sheet was already imported into this workshop."))
    message = _("Attendance imported. %(summary)s") % {"summary": result.summary_text()}
    return Outcome(len(result.plan), message)

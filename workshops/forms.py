"""Staff forms."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class AttendanceUploadForm(forms.Form):
    """Upload of one attendance sheet (.xlsx or UTF-8 .csv) for a workshop."""

    file = forms.FileField(
        label=_("Attendance sheet"),
        help_text=_(
            "Excel (.xlsx) or CSV (UTF-8). Title lines above the header are fine; headers "
            "may be in Arabic, French or English; one column per day (e.g. “J1”, “اليوم 1”)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (save nothing)"),
        required=False,
        help_text=_("Shows what the import would do, and every problem, without saving."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ATTENDANCE_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size)s bytes; the limit is %(limit)s bytes).")
                % {"size": upload.size, "limit": settings.ATTENDANCE_UPLOAD_MAX_BYTES}
            )
        return upload

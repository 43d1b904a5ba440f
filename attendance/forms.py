"""Staff forms of the attendance app."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class AttendanceUploadForm(forms.Form):
    """Upload of one attendance sheet for a workshop (any format ``attendance.sheets`` reads);
    the admin then shows a preview to confirm."""

    file = forms.FileField(
        label=_("Attendance sheet"),
        help_text=_(
            "Excel (.xlsx, .xls), LibreOffice (.ods) or CSV in any common encoding. Title lines "
            "above the header are fine; headers may be in Arabic, French or English; one column "
            "per day (e.g. “J1”, “اليوم 1”). You will see what the import does before anything is "
            "saved."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm,.xls,.ods,.csv,.tsv,.txt"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ATTENDANCE_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size)s bytes; the limit is %(limit)s bytes).")
                % {"size": upload.size, "limit": settings.ATTENDANCE_UPLOAD_MAX_BYTES}
            )
        return upload

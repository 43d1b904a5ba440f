"""Forms of the organisations app: re-admitting an erased person."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReadmitForm(forms.Form):
    """The new consent of an erased person who asks to be recorded again: its date (not in the
    future) and the staff member's confirmation that it was given."""

    consent_date = forms.DateField(
        label=_("Date of the new consent"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    confirmed = forms.BooleanField(
        label=_("The person asked to be recorded again and gave their consent on this date."),
        required=True,
    )

    def clean_consent_date(self):
        date = self.cleaned_data["consent_date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("The consent date is in the future."))
        return date

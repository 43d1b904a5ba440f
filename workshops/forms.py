"""Staff forms."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from workshops.models import Commitment, FollowUp


class FollowUpForm(forms.ModelForm):
    """The staff's quick status update on a commitment or recommendation (crispy-forms).

    ``reported_by`` offers the subject's responsible organisations and the workshop's organiser.
    """

    # capfirst as Django does for the labels it takes from the model (the others of this form).
    evidence_url = forms.URLField(label=capfirst(_("evidence link")), required=False, assume_scheme="https")

    class Meta:
        model = FollowUp
        fields = ["date", "new_status", "note", "evidence_url", "evidence_file", "reported_by"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        }

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)
        workshop = subject.recommendation.workshop if isinstance(subject, Commitment) else subject.workshop
        # In self.initial, not on the fields: the view's empty FollowUp puts date=None and
        # new_status="" there, which would win over a field's initial.
        if not self.instance.date:
            self.initial["date"] = timezone.localdate()
        if not self.instance.new_status:
            self.initial["new_status"] = subject.status
        self.fields["reported_by"].queryset = Organization.objects.filter(
            Q(pk__in=subject.responsible_organizations.values("pk")) | Q(pk=workshop.organizer_id)
        )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Record the update")))

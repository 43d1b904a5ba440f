"""Forms of the roster page (``attendance.roster_views``): filters, adding a known or a new
person, and the bulk actions. Every value typed or posted passes through one of them."""

from types import SimpleNamespace

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from attendance.roster import RosterFilters
from organizations.models import Person
from organizations.phones import normalise_phone
from organizations.privacy import skip_erased
from regions.models import Region
from workshops.models import Participation

ANY = [("", pgettext_lazy("filter", "all"))]


class IdsField(forms.ModelMultipleChoiceField):
    """Rows chosen by id: a value that cannot be an id (past the database's integers, which
    SQLite cannot even compare) is refused as an invalid choice before any query."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not (text.isdecimal() and len(text) < 20 and int(text) < 2**63):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class SessionsField(IdsField):
    """Sessions ticked, labelled "Day 2 — 6 March" (``Session.label``)."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.label


class WorkshopSessionsMixin:
    """A form whose ``sessions``/``session`` fields list the sessions of one workshop only."""

    def limit_sessions(self, workshop):
        for name in ("sessions", "session"):
            if name in self.fields:
                self.fields[name].queryset = workshop.sessions.order_by("position")


class RosterFilterForm(WorkshopSessionsMixin, forms.Form):
    """The roster's search and filters (GET). Invalid values are ignored, not an error page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("status"), choices=ANY + Participation.Status.choices, required=False)
    role = forms.ChoiceField(label=_("role"), choices=ANY + Participation.Role.choices, required=False)
    gender = forms.ChoiceField(label=_("gender"), choices=ANY + Person.Gender.choices, required=False)
    region = forms.ModelChoiceField(
        Region.objects.order_by("code"), label=_("region"), required=False, empty_label=ANY[0][1]
    )
    session = forms.ModelChoiceField(None, label=_("present on"), required=False, empty_label=ANY[0][1])

    def __init__(self, workshop, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_sessions(workshop)
        self.fields["session"].label_from_instance = lambda s: s.label

    def filters(self):
        """The ``RosterFilters`` asked for; fields with a bad value are left out."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        region, session = data.pop("region", None), data.pop("session", None)
        return RosterFilters(
            **data, region=region.pk if region else None, session=session.pk if session else None
        )


class KnownPersonForm(WorkshopSessionsMixin, forms.Form):
    """A saved person, chosen from the suggestions (``person``, an id) or typed by name
    (``name``: exactly one saved person must match), marked present on the sessions ticked."""

    name = forms.CharField(label=_("Name or phone"), required=False, max_length=100)
    person = forms.ModelChoiceField(
        Person.objects.filter(erased_at__isnull=True), required=False, widget=forms.HiddenInput
    )
    sessions = SessionsField(None, label=_("Present on"), required=False)

    def __init__(self, workshop, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_sessions(workshop)


class NewPersonForm(WorkshopSessionsMixin, forms.Form):
    """A person not saved yet; a phone or e-mail already saved makes them that person."""

    first_name = forms.CharField(label=_("first name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("last name"), max_length=100, required=False)
    gender = forms.ChoiceField(label=_("gender"), choices=Person.Gender.choices, initial="unspecified")
    region = forms.ModelChoiceField(Region.objects.order_by("code"), label=_("region"), required=False)
    phone = forms.CharField(label=_("phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    consent_given = forms.BooleanField(
        label=_("The person agreed to the processing of their data"), required=False
    )
    sessions = SessionsField(None, label=_("Present on"), required=False)

    def __init__(self, workshop, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_sessions(workshop)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("first_name", "").strip() or cleaned.get("last_name", "").strip()):
            raise ValidationError(_("A person needs a first name or a last name."))
        self._refuse_erased(cleaned)
        return cleaned

    def _refuse_erased(self, cleaned):
        """A phone or e-mail of a person erased at their request records nothing, as an import
        skips the row (``organizations.privacy.skip_erased``): re-admission is a Data officer's."""
        try:
            phone = normalise_phone(cleaned.get("phone", ""))
        except ValueError:
            phone = ""
        row = SimpleNamespace(
            phone=phone,
            email=(cleaned.get("email") or "").strip().lower(),
            first_name=cleaned.get("first_name", ""),
            last_name=cleaned.get("last_name", ""),
        )
        _kept, skipped, _look_alikes = skip_erased([row])
        if skipped:
            name = f"{row.first_name} {row.last_name}".strip()
            message = _("%(name)s: this person's data was erased; not recorded.") % {"name": name}
            self.add_error("phone" if phone else "email", message)


class BulkForm(WorkshopSessionsMixin, forms.Form):
    """A bulk action on the participations selected (``selected``, ids of the workshop's): mark present at
    ``session``, set ``status`` or set ``role``."""

    ACTIONS = [
        ("mark", _("Mark present on")),
        ("status", _("Set status")),
        ("role", _("Set role")),
    ]

    selected = IdsField(None, required=False)
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    session = forms.ModelChoiceField(None, label=_("session"), required=False)
    # Empty first: a list starting on a real value ("awaiting approval") would set it unasked.
    status = forms.ChoiceField(
        label=_("status"), choices=BLANK_CHOICE_DASH + Participation.Status.choices, required=False
    )
    role = forms.ChoiceField(
        label=_("role"), choices=BLANK_CHOICE_DASH + Participation.Role.choices, required=False
    )

    def __init__(self, workshop, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_sessions(workshop)
        self.fields["session"].label_from_instance = lambda s: s.label
        self.fields["selected"].queryset = workshop.participations.all()

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        needed = {"mark": "session", "status": "status", "role": "role"}.get(action)
        if needed and not cleaned.get(needed):
            self.add_error(needed, _("Choose a value for this action."))
        if not cleaned.get("selected"):
            raise ValidationError(_("Select at least one person."))
        return cleaned

"""The public registration form: what the reports need, and the consent (``registrations.consent``).

Places: a region, a province or prefecture of it and a commune of that province, each optional;
the commune list holds the communes of the province chosen (filled by ``static/js/registration.js``
from ``registrations:communes``, and by the server when the form comes back with errors).
"""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organizations.models import Person
from organizations.phones import normalise_phone
from regions.models import Commune, Province, Region, localized
from regions.names import collapse_spaces
from registrations.consent import consent_label
from registrations.rules import Applicant

GENDERS = [
    (Person.Gender.FEMALE, _("Woman")),
    (Person.Gender.MALE, _("Man")),
    (Person.Gender.UNSPECIFIED, _("I prefer not to say")),
]


class PlaceChoiceField(forms.ModelChoiceField):
    """A region, province or commune by its name in the active language."""

    def label_from_instance(self, obj):
        return localized(obj, "name")


class RegistrationForm(forms.Form):
    """Names, gender, age band, places, organisation, position, phone and/or e-mail, consent,
    and a field people leave empty (``website``, hidden: a robot fills it in)."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    gender = forms.ChoiceField(label=_("Gender"), choices=GENDERS, widget=forms.RadioSelect)
    age_band = forms.ChoiceField(
        label=_("Age"),
        choices=[("", pgettext_lazy("age band", "I prefer not to say")), *Person.AgeBand.choices],
        required=False,
    )
    region = PlaceChoiceField(label=_("Region"), queryset=Region.objects.order_by("code"), required=False)
    province = PlaceChoiceField(
        label=_("Province or prefecture"), queryset=Province.objects.order_by("name_fr"), required=False
    )
    commune = PlaceChoiceField(label=_("Commune"), queryset=Commune.objects.none(), required=False)
    organization = forms.CharField(
        label=_("Organisation"),
        max_length=255,
        required=False,
        help_text=_("The association, commune or body you come for, if any."),
    )
    position = forms.CharField(label=_("Position or role"), max_length=150, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        help_text=_("E.g. 06 12 34 56 78, or +33 6 12 34 56 78 from abroad."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "dir": "ltr"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("A phone or an e-mail, at least one."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
    consent = forms.BooleanField(label=consent_label, required=True)
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "organization", "position"):
            self.fields[name].widget.attrs["dir"] = "auto"
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["consent"].error_messages["required"] = _(
            "Tick the box to agree, or do not register: we cannot record you without your consent."
        )
        province = self._bound_province()
        if province is not None:
            self.fields["commune"].queryset = Commune.objects.filter(province=province).order_by("name_fr")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def _bound_province(self):
        """The province the submitted data names, or None (nothing, or not a province id)."""
        value = self.data.get(self.add_prefix("province")) if self.is_bound else None
        # Decimal digits only ("²" passes ``isdigit``, not ``int``), and no longer than an id.
        if not value or not str(value).isdecimal() or len(value) > 18:
            return None
        return Province.objects.filter(pk=value).first()

    def clean_first_name(self):
        return collapse_spaces(self.cleaned_data["first_name"])

    def clean_last_name(self):
        return collapse_spaces(self.cleaned_data["last_name"])

    def clean_phone(self):
        try:
            return normalise_phone(self.cleaned_data["phone"])
        except ValueError:
            raise ValidationError(
                _("Enter a valid phone number, e.g. 06 12 34 56 78, or +33 6 12 34 56 78 abroad."),
                code="invalid_phone",
            ) from None

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise ValidationError(_("Leave this field empty."), code="honeypot")
        return ""

    def clean(self):
        data = super().clean()
        if "phone" in data and "email" in data and not (data["phone"] or data["email"]):
            self.add_error("phone", _("Give a phone number or an e-mail address, so that we can reach you."))
        region, province = data.get("region"), data.get("province")
        if province is not None and region is not None and province.region_id != region.pk:
            self.add_error("province", _("This province or prefecture is not in the region chosen."))
        return data

    @property
    def caught_robot(self):
        """True when the hidden field was filled in: a robot, not a person."""
        return "website" in self.errors

    def applicant(self):
        """The valid form as a ``rules.Applicant`` (the region taken from the province when only
        that was chosen; the commune as the person's commune, its name as the city)."""
        data = self.cleaned_data
        province, commune = data.get("province"), data.get("commune")
        region = data.get("region") or (province.region if province else None)
        return Applicant(
            first_name=data["first_name"],
            last_name=data["last_name"],
            gender=data["gender"],
            age_band=data["age_band"],
            region=region,
            city=localized(commune, "name") if commune else "",
            commune=commune,
            organization_name=collapse_spaces(data["organization"]),
            position=collapse_spaces(data["position"]),
            phone=data["phone"],
            email=data["email"],
        )

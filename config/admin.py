"""The admin site: a password for everyone, and a one-time code (TOTP) for whoever has an
authenticator. Accounts that must use two-factor authentication (``config.two_factor``:
superusers, managers, data officers) and have none are led through enrolment after their
password, and reach no staff page before it (``config.middleware.TwoFactorMiddleware``)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.forms import OTPAuthenticationFormMixin

from config import two_factor
from config.admin_privacy import DeclaredLookupsMixin
from config.admin_search import SearchesRelatedByKeyMixin
from config.client_ip import client_ip
from config.login_throttle import spraying_suspected


class TrackerAdminLoginForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """Username, password and, for users with a device, the code it shows (or a backup code).

    A username tried too often from everywhere is refused from unknown addresses
    (``config.login_throttle``) before its password is checked.
    """

    otp_device = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_token = forms.CharField(
        label=_("One-time code"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("From your authenticator app. Leave empty if you have not set one up."),
    )
    otp_challenge = forms.CharField(required=False, widget=forms.HiddenInput)
    # django-otp's own wording ("Please enter your OTP token.") is jargon, and English on the
    # Arabic page: ours, translated.
    otp_error_messages = dict(
        OTPAuthenticationFormMixin.otp_error_messages,
        token_required=_("Type the one-time code your authenticator app shows."),
        invalid_token=_("This code is not right, or no longer valid: type the code your app shows now."),
    )

    def _chosen_device(self, user):
        """The device picked in the form, else the one the typed code is for (backup codes or
        the authenticator app): the form shows no device list, since staff have one app."""
        device = super()._chosen_device(user)
        if device is None:
            device = two_factor.confirmed_device(user, self.cleaned_data.get("otp_token") or "")
        return device

    def clean(self):
        if self.request is not None and spraying_suspected(
            self.cleaned_data.get("username"), client_ip(self.request)
        ):
            raise forms.ValidationError(
                _(
                    "Too many failed logins for this account from several places. Try again in "
                    "an hour, from a place where you have signed in before, or ask a manager."
                ),
                code="throttled",
            )
        self.cleaned_data = super().clean()
        user = self.get_user()
        if user is not None and user_has_device(user):
            self.clean_otp(user)
        return self.cleaned_data


# Our apps first on the admin's index and menu, in the order staff use them; then Django's and the
# libraries' (named in config/apps.py), by name.
OUR_APPS = ["workshops", "attendance", "registrations", "programmes", "organizations", "regions"]


def name_widget(widget, label):
    """Give ``widget`` the accessible name ``label`` (``aria-label``) unless it has one: through
    the admin's related-field wrapper (whose ``attrs`` a copied form does not share with the
    select it wraps), and on each part of a split date and time ("label (Date)", "label (Time)"),
    which the field's one ``<label>`` cannot name."""
    inner = getattr(widget, "widget", None)
    if isinstance(widget, RelatedFieldWidgetWrapper) and inner is not None:
        name_widget(inner, label)
    if isinstance(widget, forms.MultiWidget):
        parts = [_("Date:"), _("Time:")] if isinstance(widget, forms.SplitDateTimeWidget) else []
        for index, part in enumerate(widget.widgets):
            suffix = str(parts[index]).rstrip(": \u00a0") if index < len(parts) else str(index + 1)
            part.attrs.setdefault("aria-label", f"{label} ({suffix})")
        return
    widget.attrs.setdefault("aria-label", str(label))


class LabelledTabularInlinesMixin:
    """Rows of a tabular inline show their fields under column headers, with no ``<label>``:
    each field's input gets its label as ``aria-label``, so that a screen reader names it
    (axe-core: "Form elements must have labels"); so do the two inputs of a split date and
    time on any form, which its one ``<label>`` does not reach."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        for field in form.base_fields.values():
            if isinstance(field.widget, forms.MultiWidget):
                name_widget(field.widget, field.label)
        return form

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        for formset, inline in zip(formsets, inline_instances, strict=True):
            if isinstance(inline, admin.TabularInline):
                # The form class's fields (copied into every row, the empty one included) and
                # the rows already made (when a post is shown again with its errors).
                for fields in [formset.form.base_fields, *(form.fields for form in formset.forms)]:
                    for field in fields.values():
                        name_widget(field.widget, field.label)
        return super().get_inline_formsets(request, formsets, inline_instances, obj)


class TrackerAdminSite(admin.AdminSite):
    """The staff admin: two-factor authentication (``config.two_factor``), and every registered
    admin's list limited to the lookups it declares (``config.admin_privacy``)."""

    login_form = TrackerAdminLoginForm
    site_header = _("Workshop tracker: staff administration")
    site_title = _("Workshop tracker")
    index_title = _("Workshops, attendance and follow-up")

    def has_permission(self, request):
        return super().has_permission(request) and not two_factor.must_verify(request.user)

    def get_app_list(self, request, app_label=None):
        """Django's list, with our apps first (``OUR_APPS`` order), then the others by name."""

        def position(app):
            label = app["app_label"]
            rank = OUR_APPS.index(label) if label in OUR_APPS else len(OUR_APPS)
            return rank, str(app["name"]).lower()

        return sorted(super().get_app_list(request, app_label), key=position)

    def logout(self, request, extra_context=None):
        """Django's logout, which also tells the browser to delete what this site stored
        (``Clear-Site-Data: "storage"``): the check-in's offline roster and queue
        (``attendance.checkin``), its service worker and caches."""
        response = super().logout(request, extra_context)
        response["Clear-Site-Data"] = '"storage"'
        return response

    def get_urls(self):
        enrolment = path("two-factor/", two_factor.enrol_or_verify, name="two_factor")
        return [enrolment, *super().get_urls()]

    def register(self, model_or_iterable, admin_class=None, **options):
        """Register as Django does, with ``DeclaredLookupsMixin`` given to ``admin_class`` (our
        admins and third-party ones alike) so that no list can be probed through its URL, and
        ``SearchesRelatedByKeyMixin`` so that every search and autocomplete reads the stored
        search keys (``regions.search``) of the fields that feed them (unless the admin says it
        searches its own way, ``searches_its_own_way = True``, as the communes' folded search), and
        ``LabelledTabularInlinesMixin`` so that every inline field is named."""
        admin_class = admin_class or admin.ModelAdmin
        own_search = getattr(admin_class, "searches_its_own_way", False)
        mixins = tuple(
            m
            for m in (DeclaredLookupsMixin, SearchesRelatedByKeyMixin, LabelledTabularInlinesMixin)
            if not issubclass(admin_class, m) and not (m is SearchesRelatedByKeyMixin and own_search)
        )
        if mixins:
            admin_class = type(
                admin_class.__name__,
                (*mixins, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)

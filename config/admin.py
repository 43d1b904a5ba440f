"""The admin site: password for everyone, plus a one-time code (TOTP) for whoever has set up a
device, and always for managers (members of the ``Managers`` group), who cannot use the admin
until they have verified a code in this session."""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.admin_privacy import DeclaredLookupsMixin

MANAGERS_GROUP = "Managers"


def requires_two_factor(user):
    """True for staff who must pass a one-time code: members of the Managers group."""
    return user.is_authenticated and user.groups.filter(name=MANAGERS_GROUP).exists()


class TrackerAdminLoginForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """Username, password and, for users with a device, the code it shows.

    A manager without a device is refused with a message saying how to get one.
    """

    otp_device = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_token = forms.CharField(
        label=_("One-time code"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("From your authenticator app. Leave empty if you have not set one up."),
    )
    otp_challenge = forms.CharField(required=False, widget=forms.HiddenInput)

    def _chosen_device(self, user):
        """The device picked in the form, else the user's authenticator app (first TOTP device):
        the form shows no device list, since staff have one app."""
        device = super()._chosen_device(user)
        if device is None:
            device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
        return device

    def clean(self):
        self.cleaned_data = super().clean()
        user = self.get_user()
        if user is not None and user_has_device(user):
            self.clean_otp(user)
        elif requires_two_factor(user):
            raise forms.ValidationError(
                _(
                    "Managers must use two-factor authentication. Ask another manager to create "
                    "your authenticator device (manage.py add_totp_device <username>)."
                ),
                code="two_factor_required",
            )
        return self.cleaned_data


class TrackerAdminSite(admin.AdminSite):
    """The staff admin: two-factor authentication for managers, and every registered admin's
    list limited to the lookups it declares (``config.admin_privacy``)."""

    login_form = TrackerAdminLoginForm
    site_header = _("Workshop tracker: staff administration")
    site_title = _("Workshop tracker")
    index_title = _("Workshops, attendance and follow-up")

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not requires_two_factor(request.user) or request.user.is_verified()

    def register(self, model_or_iterable, admin_class=None, **options):
        """Register as Django does, with ``DeclaredLookupsMixin`` given to ``admin_class`` (our
        admins and third-party ones alike) so that no list can be probed through its URL."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, DeclaredLookupsMixin):
            admin_class = type(
                admin_class.__name__,
                (DeclaredLookupsMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)

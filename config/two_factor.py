"""Two-factor authentication for every account that can change roles or see everything.

Who must use it (``requires_two_factor``): superusers, and whoever holds one of
``TWO_FACTOR_PERMISSIONS``: creating or changing users and roles (a user's groups and
permissions are changed on the user), managing anyone's authenticator devices (deleting a
manager's device would hand its enrolment to whoever knows the password), or reading every
participant's phone and e-mail (``organizations.view_personal_data``, Law 09-08). That is the
Managers and Data officers roles (``organizations.roles``) and superusers, today and whatever
groups are made later.

Such an account signs in with its password, then, in the same session, passes a one-time code
(``enrol_or_verify``): without a confirmed authenticator, it is led through enrolment first (a QR
code to scan, then a code to confirm it), the way pretix forces set-up, and receives backup codes.
Until then ``config.middleware.TwoFactorMiddleware`` sends every request of that session here.
"""

import base64

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

TWO_FACTOR_PERMISSIONS = frozenset(
    {
        "auth.add_user",
        "auth.change_user",
        "auth.add_group",
        "auth.change_group",
        "otp_totp.add_totpdevice",
        "otp_totp.change_totpdevice",
        "otp_totp.delete_totpdevice",
        "otp_static.add_staticdevice",
        "otp_static.change_staticdevice",
        "otp_static.delete_staticdevice",
        "organizations.view_personal_data",
    }
)
BACKUP_CODES = 10


def requires_two_factor(user):
    """True for a signed-in superuser or holder of one of ``TWO_FACTOR_PERMISSIONS`` (directly
    or through a group). Reads the permissions Django caches on ``user`` for the request."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or not TWO_FACTOR_PERMISSIONS.isdisjoint(user.get_all_permissions())


def must_verify(user):
    """True when ``user`` must pass a one-time code in this session before any staff page.
    ``user`` comes from ``django_otp.middleware.OTPMiddleware`` (it has ``is_verified``)."""
    return requires_two_factor(user) and not user.is_verified()


def confirmed_device(user, token=""):
    """The device a code is checked against: the user's backup codes for a code that is not
    six digits, else their authenticator app (first confirmed TOTP device). None when they
    have neither."""
    if token and not token.isdigit():
        return StaticDevice.objects.devices_for_user(user, confirmed=True).first()
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


class OneTimeCodeForm(forms.Form):
    """One code, checked against ``device``; the device is kept in ``self.device``."""

    otp_token = forms.CharField(
        label=_("One-time code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "none"}
        ),
    )

    def __init__(self, *args, user, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = device

    def clean_otp_token(self):
        token = self.cleaned_data["otp_token"].strip().replace(" ", "")
        device = self.device or confirmed_device(self.user, token)
        if device is None or not device.verify_token(token):
            raise forms.ValidationError(
                _("This code is not right, or no longer valid: type the code your app shows now."),
                code="invalid_token",
            )
        self.device = device
        return token


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else reverse("admin:index")


def _qr_code(url):
    """``url`` as a QR code in a ``data:`` address (SVG), which the page's policy allows."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathFillImage, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


def _new_authenticator(user):
    """The user's unconfirmed authenticator (the same one across reloads, so that the QR code
    they may already have scanned stays right)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def _new_backup_codes(user):
    """Replace the user's backup codes with ``BACKUP_CODES`` fresh ones; return them."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="backup", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@never_cache
@csrf_protect
def enrol_or_verify(request):
    """``/<lang>/admin/two-factor/?next=<path>``: enrolment (QR code, then a code to confirm it,
    then backup codes) for a signed-in user without an authenticator, otherwise a one-time code
    for this session. Anonymous visitors go to the login page; verified ones to ``next``."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if user.is_verified():
        return redirect(_next_url(request))
    enrolling = confirmed_device(user) is None
    device = _new_authenticator(user) if enrolling else None
    form = OneTimeCodeForm(request.POST or None, user=user, device=device)
    context = {
        **admin.site.each_context(request),
        "title": _("Set up two-factor authentication") if enrolling else _("One-time code"),
        "form": form,
        "next": _next_url(request),
        "enrolling": enrolling,
        # No side menu: every staff page in it would lead back here until the code is given.
        "is_nav_sidebar_enabled": False,
    }
    if request.method == "POST" and form.is_valid():
        if enrolling:
            form.device.confirmed = True
            form.device.save(update_fields=["confirmed"])
        request.session.cycle_key()  # a new session key for the stronger sign-in
        django_otp.login(request, form.device)
        if not enrolling:
            return redirect(context["next"])
        context.update(title=_("Your backup codes"), backup_codes=_new_backup_codes(user))
        return TemplateResponse(request, "admin/two_factor_done.html", context)
    if enrolling:
        context.update(qr_code=_qr_code(device.config_url), secret=base64.b32encode(device.bin_key).decode())
    return TemplateResponse(request, "admin/two_factor.html", context)

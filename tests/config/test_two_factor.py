"""Two-factor authentication for every account that can change roles or see everything:
who must use it, enrolment at first login, and no staff page before the one-time code."""

import base64
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation
from django.utils.regex_helper import normalize
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.middleware import TwoFactorMiddleware
from config.two_factor import requires_two_factor
from tests.factories import CommitmentFactory
from workshops.models import FollowUp

PASSWORD = "correct horse battery"
ENROL = "/en/admin/two-factor/"


def code_of(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def password_login(client, username, token=""):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": PASSWORD, "otp_token": token, "next": reverse("admin:index")},
    )


def account(django_user_model, kind, username="nadia"):
    """A staff account of ``kind``: "superuser", or a role (group) name."""
    if kind == "superuser":
        return django_user_model.objects.create_superuser(username, "su@example.org", PASSWORD)
    user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=kind))
    return django_user_model.objects.get(pk=user.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "required"),
    [
        ("superuser", True),
        ("Managers", True),
        ("Data officers", True),
        ("Editors", False),
        ("Viewers", False),
    ],
)
def test_who_must_use_two_factor(django_user_model, kind, required):
    assert requires_two_factor(account(django_user_model, kind)) is required


@pytest.mark.django_db
def test_whoever_may_change_users_must_use_two_factor_whatever_their_group(django_user_model, staff_user):
    assert not requires_two_factor(staff_user)
    staff_user.user_permissions.add(Permission.objects.get(codename="change_user"))
    assert requires_two_factor(django_user_model.objects.get(pk=staff_user.pk))


@pytest.mark.django_db
def test_superuser_without_a_device_is_led_through_enrolment_at_first_login(django_user_model):
    account(django_user_model, "superuser")
    client = Client()
    response = password_login(client, "nadia")
    assert response.status_code == 302
    admin_home = client.get(reverse("admin:index"))
    assert admin_home.status_code == 302
    assert admin_home["Location"] == f"{ENROL}?next=/en/admin/"
    page = client.get(admin_home["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in html
    device = TOTPDevice.objects.get(user__username="nadia", confirmed=False)
    assert "issuer=Workshop%20tracker" in device.config_url  # the name the app shows
    assert base64.b32encode(device.bin_key).decode() in html
    # The QR code is the device's otpauth:// address.
    svg = base64.b64decode(re.search(r'data:image/svg\+xml;base64,([^"]+)"', html).group(1))
    assert svg.startswith(b"<?xml") or svg.startswith(b"<svg")
    assert "<script" not in html.split("</head>")[1] and ' style="' not in html

    wrong = f"{(int(code_of(device)) + 1) % 1000000:06d}"
    refused = client.post(ENROL, {"otp_token": wrong, "next": "/en/admin/"})
    assert "This code is not right" in refused.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302

    device.refresh_from_db()  # the wrong code moved the throttle on
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    done = client.post(ENROL, {"otp_token": code_of(device), "next": "/en/admin/"})
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user__username="nadia").confirmed
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_after_enrolment_the_login_asks_for_the_code_and_takes_a_backup_code_once(django_user_model):
    user = account(django_user_model, "Managers")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    client.post(reverse("admin:login"), {"username": "nadia", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    static = user.staticdevice_set.create(name="backup", confirmed=True)
    static.token_set.create(token="abcd2345")
    assert password_login(client, "nadia", "abcd2345").status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    client.logout()
    password_login(client, "nadia", "abcd2345")
    assert "_auth_user_id" not in client.session
    assert not StaticToken.objects.exists()


@pytest.fixture
def half_signed_in(db, django_user_model):
    """A manager's client past the password but not the code, and the manager's device."""
    user = account(django_user_model, "Managers")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    client.force_login(user)
    return client, device


def test_a_session_without_the_code_verifies_on_the_two_factor_page(half_signed_in):
    client, device = half_signed_in
    target = reverse("reports:participants")
    response = client.get(target)
    assert response["Location"] == f"{ENROL}?next={target}"
    page = client.get(response["Location"]).content.decode()
    assert "data:image" not in page and 'name="otp_token"' in page
    verified = client.post(ENROL, {"otp_token": code_of(device), "next": target})
    assert verified["Location"] == target
    assert client.get(target).status_code == 200


def test_the_two_factor_page_lists_no_staff_page_before_the_code(half_signed_in, django_user_model):
    """Before the code, the page showed the admin's side menu with every model and "Add" link
    (all leading back to it): none of the staff pages is listed, for enrolment or the code."""
    client, _device = half_signed_in
    account(django_user_model, "superuser", username="sami")
    newcomer = Client()
    password_login(newcomer, "sami")
    for page in (client.get(ENROL).content.decode(), newcomer.get(ENROL).content.decode()):
        assert 'name="otp_token"' in page
        assert 'id="nav-sidebar"' not in page
        assert reverse("admin:workshops_workshop_changelist") not in page


def test_the_two_factor_page_sends_nobody_to_another_site(half_signed_in):
    client, device = half_signed_in
    response = client.post(ENROL, {"otp_token": code_of(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("admin:index")


def test_the_two_factor_page_sends_anonymous_visitors_to_the_login(client, db):
    response = client.get(ENROL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def every_url():
    """One concrete path for every pattern of the URL configuration (each argument "1"), with
    its view name: a page added later is in the list without a test naming it."""

    def walk(patterns, prefix):
        for entry in patterns:
            regex = entry.pattern.regex.pattern.lstrip("^").removesuffix("\\Z").removesuffix("$")
            if isinstance(entry, URLResolver):
                namespace = f"{entry.namespace}:" if entry.namespace else ""
                for path, name in walk(entry.url_patterns, prefix + regex):
                    yield path, namespace + name
            else:
                yield prefix + regex, entry.name or ""

    for regex, name in walk(get_resolver().url_patterns, ""):
        template, params = normalize(regex)[0]
        yield "/" + template % dict.fromkeys(params, "1"), name


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["superuser", "Managers", "Data officers"])
def test_no_page_but_the_two_factor_one_before_the_code(client, django_user_model, kind):
    user = account(django_user_model, kind)
    client.force_login(user, verified=False)
    urls = [(path, name) for path, name in every_url() if name not in TwoFactorMiddleware.OPEN_VIEWS]
    assert len(urls) > 100 and ("/en/reports/attendance.csv", "reports:attendance_csv") in urls
    for path, _name in urls:
        for response in (client.get(path), client.post(path, {"note": "x"})):
            assert response.status_code == 302, path
            assert response["Location"].startswith(f"{ENROL}?next="), path
    # The same account, once past the code, reaches them.
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_quick_follow_up_form_needs_the_managers_one_time_code(client, django_user_model):
    manager = account(django_user_model, "Managers")
    commitment = CommitmentFactory()
    target = reverse("workshops:commitment_update", kwargs={"pk": commitment.pk})
    update = {"date": "2026-11-20", "new_status": "limited", "note": "x"}
    client.force_login(manager, verified=False)
    response = client.post(target, update)
    assert response["Location"] == f"{ENROL}?next={target}"
    assert not FollowUp.objects.exists()
    client.force_login(manager)
    assert client.post(target, update).status_code == 302
    assert FollowUp.objects.get().created_by == manager


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "missing", "wrong"),
    [
        ("ar", "أدخلوا الرمز المؤقت", "هذا الرمز غير صحيح"),
        ("fr", "Saisissez le code à usage unique", "Ce code est faux"),
    ],
)
def test_the_login_asks_for_the_code_in_the_staff_members_language(
    django_user_model, language, missing, wrong
):
    """django-otp's own messages ("Please enter your OTP token.") were English on the Arabic
    page and "jeton OTP" on the French one."""
    user = account(django_user_model, "Managers")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    with translation.override(language):
        url = reverse("admin:login")
    client = Client()
    without = client.post(url, {"username": "nadia", "password": PASSWORD}).content.decode()
    mistyped = client.post(
        url, {"username": "nadia", "password": PASSWORD, "otp_token": "000000"}
    ).content.decode()
    assert missing in without and "OTP" not in without
    assert wrong in mistyped and "OTP" not in mistyped

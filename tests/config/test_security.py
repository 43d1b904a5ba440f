"""Production settings, security headers, health check, login lockout and two-factor login."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        ERASURE_HASH_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="tracker.example.org",
        **extra,
    )
    return env


def test_check_deploy_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/fr/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.content.decode()
    assert " style=" not in response.content.decode()


@pytest.mark.django_db
def test_public_pages_have_no_inline_script_or_style(client, example):
    for path in ("/ar/", "/fr/tracker/", example.get_absolute_url(), "/fr/regions/fes-meknes/"):
        html = client.get(path).content.decode()
        assert "<script>" not in html and '<script type="text/javascript">' not in html, path
        assert ' style="' not in html, path


@pytest.mark.django_db
def test_health_check_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_staff_sessions_expire_within_hours(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def login(client, username, password, token=""):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "otp_token": token, "next": reverse("admin:index")},
    )


@pytest.mark.django_db
def test_admin_login_locks_out_after_five_failures(django_user_model, settings):
    settings.AXES_FAILURE_LIMIT = 5
    django_user_model.objects.create_user("amina", password="correct horse battery", is_staff=True)
    client = Client()
    for _attempt in range(5):
        response = login(client, "amina", "wrong")
        assert response.status_code in (200, 429)
    # The right password no longer opens the door.
    response = login(client, "amina", "correct horse battery")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_admin_login_works_before_the_limit(django_user_model):
    django_user_model.objects.create_user("omar", password="correct horse battery", is_staff=True)
    client = Client()
    login(client, "omar", "wrong")
    response = login(client, "omar", "correct horse battery")
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def current_code(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.mark.django_db
def test_manager_without_a_device_signs_in_to_the_enrolment_page_only(django_user_model):
    manager = django_user_model.objects.create_user("nadia", password="correct horse battery", is_staff=True)
    manager.groups.add(Group.objects.get_or_create(name="Managers")[0])
    client = Client()
    assert login(client, "nadia", "correct horse battery").status_code == 302
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:two_factor"))


@pytest.mark.django_db
def test_manager_logs_in_with_a_one_time_code(django_user_model):
    manager = django_user_model.objects.create_user("nadia", password="correct horse battery", is_staff=True)
    manager.groups.add(Group.objects.get_or_create(name="Managers")[0])
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    client = Client()
    response = login(client, "nadia", "correct horse battery", current_code(device))
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_a_wrong_code_is_refused(django_user_model):
    manager = django_user_model.objects.create_user("nadia", password="correct horse battery", is_staff=True)
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    wrong = f"{(int(current_code(device)) + 1) % 1000000:06d}"
    client = Client()
    assert login(client, "nadia", "correct horse battery", wrong).status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_manager_logged_in_without_verification_is_kept_out(django_user_model):
    manager = django_user_model.objects.create_user("nadia", password="x", is_staff=True)
    manager.groups.add(Group.objects.get_or_create(name="Managers")[0])
    client = Client()
    client.force_login(manager)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:two_factor"))


@pytest.mark.django_db
def test_other_staff_may_skip_two_factor(django_user_model):
    django_user_model.objects.create_user("karim", password="correct horse battery", is_staff=True)
    client = Client()
    assert login(client, "karim", "correct horse battery").status_code == 302


@pytest.mark.django_db
def test_login_page_asks_for_the_one_time_code(client):
    html = client.get(reverse("admin:login")).content.decode()
    assert 'name="otp_token"' in html
    assert 'autocomplete="one-time-code"' in html


@pytest.mark.django_db
def test_add_totp_device_command_prints_an_otpauth_address(django_user_model, capsys):
    from django.core.management import call_command

    django_user_model.objects.create_user("nadia", password="x", is_staff=True)
    call_command("add_totp_device", "nadia")
    assert capsys.readouterr().out.startswith("otpauth://totp/")
    assert TOTPDevice.objects.filter(user__username="nadia", confirmed=True).count() == 1

"""Client addresses behind the documented proxy, for the login lockout and the audit trail alike,
with forged X-Forwarded-For headers; and the slower lock per username against spraying."""

import datetime

import pytest
import time_machine
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory
from django.urls import reverse

from config.client_ip import client_ip
from tests.factories import CommitmentFactory

PASSWORD = "correct horse battery"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, None, "10.0.0.1"),
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy: the header is the client's own words
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # a forged left-most address is ignored
        (1, "198.51.100.7,203.0.113.9:51234", "203.0.113.9"),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        (2, "198.51.100.7, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1"),  # fewer addresses than proxies: not through them all
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_client_is_the_nth_address_from_the_right(settings, proxies, forwarded, expected):
    settings.PROXY_COUNT = proxies
    headers = {} if forwarded is None else {"X-Forwarded-For": forwarded}
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", headers=headers)
    assert client_ip(request) == expected


def attempt(client, username, password, address=None, forged=""):
    """A login through one nginx proxy: it appends the client's ``address`` to whatever
    ``X-Forwarded-For`` the client sent (``forged``); without ``address``, no proxy header."""
    headers = {}
    if address:
        headers["X-Forwarded-For"] = f"{forged}, {address}" if forged else address
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        headers=headers,
    )


def fail_from(addresses, times=1, forged=""):
    """``times`` wrong passwords for amina from each of ``addresses``."""
    for address in addresses:
        for _attempt in range(times):
            attempt(Client(), "amina", "wrong", address, forged=forged)


def attempts():
    return list(AccessAttempt.objects.values_list("ip_address", "failures_since_start"))


@pytest.fixture
def amina(django_user_model):
    return django_user_model.objects.create_user("amina", password=PASSWORD, is_staff=True)


@pytest.mark.django_db
def test_lockout_keys_on_the_client_behind_the_proxy_not_on_the_proxy(settings, amina):
    settings.PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 5
    fail_from(["203.0.113.9"], times=5, forged="198.51.100.7")
    assert attempts() == [("203.0.113.9", 5)]
    assert attempt(Client(), "amina", PASSWORD, "203.0.113.9").status_code == 429
    # Amina, elsewhere, is not locked out by someone else's failures.
    elsewhere = Client()
    assert attempt(elsewhere, "amina", PASSWORD, "192.0.2.44").status_code == 302
    assert elsewhere.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_without_a_proxy_a_forwarded_header_changes_nothing(settings, amina):
    settings.PROXY_COUNT = 0
    settings.AXES_FAILURE_LIMIT = 5
    fail_from([f"203.0.113.{number}" for number in range(5)])
    assert attempts() == [("127.0.0.1", 5)]
    assert attempt(Client(), "amina", PASSWORD, "192.0.2.44").status_code == 429


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("proxies", "expected"),
    [(0, "127.0.0.1"), (1, "203.0.113.9")],
)
def test_audit_trail_records_the_client_address_not_a_forged_one(
    client, settings, django_user_model, proxies, expected
):
    settings.PROXY_COUNT = proxies
    updater = django_user_model.objects.create_user("updater", password="x", is_staff=True)
    updater.user_permissions.add(Permission.objects.get(codename="add_followup"))
    commitment = CommitmentFactory()
    client.force_login(updater)
    response = client.post(
        reverse("workshops:commitment_update", kwargs={"pk": commitment.pk}),
        {"date": "2026-11-20", "new_status": "limited", "note": "x"},
        headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9", "X-Forwarded-Port": "4444"},
    )
    assert response.status_code == 302
    entries = LogEntry.objects.filter(actor=updater)
    assert entries.count() >= 1
    assert set(entries.values_list("remote_addr", "remote_port")) == {(expected, None)}


@pytest.mark.django_db
def test_a_username_sprayed_from_many_addresses_is_closed_to_new_addresses_for_an_hour(settings, amina):
    settings.PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_SPRAY_LIMIT = 20
    office = Client()
    assert attempt(office, "amina", PASSWORD, "192.0.2.10").status_code == 302
    start = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        fail_from([f"203.0.113.{number}" for number in range(4)], times=5)
        refused = attempt(Client(), "amina", PASSWORD, "198.51.100.50")
        assert refused.status_code == 200
        assert "Too many failed logins for this account from several places" in refused.content.decode()
        assert AccessAttempt.objects.filter(ip_address="198.51.100.50").count() == 0  # not even tried
        # Amina at the office, where she signed in before, is not kept out.
        assert attempt(Client(), "amina", PASSWORD, "192.0.2.10").status_code == 302
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        assert attempt(Client(), "amina", PASSWORD, "198.51.100.50").status_code == 302


@pytest.mark.django_db
def test_failures_below_the_spraying_limit_close_nothing(settings, amina):
    settings.PROXY_COUNT = 1
    settings.LOGIN_SPRAY_LIMIT = 20
    fail_from([f"203.0.113.{number}" for number in range(19)])
    assert attempt(Client(), "amina", PASSWORD, "198.51.100.50").status_code == 302

"""Error pages (400, 403, 404, 500, refused form) in Arabic, French and English, right to left
in Arabic, each showing the request id that the error's log line carries too."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

# Heading of each page, and the direction of the text, per language.
PAGES = {
    "ar": {
        "dir": "rtl",
        400: "طلب غير صالح",
        403: "الدخول مرفوض",
        404: "الصفحة غير موجودة",
        500: "خطأ في الخادم",
        "csrf": "لم تُرسَل الاستمارة",
    },
    "fr": {
        "dir": "ltr",
        400: "Requête invalide",
        403: "Accès refusé",
        404: "Page introuvable",
        500: "Erreur du serveur",
        "csrf": "Formulaire non envoyé",
    },
    "en": {
        "dir": "ltr",
        400: "Bad request",
        403: "Access denied",
        404: "Page not found",
        500: "Server error",
        "csrf": "Form not sent",
    },
}
LANGUAGE_CODES = list(PAGES)


def assert_error_page(response, lang, status, heading_key=None):
    """The page answers ``status`` in ``lang`` with its heading, direction and request id."""
    assert response.status_code == status
    html = response.content.decode()
    assert f'<html lang="{lang}" dir="{PAGES[lang]["dir"]}">' in html
    assert f"<h1>{PAGES[lang][heading_key or status]}</h1>" in html
    request_id = response.headers["X-Request-ID"]
    assert f'<code class="request-id" dir="ltr">{request_id}</code>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_404_page_in_the_language_of_the_address(client, lang):
    assert_error_page(client.get(f"/{lang}/no-such-page/"), lang, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_400_page_in_the_language_of_the_address(client, lang):
    assert_error_page(client.get(f"/{lang}/workshops/%00/"), lang, 400)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_403_page_in_the_language_of_the_address(client, staff_user, lang):
    client.force_login(staff_user)
    with translation.override(lang):
        response = client.get(reverse("reports:participants"))
    assert_error_page(response, lang, 403)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_refused_form_page_in_the_language_of_the_address(lang):
    client = Client(enforce_csrf_checks=True)
    with translation.override(lang):
        response = client.post(reverse("admin:login"), {"username": "someone", "password": "x"})
    assert_error_page(response, lang, 403, "csrf")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_500_page_in_the_language_of_the_address_without_a_query(settings, django_assert_num_queries, lang):
    settings.ROOT_URLCONF = "tests.config.urls_with_errors"
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        response = client.get(f"/{lang}/broken/")
    assert_error_page(response, lang, 500)
    assert "broken on purpose" not in response.content.decode()


def test_500_page_falls_back_to_text_when_its_template_fails(settings, rf):
    from config.errors import server_error

    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False}]
    request = rf.get("/fr/broken/")
    request.request_id = "abcdef0123456789"
    response = server_error(request)
    assert response.status_code == 500
    assert response["Content-Type"] == "text/plain"
    assert response.content == b"Server error (500). Reference: abcdef0123456789\n"

"""A database too busy to write answers 503 "try again" (with Retry-After, in the page's
language, HTML or JSON), never 500; other database errors still reach the 500 page."""

import pytest
from django.test import Client

from config.busy import is_busy

pytestmark = pytest.mark.django_db

TRY_AGAIN = {"ar": "أعد المحاولة", "fr": "Réessayez", "en": "Try again"}


@pytest.fixture
def client(settings):
    settings.ROOT_URLCONF = "tests.config.urls_with_errors"
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("lang", list(TRY_AGAIN))
def test_a_locked_sqlite_table_answers_503_try_again_in_the_pages_language(
    client, django_assert_num_queries, lang
):
    with django_assert_num_queries(0):  # the database is what was busy: the page asks it nothing
        response = client.get(f"/{lang}/busy/")
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    content = response.content.decode()
    assert f"<h1>{TRY_AGAIN[lang]}</h1>" in content
    assert ('dir="rtl"' in content) == (lang == "ar")
    assert "workshops_attendance" not in content  # the database's words stay in the log


@pytest.mark.parametrize(
    "query", ["?message=database%20is%20locked", "?sqlstate=40P01", "?sqlstate=55P03", "?sqlstate=40001"]
)
def test_every_kind_of_busy_database_answers_503(client, query):
    assert client.get(f"/fr/busy/{query}").status_code == 503


def test_a_script_gets_json_it_can_retry_on(client):
    response = client.post("/fr/busy/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response.json() == {
        "error": "busy",
        "message": "La base de données est occupée par d’autres modifications. Rien n’a été "
        "enregistré : veuillez réessayer.",
    }


def test_other_database_errors_are_not_called_busy(client):
    assert client.get("/fr/busy/?message=no%20such%20table:%20x").status_code == 500
    assert not is_busy(RuntimeError("database is locked"))

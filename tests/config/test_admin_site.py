"""The admin in Arabic and French: no English name of a library's app or model, anywhere the
admin names them; our apps first; Django's wording that fits every noun; lists joined with the
language's comma; management commands in the operator's language."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from config.commands import operator_language
from config.wording import join_list
from tests.factories import WorkshopFactory

ENGLISH = [
    "Audit log",
    "Axes",
    "Otp_Static",
    "Otp_Totp",
    "Static devices",
    "TOTP devices",
    "TOTP device",
    "Log entries",
    "Static tokens",
]
# Our apps that have admin pages, in the order staff use them.
OUR_APPS = ["workshops", "attendance", "registrations", "programmes", "organizations", "regions"]


def admin_page(client, lang, name, *args):
    with translation.override(lang):
        url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_libraries_apps_and_models_have_translated_names_and_our_apps_come_first(admin_client, lang):
    page = admin_page(admin_client, lang, "admin:index")
    apps = page.context["app_list"]
    names = [str(app["name"]) for app in apps] + [str(m["name"]) for app in apps for m in app["models"]]
    english = [name for name in names if name.casefold() in {e.casefold() for e in ENGLISH}]
    assert not english, f"{lang}: {english}"
    with translation.override(lang):
        assert [app["app_label"] for app in apps[: len(OUR_APPS)]] == OUR_APPS
        others = [str(app["name"]).lower() for app in apps[len(OUR_APPS) :]]
        assert others == sorted(others)
        assert str(reverse("admin:app_list", args=["otp_totp"])) in page.content.decode()


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", ["Applications d’authentification", "Sélectionner"]),
        ("ar", ["تطبيقات المصادقة", "اختر للتعديل: تطبيق المصادقة"]),
    ],
)
def test_a_library_changelist_names_its_app_and_model_in_the_page_language(admin_client, lang, expected):
    html = admin_page(admin_client, lang, "admin:otp_totp_totpdevice_changelist").content.decode()
    assert expected[0] in html
    assert "TOTP" not in html.split("<title>")[1].split("</title>")[0]
    assert "OTP_TOTP" not in html


def test_french_admin_wording_agrees_with_every_noun(admin_client):
    add = admin_page(admin_client, "fr", "admin:workshops_workshop_add").content.decode()
    assert "Ajout : atelier" in add and "Ajout de atelier" not in add
    WorkshopFactory()
    participations = admin_page(admin_client, "fr", "admin:workshops_participation_changelist")
    html = participations.content.decode()
    assert "Supprimer la sélection (participations)" in html
    assert "participations sélectionnés" not in html


@pytest.mark.parametrize(
    ("lang", "expected"), [("ar", "14، 55، 60"), ("fr", "14, 55, 60"), ("en", "14, 55, 60")]
)
def test_lists_are_joined_with_the_language_comma(lang, expected):
    with translation.override(lang):
        assert join_list([14, 55, 60]) == expected


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANGUAGE": "de:ar", "LANG": "fr_FR.UTF-8"}, "ar"),
        ({"LC_ALL": "ar_MA.UTF-8", "LANG": "en_GB.UTF-8"}, "ar"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
    ],
)
def test_commands_speak_the_environment_language(environ, expected):
    assert operator_language(None, environ) == expected
    assert operator_language("fr", environ) == "fr"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "déjà chargé"), ("en", "is already loaded"), ("ar", "مسبقا")],
)
def test_load_example_speaks_the_chosen_language_not_the_site_default(example, language, expected):
    out = io.StringIO()
    call_command("load_example", language=language, stdout=out)
    assert expected in out.getvalue()


def test_load_example_speaks_english_in_a_plain_environment(example, monkeypatch):
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    out = io.StringIO()
    call_command("load_example", stdout=out)
    assert "is already loaded" in out.getvalue()


def test_fields_of_tabular_inline_rows_are_named_for_screen_readers(admin_client):
    from tests.factories import SessionFactory

    session = SessionFactory()
    html = admin_page(
        admin_client, "fr", "admin:workshops_workshop_change", session.workshop.pk
    ).content.decode()
    row = re.search(r'<input[^>]*name="sessions-0-date"[^>]*>', html).group(0)
    assert 'aria-label="Date"' in row
    empty_row = re.search(r'<input[^>]*name="sessions-__prefix__-date"[^>]*>', html).group(0)
    assert 'aria-label="Date"' in empty_row


def tag_named(html, name, tag="input"):
    """The opening ``<tag>`` of the form field ``name`` in ``html``."""
    return re.search(rf'<{tag}[^>]*name="{re.escape(name)}"[^>]*>', html).group(0)


def test_a_choice_in_a_tabular_row_is_named_through_the_related_field_wrapper(admin_client):
    """The participation's marks: each row's session select (wrapped by the admin's related-field
    widget, whose copies do not share their select's attributes) carries its field's name."""
    from tests.factories import AttendanceFactory

    attendance = AttendanceFactory()
    html = admin_page(
        admin_client, "ar", "admin:workshops_participation_change", attendance.participation.pk
    ).content.decode()
    assert "aria-label=" in tag_named(html, "attendances-0-session", "select")


def test_both_inputs_of_a_split_date_and_time_are_named(admin_client):
    """One ``<label>`` cannot name the date and the time inputs of ``registration_closes_at``."""
    from tests.factories import WorkshopFactory

    workshop = WorkshopFactory()
    html = admin_page(admin_client, "fr", "admin:workshops_workshop_change", workshop.pk).content.decode()
    assert re.search(r'aria-label="[^"]+ \(Date\)"', tag_named(html, "registration_closes_at_0"))
    assert re.search(r'aria-label="[^"]+ \(Heure\)"', tag_named(html, "registration_closes_at_1"))

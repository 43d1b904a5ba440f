"""The admin's index in Arabic and French: no English name of a library's app or model."""

import pytest
from django.urls import reverse
from django.utils import translation

ENGLISH = ["Audit log", "Axes", "Otp_Static", "Otp_Totp", "Static devices", "TOTP devices"]


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_libraries_apps_and_models_have_translated_names(admin_client, lang):
    with translation.override(lang):
        url = reverse("admin:index")
    page = admin_client.get(url)
    assert page.status_code == 200
    names = [app["name"] for app in page.context["app_list"]]
    names += [model["name"] for app in page.context["app_list"] for model in app["models"]]
    english = [name for name in map(str, names) if name.casefold() in {e.casefold() for e in ENGLISH}]
    assert not english, f"{lang}: {english}"
    assert [str(name).lower() for name in names[: len(page.context["app_list"])]] == sorted(
        str(name).lower() for name in names[: len(page.context["app_list"])]
    )
    with translation.override(lang):
        assert str(reverse("admin:app_list", args=["otp_totp"])) in page.content.decode()

"""Texts in Arabic, French and English (django-modeltranslation, ``workshops.content``): each page
shows its own language's version, else the original, with ``lang`` and ``dir`` on the element."""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from tests.factories import CommitmentFactory, RecommendationFactory, WorkshopFactory
from workshops import content
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

FOUNDING = {
    "ar": "التخطيط الاستراتيجي: من أجل تشاور عمومي فعلي، فعال ناجع",
    "fr": "Planification stratégique : pour une concertation publique réelle, efficace et efficiente",
    "en": "Strategic planning: for an actual, effective and efficient public consultation",
}


def page(client, lang, path):
    return client.get(f"/{lang}{path[3:]}").content.decode()


@pytest.mark.parametrize(
    ("lang", "direction", "objective", "recommendation"),
    [
        ("ar", "rtl", "تحديد معيقات التنمية المستدامة", "إعداد مخطط استراتيجي"),
        ("fr", "ltr", "Identifier les obstacles au développement durable", "Élaborer un plan stratégique"),
        ("en", "ltr", "Identify the obstacles to sustainable development", "Draw up a strategic plan"),
    ],
)
def test_founding_workshop_shows_its_title_objectives_and_recommendations_in_the_page_language(
    client, example, lang, direction, objective, recommendation
):
    html = page(client, lang, example.get_absolute_url())
    title = FOUNDING[lang].replace("'", "&#x27;")
    assert f'<h1 lang="{lang}" dir="{direction}">{title}</h1>' in html
    assert f'<ul class="mixed-direction" lang="{lang}" dir="{direction}">' in html
    assert f"<li>{objective}</li>" in html
    assert f'lang="{lang}" dir="{direction}">{recommendation}</a>' in html
    others = [text for code, text in FOUNDING.items() if code != lang]
    assert not any(text in html for text in others)


def test_list_shows_the_french_title_and_falls_back_to_the_arabic_original_marked_arabic(client, example):
    WorkshopFactory(title="منتدى الشباب بوجدة", slug="oujda")
    html = page(client, "fr", "/ar/workshops/")
    assert f'lang="fr" dir="ltr">{FOUNDING["fr"]}</a>' in html
    assert 'lang="ar" dir="rtl">منتدى الشباب بوجدة</a>' in html


def test_french_original_on_the_arabic_page_is_marked_french_left_to_right(client):
    with translation.override("fr"):
        workshop = WorkshopFactory(title="Forum régional des jeunes d'Agadir", language="fr")
    html = page(client, "ar", workshop.get_absolute_url())
    assert '<h1 lang="fr" dir="ltr">Forum régional des jeunes d&#x27;Agadir</h1>' in html


def test_fallback_prefers_the_original_language_to_the_other_translations():
    workshop = WorkshopFactory(language="en")
    Workshop.objects.filter(pk=workshop.pk).update(
        title_ar=None, title_fr="Version française", title_en="Original"
    )
    workshop.refresh_from_db()
    with translation.override("ar"):
        shown = content.shown(workshop, "title")
    assert (shown, shown.lang, shown.dir) == ("Original", "en", "ltr")
    with translation.override("fr"):
        assert content.shown(workshop, "title") == "Version française"


def test_public_search_finds_a_workshop_recommendation_and_commitment_by_any_version(client):
    workshop = WorkshopFactory(title="ورشة الديمقراطية التشاركية")
    Workshop.objects.filter(pk=workshop.pk).update(title_fr="Démocratie participative à Fès")
    recommendation = RecommendationFactory(workshop=workshop, text="إحداث لجنة")
    type(recommendation).objects.filter(pk=recommendation.pk).update(text_en="Set up a committee")
    CommitmentFactory(recommendation=recommendation, title="Plaidoyer auprès du conseil")
    # Found by its French version on the Arabic page (which shows the Arabic one), and the reverse.
    assert "ورشة الديمقراطية التشاركية" in page(client, "ar", "/ar/workshops/?q=participative")
    assert "Démocratie participative à Fès" in page(client, "fr", "/ar/workshops/?q=التشاركية")
    assert "ورشة" not in page(client, "fr", "/ar/workshops/?q=Marrakech")
    assert "Set up a committee" in page(client, "en", "/ar/recommendations/?q=committee")
    assert "Plaidoyer" in page(client, "ar", "/ar/tracker/commitments/?q=plaidoyer")


def test_admin_requires_the_original_version_only(admin_client):
    workshop = WorkshopFactory()
    form_class = admin_form(workshop)
    data = {"language": "fr", "title_fr": "Atelier de Tanger", "title_ar": "", "title_en": ""}
    form = form_class(data, instance=workshop)
    form.is_valid()
    assert "title_ar" not in form.errors and "title_fr" not in form.errors
    form = form_class({**data, "title_fr": ""}, instance=workshop)
    assert not form.is_valid()
    with translation.override("fr"):
        assert form.errors["title_fr"] == ["Obligatoire dans la langue d’origine de l’enregistrement."]


def admin_form(workshop):
    from django.contrib import admin
    from django.test import RequestFactory

    model_admin = admin.site._registry[Workshop]
    request = RequestFactory().get("/")
    request.user = type("U", (), {"is_superuser": True, "has_perm": lambda *a: True})()
    return model_admin.get_form(request, workshop, fields=["language", "title_ar", "title_fr", "title_en"])


def test_migration_moves_each_existing_text_into_its_language_column():
    arabic = WorkshopFactory()
    french = WorkshopFactory()
    Workshop.objects.rewrite(False).filter(pk=arabic.pk).update(
        title="ورشة حول الميزانية التشاركية", summary="ملخص", title_ar=None, title_fr=None, summary_ar=None
    )
    Workshop.objects.rewrite(False).filter(pk=french.pk).update(
        title="Budget participatif : atelier", title_ar=None, title_fr=None
    )
    state = MigrationExecutor(connection).loader.project_state(("workshops", "0015_texts_in_each_language"))
    migration = __import__("workshops.migrations.0016_texts_original_language", fromlist=["forward"])
    migration.forward(state.apps, None)
    values = dict(
        (pk, rest)
        for pk, *rest in Workshop.objects.rewrite(False).values_list(
            "pk", "language", "title_ar", "title_fr", "summary_ar"
        )
    )
    assert values[arabic.pk] == ["ar", "ورشة حول الميزانية التشاركية", None, "ملخص"]
    assert values[french.pk][:3] == ["fr", None, "Budget participatif : atelier"]


def test_every_translated_text_has_a_column_per_language():
    names = {field.name for field in Workshop._meta.get_fields()}
    for field in ("title", "summary", "objectives"):
        assert set(content.versions(field)) <= names
    assert re.fullmatch(r"title_(ar|fr|en)", content.versions("title")[1])

"""Every admin form that names a commune picks it with an autocomplete (1,503 rows: never a
plain select), and the commune search folds accents and Arabic letter variants."""

import pytest
from django.contrib import admin
from django.urls import reverse

from regions.models import Commune
from tests.conftest import _grant

pytestmark = pytest.mark.django_db


def commune_fields():
    """``(model admin, field name)`` of every registered admin field that points at Commune."""
    for model, model_admin in admin.site._registry.items():
        for field in model._meta.get_fields():
            if getattr(field, "related_model", None) is Commune and (field.many_to_many or field.many_to_one):
                if not field.auto_created:
                    yield model_admin, field.name


def test_every_commune_field_of_the_admin_is_an_autocomplete():
    fields = list(commune_fields())
    assert {(a.model._meta.label, f) for a, f in fields} >= {
        ("workshops.Workshop", "venue_commune"),
        ("workshops.Workshop", "target_communes"),
        ("workshops.Commitment", "target_communes"),
        ("workshops.MonitoringCommittee", "communes"),
        ("organizations.Organization", "commune"),
        ("organizations.Person", "commune"),
    }
    for model_admin, name in fields:
        assert name in model_admin.autocomplete_fields or name in model_admin.raw_id_fields, (
            model_admin,
            name,
        )


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("fes", "03.231.01.0"),
        ("FÈS", "03.231.01.0"),
        ("اسفي", "07.431.01.03"),
        ("tetouan", "01.571.01.11"),
        ("07.431.01.03", "07.431.01.03"),
    ],
)
def test_commune_autocomplete_folds_the_term(client, staff_user, term, expected):
    _grant(staff_user, "workshops.change_workshop", "regions.view_commune")
    client.force_login(staff_user)
    source = {"app_label": "workshops", "model_name": "workshop", "field_name": "venue_commune"}
    results = client.get(reverse("admin:autocomplete"), {**source, "term": term}).json()["results"]
    # The commune named exactly so comes first, before those whose name merely contains it.
    assert results[0]["id"] == str(Commune.objects.get(code=expected).pk)


def test_commune_autocomplete_needs_the_permission_to_view_communes(client, staff_user):
    _grant(staff_user, "workshops.change_workshop")
    client.force_login(staff_user)
    source = {"app_label": "workshops", "model_name": "workshop", "field_name": "venue_commune"}
    assert client.get(reverse("admin:autocomplete"), {**source, "term": "fes"}).status_code == 403


def test_commune_list_search_in_the_admin(admin_client):
    response = admin_client.get(reverse("admin:regions_commune_changelist"), {"q": "sidi  BOUBKER"})
    names = {commune.name_fr for commune in response.context["cl"].result_list}
    assert names and all("Sidi Boubker" in name for name in names)

"""Other names of organisations (``OrganizationAlias``): one spelling leads to one organisation,
kept in the organisation's admin page by staff who may change it, and a merge leaves the name
merged away as an alias of the organisation kept."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from organizations.merging import merge
from organizations.models import Organization, OrganizationAlias
from regions.names import fold
from tests.conftest import _grant
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def alias(organization, name, **extra):
    return OrganizationAlias.objects.create(organization=organization, name=name, **extra)


def test_an_alias_is_found_by_its_folded_spelling():
    espace = OrganizationFactory(name="Espace Associatif")
    alias(espace, "الفضاء الجمعوي")
    keys = [fold("الفضاء الجمعوى"), fold("ESPACE ASSOCIATIF"), fold("autre")]
    found = Organization.objects.by_name_or_alias(keys)
    assert found == {keys[0]: espace, keys[1]: espace}


def test_one_spelling_leads_to_one_organisation_in_words():
    alias(OrganizationFactory(), "AMDH")
    other = OrganizationFactory()
    duplicate = OrganizationAlias(organization=other, name="  amdh ")
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "already another name of an organisation" in str(excinfo.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_an_alias_may_not_be_another_organisations_name():
    OrganizationFactory(name="Association Amal")
    with pytest.raises(ValidationError) as excinfo:
        OrganizationAlias(organization=OrganizationFactory(), name="ASSOCIATION AMAL").full_clean()
    assert "is the name of another organisation" in str(excinfo.value)


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("الفضاء الجمعوي", "ar"),
        ("Association des femmes de Sefrou", "fr"),
        ("Network of Young Women", "en"),
        ("AMDH", ""),
    ],
)
def test_the_language_of_an_alias_is_guessed_when_the_words_tell(name, language):
    assert OrganizationAlias.guess_language(name) == language


def test_merging_organisations_moves_aliases_and_keeps_the_merged_name_as_an_alias():
    kept = OrganizationFactory(name="Association marocaine des droits humains")
    other = OrganizationFactory(name="الجمعية المغربية لحقوق الإنسان")
    alias(other, "AMDH")
    alias(kept, "Moroccan Association for Human Rights")

    merge(kept, [other])

    names = dict(kept.aliases.values_list("name", "source"))
    assert names == {
        "AMDH": "staff",
        "Moroccan Association for Human Rights": "staff",
        "الجمعية المغربية لحقوق الإنسان": "merge",
    }
    assert kept.aliases.get(source="merge").language == "ar"
    key = fold("الجمعية المغربية لحقوق الانسان")
    assert Organization.objects.by_name_or_alias([key]) == {key: kept}


def test_merging_two_spellings_of_one_name_adds_no_alias():
    kept, other = (
        OrganizationFactory(name="Espace Associatif"),
        OrganizationFactory(name="Espace  Associatif."),
    )
    merge(kept, [other])
    assert not OrganizationAlias.objects.exists()


def test_a_dry_run_merge_records_no_alias():
    kept, other = OrganizationFactory(), OrganizationFactory(name="Jossour FFM")
    merge(kept, [other], dry_run=True)
    assert not OrganizationAlias.objects.exists()


def change_page(organization):
    return reverse("admin:organizations_organization_change", args=[organization.pk])


def inline_post(organization, *names):
    """The organisation's change form with ``names`` as new aliases."""
    data = {
        "name": organization.name,
        "kind": organization.kind,
        "aliases-TOTAL_FORMS": str(len(names)),
        "aliases-INITIAL_FORMS": "0",
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
    }
    for index, name in enumerate(names):
        data[f"aliases-{index}-name"] = name
        data[f"aliases-{index}-language"] = "ar"
    return data


def test_staff_who_may_change_the_organisation_add_its_aliases(client, staff_user):
    _grant(staff_user, "organizations.view_organization", "organizations.change_organization")
    client.force_login(staff_user)
    espace = OrganizationFactory(name="Espace Associatif")
    assert 'name="aliases-TOTAL_FORMS"' in client.get(change_page(espace)).content.decode()

    response = client.post(change_page(espace), inline_post(espace, "الفضاء الجمعوي"))

    assert response.status_code == 302
    saved = espace.aliases.get()
    assert (saved.name, saved.key, saved.source) == ("الفضاء الجمعوي", fold("الفضاء الجمعوي"), "staff")
    assert saved.created_by == staff_user


def test_the_admin_refuses_an_alias_taken_by_another_organisation_in_words(admin_client):
    alias(OrganizationFactory(), "AMDH")
    espace = OrganizationFactory(name="Espace Associatif")
    response = admin_client.post(change_page(espace), inline_post(espace, " amdh"))
    assert response.status_code == 200
    assert "already another name of an organisation" in response.content.decode()
    assert not espace.aliases.exists()


def test_staff_who_may_only_view_the_organisation_cannot_add_aliases(client, staff_user):
    _grant(staff_user, "organizations.view_organization")
    client.force_login(staff_user)
    espace = OrganizationFactory(name="Espace Associatif")
    assert 'name="aliases-TOTAL_FORMS"' not in client.get(change_page(espace)).content.decode()
    response = client.post(change_page(espace), inline_post(espace, "الفضاء الجمعوي"))
    assert response.status_code == 403
    assert not OrganizationAlias.objects.exists()

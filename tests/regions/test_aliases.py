"""Known aliases of regions and provinces (``regions.PlaceAlias``): loaded with their sources,
matched by folded name then by a fuzzy guess above the measured threshold, kept in the admin."""

import csv
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from regions.matching import EXACT, FUZZY, FUZZY_THRESHOLD, NONE
from regions.models import PlaceAlias, Province, Region
from tests.conftest import _grant

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "regions" / "data"
SPELLINGS = Path(__file__).resolve().parent / "place_spellings.csv"


def rows(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_alias_of_the_data_file_is_loaded_with_its_source():
    sources = {row["key"]: row for row in rows(DATA / "alias_sources.csv")}
    aliases = rows(DATA / "aliases.csv")
    assert {row["source"] for row in aliases} <= set(sources)
    assert PlaceAlias.objects.count() == len(aliases)
    rsk = PlaceAlias.objects.get(alias="RSK")
    assert (rsk.kind, rsk.place, rsk.created_by) == ("region", Region.objects.get(code="04"), None)
    assert rsk.source.startswith("Maghreb Arabe Presse (MAP Express), 29 July 2022")
    assert PlaceAlias.objects.get(alias="El Aaiún").place == Province.objects.get(code="321")


@pytest.mark.parametrize(
    "old_name",
    [
        "Doukkala-Abda",
        "Chaouia-Ouardigha",
        "Souss-Massa-Drâa",
        "Meknès-Tafilalet",
        "Taza-Al Hoceima-Taounate",
    ],
)
def test_old_regions_split_in_2015_are_not_read(old_name):
    assert Region.objects.matcher().lookup(old_name).how == NONE


def test_measured_threshold_reads_real_spellings_and_nothing_else():
    """The figures of bench/place_threshold.py at the chosen threshold, on the database's
    matcher: no wrong guess, and only "Casa-Settat" left for the staff member to answer."""
    matcher = Region.objects.matcher()
    found = {row["text"]: (row["code"], matcher.lookup(row["text"])) for row in rows(SPELLINGS)}
    wrong = {
        text: match.place.code
        for text, (code, match) in found.items()
        if match.place and match.place.code != code
    }
    missed = {text for text, (code, match) in found.items() if code and not match.place}
    assert (wrong, missed) == ({}, {"Casa-Settat"})
    assert FUZZY_THRESHOLD == 85


def test_fuzzy_match_names_its_two_best_candidates_and_is_computed_once():
    matcher = Region.objects.matcher()
    match = matcher.lookup("Daraa Tafilalt")
    assert (match.how, match.place.code) == (FUZZY, "08")
    assert [place.code for place, _score in match.candidates] == ["08", "05"]
    assert matcher.lookup("Daraa Tafilalt") is match
    assert matcher("Daraa Tafilalt") is None  # calling the matcher gives certain matches only


def test_codes_and_abbreviations_are_matched_exactly_never_guessed():
    matcher = Region.objects.matcher()
    assert matcher.lookup("BMK").how == EXACT
    assert matcher.lookup("BMX").how == NONE
    assert matcher.lookup("041").how == NONE  # an HCP province code is not a region code


def test_province_matcher_reads_names_and_aliases():
    matcher = Province.objects.matcher()
    assert matcher("Ouazzane").code == "405"
    assert matcher("الناظور").code == "381"
    assert matcher("Province de Kénitra").code == "281"


def test_an_alias_names_one_place_of_its_kind():
    alias = PlaceAlias(kind="region", province=Province.objects.get(code="281"), alias="Gharb", source="x")
    with pytest.raises(ValidationError) as excinfo:
        alias.full_clean()
    assert "exactly one of them" in str(excinfo.value)
    duplicate = PlaceAlias(kind="region", region=Region.objects.get(code="04"), alias="Rsk", source="x")
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert excinfo.value.message_dict["alias"] == [
        "This spelling is already an alias of a place of this kind."
    ]


@pytest.fixture
def alias_keeper(django_user_model):
    user = django_user_model.objects.create_user("keeper", password="x", is_staff=True)
    _grant(
        user,
        "regions.view_placealias",
        "regions.add_placealias",
        "regions.delete_placealias",
        "regions.view_region",
        "regions.view_province",
    )
    return django_user_model.objects.get(pk=user.pk)


def test_aliases_admin_needs_the_permission(client, django_user_model):
    url = reverse("admin:regions_placealias_changelist")
    assert client.get(url).status_code == 302
    client.force_login(django_user_model.objects.create_user("staff", password="x", is_staff=True))
    assert client.get(url).status_code == 403


def test_staff_with_the_permission_list_add_and_delete_aliases(client, alias_keeper):
    client.force_login(alias_keeper)
    listing = client.get(reverse("admin:regions_placealias_changelist"), {"q": "RSK"})
    assert "Maghreb Arabe Presse" in listing.content.decode()
    casa = Region.objects.get(code="06")
    add = reverse("admin:regions_placealias_add")
    response = client.post(
        add, {"kind": "region", "region": casa.pk, "alias": "Casa-Settat", "source": "usage"}
    )
    assert response.status_code == 302
    alias = PlaceAlias.objects.get(alias="Casa-Settat")
    assert (alias.key, alias.created_by) == ("casa settat", alias_keeper)
    assert Region.objects.match("Casa Settat") == casa
    again = client.post(add, {"kind": "region", "region": casa.pk, "alias": "casa settat", "source": "x"})
    assert again.status_code == 200
    assert "This spelling is already an alias of a place of this kind." in again.content.decode()
    delete = reverse("admin:regions_placealias_delete", args=[alias.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert Region.objects.match("Casa Settat") is None

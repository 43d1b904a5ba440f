"""Migration workshops 0011: the free-text "communes concerned" of a commitment becomes the
relation ``target_communes``; names that match no commune are kept in ``unmatched_communes``."""

import importlib

import pytest

from regions.models import Commune

migration = importlib.import_module("workshops.migrations.0013_match_commitment_communes")


@pytest.fixture
def index(db):
    return migration.commune_index(Commune.objects.select_related("province__region"))


def names(communes):
    return [commune.code for commune in communes]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Tanger, Assilah", ["01.511.01.0", "01.511.01.01"]),
        ("طنجة، أصيلة", ["01.511.01.0", "01.511.01.01"]),
        ("Tanger et Assilah", ["01.511.01.0", "01.511.01.01"]),
        ("طنجة و أصيلة", ["01.511.01.0", "01.511.01.01"]),
        ("طنجة وأصيلة", ["01.511.01.0", "01.511.01.01"]),  # و glued to the next name
        ("Commune urbaine de Tétouan; CR Hjar Ennhal", ["01.571.01.11", "01.511.05.19"]),
        ("جماعة آسفي / SAFI", ["07.431.01.03"]),  # twice the same commune: once
        ("TETOUAN\nfes", ["01.571.01.11", "03.231.01.0"]),
        ("وزان", ["01.405.01.09"]),  # a name that starts with و is not cut
    ],
)
def test_names_in_a_list_match_communes_by_folded_name(index, text, codes):
    communes, unmatched = migration.match_text(text, index)
    assert names(communes) == codes
    assert unmatched == []


def test_unknown_names_are_kept_as_typed(index):
    communes, unmatched = migration.match_text("Tanger, Atlantis, quartier Hay Nahda", index)
    assert names(communes) == ["01.511.01.0"]
    assert unmatched == ["Atlantis", "quartier Hay Nahda"]


def test_a_name_of_several_communes_is_settled_by_the_target_province_or_left_unmatched(index):
    twins = list(Commune.objects.filter(name_fr="Ajdir").select_related("province__region"))
    assert len(twins) == 2
    communes, unmatched = migration.match_text("Ajdir", index)
    assert (communes, unmatched) == ([], ["Ajdir"])
    communes, unmatched = migration.match_text("Ajdir", index, provinces=[twins[1].province_id])
    assert (communes, unmatched) == ([twins[1]], [])
    communes, _ = migration.match_text("Ajdir", index, regions=[twins[0].province.region.code])
    assert communes == [twins[0]]

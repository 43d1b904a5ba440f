"""How alike two organisation names are (``organizations.matching``): spellings of one name score
at or above ``FUZZY_THRESHOLD``; names of a region's organisations that differ in one word
(the town, femmes/jeunes, Organisation/Association) score below it."""

import pytest

from organizations.matching import FUZZY_THRESHOLD, similarity


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("AMDH", "Association marocaine des droits humains"),
        ("Association Marocaine des Droits Humains (AMDH)", "Association marocaine des droits humains"),
        ("Espace Associatif", "L'Espace Associatif"),
        ("Association Al Amal pour le développement", "Association Amal pour le developpement"),
        ("Réseau des jeunes de Tanger pour la participation", "Reseau jeunes Tanger participation"),
        ("شبكة شباب الحسيمة للمشاركة", "شبكة شباب الحسيمه للمشاركه"),
    ],
)
def test_spellings_of_one_name_reach_the_threshold(a, b):
    assert similarity(a, b) >= FUZZY_THRESHOLD


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Association marocaine des droits humains", "Organisation marocaine des droits humains"),
        ("AMDH", "Organisation marocaine des droits humains"),
        (
            "Association Meknès pour le développement et la citoyenneté",
            "Association Fès pour le développement et la citoyenneté",
        ),
        (
            "Association des femmes de Tétouan pour l'initiative",
            "Association des jeunes de Tétouan pour l'initiative",
        ),
        ("جمعية مكناس للتنمية والمواطنة", "جمعية فاس للتنمية والمواطنة"),
        ("Association Amal", "Association Amal Tiznit"),
        ("Espace Associatif", "Espace Citoyen"),
    ],
)
def test_two_organisations_of_a_region_stay_below_it(a, b):
    assert similarity(a, b) < FUZZY_THRESHOLD


def test_names_in_two_scripts_are_left_to_aliases():
    assert similarity("Espace Associatif", "الفضاء الجمعوي") < 20

"""One search key (issue #16): a table of query/record pairs across Arabic and French (hamza,
tā' marbūṭa, alif maqṣūra, tashkīl, tatwīl, accents, case, Arabic-Indic and Persian digits,
punctuation, transliteration) found the same way by the model's ``search``, the admin list, the
admin autocompletes and the public lists, on SQLite and PostgreSQL."""

import pytest
from django.urls import reverse

from organizations.models import Organization, OrganizationAlias, Person
from regions.models import Province, Region
from tests.factories import (
    CommitmentFactory,
    MonitoringCommitteeFactory,
    OrganizationFactory,
    PersonFactory,
    RecommendationFactory,
    WorkshopFactory,
)
from workshops.models import Commitment, MonitoringCommittee, Recommendation, Workshop

pytestmark = pytest.mark.django_db

# (kind, stored text, query). The kinds name a factory below; "region" and "province" are the
# reference data loaded by the migrations, found by their French name.
PAIRS = [
    ("person", "أحمد", "احمد"),  # hamza on alif, the example
    ("person", "احمد", "أحمد"),
    ("person", "فاطمة", "فاطمه"),  # tā' marbūṭa
    ("person", "إيمان", "ايمان"),  # hamza under alif
    ("person", "مُحَمَّد", "محمد"),  # tashkīl
    ("person", "عــلي", "علي"),  # tatwīl
    ("person", "مصطفى", "مصطفي"),  # alif maqṣūra
    ("person", "عائشة", "عايشه"),  # hamza on yā'
    ("person", "مؤمن", "مومن"),  # hamza on wāw
    ("person", "آمنة", "امنه"),  # madda
    ("person", "Hélène", "helene"),  # accents, the example
    ("person", "HÉLÈNE", "Hélène"),  # case
    ("person", "Zoé Lefèvre", "zoe LEFEVRE"),
    ("person", "Mohamed", "محمد"),  # transliteration, Latin record
    ("person", "محمد", "Mhamed"),  # transliteration, Arabic record
    ("person", "يوسف", "Youssef"),
    ("person", "Fatima", "فاطمة"),
    ("organization", "Association Aït Baha", "ait baha"),
    ("organization", "جمعية الأمل", "جمعيه الامل"),
    ("organization", "Réseau ٢٠٣٠", "reseau 2030"),  # Arabic-Indic digits
    ("workshop", "Atelier sur la démocratie participative", "democratie"),  # the example
    ("workshop", "الديموقراطية التشاركية", "الديموقراطيه"),
    ("workshop", "Démocratie locale", "الديموقراطية"),  # the example, across scripts
    ("workshop", "Rencontre de ۲۰۲۴", "2024"),  # Persian digits
    ("workshop", "Santé publique à Errachidia", "sante ERRACHIDIA"),
    ("person", "François", "francois"),
    ("recommendation", "Renforcer la participation des femmes à l'élaboration", "ELABORATION"),
    ("recommendation", "إشراك الشباب في التخطيط", "اشراك"),
    ("recommendation", "Créer un comité régional", "comite regional"),
    ("commitment", "Publier le budget-citoyen", "budget citoyen"),  # punctuation
    ("commitment", "نشر الميزانية", "الميزانيه"),
    ("committee", "Comité de suivi — Béni Mellal", "beni mellal"),
    ("committee", "لجنة تتبع إقليم الحسيمة", "الحسيمه"),
    ("region", "Fès-Meknès", "Fes"),  # the examples
    ("region", "Fès-Meknès", "fes meknes"),
    ("region", "Béni Mellal-Khénifra", "Beni Mellal"),
    ("region", "Tanger-Tétouan-Al Hoceima", "Hoceïma"),
    ("region", "Tanger-Tétouan-Al Hoceima", "الحسيمة"),
    ("region", "Fès-Meknès", "فاس"),
    ("province", "Kénitra", "kenitra"),
    ("province", "Fès", "فاس"),
]

MODELS = {
    "person": Person,
    "organization": Organization,
    "workshop": Workshop,
    "recommendation": Recommendation,
    "commitment": Commitment,
    "committee": MonitoringCommittee,
    "region": Region,
    "province": Province,
}

# The autocomplete that offers each kind: (app, model, field) of a form field that uses it.
AUTOCOMPLETES = {
    "person": ("workshops", "participation", "person"),
    "organization": ("organizations", "person", "organization"),
    "workshop": ("workshops", "participation", "workshop"),
    "recommendation": ("workshops", "commitment", "recommendation"),
    "commitment": ("workshops", "followup", "commitment"),
    "committee": ("workshops", "committeemeeting", "committee"),
    "region": ("organizations", "organization", "region"),
    "province": ("organizations", "organization", "province"),
}

# The public list with a search box of each kind.
PUBLIC_LISTS = {
    "workshop": "workshops:list",
    "recommendation": "workshops:recommendations",
    "commitment": "workshops:commitments",
}


def make(kind, text):
    """The record of ``kind`` holding ``text``, with a decoy of the same kind beside it."""
    makers = {
        "person": lambda value: PersonFactory(first_name=value, last_name="Test"),
        "organization": lambda value: OrganizationFactory(name=value),
        "workshop": lambda value: WorkshopFactory(title=value),
        "recommendation": lambda value: RecommendationFactory(text=value),
        "commitment": lambda value: CommitmentFactory(title=value),
        "committee": lambda value: MonitoringCommitteeFactory(name=value),
        "region": lambda value: Region.objects.get(name_fr=value),
        "province": lambda value: Province.objects.get(name_fr=value),
    }
    if kind not in {"region", "province"}:
        makers[kind]("Zz decoy")
    return makers[kind](text)


def test_the_table_covers_thirty_pairs_in_both_scripts():
    arabic = [pair for pair in PAIRS if any("\u0600" <= ch <= "\u06ff" for ch in pair[1] + pair[2])]
    assert len(PAIRS) >= 30 and len(arabic) >= 15 and len(PAIRS) - len(arabic) >= 15


@pytest.mark.parametrize(("kind", "stored", "query"), PAIRS)
def test_model_search_finds_the_record(kind, stored, query):
    record = make(kind, stored)
    found = list(MODELS[kind].objects.search(query))
    assert record in found
    assert all(str(obj) != "Zz decoy" for obj in found)


@pytest.mark.parametrize(("kind", "stored", "query"), PAIRS)
def test_admin_list_finds_the_record(admin_client, kind, stored, query):
    record = make(kind, stored)
    meta = MODELS[kind]._meta
    response = admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"), {"q": query})
    assert response.status_code == 200
    assert record in list(response.context["cl"].result_list)


@pytest.mark.parametrize(("kind", "stored", "query"), PAIRS)
def test_autocomplete_finds_the_record(admin_client, kind, stored, query):
    record = make(kind, stored)
    app, model, field = AUTOCOMPLETES[kind]
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": app, "model_name": model, "field_name": field, "term": query},
    )
    assert response.status_code == 200
    assert str(record.pk) in [result["id"] for result in response.json()["results"]]


@pytest.mark.parametrize(("kind", "stored", "query"), [pair for pair in PAIRS if pair[0] in PUBLIC_LISTS])
def test_public_list_finds_the_record(client, kind, stored, query):
    record = make(kind, stored)
    response = client.get(reverse(PUBLIC_LISTS[kind]), {"q": query})
    assert response.status_code == 200
    assert record in list(response.context["object_list"])
    assert "Zz decoy" not in response.content.decode()


@pytest.mark.parametrize(
    ("stored", "query"),
    [("Hélène", "omar"), ("فاطمة", "خديجة"), ("Mohamed", "Khadija"), ("أحمد", "Ahmed Tazi")],
)
def test_search_does_not_find_another_name(stored, query):
    make("person", stored)
    assert not Person.objects.search(query).exists()


def test_a_commitment_is_found_by_its_recommendation_in_the_public_list(client):
    commitment = CommitmentFactory(recommendation=RecommendationFactory(text="Éducation des filles rurales"))
    response = client.get(reverse("workshops:commitments"), {"q": "education"})
    assert list(response.context["object_list"]) == [commitment]


def test_an_organisation_is_found_by_its_other_name_and_no_longer_once_it_is_removed():
    organization = OrganizationFactory(name="Espace Associatif")
    alias = OrganizationAlias.objects.create(organization=organization, name="الفضاء الجمعوي")
    assert list(Organization.objects.search("الفضاء الجمعوى")) == [organization]
    alias.delete()
    assert not Organization.objects.search("الفضاء").exists()

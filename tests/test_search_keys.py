"""The stored search keys follow every write (save, bulk writes, queryset updates, aliases,
merges, erasure), are rebuilt by ``rebuild_search_keys``, and the fold that feeds them folds
digits while the erasure digests of names keep the frozen fold."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from organizations.merging import merge
from organizations.models import ErasureRecord, Organization, OrganizationAlias, Person
from organizations.privacy import ErasedPeople, erase_person, identity_digests, keyed_digest
from regions.models import PlaceAlias, Region
from regions.names import digest_name_key, fold, fold_v1, name_key
from regions.search import source_fields
from tests.factories import OrganizationFactory, PersonFactory, WorkshopFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def test_fold_turns_arabic_indic_and_persian_digits_into_western_ones():
    assert fold("الدورة ٢٠٢٤") == fold("الدورة ۲۰۲۴") == "الدوره 2024"
    assert fold_v1("٢٠٢٤") == "٢٠٢٤"  # the frozen fold of erasure digests


def test_the_name_digest_of_an_erased_person_is_computed_as_before_the_digit_fold():
    """A digest stored before digits were folded ("علي ٣", as the old name_key gave it) still
    matches a sheet row with the same spelling, and the importer's name key folds the digit."""
    assert digest_name_key("علي", "٣") == "علي ٣"
    assert name_key("علي", "٣") == "3 علي"
    old = keyed_digest("name", "علي ٣")
    assert identity_digests("", "", "علي", "٣")["name_hash"] == old
    record = ErasureRecord.objects.create(person_ref=1, erased_at="2026-01-01T00:00Z", name_hash=old)
    digests = identity_digests("", "", "علي", "٣")
    assert ErasedPeople([digests]).match(digests) == (record, False)


def test_save_fills_the_keys_even_with_update_fields():
    person = PersonFactory(first_name="Hélène", last_name="أحمد")
    assert person.search_key == "helene | احمد"
    assert person.translit_key == " hln ahmd "
    person.first_name = "Khadija"
    person.save(update_fields=["first_name"])
    person.refresh_from_db()
    assert person.search_key == "khadija | احمد"


def test_bulk_create_and_bulk_update_fill_the_keys():
    (person,) = Person.objects.bulk_create([Person(first_name="فاطمة", last_name="Zoé")])
    assert Person.objects.search("فاطمه zoe").get().pk == person.pk
    person.first_name = "Khadija"
    Person.objects.bulk_update([person], ["first_name"])
    assert list(Person.objects.search("khadija")) == [person]
    assert not Person.objects.search("فاطمه").exists()


def test_queryset_update_of_a_feeding_field_rebuilds_the_keys_of_those_rows():
    workshop = WorkshopFactory(title="Atelier")
    other = WorkshopFactory(title="Forum")
    assert Workshop.objects.filter(pk=workshop.pk).update(title="Démocratie locale") == 1
    assert list(Workshop.objects.search("democratie")) == [workshop]
    other.refresh_from_db()
    assert other.search_key.startswith("forum")


def test_organisation_aliases_feed_its_key_on_save_bulk_create_and_delete():
    organization = OrganizationFactory(name="Espace Associatif")
    OrganizationAlias.objects.bulk_create(
        [OrganizationAlias(organization=organization, name="Fadaa", key="fadaa")]
    )
    assert list(Organization.objects.search("fadaa")) == [organization]
    OrganizationAlias.objects.filter(organization=organization).delete()
    assert not Organization.objects.search("fadaa").exists()


def test_a_merged_organisation_is_found_by_its_old_name():
    keep, other = OrganizationFactory(name="Association Amal"), OrganizationFactory(name="جمعية الأمل")
    merge(keep, [other])
    assert list(Organization.objects.search("جمعيه الامل")) == [keep]


def test_an_erased_person_is_no_longer_found_by_name():
    person = PersonFactory(first_name="فاطمة", last_name="Bennani")
    erase_person(person, write_log=False)
    assert not Person.objects.search("فاطمه").exists()
    assert not Person.objects.search("Fatima").exists()


def test_a_place_alias_finds_its_region_until_it_is_removed():
    region = Region.objects.get(code="01")
    PlaceAlias.objects.remember(region, ["Région du Nord"], source="test")
    assert list(Region.objects.search("region du nord")) == [region]
    PlaceAlias.objects.filter(alias="Région du Nord").delete()
    assert not Region.objects.search("region du nord").exists()


def test_per_language_versions_of_a_declared_field_feed_the_key():
    """django-modeltranslation adds ``title_ar``… to Workshop: they would feed its key. Checked on
    Region, whose ``name`` has such versions (name_fr, name_ar, name_en) without a ``name`` field."""

    class Probe:
        search_key_fields = ("name", "code")
        _meta = Region._meta

    assert source_fields(Probe) == ("name", "name_ar", "name_fr", "name_en", "code")


def test_rebuild_search_keys_recomputes_every_key():
    person = PersonFactory(first_name="Mohamed", last_name="Tazi")
    organization = OrganizationFactory(name="Réseau ٢٠٣٠")
    Person.objects.filter(pk=person.pk).update(search_key="stale", translit_key="")
    # A matching key stored by the old fold (Arabic-Indic digits kept).
    Organization.objects.filter(pk=organization.pk).update(name_key="reseau ٢٠٣٠")
    call_command("rebuild_search_keys")
    assert list(Person.objects.search("محمد")) == [person]
    organization.refresh_from_db()
    assert organization.name_key == "reseau 2030"
    assert Organization.objects.find_by_name("Réseau 2030") == organization


@pytest.mark.parametrize("count", [1, 3])
def test_searched_workshop_list_queries_do_not_grow(admin_client, django_assert_num_queries, count):
    for n in range(count):
        WorkshopFactory(title=f"Démocratie {n}")
    with django_assert_num_queries(10):
        response = admin_client.get(reverse("admin:workshops_workshop_changelist"), {"q": "الديموقراطية"})
    assert len(response.context["cl"].result_list) == count


@pytest.mark.parametrize("count", [1, 3])
def test_searched_people_list_queries_do_not_grow(admin_client, django_assert_num_queries, count):
    for _ in range(count):
        PersonFactory(first_name="أحمد")
    with django_assert_num_queries(6):
        response = admin_client.get(reverse("admin:organizations_person_changelist"), {"q": "Ahmed"})
    assert len(response.context["cl"].result_list) == count


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only")
@pytest.mark.parametrize(
    "table", ["organizations_person", "organizations_organization", "workshops_workshop"]
)
def test_search_reads_the_trigram_indexes(table):
    """With sequential scans off, PostgreSQL answers a key search from the pg_trgm indexes."""
    model = {"organizations_person": Person, "organizations_organization": Organization}.get(table, Workshop)
    # Unordered: the people's default order could be served by their name index instead.
    sql, params = model.objects.search("محمد").order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"{table}_search_key_trgm" in plan and f"{table}_translit_key_trgm" in plan

"""The public registration form: what it records, who is who, what the visitor is shown."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from organizations.models import OrganizationAlias, Person
from organizations.privacy import erase_person
from regions.models import Commune
from registrations.consent import CONSENT_VERSION
from registrations.models import Registration
from tests.factories import (
    OrganizationFactory,
    ParticipationFactory,
    PersonFactory,
    WorkshopFactory,
    province,
)
from workshops.models import Participation

pytestmark = pytest.mark.django_db


def form_url(workshop, lang="fr"):
    with translation.override(lang):
        return reverse("registrations:register", kwargs={"slug": workshop.slug})


def answers(**changes):
    data = {
        "first_name": "Fatima Zahra",
        "last_name": "El Idrissi",
        "gender": "female",
        "age_band": "25_34",
        "region": "",
        "province": "",
        "commune": "",
        "organization": "",
        "position": "Trésorière",
        "phone": "06 61 23 45 67",
        "email": "",
        "consent": "on",
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def submit(workshop, lang="fr", client=None, **changes):
    """Post the form from ``client`` (a new visitor by default); returns (client, response)."""
    client = client or Client()
    response = client.post(form_url(workshop, lang), answers(**changes))
    return client, response


def shown_token(client, workshop, lang="fr"):
    """The 32-character code the confirmation page shows (its groups of 4 joined)."""
    with translation.override(lang):
        page = client.get(reverse("registrations:done", kwargs={"slug": workshop.slug}))
    assert page.status_code == 200
    return page, "".join(page.context["code_groups"])


def test_form_page_in_arabic_is_right_to_left_with_the_consent_information(open_workshop):
    response = Client().get(form_url(open_workshop, "ar"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert "Association Tanmia Souss" in html
    assert "D-GC-123/2026" in html
    assert "contact@tanmia.ma" in html
    assert "09-08" in html
    # The consent box is not ticked in advance.
    assert 'name="consent"' in html and "checked" not in html.split('name="consent"')[1].split(">")[0]


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_form_and_confirmation_are_never_cached_nor_indexed(open_workshop, lang):
    client = Client()
    form = client.get(form_url(open_workshop, lang))
    _client, posted = submit(open_workshop, lang, client=client)
    done, _token = shown_token(client, open_workshop, lang)
    for response in (form, posted, done):
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_workshop_not_open_to_registration_is_not_found(open_workshop):
    open_workshop.registration_open = False
    open_workshop.save()
    assert Client().get(form_url(open_workshop)).status_code == 404
    assert Client().post(form_url(open_workshop), answers()).status_code == 404
    assert Person.objects.count() == 0


def test_registration_records_the_person_the_participation_and_the_consent_shown(open_workshop):
    client, response = submit(open_workshop, "ar", email="Fatima.Idrissi@Example.MA")
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.first_name, person.last_name, person.gender) == ("Fatima Zahra", "El Idrissi", "female")
    assert (person.phone, person.email, person.age_band) == (
        "+212661234567",
        "fatima.idrissi@example.ma",
        "25_34",
    )
    assert person.consent_given is True
    assert person.consent_date == timezone.localdate()
    participation = Participation.objects.get()
    assert participation.status == Participation.Status.REGISTERED
    assert participation.position == "Trésorière"
    registration = Registration.objects.get()
    assert registration.participation == participation
    assert registration.language == "ar"
    assert registration.consent_version == CONSENT_VERSION
    assert "D-GC-123/2026" in registration.consent_text
    assert "Association Tanmia Souss" in registration.consent_text
    page, token = shown_token(client, open_workshop, "ar")
    assert token == participation.pass_token
    html = page.content.decode()
    assert "<svg" in html and 'class="qr-code"' in html
    assert "Fatima Zahra El Idrissi" in html
    # Nothing stored beyond what was typed: not even the phone as normalised.
    assert "+212661234567" not in html and "06 61 23 45 67" not in html


def test_same_phone_typed_otherwise_is_one_person_and_one_participation_and_the_code_is_not_shown_again(
    open_workshop,
):
    first, _response = submit(open_workshop, "en", phone="0661234567")
    _page, first_token = shown_token(first, open_workshop, "en")
    # The same person types the same number another way, and their name in Arabic script.
    second, response = submit(
        open_workshop, "en", phone="+212 6 61 23 45 67", first_name="فاطمة الزهراء", last_name="الإدريسي"
    )
    assert response.status_code == 302
    page, second_token = shown_token(second, open_workshop, "en")
    assert Person.objects.count() == 1
    assert Participation.objects.count() == 1
    assert Person.objects.get().first_name == "Fatima Zahra"
    assert second_token != first_token
    assert first_token not in page.content.decode()
    # The same page as any registration: nothing says the phone was known.
    assert page.templates[0].name == "registrations/done.html"
    assert "only the code you received the first time works" in page.content.decode()


def test_a_stranger_typing_a_saved_persons_phone_is_recorded_as_themselves_without_it(open_workshop):
    known = PersonFactory(
        first_name="Amina", last_name="Benali", phone="+212661234567", consent_given=False, consent_date=None
    )
    client, response = submit(
        open_workshop, "en", first_name="Karim", last_name="Tazi", email="k@example.org"
    )
    assert response.status_code == 302
    page, token = shown_token(client, open_workshop, "en")
    known.refresh_from_db()
    # The saved person is not enrolled, and nobody consented in their name.
    assert not open_workshop.participations.filter(person=known).exists()
    assert (known.consent_given, known.consent_date, known.first_name) == (False, None, "Amina")
    stranger = open_workshop.participations.get().person
    assert (stranger.first_name, stranger.phone, stranger.email) == ("Karim", "", "k@example.org")
    assert open_workshop.participations.get().pass_token == token
    # The page is the one every registration gets: it does not say the phone was known.
    assert "only the code you received the first time works" in page.content.decode()
    # Amina herself can still register, and gets a working code.
    amina, _response = submit(open_workshop, "en", first_name="Aminah", last_name="Ben Ali")
    _page, her_token = shown_token(amina, open_workshop, "en")
    assert open_workshop.participations.get(person=known).pass_token == her_token


def test_a_stranger_typing_a_saved_persons_email_keeps_their_own_phone_only(open_workshop):
    PersonFactory(first_name="Amina", last_name="Benali", phone="", email="amina@example.org")
    submit(open_workshop, first_name="Omar", last_name="Tazi", phone="0662000000", email="amina@example.org")
    stranger = open_workshop.participations.get().person
    assert (stranger.first_name, stranger.phone, stranger.email) == ("Omar", "+212662000000", "")


@pytest.mark.parametrize(
    ("saved", "typed", "same"),
    [
        (("Amina", "Benali"), ("Aminah", "Ben Ali"), True),
        (("Mohamed", "El Alaoui"), ("محمد", "العلوي"), True),
        (("Salma", "Idrissi"), ("IDRISSI", "Salma"), True),
        (("Fatima Zahra", "El Idrissi"), ("Fatimazahra", "Idrissi"), True),
        (("Salma", ""), ("Salma", "Idrissi"), True),
        (("", ""), ("Karim", "Tazi"), True),
        (("Ahmed", "Tazi"), ("Omar", "Tazi"), False),
        (("Hassan", "Berrada"), ("Hicham", "Berrada"), False),
        (("Amina", "Benali"), ("Fatima", "Benali"), False),
        (("Salma", ""), ("Karim", "Tazi"), False),
    ],
)
def test_a_typed_name_is_a_saved_persons_whatever_the_script_order_or_spelling(saved, typed, same):
    from registrations.rules import Applicant, same_name

    person = Person(first_name=saved[0], last_name=saved[1])
    assert same_name(person, Applicant(first_name=typed[0], last_name=typed[1], gender="female")) is same


def test_same_email_is_the_same_person(open_workshop):
    submit(open_workshop, phone="", email="amina@example.org")
    submit(open_workshop, phone="", email="AMINA@example.org ")
    assert Person.objects.count() == 1
    assert Participation.objects.count() == 1


def test_a_person_known_from_another_workshop_is_matched_and_only_their_blanks_filled(open_workshop):
    known = PersonFactory(first_name="Amina", last_name="Benali", phone="+212661234567", age_band="")
    ParticipationFactory(person=known)
    _client, response = submit(open_workshop, first_name="Aminah", last_name="Ben Ali")
    assert response.status_code == 302
    known.refresh_from_db()
    assert (known.first_name, known.last_name) == ("Amina", "Benali")
    assert known.age_band == "25_34"
    assert known.consent_given is True
    assert Person.objects.count() == 1
    assert open_workshop.participations.get().person == known


def test_an_erased_persons_phone_does_not_come_back(open_workshop):
    person = PersonFactory(phone="+212661234567", email="")
    erase_person(person, write_log=False)
    client, response = submit(open_workshop)
    assert response.status_code == 302
    _page, token = shown_token(client, open_workshop)
    assert len(token) == 32
    assert Person.objects.count() == 1
    assert Person.objects.get().phone == ""
    assert not Participation.objects.exists()
    assert not Registration.objects.exists()


def test_the_typed_organisation_is_matched_by_folded_name_or_alias_else_kept_as_typed(open_workshop):
    espace = OrganizationFactory(name="Espace Associatif")
    OrganizationAlias.objects.create(organization=espace, name="الفضاء الجمعوي")
    submit(open_workshop, phone="0661000001", organization="ESPACE  associatif")
    submit(open_workshop, phone="0661000002", organization="الفضاء الجمعوى")
    submit(open_workshop, phone="0661000003", organization="Jamعiyat Al Amal")
    submit(open_workshop, phone="0661000004", organization="جمعية")
    by_phone = {p.person.phone: p for p in Participation.objects.select_related("person", "registration")}
    assert by_phone["+212661000001"].organization == espace
    assert by_phone["+212661000002"].organization == espace
    assert by_phone["+212661000001"].registration.organization_name == ""
    assert by_phone["+212661000003"].organization is None
    assert by_phone["+212661000003"].registration.organization_name == "Jamعiyat Al Amal"
    assert by_phone["+212661000004"].organization is None
    assert by_phone["+212661000004"].registration.organization_name == "جمعية"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"phone": "", "email": ""}, "phone", "Give a phone number or an e-mail address"),
        ({"phone": "12"}, "phone", "Enter a valid phone number"),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"consent": None}, "consent", "Tick the box to agree"),
        ({"first_name": "   "}, "first_name", "This field is required."),
        ({"gender": "other"}, "gender", "Select a valid choice."),
        ({"first_name": "ف" * 101}, "first_name", "at most 100 characters"),
    ],
)
def test_bad_answers_name_the_field_and_save_nothing(open_workshop, changes, field, message):
    _client, response = submit(open_workshop, "en", **changes)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Person.objects.exists()
    assert not Participation.objects.exists()


def test_the_hidden_field_filled_in_by_a_robot_saves_nothing(open_workshop):
    _client, response = submit(open_workshop, "en", website="http://spam.example")
    assert response.status_code == 400
    assert "could not be recorded" in response.content.decode()
    assert not Person.objects.exists()


def test_too_many_submissions_from_one_address_are_refused(open_workshop, settings):
    settings.REGISTRATION_RATE_LIMIT = 2
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert submit(open_workshop, "en", client=client, phone="0661000001")[1].status_code == 302
    assert submit(open_workshop, "en", client=client, phone="0661000002")[1].status_code == 302
    response = submit(open_workshop, "en", client=client, phone="0661000003")[1]
    assert response.status_code == 429
    assert "Too many registrations" in response.content.decode()
    assert Participation.objects.count() == 2
    # Another address is not held back.
    assert submit(open_workshop, "en", client=Client(REMOTE_ADDR="198.51.100.7"))[1].status_code == 302


def test_registration_closes_at_its_closing_time(open_workshop):
    open_workshop.registration_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    open_workshop.save()
    response = Client().get(form_url(open_workshop, "en"))
    assert "Registration for this workshop is closed." in response.content.decode()
    _client, posted = submit(open_workshop, "en")
    assert posted.status_code == 200
    assert "closed" in posted.content.decode()
    assert not Participation.objects.exists()


def test_without_a_closing_time_registration_closes_after_the_first_day(open_workshop):
    open_workshop.start_date = timezone.localdate() - datetime.timedelta(days=1)
    open_workshop.end_date = timezone.localdate() + datetime.timedelta(days=1)
    open_workshop.save()
    assert "closed" in Client().get(form_url(open_workshop, "en")).content.decode()


def test_capacity_counts_every_place_taken_except_refused_and_cancelled(open_workshop):
    open_workshop.registration_capacity = 2
    open_workshop.save()
    ParticipationFactory(workshop=open_workshop, status=Participation.Status.REFUSED)
    ParticipationFactory(workshop=open_workshop, status=Participation.Status.CANCELLED)
    ParticipationFactory(workshop=open_workshop, status=Participation.Status.REGISTERED)
    assert submit(open_workshop, "en", phone="0661000001")[1].status_code == 302
    _client, response = submit(open_workshop, "en", phone="0661000002")
    assert "This workshop is full" in response.content.decode()
    assert open_workshop.participations.count() == 4


def test_registration_cannot_open_without_the_organisers_cndp_declaration():
    workshop = WorkshopFactory.build(
        organizer=OrganizationFactory(cndp_declaration=""), registration_open=True
    )
    with pytest.raises(ValidationError) as raised:
        workshop.clean()
    assert "CNDP declaration number" in str(raised.value.message_dict["registration_open"])


def test_an_organiser_without_a_cndp_declaration_takes_no_registration(open_workshop):
    open_workshop.organizer.cndp_declaration = ""
    open_workshop.organizer.save()
    response = Client().get(form_url(open_workshop, "en"))
    assert "does not take registrations" in response.content.decode()


def test_communes_of_a_province_are_listed_and_a_commune_elsewhere_is_refused(open_workshop):
    """The communes loaded from HCP's list (regions 0009): those of the province chosen, by
    their name in the page's language; the one chosen is recorded as the person's commune."""
    rabat, fes = province("421"), province("141")
    rabat_communes = Commune.objects.filter(province=rabat).order_by("name_fr")
    agdal = rabat_communes.first()
    saiss = Commune.objects.filter(province=fes).first()
    with translation.override("ar"):
        url = reverse("registrations:communes", kwargs={"province": rabat.pk})
    listed = Client().get(url).json()["communes"]
    assert sorted(pk for pk, _name in listed) == sorted(c.pk for c in rabat_communes)
    assert [agdal.pk, agdal.name_ar] in listed
    _client, bad = submit(open_workshop, "en", province=str(rabat.pk), commune=str(saiss.pk))
    assert bad.status_code == 400
    assert "commune" in bad.context["form"].errors
    _client, good = submit(open_workshop, "ar", province=str(rabat.pk), commune=str(agdal.pk))
    assert good.status_code == 302
    person = Person.objects.get()
    assert (person.region, person.commune, person.city) == (rabat.region, agdal, agdal.name_ar)


def test_a_province_outside_the_region_chosen_is_refused(open_workshop):
    rabat = province("421")
    other_region = type(rabat.region).objects.exclude(pk=rabat.region_id).first()
    _client, response = submit(open_workshop, "en", region=str(other_region.pk), province=str(rabat.pk))
    assert response.status_code == 400
    assert "not in the region chosen" in response.context["form"].errors["province"][0]


def test_with_the_page_cache_on_no_registration_page_is_stored(open_workshop, settings, tmp_path):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        },
    }
    settings.CACHE_MIDDLEWARE_SECONDS = 60
    first, second = Client(), Client()
    form_a = first.get(form_url(open_workshop, "ar")).content
    form_b = second.get(form_url(open_workshop, "ar")).content
    # Each visitor's form carries its own CSRF token: neither was served from the cache.
    assert form_a != form_b
    submit(open_workshop, "ar", client=first)
    _page, token = shown_token(first, open_workshop, "ar")
    with translation.override("ar"):
        done = reverse("registrations:done", kwargs={"slug": open_workshop.slug})
    stranger = second.get(done)
    assert stranger.status_code == 302
    assert token.encode() not in stranger.content
    # The folder holds only the page cache's generations (config.pagecache), no page.
    assert [value for value in _stored_values(tmp_path) if not isinstance(value, str)] == []


def _stored_values(folder):
    """Values in a FileBasedCache folder: each file is a pickled expiry, then the zlib-compressed
    pickled value (Django's format)."""
    import pickle
    import zlib

    for path in folder.iterdir():
        with path.open("rb") as file:
            pickle.load(file)
            yield pickle.loads(zlib.decompress(file.read()))


def test_the_form_sent_twice_from_one_browser_keeps_the_code_it_received_first(open_workshop):
    client, _response = submit(open_workshop, "en")
    _page, first = shown_token(client, open_workshop, "en")
    submit(open_workshop, "en", client=client)
    _page, again = shown_token(client, open_workshop, "en")
    assert again == first == Participation.objects.get().pass_token


def test_the_public_workshop_page_links_to_its_form_while_registration_is_open(open_workshop):
    with translation.override("fr"):
        page = Client().get(open_workshop.get_absolute_url()).content.decode()
    assert f'href="{form_url(open_workshop)}"' in page
    open_workshop.registration_open = False
    open_workshop.save()
    with translation.override("fr"):
        page = Client().get(open_workshop.get_absolute_url()).content.decode()
    assert "/register/" not in page


@pytest.mark.parametrize(
    "junk",
    [
        {"province": "9" * 30, "commune": "9" * 30},
        {"region": "abc", "province": "-1", "commune": "1e3"},
        {"age_band": "999", "gender": ""},
        {"phone": "+" + "9" * 40, "email": "a@" + "b" * 300 + ".ma"},
        {"first_name": "<script>alert(1)</script>", "last_name": "'; DROP TABLE x;--"},
    ],
)
def test_junk_answers_are_refused_in_words_never_a_server_error(open_workshop, junk):
    _client, response = submit(open_workshop, "ar", **junk)
    assert response.status_code in (302, 400)
    assert b"<script>alert(1)</script>" not in response.content

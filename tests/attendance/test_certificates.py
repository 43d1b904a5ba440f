"""Certificates of participation: who gets one, the bilingual PDF, re-issuing, revoking, the
public check page, the staff downloads and the command, and the completion rule they share with
the donors' report."""

import datetime
import getpass
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from attendance import certificates
from attendance.models import Certificate
from organizations.models import ExportLog, Person
from organizations.privacy import erase_person
from tests.conftest import _grant
from tests.factories import (
    AttendanceFactory,
    OrganizationFactory,
    ParticipationFactory,
    PersonFactory,
    WorkshopFactory,
    WorkshopPartnerFactory,
)
from tests.sitemaps import sitemap_xml
from workshops.completion import sessions_required
from workshops.models import Participation

pytestmark = pytest.mark.django_db

BASE_URL = "https://tracker.example.ma"
# The verification address printed under the QR code.
CODE = re.compile(r"/certificates/([0-9a-f]{32})/")


def pdf_pages(data):
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def attend(workshop, person, days, **extra):
    """A participation of ``person`` at ``workshop`` present at sessions ``days`` (1-based)."""
    participation = ParticipationFactory(workshop=workshop, person=person, **extra)
    sessions = list(workshop.sessions.order_by("position"))
    for day in days:
        AttendanceFactory(participation=participation, session=sessions[day - 1])
    return participation


@pytest.fixture
def workshop(three_day_workshop):
    three_day_workshop.title = "Atelier sur la démocratie participative"
    three_day_workshop.venue, three_day_workshop.city = "Dar Si Hmad", "Agadir"
    three_day_workshop.save()
    WorkshopPartnerFactory(
        workshop=three_day_workshop, organization=OrganizationFactory(name="Fondation Atlas")
    )
    return three_day_workshop


@pytest.mark.parametrize(
    ("sessions", "required"), [(0, 1), (1, 1), (2, 2), (3, 2), (4, 3), (5, 4), (6, 4), (10, 7)]
)
def test_completion_rule_asks_two_thirds_of_the_sessions_rounded_up(sessions, required):
    assert sessions_required(sessions) == required


def test_only_those_who_came_to_two_of_three_days_are_eligible(workshop):
    two = attend(workshop, PersonFactory(first_name="نادية", last_name="الفاسي"), [1, 3])
    attend(workshop, PersonFactory(first_name="Omar"), [2])
    attend(workshop, PersonFactory(first_name="Annulée"), [1, 2], status=Participation.Status.CANCELLED)
    attend(workshop, PersonFactory(first_name="Absent"), [1, 2], status=Participation.Status.NO_SHOW)
    erased = attend(workshop, PersonFactory(first_name="Erased"), [1, 2, 3])
    erase_person(erased.person)
    # Marks a check-in phone sent for registrations awaiting approval or refused do not count.
    attend(workshop, PersonFactory(first_name="Pending"), [1, 2], status=Participation.Status.PENDING)
    attend(workshop, PersonFactory(first_name="Refused"), [1, 2], status=Participation.Status.REFUSED)
    assert list(certificates.eligible(workshop)) == [two]


def test_completes_says_for_one_row_what_eligible_says_for_the_workshop(workshop):
    people = [
        attend(workshop, PersonFactory(), days, status=status)
        for days, status in [
            ([1, 3], Participation.Status.ATTENDED),
            ([2], Participation.Status.ATTENDED),
            ([1, 2], Participation.Status.CANCELLED),
            ([1, 2], Participation.Status.PENDING),
            ([1, 2, 3], Participation.Status.REGISTERED),
        ]
    ]
    in_memory = [p for p in people if certificates.completes(p, p.attendances.count(), 3)]
    assert in_memory == sorted(certificates.eligible(workshop), key=people.index) == [people[0], people[4]]


def test_a_workshop_without_sessions_gives_no_certificate():
    ParticipationFactory(workshop=WorkshopFactory())
    assert list(certificates.eligible(WorkshopFactory())) == []


def test_certificate_is_bilingual_and_names_person_workshop_dates_place_partners_and_days(workshop):
    participation = attend(workshop, PersonFactory(first_name="عبد الرحيم", last_name="البقالي"), [1, 3])
    with translation.override("en"):
        pdf, [certificate] = certificates.export_certificates([participation], BASE_URL, username="cli")
    [text] = pdf_pages(pdf)
    for shown in (
        "Attestation de participation",
        "شهادة المشاركة",
        "عبد الرحيم البقالي",  # logical order, as typed
        "Atelier sur la démocratie participative",
        "du 5 mars 2021 au 7 mars 2021",
        "Dar Si Hmad, Agadir",
        "Fondation Atlas",
        workshop.organizer.name,
        "5 mars 2021, 7 mars 2021",
        "2 jours sur 3",
        certificate.code,
        f"{BASE_URL}/certificates/{certificate.code}/",
    ):
        assert shown in text, shown
    assert certificate.facts["days"] == ["2021-03-05", "2021-03-07"]
    assert certificate.facts["partners"] == ["Fondation Atlas"]


def test_issuing_again_reuses_the_code_unless_revoked(workshop):
    participation = attend(workshop, PersonFactory(), [1, 2])
    [first] = certificates.issue([participation], username="a")
    AttendanceFactory(participation=participation, session=workshop.sessions.get(position=3))
    [again] = certificates.issue([participation], username="b")
    assert again.code == first.code and Certificate.objects.count() == 1
    assert again.facts["days"] == ["2021-03-05", "2021-03-06", "2021-03-07"]
    Certificate.objects.update(revoked_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    [new] = certificates.issue([participation], username="c")
    assert new.code != first.code and re.fullmatch(r"[0-9a-f]{32}", new.code)
    assert Certificate.objects.valid().get() == new


def test_erasing_a_person_revokes_their_certificate_and_blanks_its_name(workshop, client):
    participation = attend(workshop, PersonFactory(first_name="Yasmine", last_name="Tazi"), [1, 2])
    [certificate] = certificates.issue([participation])
    erase_person(participation.person)
    certificate.refresh_from_db()
    assert certificate.is_revoked and "Tazi" not in str(certificate.facts)
    assert client.get(reverse("attendance:verify", args=[certificate.code])).status_code == 404


# The public check page -----------------------------------------------------------------------


@pytest.fixture
def issued(workshop):
    participation = attend(workshop, PersonFactory(first_name="Zineb", last_name="El Amrani"), [1, 2])
    attend(workshop, PersonFactory(first_name="Autre", last_name="Personne"), [1, 2])
    [certificate] = certificates.issue([participation])
    return certificate


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_check_page_says_genuine_and_shows_only_what_the_certificate_shows(client, issued, language):
    response = client.get(f"/{language}/certificates/{issued.code}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Zineb El Amrani" in page and "Atelier sur la démocratie participative" in page
    assert "Fondation Atlas" in page
    for private in ("Personne", issued.participation.person.phone, issued.participation.person.email):
        assert private not in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert f'dir="{"rtl" if language == "ar" else "ltr"}"' in page


def test_unprefixed_address_of_the_qr_code_leads_to_the_page_in_the_visitors_language(client, issued):
    response = client.get(f"/certificates/{issued.code}/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 302 and response["Location"] == f"/ar/certificates/{issued.code}/"


@pytest.mark.parametrize(
    "code",
    [
        "0" * 32,  # well formed, unknown
        "ZZZ",
        "0" * 33,
        "%2E%2E",
        "'; DROP TABLE attendance_certificate; --",
        "شهادة",
        "A" * 32,
        "0" * 5000,
    ],
)
def test_unknown_or_malformed_code_is_a_plain_not_found(client, issued, code):
    response = client.get(f"/fr/certificates/{code}/")
    assert response.status_code == 404
    assert "Zineb" not in response.content.decode()


def test_uppercase_code_is_not_found_either(client, issued):
    assert client.get(f"/fr/certificates/{issued.code.upper()}/").status_code == 404


def test_revoked_certificate_says_so_and_shows_nothing_else(client, issued):
    issued.revoked_at = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)
    issued.save()
    page = client.get(f"/fr/certificates/{issued.code}/").content.decode()
    assert "révoquée le 1 juin 2026" in page
    assert "Zineb" not in page and "démocratie participative" not in page


@pytest.mark.parametrize(
    "correction",
    ["cancelled", "refused", "no_show", "attendance"],
)
def test_a_certificate_whose_participation_was_corrected_since_no_longer_holds(client, issued, correction):
    participation = issued.participation
    if correction == "attendance":
        participation.attendances.order_by("session__position").first().delete()
    else:
        participation.status = correction
        participation.save()
    page = client.get(f"/fr/certificates/{issued.code}/").content.decode()
    assert "ne tient plus" in page
    assert "Zineb" not in page and "authentique" not in page


def test_a_certificate_still_holds_after_a_change_that_keeps_the_rule(client, issued):
    participation = issued.participation
    participation.role = "speaker"
    participation.save()
    page = client.get(f"/fr/certificates/{issued.code}/").content.decode()
    assert "Zineb" in page and "ne tient plus" not in page


def test_check_page_is_never_served_from_the_page_cache(client, issued, settings):
    settings.CACHE_MIDDLEWARE_SECONDS = 300
    url = f"/fr/certificates/{issued.code}/"
    assert "Zineb" in client.get(url).content.decode()
    Certificate.objects.update(revoked_at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC))
    assert "Zineb" not in client.get(url).content.decode()


@time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, 5, tzinfo=datetime.UTC), tick=False)
def test_check_page_is_rate_limited_per_address(client, issued, settings):
    settings.CERTIFICATE_CHECKS_PER_MINUTE = 3
    answers = [client.get(f"/fr/certificates/{issued.code}/").status_code for _i in range(3)]
    answers.append(client.get("/fr/certificates/" + "1" * 32 + "/").status_code)
    assert answers == [200, 200, 200, 429]
    other = client.get(f"/fr/certificates/{issued.code}/", REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 1, 5, tzinfo=datetime.UTC), tick=False):
        assert client.get(f"/fr/certificates/{issued.code}/").status_code == 200  # a minute later


def test_check_page_is_not_in_the_sitemap(client, issued):
    assert "certificates" not in sitemap_xml(client)


# Staff downloads ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_for_certificates(client, issued):
    workshop = issued.participation.workshop
    response = client.get(reverse("admin:workshops_workshop_certificates", args=[workshop.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_staff_without_the_rights_get_no_certificates(client, staff_user, issued):
    _grant(staff_user, "workshops.export_attendance")  # names need view_personal_data too
    client.force_login(staff_user)
    workshop = issued.participation.workshop
    assert client.get(reverse("admin:workshops_workshop_certificates", args=[workshop.pk])).status_code == 403
    assert not ExportLog.objects.exists()


def test_all_certificates_of_a_workshop_as_one_pdf_logged(client, export_user, issued):
    workshop = issued.participation.workshop
    client.force_login(export_user)
    response = client.get(reverse("admin:workshops_workshop_certificates", args=[workshop.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    pages = pdf_pages(response.content)
    assert len(pages) == 2
    assert issued.code in pages[0] + pages[1]  # re-issued with the same code
    assert "http://testserver/certificates/" in pages[0]
    entry = ExportLog.objects.get()
    assert (entry.kind, entry.file_format, entry.row_count, entry.personal_data, entry.user) == (
        "certificates",
        "pdf",
        2,
        True,
        export_user,
    )
    assert Certificate.objects.get(code=issued.code).issued_by == export_user


def test_one_participants_certificate(client, export_user, issued):
    workshop = issued.participation.workshop
    client.force_login(export_user)
    url = reverse("admin:workshops_workshop_certificate", args=[workshop.pk, issued.participation.pk])
    [text] = pdf_pages(client.get(url).content)
    assert "Zineb El Amrani" in text and issued.code in text


def test_a_participant_below_the_rule_gets_a_clear_refusal(client, export_user, workshop):
    participation = attend(workshop, PersonFactory(), [3])
    client.force_login(export_user)
    url = reverse("admin:workshops_workshop_certificate", args=[workshop.pk, participation.pk])
    response = client.get(url)
    assert response.status_code == 409
    assert "attended 2 of the 3 sessions" in response.content.decode()
    assert not ExportLog.objects.exists() and not Certificate.objects.exists()


def test_a_participation_of_another_workshop_is_not_found(client, export_user, issued):
    client.force_login(export_user)
    other = WorkshopFactory()
    url = reverse("admin:workshops_workshop_certificate", args=[other.pk, issued.participation.pk])
    assert client.get(url).status_code == 404


# The command ---------------------------------------------------------------------------------


def test_export_command_writes_certificates_and_logs(issued, tmp_path, settings):
    settings.SITE_URL = "https://suivi.example.ma"
    output = tmp_path / "certificates.pdf"
    call_command(
        "export_attendance",
        issued.participation.workshop.slug,
        "--format",
        "certificates",
        "--output",
        str(output),
    )
    pages = pdf_pages(output.read_bytes())
    assert len(pages) == 2 and f"https://suivi.example.ma/certificates/{issued.code}/" in "".join(pages)
    entry = ExportLog.objects.get()
    assert (entry.kind, entry.channel, entry.username) == ("certificates", "command", getpass.getuser())


def test_export_command_refuses_a_workshop_where_nobody_qualifies(workshop, tmp_path):
    attend(workshop, PersonFactory(), [1])
    with pytest.raises(CommandError, match="completion rule"):
        call_command(
            "export_attendance",
            workshop.slug,
            "--format",
            "certificates",
            "--output",
            str(tmp_path / "c.pdf"),
        )
    assert not ExportLog.objects.exists()


# The example workshop ------------------------------------------------------------------------


def test_example_workshop_gives_50_certificates_with_arabic_names_and_working_codes(
    example, client, tmp_path, settings
):
    settings.CERTIFICATE_CHECKS_PER_MINUTE = 60
    output = tmp_path / "certificates.pdf"
    call_command("export_attendance", example.slug, "--format", "certificates", "--output", str(output))
    pages = pdf_pages(output.read_bytes())
    assert len(pages) == 50
    names = [p.person.full_name for p in example.participations.select_related("person")]
    text = "\n".join(pages)
    for name in names:
        assert name in text, name  # logical order, as stored
    assert "نزهة بناني" in text
    codes = [match.group(1) for page in pages for match in [CODE.search(page)] if match]
    assert len(set(codes)) == 50
    for code in codes:
        page = client.get(f"/ar/certificates/{code}/")
        assert page.status_code == 200
    assert client.get("/ar/certificates/" + "f" * 32 + "/").status_code == 404
    assert Person.objects.filter(participations__certificates__isnull=False).count() == 50


def test_a_long_title_and_many_partners_still_fit_one_page_each(workshop):
    workshop.title = (
        "Formation des formateurs et formatrices sur la budgétisation sensible au genre dans les "
        "communes rurales du Drâa-Tafilalet"
    )
    workshop.save()
    for name in (
        "Fondation Friedrich Ebert",
        "الشبكة المغربية للدفاع عن المال العام",
        "مجلس جهة درعة تافيلالت",
    ):
        WorkshopPartnerFactory(workshop=workshop, organization=OrganizationFactory(name=name))
    people = [
        attend(workshop, PersonFactory(first_name="Fatima-Zahra", last_name="El Ouazzani Chahdi"), [1, 2]),
        attend(workshop, PersonFactory(first_name="عبد الصمد", last_name="بن عبد الله الإدريسي"), [2, 3]),
    ]
    pages = pdf_pages(certificates.render_certificates(certificates.issue(people), BASE_URL))
    assert len(pages) == 2
    assert "مجلس جهة درعة تافيلالت" in pages[1] and "Fondation Friedrich Ebert" in pages[1]


def test_verification_labels_of_each_language_stand_on_their_own_line(workshop):
    """ "Vérifiez cette attestation sur : :تحققوا…": on one left-to-right line the Arabic label's
    colon lands beside the French one. Each language's label has its own line."""
    participation = attend(workshop, PersonFactory(first_name="Hélène", last_name="Ouazzani"), [1, 2])
    pdf, _certificates = certificates.export_certificates([participation], BASE_URL, username="cli")
    [text] = pdf_pages(pdf)
    lines = [line for line in text.splitlines() if "Vérifiez" in line or "تحققوا" in line]
    assert len(lines) == 2, lines
    assert ": :" not in text


def test_certificates_of_a_large_workshop_are_made_by_a_job_and_logged_when_downloaded(
    client, export_user, issued, settings
):
    settings.CERTIFICATES_JOB_THRESHOLD = 1  # two eligible participants: a job
    workshop = issued.participation.workshop
    client.force_login(export_user)
    response = client.get(reverse("admin:workshops_workshop_certificates", args=[workshop.pk]))
    assert response.status_code == 302 and "/staff/jobs/" in response["Location"]
    assert not ExportLog.objects.exists()
    page = client.get(response["Location"])
    assert page.context["job"].rows_done == 2
    download = client.get(page.context["status"]["download_url"])
    assert download["Content-Type"] == "application/pdf"
    assert len(pdf_pages(b"".join(download.streaming_content))) == 2
    log = ExportLog.objects.get()
    assert (log.kind, log.workshop, log.row_count, log.personal_data) == ("certificates", workshop, 2, True)

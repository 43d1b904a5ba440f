"""Evidence documents and committee minutes (issue 11, finding 1): only real PDF, PNG and JPEG
files, told by their whole content; stored under a random name with the extension of their type;
served so that no browser runs them; stored files checked by ``manage.py check_evidence_files``."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from tests.conftest import _grant
from tests.factories import CommitmentFactory, FollowUpFactory, MonitoringCommitteeFactory, WorkshopFactory
from tests.workshops.documentmakers import pdf, picture, png_with_text
from workshops.models import CommitteeMeeting, FollowUp, validate_evidence_file

pytestmark = pytest.mark.django_db

SCRIPT = b"<script>alert(document.cookie)</script>"
RANDOM_NAME = r"{folder}/\d{{4}}/[0-9a-f]{{32}}\{suffix}"


REAL = {".pdf": pdf(), ".png": picture("PNG"), ".jpg": picture("JPEG")}

POLYGLOTS = {
    "HTML disguised as PDF": ("proof.html", b"%PDF-1.4\n<html>" + SCRIPT + b"</html>\n%%EOF\n"),
    "HTML disguised as PDF, named .pdf": ("proof.pdf", b"%PDF-1.4\n<html>" + SCRIPT + b"</html>"),
    "HTML disguised as PNG": ("proof.png", b"\x89PNG\r\n\x1a\n<html>" + SCRIPT + b"</html>"),
    "HTML disguised as JPEG": ("proof.jpg", b"\xff\xd8\xff\xe0<html>" + SCRIPT + b"</html>"),
    "SVG": ("proof.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    "XHTML": (
        "proof.xhtml",
        b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">' + SCRIPT + b"</html>",
    ),
    "HTM": ("proof.htm", b"<!DOCTYPE html><html>" + SCRIPT),
    "PNG followed by HTML": ("proof.png", REAL[".png"] + b"<html>" + SCRIPT + b"</html>"),
    "JPEG followed by HTML": ("proof.jpg", REAL[".jpg"] + b"<html>" + SCRIPT + b"</html>"),
    "JPEG followed by HTML then an end marker": ("p.jpg", REAL[".jpg"] + b"<html>" + SCRIPT + b"\xff\xd9"),
    "PNG with SVG in a text chunk": ("proof.png", png_with_text('<svg onload="alert(1)">')),
    "JPEG with a script comment": ("proof.jpg", picture("JPEG", comment=SCRIPT)),
    "parseable PDF with HTML in a comment": ("proof.pdf", pdf(comment=b"%<html>" + SCRIPT + b"\n")),
    "PDF followed by HTML": ("proof.pdf", REAL[".pdf"] + b"<html>" + SCRIPT),
    # Any tag with an event handler runs script, whatever its name (not only the usual tags).
    "parseable PDF with a video tag's onerror in a comment": (
        "proof.pdf",
        pdf(comment=b"%<video src=x onerror=alert(document.cookie)>\n"),
    ),
    "parseable PDF with an autofocus input in a comment": (
        "proof.pdf",
        pdf(comment=b"%<input autofocus onfocus=alert(1)>\n"),
    ),
    "PNG with a details tag's ontoggle in a text chunk": (
        "proof.png",
        png_with_text("<details open ontoggle=alert(1)>"),
    ),
    "JPEG with a paragraph's onmouseover in a comment": (
        "proof.jpg",
        picture("JPEG", comment=b"<p/onmouseover=alert(1)>x"),
    ),
    "truncated PDF": ("proof.pdf", REAL[".pdf"][: len(REAL[".pdf"]) // 2]),
    "PDF with a header only": ("proof.pdf", b"%PDF-1.7\n%\xe2\xe3\n%%EOF\n"),
    "truncated PNG": ("proof.png", REAL[".png"][:-20]),
    "truncated JPEG": ("proof.jpg", REAL[".jpg"][: len(REAL[".jpg"]) // 2]),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_QUARANTINE_DIR = tmp_path / "quarantine"
    return settings.MEDIA_ROOT


@pytest.fixture
def updater(django_user_model):
    user = django_user_model.objects.create_user("updater", password="x", is_staff=True)
    _grant(user, "workshops.add_followup")
    return user


def quick_update(client, updater, upload):
    commitment = CommitmentFactory()
    client.force_login(updater)
    return client.post(
        reverse("workshops:commitment_update", kwargs={"pk": commitment.pk}),
        {"date": "2026-11-20", "new_status": "limited", "note": "x", "evidence_file": upload},
    )


@pytest.mark.parametrize("case", POLYGLOTS)
def test_the_quick_update_refuses_disguised_and_damaged_files(client, updater, media, case):
    name, data = POLYGLOTS[case]
    response = quick_update(client, updater, SimpleUploadedFile(name, data))
    assert response.status_code == 200
    errors = response.context["form"].errors["evidence_file"]
    assert re.search(r"not a PDF, PNG or JPEG|not a valid|web-page code", " ".join(errors))
    assert not FollowUp.objects.exists()
    assert not list(media.rglob("*.*"))


@pytest.mark.parametrize("suffix", REAL)
@pytest.mark.parametrize("uploaded_name", ["proof.html", "scan.PDF.svg", "photo"])
def test_real_documents_are_stored_under_a_random_name_of_their_type(client, updater, suffix, uploaded_name):
    response = quick_update(client, updater, SimpleUploadedFile(uploaded_name, REAL[suffix]))
    assert response.status_code == 302
    stored = FollowUp.objects.get().evidence_file
    assert re.fullmatch(RANDOM_NAME.format(folder="evidence", suffix=suffix), stored.name)
    assert stored.read() == REAL[suffix]


@pytest.mark.parametrize("case", ["parseable PDF with HTML in a comment", "PDF followed by HTML"])
def test_a_pdf_that_parses_is_still_refused_with_markup_outside_its_streams(case):
    """No straw man: a PDF reader opens these polyglots, and they are refused all the same."""
    data = POLYGLOTS[case][1]
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    with pytest.raises(ValidationError, match="web-page code"):
        validate_evidence_file(SimpleUploadedFile("proof.pdf", data))


def encrypted_pdf(user_password):
    writer = PdfWriter(clone_from=io.BytesIO(pdf()))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_restricted_by_its_owner_is_accepted_one_needing_a_password_refused(client, updater):
    response = quick_update(client, updater, SimpleUploadedFile("a.pdf", encrypted_pdf("")))
    assert response.status_code == 302
    assert FollowUp.objects.get().evidence_file.name.endswith(".pdf")
    response = quick_update(client, updater, SimpleUploadedFile("a.pdf", encrypted_pdf("secret")))
    assert "protected by a password" in " ".join(response.context["form"].errors["evidence_file"])


def test_markup_inside_a_pdf_page_is_the_documents_text_not_a_web_page(client, updater):
    """Judgement call: a real PDF whose page shows "<script>" (compressed or not, inside its page
    stream) is accepted; markup outside the streams is refused (the polyglots above)."""
    for data in (pdf(b"(<html>" + SCRIPT + b") Tj"), pdf(b"(<html>" + SCRIPT + b") Tj", compress=False)):
        FollowUp.objects.all().delete()
        response = quick_update(client, updater, SimpleUploadedFile("minutes.pdf", data))
        assert response.status_code == 302
        name = FollowUp.objects.get().evidence_file.name
        assert re.fullmatch(RANDOM_NAME.format(folder="evidence", suffix=".pdf"), name)


def test_a_file_over_the_limit_is_refused_and_quarantined_once_stored(client, updater, settings):
    stored = stored_as("evidence/2026/" + "b" * 32 + ".pdf", REAL[".pdf"])
    settings.EVIDENCE_MAX_BYTES = 100
    response = quick_update(client, updater, SimpleUploadedFile("a.pdf", REAL[".pdf"]))
    assert "too large" in " ".join(response.context["form"].errors["evidence_file"])
    call_command("check_evidence_files", stdout=io.StringIO())
    stored.refresh_from_db()
    assert stored.evidence_file.name == ""


def test_messages_are_translated(client, updater):
    commitment = CommitmentFactory()
    client.force_login(updater)
    response = client.post(
        reverse("workshops:commitment_update", kwargs={"pk": commitment.pk}).replace("/en/", "/fr/"),
        {
            "date": "2026-11-20",
            "new_status": "limited",
            "note": "x",
            "evidence_file": SimpleUploadedFile("a.png", POLYGLOTS["PNG followed by HTML"][1]),
        },
    )
    assert "PNG" in response.content.decode()
    assert "n’est pas un document PNG valide" in response.content.decode()


@pytest.fixture
def minutes_clerk(django_user_model):
    user = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    _grant(user, "workshops.add_committeemeeting", "workshops.view_committeemeeting")
    return user


def add_minutes(client, clerk, upload):
    committee = MonitoringCommitteeFactory()
    client.force_login(clerk)
    return client.post(
        reverse("admin:workshops_committeemeeting_add"),
        {"committee": committee.pk, "date": "2026-11-20", "place": "Rabat", "minutes": upload},
    )


@pytest.mark.parametrize(
    "case",
    [
        "HTML disguised as PDF",
        "PNG followed by HTML",
        "JPEG with a script comment",
    ],
)
def test_the_admin_refuses_disguised_minutes(client, minutes_clerk, case):
    name, data = POLYGLOTS[case]
    response = add_minutes(client, minutes_clerk, SimpleUploadedFile(name, data))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["minutes"]
    assert not CommitteeMeeting.objects.exists()


def test_the_admin_stores_minutes_under_a_random_name(client, minutes_clerk):
    response = add_minutes(client, minutes_clerk, SimpleUploadedFile("pv.html", REAL[".pdf"]))
    assert response.status_code == 302
    name = CommitteeMeeting.objects.get().minutes.name
    assert re.fullmatch(RANDOM_NAME.format(folder="minutes", suffix=".pdf"), name)
    form = client.get(reverse("admin:workshops_committeemeeting_add")).content.decode()
    assert 'accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"' in form


# Serving --------------------------------------------------------------------------------------


def stored_follow_up(data, suffix, **kwargs):
    follow_up = FollowUpFactory(**kwargs)
    follow_up.evidence_file.save(f"x{suffix}", ContentFile(data))
    return follow_up


def test_a_pdf_is_served_as_a_sandboxed_download_from_the_public_page(client):
    follow_up = stored_follow_up(REAL[".pdf"], ".pdf")
    page = client.get(follow_up.recommendation.get_absolute_url()).content.decode()
    link = re.search(r'href="(/media/evidence/[^"]+)"', page)[1]
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == REAL[".pdf"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"].startswith("sandbox")


@pytest.mark.parametrize(("suffix", "content_type"), [(".png", "image/png"), (".jpg", "image/jpeg")])
def test_a_picture_is_served_inline_with_its_type_and_sandboxed(client, suffix, content_type):
    follow_up = stored_follow_up(REAL[suffix], suffix)
    response = client.get(follow_up.evidence_file.url)
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_minutes_are_linked_and_served_from_the_committee_page(client):
    meeting = CommitteeMeeting.objects.create(committee=MonitoringCommitteeFactory(), date="2026-11-20")
    meeting.minutes.save("pv.pdf", ContentFile(REAL[".pdf"]))
    page = client.get(meeting.committee.get_absolute_url()).content.decode()
    assert meeting.minutes.url in page
    response = client.get(meeting.minutes.url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_only_linked_documents_of_public_pages_are_served(client, staff_user):
    draft = stored_follow_up(
        REAL[".pdf"], ".pdf", recommendation__workshop=WorkshopFactory(is_published=False)
    )
    assert client.get(draft.evidence_file.url).status_code == 404
    _grant(staff_user, "workshops.view_followup")
    client.force_login(staff_user)
    assert client.get(draft.evidence_file.url).status_code == 200
    default_storage.save("evidence/2026/" + "a" * 32 + ".pdf", ContentFile(REAL[".pdf"]))
    assert client.get("/media/evidence/2026/" + "a" * 32 + ".pdf").status_code == 404
    default_storage.save("evidence/2026/proof.html", ContentFile(b"<html>"))
    FollowUp.objects.filter(pk=draft.pk).update(evidence_file="evidence/2026/proof.html")
    assert client.get("/media/evidence/2026/proof.html").status_code == 404


# Stored files ---------------------------------------------------------------------------------


def stored_as(name, data):
    """A public follow-up whose file was stored under ``name`` before the check existed."""
    follow_up = FollowUpFactory()
    default_storage.save(name, ContentFile(data))
    FollowUp.objects.filter(pk=follow_up.pk).update(evidence_file=name)
    return follow_up


def test_the_command_quarantines_bad_files_and_renames_misnamed_good_ones(media, settings):
    bad = stored_as("evidence/2026/proof.html", POLYGLOTS["HTML disguised as PDF"][1])
    misnamed = stored_as("evidence/2026/scan.PDF", REAL[".pdf"])
    good = FollowUpFactory()
    good.evidence_file.save("photo.png", ContentFile(REAL[".png"]))
    good_name = good.evidence_file.name
    out = io.StringIO()
    call_command("check_evidence_files", stdout=out)
    bad.refresh_from_db(), misnamed.refresh_from_db(), good.refresh_from_db()
    assert bad.evidence_file.name == ""
    assert not (media / "evidence/2026/proof.html").exists()
    quarantined = list(settings.EVIDENCE_QUARANTINE_DIR.rglob("proof.html"))
    assert [path.read_bytes() for path in quarantined] == [POLYGLOTS["HTML disguised as PDF"][1]]
    assert re.fullmatch(RANDOM_NAME.format(folder="evidence", suffix=".pdf"), misnamed.evidence_file.name)
    assert misnamed.evidence_file.read() == REAL[".pdf"]
    assert not (media / "evidence/2026/scan.PDF").exists()
    assert good.evidence_file.name == good_name
    text = out.getvalue()
    assert "1 file is valid." in text
    assert "1 file renamed" in text
    assert "1 file moved to quarantine" in text


def test_the_command_dry_run_changes_nothing(media, settings):
    bad = stored_as("evidence/2026/proof.svg", POLYGLOTS["SVG"][1])
    misnamed = stored_as("minutes/2026/pv.jpeg", REAL[".jpg"])
    meeting = CommitteeMeeting.objects.create(committee=MonitoringCommitteeFactory(), date="2026-11-20")
    CommitteeMeeting.objects.filter(pk=meeting.pk).update(minutes="minutes/2026/pv.jpeg")
    FollowUp.objects.filter(pk=misnamed.pk).update(evidence_file="")
    out = io.StringIO()
    call_command("check_evidence_files", "--dry-run", stdout=out)
    bad.refresh_from_db(), meeting.refresh_from_db()
    assert (bad.evidence_file.name, meeting.minutes.name) == (
        "evidence/2026/proof.svg",
        "minutes/2026/pv.jpeg",
    )
    assert (media / "evidence/2026/proof.svg").exists()
    assert not settings.EVIDENCE_QUARANTINE_DIR.exists()
    assert "1 file moved to quarantine" in out.getvalue()
    assert "1 file renamed" in out.getvalue()
    assert "nothing was changed" in out.getvalue()


def test_the_command_leaves_the_link_of_a_missing_file(media):
    follow_up = FollowUpFactory()
    FollowUp.objects.filter(pk=follow_up.pk).update(evidence_file="evidence/2026/gone.pdf")
    out, err = io.StringIO(), io.StringIO()
    call_command("check_evidence_files", stdout=out, stderr=err)
    follow_up.refresh_from_db()
    assert follow_up.evidence_file.name == "evidence/2026/gone.pdf"
    assert "1 file missing from storage" in out.getvalue()
    assert "evidence/2026/gone.pdf" in err.getvalue()

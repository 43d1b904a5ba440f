"""Public pages of action programmes: content, the illustrative mark, flags, timeline, open data,
feed, sitemap, documents, the committee page's section, and fixed query counts."""

import csv
import datetime
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from programmes import example
from programmes.models import ActionProgramme, Observation
from tests.factories import MonitoringCommitteeFactory, OrganizationFactory, RecommendationFactory
from tests.programmes.factories import (
    ActionProgrammeFactory,
    CommuneFactory,
    ObservationFactory,
    ProjectFactory,
)
from tests.sitemaps import sitemap_xml
from workshops.models import ProgressStatus

pytestmark = pytest.mark.django_db
MARK = "مثال توضيحي – Exemple illustratif"
S = ProgressStatus


def url(name, lang, **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs)


def text_of(response):
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def illustrative(example):
    programme, _created = example_load()
    return programme


def example_load():
    return example.load()


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_illustrative_programme_is_marked_on_every_page_it_shows(client, illustrative, lang):
    project = illustrative.projects.get(position=1)
    committee = illustrative.committees.get()
    pages = [
        url("programmes:list", lang),
        url("programmes:detail", lang, pk=illustrative.pk),
        url("programmes:project", lang, pk=project.pk),
        url("workshops:committee", lang, slug=committee.slug),
        url("regions:commune", lang, slug=illustrative.commune.slug),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert MARK in text_of(response), page
    # Reachable from the region page and the committee page; on the commune's own page its
    # projects and the committee's disagreeing observation (flagged once).
    programme_url = url("programmes:detail", lang, pk=illustrative.pk)
    for page in pages[3:5]:
        assert f'href="{programme_url}"' in client.get(page).content.decode(), page
    region = illustrative.commune.province.region
    region_list = f"{url('programmes:list', lang)}?region={region.code}"
    region_page = url("regions:detail", lang, slug=region.slug)
    assert f'href="{region_list}"' in client.get(region_page).content.decode()
    assert f'href="{programme_url}"' in client.get(region_list).content.decode()
    other_region = url("programmes:list", lang) + "?region=01"
    assert f'href="{programme_url}"' not in client.get(other_region).content.decode()
    commune_page = client.get(url("regions:commune", lang, slug=illustrative.commune.slug)).content.decode()
    assert commune_page.count("⚑") == 1
    assert all(title in commune_page for title, *_rest in example.PROJECTS)


def test_illustrative_programme_shows_its_projects_statuses_and_the_disagreeing_observation(
    client, illustrative
):
    text = text_of(client.get(url("programmes:detail", "fr", pk=illustrative.pk)))
    assert "Aïn Bida" in text or "Ain Bida" in text
    assert "عين البيضاء" in text
    assert "2022-2027" in text
    for title, *_rest in example.PROJECTS:
        assert title in text
    assert text.count("diffère du rapport de la commune") == 1
    project = illustrative.projects.get(position=1)
    text = text_of(client.get(url("programmes:project", "fr", pk=project.pk)))
    assert "La dernière observation du comité diffère du rapport de la commune" in text
    assert "12 novembre 2024" in text and "30 juin 2024" in text  # observation and the commune's report


def test_example_loads_once(illustrative):
    programme, created = example.load()
    assert (programme, created) == (illustrative, False)
    assert ActionProgramme.objects.count() == 1
    assert Observation.objects.count() == 2
    assert illustrative.commune.code == "03.231.81.03" and illustrative.commune.province.region.code == "03"


def test_example_uses_an_existing_commune_row(db):
    existing = CommuneFactory(code="03.231.81.03", name_fr="Aïn Bida", slug="ain-bida")
    programme, created = example.load()
    assert created and programme.commune == existing


def test_committee_page_lists_the_programmes_it_follows(client):
    committee = MonitoringCommitteeFactory()
    programme = ActionProgrammeFactory(commune=CommuneFactory(name_fr="Sidi Harazem"))
    programme.committees.add(committee)
    text = text_of(client.get(url("workshops:committee", "en", slug=committee.slug)))
    assert "Action programme of Sidi Harazem \u20662022-2027\u2069" in text
    assert "Illustratif" not in text


def _observed_project(programme, committee, position):
    project = ProjectFactory(
        programme=programme,
        position=position,
        reported_status=S.COMPLETE,
        reported_on=datetime.date(2024, 6, 30),
    )
    project.partner_organizations.add(OrganizationFactory())
    ObservationFactory(committee=committee, project=project, observed_status=S.LIMITED)
    return project


def _programmes(n):
    committee = MonitoringCommitteeFactory()
    for _i in range(n):
        programme = ActionProgrammeFactory()
        programme.committees.add(committee)
        for position in range(1, n + 1):
            _observed_project(programme, committee, position)
    return ActionProgramme.objects.order_by("pk").first()


PAGES = [
    ("programmes:list", lambda first: {}),
    ("programmes:detail", lambda first: {"pk": first.pk}),
    ("programmes:project", lambda first: {"pk": first.projects.first().pk}),
    ("programmes:open_data", lambda first: {"fmt": "csv"}),
    ("programmes:feed", lambda first: {}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_pages_run_the_same_queries_with_1_and_3_programmes(client, name, kwargs, django_assert_num_queries):
    first = _programmes(1)
    path = url(name, "fr", **kwargs(first))
    with CaptureQueriesContext(connection) as one:
        assert client.get(path).status_code == 200
    ActionProgramme.objects.all().delete()
    first = _programmes(3)
    path = url(name, "fr", **kwargs(first))
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("size", [1, 3])
@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("programmes:list", 2),  # programmes with counts, the page's count
        ("programmes:detail", 4),  # programme, committees, projects with flags, partners
        ("programmes:project", 3),  # project with flag, partners, observations
        ("programmes:open_data", 2),  # projects with flags, partners
        ("programmes:feed", 1),
    ],
)
def test_page_query_counts(client, size, name, queries, django_assert_num_queries):
    first = _programmes(size)
    kwargs = dict(PAGES)[name](first)
    with django_assert_num_queries(queries):
        assert client.get(url(name, "fr", **kwargs)).status_code == 200


def test_open_data_csv_and_json_hold_public_fields_only(client, illustrative):
    response = client.get(url("programmes:open_data", "fr", fmt="csv"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 5
    first = rows[0]
    assert first["commune_code"] == "03.231.81.03" and first["region_code"] == "03"
    assert first["estimated_cost_mad"] == "4800000.00"
    assert (first["reported_status"], first["observed_status"], first["flagged"]) == (
        "complete",
        "substantial",
        "True",
    )
    assert first["illustrative"] == "True"
    document = json.loads(client.get(url("programmes:open_data", "fr", fmt="json")).content)
    assert document["dataset"] == "action-programme-projects" and len(document["rows"]) == 5
    assert not {"email", "phone", "created_by", "person"} & set(document["fields"])
    assert client.get(url("programmes:open_data", "fr", fmt="xml")).status_code == 404


def test_feed_lists_observations_marked_when_illustrative(client, illustrative):
    body = client.get(url("programmes:feed", "fr")).content.decode()
    assert body.count("<entry>") == 2
    assert "Exemple illustratif" in body
    assert '<summary type="text">' in body


def test_observations_of_a_hidden_committee_stay_hidden(client):
    hidden = MonitoringCommitteeFactory(
        origin_recommendation=RecommendationFactory(workshop__is_published=False)
    )
    project = ProjectFactory()
    project.programme.committees.add(hidden)
    ObservationFactory(committee=hidden, project=project, note="Note secrète du comité caché")
    for page in [
        url("programmes:project", "fr", pk=project.pk),
        url("programmes:feed", "fr"),
        url("programmes:detail", "fr", pk=project.programme.pk),
    ]:
        assert "secrète" not in client.get(page).content.decode()
        assert hidden.name not in client.get(page).content.decode()


def test_sitemap_lists_programmes_and_projects(client, illustrative):
    body = sitemap_xml(client)
    assert illustrative.get_absolute_url() in body or f"/programmes/{illustrative.pk}/" in body
    assert f"/programmes/projects/{illustrative.projects.first().pk}/" in body


def _pdf():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_programme_document_is_stored_under_a_random_name_and_served_safely(client, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    programme = ActionProgrammeFactory()
    programme.document.save("pac <script>.pdf", ContentFile(_pdf()))
    assert re.fullmatch(r"programmes/\d{4}/[0-9a-f]{32}\.pdf", programme.document.name)
    response = client.get(programme.document.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert client.get("/media/programmes/2026/" + "0" * 32 + ".pdf").status_code == 404


def test_hidden_committees_evidence_is_not_served(client, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    hidden = MonitoringCommitteeFactory(
        origin_recommendation=RecommendationFactory(workshop__is_published=False)
    )
    observation = ObservationFactory(committee=hidden)
    observation.evidence_file.save("x.pdf", ContentFile(_pdf()))
    assert client.get(observation.evidence_file.url).status_code == 404
    ObservationFactory(committee=MonitoringCommitteeFactory()).evidence_file.save(
        "y.pdf", ContentFile(_pdf())
    )
    public = Observation.objects.exclude(committee=hidden).get()
    assert client.get(public.evidence_file.url).status_code == 200


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_commune_partial_shows_programmes_projects_flags_and_the_mark(
    illustrative, lang, django_assert_num_queries
):
    from django.template.loader import render_to_string

    from programmes.models import commune_programmes

    with translation.override(lang), django_assert_num_queries(3):
        html = render_to_string(
            "programmes/_commune_programmes.html", {"programmes": commune_programmes(illustrative.commune)}
        )
    assert MARK in re.sub(r"<[^>]+>", "", html)
    assert html.count("⚑") == 1
    assert all(title in html for title, *_rest in example.PROJECTS)
    assert illustrative.committees.get().slug in html


def test_check_evidence_files_also_checks_programme_documents_and_observation_evidence(settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_QUARANTINE_DIR = tmp_path / "quarantine"
    programme, observation = ActionProgrammeFactory(), ObservationFactory()
    default_storage.save("programmes/2026/pac.html", ContentFile(b"<html><script>alert(1)</script></html>"))
    default_storage.save("observations/2026/photo.PDF", ContentFile(_pdf()))
    ActionProgramme.objects.filter(pk=programme.pk).update(document="programmes/2026/pac.html")
    Observation.objects.filter(pk=observation.pk).update(evidence_file="observations/2026/photo.PDF")
    call_command("check_evidence_files", stdout=io.StringIO())
    programme.refresh_from_db(), observation.refresh_from_db()
    assert programme.document.name == ""
    assert re.fullmatch(r"observations/\d{4}/[0-9a-f]{32}\.pdf", observation.evidence_file.name)

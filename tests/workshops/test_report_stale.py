"""Right after a change to participations or attendance, the report page shows the counts kept
from before it, marked stale, while one recount runs in the background
(``workshops.kept_counts``); the counts are then exact again (the plain Python count of
``test_report_aggregates``), and the XLSX export never takes stale counts."""

import datetime
import io
import random

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tests.factories import PersonFactory
from tests.workshops.test_disaggregation import analyst  # noqa: F401 (a fixture: staff who may see reports)
from tests.workshops.test_report_aggregates import as_figures, generate, python_report
from workshops import disaggregation, kept_counts, reports
from workshops.disaggregation import Scope, build_report
from workshops.models import Attendance, Participation, Session, Workshop

pytestmark = pytest.mark.django_db

STALE = "may not include the latest changes"


@pytest.fixture
def recounts(settings, monkeypatch):
    """Counts kept as in production; the background recounts are collected, to be run by the
    test (``run``) instead of in a thread that could not see the test's transaction."""
    settings.PUBLIC_FIGURES_CACHE_SECONDS = 120
    pending = []
    monkeypatch.setattr(kept_counts, "start_background", pending.append)

    def run():
        while pending:
            pending.pop(0)()

    run.pending = pending
    return run


def expected(scope, percent=66):
    figures = python_report(scope, percent)
    counters = {"gender", "age", "region", "kind"}
    return {key: +value if key in counters else value for key, value in figures.items()}


def change(seed):
    """Seeded changes of who attended and of their marks, as staff make them: a new person,
    participations removed, statuses changed, marks added and removed; then the figures that
    count people forgotten, as every staff page does."""
    rng = random.Random(seed)
    participations = list(Participation.objects.order_by("pk"))
    for p in rng.sample(participations, 3):
        p.delete()
    for p in rng.sample(participations[3:], 3):
        p.status = rng.choice([s for s, _label in Participation.Status.choices])
        p.save()
    marks = list(Attendance.objects.order_by("pk").values_list("pk", flat=True))
    Attendance.objects.filter(pk__in=rng.sample(marks, min(5, len(marks)))).delete()
    held = Workshop.objects.held().filter(sessions__isnull=False).distinct()
    for workshop in rng.sample(list(held), 2):
        p = Participation.objects.create(workshop=workshop, person=PersonFactory())
        for session in Session.objects.filter(workshop=workshop):
            Attendance.objects.create(participation=p, session=session)
    reports.forget_public_figures(Workshop.objects.first())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_a_change_the_kept_counts_are_marked_stale_then_exact(recounts, seed):
    data = generate(seed)
    scopes = [Scope(), Scope(region=data["region"]), Scope(start=datetime.date(2025, 3, 1))]
    before = [as_figures(build_report(scope, stale_ok=True)) for scope in scopes]
    assert not recounts.pending
    change(seed)
    for scope, figures in zip(scopes, before, strict=True):
        report = build_report(scope, stale_ok=True)
        assert report.stale
        assert {k: v for k, v in as_figures(report).items() if k not in {"workshops", "completion"}} == {
            k: v for k, v in figures.items() if k not in {"workshops", "completion"}
        }
        assert build_report(scope, stale_ok=True).stale  # still stale, and no second recount
    assert len(recounts.pending) == len(scopes)
    recounts()
    for scope in scopes:
        report = build_report(scope, stale_ok=True)
        assert not report.stale and as_figures(report) == expected(scope), scope.describe()
    assert not recounts.pending


def test_the_export_and_other_callers_never_take_stale_counts(recounts):
    generate(4)
    build_report(Scope(), stale_ok=True)
    change(4)
    report = build_report(Scope())  # the XLSX job's call
    assert not report.stale and as_figures(report) == expected(Scope())
    assert not recounts.pending


def test_the_xlsx_asked_for_from_a_stale_page_holds_the_current_counts(recounts, client, analyst):  # noqa: F811
    generate(10, workshops=4, people=15)
    client.force_login(analyst)
    url = reverse("reports:participants")
    client.get(url)
    change(10)
    assert STALE in client.get(url).content.decode()
    job_page = client.post(reverse("reports:participants_xlsx"))
    download = client.get(client.get(job_page["Location"]).context["status"]["download_url"])
    summary = load_workbook(io.BytesIO(b"".join(download.streaming_content)))["Summary"]
    figures = dict(summary.iter_rows(min_row=2, values_only=True))
    current = expected(Scope())
    assert (figures["Unique participants"], figures["Participations (a person at a workshop)"]) == (
        current["unique"],
        current["participations"],
    )
    # The export's count is kept too: the page shows it, current, before its own recount ran.
    assert STALE not in client.get(url).content.decode()


def test_queries_stale_counts_read_none(recounts, django_assert_num_queries):
    generate(5, workshops=4, people=15)
    with django_assert_num_queries(7):
        build_report(Scope(), stale_ok=True)
    change(5)
    # The scope's workshops and the regions' names; the counts come from the cache.
    with django_assert_num_queries(2):
        assert build_report(Scope(), stale_ok=True).stale
    with django_assert_num_queries(5):
        recounts()


def test_counts_older_than_the_cache_time_are_stale(recounts, settings):
    generate(6, workshops=3, people=10)
    first = build_report(Scope(), stale_ok=True)
    key = f"kept-counts:report:{Scope().key()}"
    entry = kept_counts.cache.get(key)
    old = first.counted_at - datetime.timedelta(seconds=settings.PUBLIC_FIGURES_CACHE_SECONDS + 1)
    kept_counts.cache.set(key, (entry[0], old, entry[2]))
    assert build_report(Scope(), stale_ok=True).stale
    recounts()
    assert not build_report(Scope(), stale_ok=True).stale


def test_a_change_made_while_recounting_is_counted_too(recounts, monkeypatch):
    generate(7, workshops=3, people=10)
    build_report(Scope(), stale_ok=True)
    change(7)
    assert build_report(Scope(), stale_ok=True).stale
    counting, rounds = disaggregation._count, []

    def counted_during_a_change(scope):
        figures = counting(scope)
        if not rounds:  # the first round sees a change land while it counts
            Participation.objects.counted().first().delete()
            reports.forget_public_figures(Workshop.objects.first())
        rounds.append(figures)
        return figures

    monkeypatch.setattr(disaggregation, "_count", counted_during_a_change)
    recounts()
    assert len(rounds) == 2
    report = build_report(Scope(), stale_ok=True)
    assert not report.stale and as_figures(report) == expected(Scope())


def test_a_failed_recount_keeps_the_stale_counts_and_lets_another_start(recounts, monkeypatch):
    generate(8, workshops=3, people=10)
    build_report(Scope(), stale_ok=True)
    change(8)
    assert build_report(Scope(), stale_ok=True).stale
    counting = disaggregation._count

    def broken(scope):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(disaggregation, "_count", broken)
    assert build_report(Scope(), stale_ok=True).stale  # a recount starts, and fails
    recounts()
    assert build_report(Scope(), stale_ok=True).stale
    assert len(recounts.pending) == 1  # the lock was released: another recount started
    monkeypatch.setattr(disaggregation, "_count", counting)
    recounts()
    report = build_report(Scope(), stale_ok=True)
    assert not report.stale and as_figures(report) == expected(Scope())


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("en", STALE),
        ("fr", "peuvent ne pas inclure les dernières modifications"),
        ("ar", "قد لا يشمل آخر التغييرات"),
    ],
)
def test_the_page_says_when_and_only_when_the_counts_are_stale(recounts, client, analyst, language, note):  # noqa: F811
    generate(9, workshops=3, people=10)
    client.force_login(analyst)
    with translation.override(language):
        url = reverse("reports:participants")
    first = client.get(url)
    assert first.status_code == 200 and note not in first.content.decode()
    change(9)
    stale = client.get(url)
    assert stale.status_code == 200 and note in stale.content.decode()
    recounts()
    again = client.get(url).content.decode()
    assert note not in again


def test_recounts_run_in_a_thread_of_their_own():
    done = []
    kept_counts.start_background(lambda: done.append(1))
    kept_counts.wait_for_recounts(timeout=10)
    assert done == [1]

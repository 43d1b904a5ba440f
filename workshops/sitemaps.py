"""The sitemap: every public page, in Arabic, French and English, with each page's alternates in
the other two (search engines, and the test that crawls the public site for personal data).

``/sitemap.xml`` is an index of the sections below (``/sitemap-<section>.xml``), each cut into
pages of ``TrackerSitemap.limit`` addresses (``?p=2``, ...): at national scale one document of
every page took 8.5 s to build (17,000 pages, 7 MB), a page of a section takes a fraction of a
second and reads only its own rows."""

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max
from django.urls import reverse

from regions.models import Commune, Province, Region
from workshops.models import Commitment, MonitoringCommittee, Recommendation, Workshop

LANGUAGES = ["ar", "fr", "en"]


class LanguagePairs:
    """The ``(item, language)`` pairs of ``items`` (a queryset or a list) for every language of
    ``languages``, as Django's i18n sitemaps paginate them, sliced in the database: a page reads
    its own rows and the count, not every row of the section (Django's own ``_items`` does)."""

    def __init__(self, items, languages):
        self.items = items
        self.languages = list(languages)

    def count(self):
        """The number of pairs: items x languages (one ``COUNT`` for a queryset)."""
        items = self.items
        return (items.count() if hasattr(items, "query") else len(items)) * len(self.languages)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        """The pairs of ``index``, a slice with a start and a stop (what ``Paginator`` asks)."""
        width = len(self.languages)
        first = index.start // width
        rows = self.items[first : -(-index.stop // width)]
        pairs = [(item, language) for item in rows for language in self.languages]
        skip = index.start - first * width
        return pairs[skip : skip + index.stop - index.start]


class TrackerSitemap(Sitemap):
    """A section in three languages with alternates, cut into pages of ``limit`` addresses (each
    with its three alternates): 1,000 took 0.4-0.55 s at load 3.4 and 1.0-1.5 s at load 8.6 on
    two cores at national scale, so 500 stay well under 2 s under load (docs/performance.md,
    "Requests over 2 s")."""

    i18n = True
    languages = LANGUAGES
    alternates = True
    limit = 500

    @property
    def paginator(self):
        return Paginator(LanguagePairs(self.items(), self.languages), self.limit)


class PageSitemap(TrackerSitemap):
    """The home page and the public lists."""

    def items(self):
        return [
            "workshops:home",
            "workshops:list",
            "regions:list",
            "regions:communes",
            "workshops:recommendations",
            "workshops:tracker",
            "workshops:commitments",
            "workshops:committees",
        ]

    def location(self, item):
        return reverse(item)


class WorkshopSitemap(TrackerSitemap):
    def items(self):
        return Workshop.objects.published().order_by("pk")

    def lastmod(self, workshop):
        return workshop.updated_at

    def get_latest_lastmod(self):
        """The latest ``updated_at`` of the published workshops (the index's ``lastmod``), in one
        query instead of reading every workshop."""
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class RegionSitemap(TrackerSitemap):
    def items(self):
        return Region.objects.order_by("code")


class ProvinceSitemap(TrackerSitemap):
    def items(self):
        return Province.objects.order_by("code")

    def location(self, province):
        return reverse("regions:province", kwargs={"code": province.code})


class CommuneSitemap(TrackerSitemap):
    """The 1,503 commune pages: 4,509 URLs with their languages, within one sitemap page."""

    def items(self):
        return Commune.objects.order_by("code")


class RecommendationSitemap(TrackerSitemap):
    def items(self):
        return Recommendation.objects.public().order_by("pk")


class CommitmentSitemap(TrackerSitemap):
    def items(self):
        return Commitment.objects.public().order_by("pk")


class CommitteeSitemap(TrackerSitemap):
    def items(self):
        return MonitoringCommittee.objects.public().order_by("pk")


SITEMAPS = {
    "pages": PageSitemap,
    "workshops": WorkshopSitemap,
    "regions": RegionSitemap,
    "provinces": ProvinceSitemap,
    "communes": CommuneSitemap,
    "recommendations": RecommendationSitemap,
    "commitments": CommitmentSitemap,
    "committees": CommitteeSitemap,
}

"""``/sitemap.xml``: every public page, in Arabic, French and English (search engines, and the
test that crawls the public site for personal data)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from regions.models import Commune, Province, Region
from workshops.models import Commitment, MonitoringCommittee, Recommendation, Workshop

LANGUAGES = ["ar", "fr", "en"]


class TrackerSitemap(Sitemap):
    i18n = True
    languages = LANGUAGES
    alternates = True
    limit = 5000


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

"""Sitemap sections of the action programmes (joined to ``workshops.sitemaps.SITEMAPS`` in
``config/urls.py``)."""

from django.db.models import Max
from django.urls import reverse

from programmes.models import ActionProgramme, Project
from workshops.sitemaps import TrackerSitemap


class ProgrammeSitemap(TrackerSitemap):
    def items(self):
        return ActionProgramme.objects.order_by("pk")

    def lastmod(self, programme):
        return programme.updated_at

    def get_latest_lastmod(self):
        """The latest ``updated_at`` of the programmes, in one query."""
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class ProjectSitemap(TrackerSitemap):
    def items(self):
        return Project.objects.order_by("pk")


class ProgrammePageSitemap(TrackerSitemap):
    def items(self):
        return ["programmes:list"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "programme-pages": ProgrammePageSitemap,
    "programmes": ProgrammeSitemap,
    "projects": ProjectSitemap,
}

"""Atom feed of the monitoring committees' observations on programme projects (public: the
committee, never a person), written as ``workshops.feeds`` writes follow-up updates: the same
feed class, dates at noon Morocco time, plain-text summaries."""

from django.urls import reverse
from django.utils.translation import gettext as _

from programmes.models import ILLUSTRATIVE_MARK, Observation
from workshops.feeds import FEED_LENGTH, FollowUpFeed


class ObservationFeed(FollowUpFeed):
    """The newest ``FEED_LENGTH`` observations of public committees, newest first. Dates and
    the entry time come from ``FollowUpFeed`` (``date`` at noon, ``created_at``)."""

    def title(self, obj=None):
        return _("Workshop tracker: observations on the communes' action programmes")

    def link(self, obj=None):
        return reverse("programmes:list")

    def subtitle(self, obj=None):
        return _("What the monitoring committees saw of the projects the communes promised.")

    def items(self, obj=None):
        return (
            Observation.objects.public()
            .select_related("committee", "project__programme__commune")
            .order_by("-date", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return _("%(project)s (%(commune)s): %(status)s") % {
            "project": item.project.title,
            "commune": item.project.programme.commune.name,
            "status": item.get_observed_status_display(),
        }

    def item_description(self, item):
        if item.project.programme.is_illustrative:
            return f"{ILLUSTRATIVE_MARK}. {item.note}"
        return item.note

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"observation-{item.pk}"

    def item_author_name(self, item):
        return item.committee.name

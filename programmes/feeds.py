"""Atom feed of the monitoring committees' observations on programme projects (public: the
committee, never a person), written as ``workshops.feeds`` writes follow-up updates."""

import datetime as dt

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import ILLUSTRATIVE_MARK, Observation
from workshops.feeds import FEED_LENGTH, PlainTextAtom1Feed


class ObservationFeed(Feed):
    """The newest ``FEED_LENGTH`` observations of public committees, newest first."""

    feed_type = PlainTextAtom1Feed

    def title(self):
        return _("Workshop tracker: observations on the communes' action programmes")

    def link(self):
        return reverse("programmes:list")

    def subtitle(self):
        return _("What the monitoring committees saw of the projects the communes promised.")

    def items(self):
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

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        # The observation's date at noon, Morocco time: a date has no hour, and noon keeps the day.
        return timezone.make_aware(dt.datetime.combine(item.date, dt.time(12)))

    def item_updateddate(self, item):
        return item.created_at

    def item_author_name(self, item):
        return item.committee.name

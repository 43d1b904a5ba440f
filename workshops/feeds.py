"""Atom feeds of follow-up updates: all, per region, per monitoring committee. Public: no person,
only the reporting organisation."""

import datetime as dt
import re

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.xmlutils import SimplerXMLGenerator

from regions.models import Commune, Region
from workshops.models import FollowUp, MonitoringCommittee

FEED_LENGTH = 50


# Characters XML 1.0 cannot hold. A note pasted from a word processor may carry one (a vertical
# tab, a form feed); Django's XML writer refuses them, which would make the whole feed a 500.
XML_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0B\x0C\x0E-\x1F]")


class ControlFreeXMLGenerator(SimplerXMLGenerator):
    """Django's XML writer, writing a space for each character XML 1.0 cannot hold."""

    def characters(self, content):
        super().characters(XML_CONTROL_CHARACTERS.sub(" ", content) if content else content)


class PlainTextAtom1Feed(Atom1Feed):
    """Atom whose entry summaries are ``type="text"``: a follow-up note is typed by staff and
    shown as written. Django's ``Atom1Feed`` marks summaries ``type="html"``, so a reader would
    render a note holding ``<img src=x onerror=…>`` as HTML and run it. Titles, subtitles and
    author names are already text (Atom's default type); entries have no ``content``.
    Characters XML cannot hold are written as spaces."""

    def write(self, outfile, encoding):
        handler = ControlFreeXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class FollowUpFeed(Feed):
    """The newest ``FEED_LENGTH`` public follow-up updates, newest first."""

    feed_type = PlainTextAtom1Feed

    def title(self, obj=None):
        return _("Workshop tracker: follow-up updates")

    def link(self, obj=None):
        return reverse("workshops:tracker")

    def subtitle(self, obj=None):
        return _("What became of the workshops' recommendations and commitments.")

    def get_queryset(self, obj):
        return FollowUp.objects.public()

    def items(self, obj=None):
        return self.get_queryset(obj).with_subjects().order_by("-date", "-pk")[:FEED_LENGTH]

    def item_title(self, item):
        return _("%(subject)s: %(status)s") % {
            "subject": item.subject,
            "status": item.get_new_status_display(),
        }

    def item_description(self, item):
        return item.note

    def item_link(self, item):
        return f"{item.subject.get_absolute_url()}#follow-up-{item.pk}"

    def item_guid(self, item):
        return f"follow-up-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        # The update's date at noon, Morocco time: a date has no hour, and noon keeps the day.
        return timezone.make_aware(dt.datetime.combine(item.date, dt.time(12)))

    def item_updateddate(self, item):
        return item.created_at

    def item_author_name(self, item):
        return item.reported_by.name if item.reported_by else None


class RegionFollowUpFeed(FollowUpFeed):
    """Updates on commitments and recommendations aimed at one region."""

    def get_object(self, request, slug):
        return get_object_or_404(Region, slug=slug)

    def title(self, obj=None):
        return _("Workshop tracker: follow-up in %(region)s") % {"region": obj.name}

    def link(self, obj=None):
        return obj.get_absolute_url()

    def get_queryset(self, obj):
        return FollowUp.objects.public().concerning(obj)


class CommitteeFollowUpFeed(FollowUpFeed):
    """Updates on what one monitoring committee follows."""

    def get_object(self, request, slug):
        return get_object_or_404(MonitoringCommittee.objects.public(), slug=slug)

    def title(self, obj=None):
        return _("Workshop tracker: follow-up by %(committee)s") % {"committee": obj.name}

    def link(self, obj=None):
        return obj.get_absolute_url()

    def get_queryset(self, obj):
        return FollowUp.objects.public().for_committee(obj)


class CommuneFollowUpFeed(FollowUpFeed):
    """Updates on commitments concerning one commune."""

    def get_object(self, request, slug):
        return get_object_or_404(Commune, slug=slug)

    def title(self, obj=None):
        return _("Workshop tracker: follow-up in %(commune)s") % {"commune": obj.name}

    def link(self, obj=None):
        return obj.get_absolute_url()

    def get_queryset(self, obj):
        return FollowUp.objects.public().concerning_commune(obj)

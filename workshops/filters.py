"""Filters of the public workshop and recommendation lists (django-filter).

A value the form rejects (``?year=abc``, ``?region=999``) leaves the list empty and shows the
form's error: ``FilterView`` is strict. Regions are chosen by primary key.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from regions.models import Region
from workshops.content import contains
from workshops.models import (
    Commitment,
    ProgressStatus,
    Project,
    Recommendation,
    RecommendationStatus,
    Workshop,
)

# A search looks for at most this many words, each cut to this many characters: every word adds
# a condition to the query, and a thousand of them is a cheap denial of service.
MAX_SEARCH_WORDS = 8
MAX_WORD_LENGTH = 50


def search_words(value):
    """The words of a search box (list of str): at most ``MAX_SEARCH_WORDS``, each at most
    ``MAX_WORD_LENGTH`` characters."""
    return [word[:MAX_WORD_LENGTH] for word in value.split()[:MAX_SEARCH_WORDS]]


def concerning_region(queryset, name, value):
    """Filter method shared by the lists: rows held in, or aimed at, region ``value``
    (each queryset's ``concerning``)."""
    return queryset.concerning(value)


def workshop_years():
    """Years in which published workshops started, newest first: list of ``(year, year)``."""
    dates = Workshop.objects.published().dates("start_date", "year", order="DESC")
    return [(day.year, str(day.year)) for day in dates]


class WorkshopFilter(django_filters.FilterSet):
    """Filter published workshops by text, region, year, project and status."""

    q = django_filters.CharFilter(
        label=_("Search"), method="search", help_text=_("Words in the title, summary, objectives or city.")
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        queryset=Region.objects.all(),
        method=concerning_region,
        empty_label=_("All regions"),
        help_text=_("Held in the region or aimed at it."),
    )
    year = django_filters.ChoiceFilter(
        label=_("Year"), choices=workshop_years, method="in_year", empty_label=_("All years")
    )
    project = django_filters.ModelChoiceFilter(
        label=_("Project"),
        queryset=Project.objects.filter(workshops__is_published=True).distinct(),
        empty_label=_("All projects"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Workshop.Status, empty_label=_("Any status")
    )

    class Meta:
        model = Workshop
        fields = ["q", "region", "year", "project", "status"]

    def search(self, queryset, name, value):
        for word in search_words(value):
            queryset = queryset.filter(
                contains(word, "title", "summary", "objectives") | Q(city__icontains=word)
            )
        return queryset

    def in_year(self, queryset, name, value):
        return queryset.in_year(int(value))


class RecommendationFilter(django_filters.FilterSet):
    """Filter public recommendations by text, status and target region."""

    q = django_filters.CharFilter(
        label=_("Search"), method="search", help_text=_("Words in the recommendation.")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=RecommendationStatus, empty_label=_("Any status")
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        queryset=Region.objects.all(),
        method=concerning_region,
        empty_label=_("All regions"),
    )

    class Meta:
        model = Recommendation
        fields = ["q", "status", "region"]

    def search(self, queryset, name, value):
        for word in search_words(value):
            queryset = queryset.filter(contains(word, "text"))
        return queryset


class CommitmentFilter(django_filters.FilterSet):
    """Filter public commitments by text, status, overdue, region, responsible organisation,
    workshop and project."""

    q = django_filters.CharFilter(
        label=_("Search"), method="search", help_text=_("Words in the commitment or its recommendation.")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ProgressStatus, empty_label=_("Any status")
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="only_overdue")
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        queryset=Region.objects.all(),
        method=concerning_region,
        empty_label=_("All regions"),
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Responsible organisation"),
        queryset=Organization.objects.filter(commitments__isnull=False).distinct(),
        field_name="responsible_organizations",
        empty_label=_("All organisations"),
    )
    workshop = django_filters.ModelChoiceFilter(
        label=_("Workshop"),
        queryset=Workshop.objects.published().filter(recommendations__commitments__isnull=False).distinct(),
        field_name="recommendation__workshop",
        empty_label=_("All workshops"),
    )
    project = django_filters.ModelChoiceFilter(
        label=_("Project"),
        queryset=Project.objects.filter(workshops__is_published=True).distinct(),
        field_name="recommendation__workshop__project",
        empty_label=_("All projects"),
    )

    class Meta:
        model = Commitment
        fields = ["q", "status", "overdue", "region", "organization", "workshop", "project"]

    def search(self, queryset, name, value):
        for word in search_words(value):
            queryset = queryset.filter(contains(word, "title", "description", "recommendation__text"))
        return queryset

    def only_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset

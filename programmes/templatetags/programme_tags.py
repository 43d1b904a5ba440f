"""Sections that pages of other apps show about action programmes, without those apps importing
this one (``programmes`` sits above ``workshops`` and ``regions``): load with
``{% load programme_tags %}``."""

from django import template

from programmes.models import commune_programmes

register = template.Library()


@register.inclusion_tag("programmes/_commune_programmes.html")
def commune_programmes_section(commune):
    """The action programmes of ``commune`` (a regions.Commune) with their projects, flags and
    committees, for the commune's public page: three queries."""
    return {"programmes": commune_programmes(commune)}

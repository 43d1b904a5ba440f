"""Morocco's territorial divisions: the 12 regions of 2015 and their 75 provinces/prefectures.

Reference data is loaded by the data migration ``0002_load_reference_data`` from
``regions/data/regions.csv`` and ``regions/data/provinces.csv`` (Haut-Commissariat au Plan,
RGPH 2014 and 2024; see ``regions/data/SOURCES.md``).
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from regions.names import fold

# Spellings users type that folding alone does not bring to an official name (from
# regions/data/SOURCES.md and common usage), keyed by region code. Keys are folded on use.
REGION_ALIASES = {
    "01": [
        "TTA",
        "Tanger Tetouan Al Hoceima",
        "Tanger Tetouan",
        "Tangier Tetouan Al Hoceima",
        "Tanger-Tétouan-Al Hoceïma",
        "طنجة تطوان",
    ],
    "02": ["L'Oriental", "Oriental", "Région de l'Oriental", "الشرقية", "الجهة الشرقية"],
    "03": ["Fes Meknes", "Fez Meknes", "Fès-Meknès"],
    "04": ["RSK", "Rabat Sale Kenitra"],
    "05": ["BMK", "Beni Mellal Khenifra", "بني ملال خنيفرة"],
    "06": ["Grand Casablanca-Settat", "Grand Casablanca Settat", "Casablanca", "الدار البيضاء سطات"],
    "07": ["Marrakesh-Safi", "Marrakech Safi", "Marrakesh Safi", "مراكش اسفي"],
    "08": ["Draa Tafilalet", "Drâa-Tafilalet"],
    "09": ["Souss Massa"],
    "10": ["Guelmim Oued Noun", "كلميم وادي نون", "كلميم واد نون"],
    "11": ["Laayoune Sakia El Hamra", "Laâyoune-Sakia El Hamra"],
    "12": ["Dakhla Oued Eddahab", "Dakhla-Oued Ed Dahab", "الداخلة وادي الذهب"],
}

# Words that may stand before a region's name and carry no meaning for matching.
_REGION_PREFIXES = ("جهه ", "region de la ", "region de l ", "region de ", "region du ", "region ")


def localized(obj, field):
    """Return ``obj.<field>_<lang>`` for the active language, falling back to French.

    Used for reference data that has official names in several languages (regions,
    provinces). English falls back to French where there is no English name.
    """
    lang = (get_language() or "fr")[:2]
    value = getattr(obj, f"{field}_{lang}", "") if lang in {"ar", "fr", "en"} else ""
    return value or getattr(obj, f"{field}_fr")


class RegionQuerySet(models.QuerySet):
    def match(self, text):
        """Return the Region that ``text`` names, or None.

        ``text`` may be the official code (``"03"``, ``"MA-03"``), the French, Arabic or English
        name in any common spelling (accents, hyphens and spaces, hamza/alef forms, the word
        جهة or "Région de" in front), or a known abbreviation (``TTA``). Queries the regions once
        per call; callers matching many rows should use ``matcher()``.
        """
        return self.matcher()(text)

    def matcher(self):
        """Return a function ``text -> Region | None`` that matches without further queries."""
        index = {}
        for region in self:
            keys = [
                region.code,
                f"ma {region.code}",
                region.name_fr,
                region.name_ar,
                region.name_en,
                region.slug,
            ]
            keys += REGION_ALIASES.get(region.code, [])
            for key in keys:
                index[fold(key)] = region
                index[fold(key).replace(" ", "")] = region

        def match(text):
            key = fold(text)
            for prefix in _REGION_PREFIXES:
                if key.startswith(prefix):
                    key = key[len(prefix) :]
            return index.get(key) or index.get(key.replace(" ", ""))

        return match


class Region(models.Model):
    """One of Morocco's 12 regions (2015 division).

    ``code`` is the official two-digit code ``"01"``-``"12"`` (ISO 3166-2 ``MA-01``…``MA-12``);
    populations are the legal populations of the RGPH 2014 and 2024 censuses (persons).
    """

    code = models.CharField(_("official code"), max_length=2, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    name_ar = models.CharField(_("name (Arabic)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    capital_fr = models.CharField(_("chef-lieu (French)"), max_length=100)
    capital_ar = models.CharField(_("chef-lieu (Arabic)"), max_length=100)
    population_2014 = models.PositiveIntegerField(_("population (2014 census)"))
    population_2024 = models.PositiveIntegerField(_("population (2024 census)"))

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__in=[f"{n:02d}" for n in range(1, 13)]),
                name="regions_region_code_01_12",
                violation_error_message=_("A region's code is one of 01 to 12 (HCP numbering)."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("regions:detail", kwargs={"slug": self.slug})

    @property
    def name(self):
        """The region's name in the active language (Arabic, French or English)."""
        return localized(self, "name")

    @property
    def capital(self):
        """The chef-lieu in the active language (Arabic, else French)."""
        return localized(self, "capital")


class Province(models.Model):
    """A province or prefecture, with its 3-digit HCP code (unique nationally)."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("province")
        PREFECTURE = "prefecture", _("prefecture")

    code = models.CharField(_("HCP code"), max_length=3, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    name_ar = models.CharField(_("name (Arabic)"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="provinces", verbose_name=_("region")
    )

    class Meta:
        verbose_name = _("province or prefecture")
        verbose_name_plural = _("provinces and prefectures")
        ordering = ["region__code", "name_fr"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{3}$"),
                name="regions_province_code_3_digits",
                violation_error_message=_("A province's code has three digits (HCP numbering)."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        """The province's name in the active language (no English names exist: French)."""
        return localized(self, "name")

    @property
    def geographic_code(self):
        """The full geographic code ``"<region>.<province>"``, e.g. ``"01.511"``."""
        return f"{self.region.code}.{self.code}"

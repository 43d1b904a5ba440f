"""Organisations (associations, communes, funders…) and the people who attend workshops.

``Person`` holds personal data (names, gender, phone, e-mail): it is shown only to staff and
never on a public page, feed or open-data export, where only counts appear.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organizations.phones import normalise_phone
from regions.names import collapse_spaces, fold
from regions.search import AliasOfKeyedModel, AliasQuerySet, SearchKeyModel, SearchKeyQuerySet

# Words that reveal an organisation's kind in its name, in the order they are tried; each is
# matched against the folded name (see regions.names.fold) as a whole word.
_KIND_HINTS = [
    ("commune", [r"\bجماعه\b", r"\bcommune\b", r"\bmunicipalite\b", r"\bconseil\b", r"\bمجلس\b"]),
    (
        "network",
        [
            r"\bشبكه\b",
            r"\bائتلاف\b",
            r"\bتنسيقيه\b",
            r"\breseau\b",
            r"\bcoalition\b",
            r"\bnetwork\b",
            r"\bcollectif\b",
        ],
    ),
    ("association", [r"\bجمعيه\b", r"\bassociation\b", r"\bfondation\b", r"\bمؤسسه\b"]),
    (
        "administration",
        [
            r"\bولايه\b",
            r"\bعماله\b",
            r"\bمديريه\b",
            r"\bministere\b",
            r"\bdirection\b",
            r"\bprefecture\b",
            r"\bprovince\b",
        ],
    ),
    ("academic", [r"\bجامعه\b", r"\bكليه\b", r"\buniversite\b", r"\bfaculte\b", r"\buniversity\b"]),
]

# Words that tell the language of a Latin-script name (OrganizationAlias.guess_language).
_FRENCH_WORDS = {
    *"de des du la le les l d pour et au aux association commune reseau centre femmes jeunes".split(),
    *"jeunesse developpement citoyennete initiative".split(),
}
_ENGLISH_WORDS = {"of", "for", "the", "and", "network", "foundation", "women", "youth", "rights"}


class FocusArea(models.Model):
    """A theme an organisation works on (women's rights, youth, local governance…)."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganizationQuerySet(SearchKeyQuerySet):
    def find_by_name(self, name):
        """Return the organisation whose name folds like ``name`` (see ``regions.names.fold``).

        Case, accents, Arabic letter variants and spacing are ignored. Returns None when there is
        none; when several exist (which the unique constraint on the lower-cased name does not
        exclude for accent variants) the oldest wins.
        """
        key = fold(name)
        if not key:
            return None
        candidates = self.filter(name_key=key).order_by("pk")
        return candidates.first()

    def by_name_or_alias(self, keys):
        """``{folded name: Organization}`` for those of ``keys`` (folded names, at most a few
        hundred: one query each way) that are an organisation's name or, failing that, an
        alias (``OrganizationAlias``). Among organisations of one folded name the oldest wins."""
        keys = set(keys)
        found = {}
        for organization in self.filter(name_key__in=keys).order_by("-pk"):
            found[organization.name_key] = organization
        aliases = OrganizationAlias.objects.filter(key__in=keys - set(found)).select_related("organization")
        for alias in aliases:
            found[alias.key] = alias.organization
        return found


class Organization(SearchKeyModel):
    """An organisation: an association, a commune, a funder, an administration…

    ``name_key`` is the folded name (``regions.names.fold``) used to match spellings on import;
    ``save`` keeps it in step with ``name`` (``bulk_create`` callers must set it themselves).
    Contact fields here are the organisation's public ones, not a person's.
    """

    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("association")
        NETWORK = "network", _("network or coalition")
        COMMUNE = "commune", _("commune or elected council")
        ADMINISTRATION = "administration", _("public administration")
        FUNDER = "funder", _("funder or international partner")
        ACADEMIC = "academic", _("academic institution")
        PRIVATE = "private", _("private company")
        MEDIA = "media", _("media")
        OTHER = "other", pgettext_lazy("organisation kind", "other")

    name = models.CharField(_("name"), max_length=255)
    name_key = models.CharField(_("matching key"), max_length=255, db_index=True, editable=False)
    acronym = models.CharField(_("acronym"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("region"),
    )
    province = models.ForeignKey(
        "regions.Province",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("province or prefecture"),
    )
    commune = models.ForeignKey(
        "regions.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("commune"),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    focus_areas = models.ManyToManyField(
        FocusArea, blank=True, related_name="organizations", verbose_name=_("focus areas")
    )
    website = models.URLField(_("website"), blank=True)
    public_email = models.EmailField(_("public e-mail"), blank=True)
    public_phone = models.CharField(_("public phone"), max_length=32, blank=True)
    description = models.TextField(_("description"), blank=True)
    cndp_declaration = models.CharField(
        _("CNDP declaration number"),
        max_length=50,
        blank=True,
        help_text=_(
            "The number the CNDP gave the organisation's declaration of its processing of personal "
            "data (Law 09-08). Shown on the registration forms of the workshops it organises."
        ),
    )

    objects = OrganizationQuerySet.as_manager()
    # Its other names (OrganizationAlias) feed the key too: search_key_extras.
    search_key_fields = ("name", "acronym")
    search_key_prefetch = ("aliases",)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="organizations_organization_unique_name",
                violation_error_message=_(
                    "An organisation with this name already exists "
                    "(names are compared without regard to case)."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""),
                name="organizations_organization_name_not_empty",
                violation_error_message=_("An organisation needs a name."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def save(self, *args, **kwargs):
        self.name = collapse_spaces(self.name)
        self.name_key = fold(self.name)
        super().save(*args, **kwargs)

    def remember_name_of(self, other):
        """Record the name of ``other`` (an Organization merged into this one) as an alias of
        this one, unless it folds like this name or is an alias already; returns the new
        OrganizationAlias or None."""
        key = fold(other.name)
        if not key or key == fold(self.name) or OrganizationAlias.objects.filter(key=key).exists():
            return None
        return OrganizationAlias.objects.create(
            organization=self,
            name=other.name,
            language=OrganizationAlias.guess_language(other.name),
            source=OrganizationAlias.Source.MERGE,
        )

    def search_key_extras(self):
        """Its other names (``OrganizationAlias``) find it too."""
        return [alias.name for alias in self.aliases.all()] if self.pk else []

    @classmethod
    def guess_kind(cls, name):
        """Guess the Kind from words in ``name`` (جمعية → association, Commune → commune…).

        Returns a ``Organization.Kind`` value; ``OTHER`` when no word gives it away.
        """
        key = fold(name)
        for kind, patterns in _KIND_HINTS:
            if any(re.search(pattern, key) for pattern in patterns):
                return kind
        return cls.Kind.OTHER


class OrganizationAlias(AliasOfKeyedModel):
    """Another name of an organisation: its name in another language (``الفضاء الجمعوي`` for
    Espace Associatif), an older name, a common spelling or acronym. An import that meets the
    alias takes the organisation (``attendance.organisations``).

    ``key`` is the folded alias (``regions.names.fold``), unique across all aliases: one
    spelling leads to one organisation. ``save`` and the model's validation keep it in step
    with ``name`` (``bulk_create`` callers set it themselves). ``language``: "ar", "fr", "en",
    "zgh" or "" (not known); ``source``: where the alias came from (``Source``).
    """

    class Language(models.TextChoices):
        ARABIC = "ar", _("Arabic")
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")
        TAMAZIGHT = "zgh", _("Tamazight")

    class Source(models.TextChoices):
        STAFF = "staff", _("entered by staff")
        IMPORT = "import", _("confirmed at an import")
        MERGE = "merge", _("name of a merged organisation")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("organisation")
    )
    name = models.CharField(
        _("other name"), max_length=255, help_text=_("As it is written, in any language.")
    )
    key = models.CharField(_("matching key"), max_length=255, editable=False)
    language = models.CharField(_("language"), max_length=3, choices=Language, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source, default=Source.STAFF, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = AliasQuerySet.as_manager()
    search_key_owners = ("organization",)

    class Meta:
        verbose_name = _("other name of an organisation")
        verbose_name_plural = _("other names of organisations")
        ordering = ["name"]
        constraints = [
            # Also the index of the import's look-up of a sheet's organisation names.
            models.UniqueConstraint(
                fields=["key"],
                name="organizations_organizationalias_unique_key",
                violation_error_message=_(
                    "This name is already another name of an organisation (names are compared "
                    "without regard to case, accents or spacing)."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(key=""),
                name="organizations_organizationalias_key_not_empty",
                violation_error_message=_("Give the other name in letters."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = collapse_spaces(self.name)
        self.key = fold(self.name)
        super().save(*args, **kwargs)

    def validate_constraints(self, exclude=None):
        """The key follows the name: its rules are checked whenever the name is (a form shows
        the key's violations although the key is not one of its fields)."""
        self.key = fold(self.name)
        if exclude and "name" not in exclude:
            exclude = set(exclude) - {"key"}
        super().validate_constraints(exclude)

    def clean(self):
        """An alias that is already an organisation's own name would never be used. Raises
        ValidationError ``{"name": [...]}``."""
        key = fold(self.name)
        named = Organization.objects.filter(name_key=key).exclude(pk=self.organization_id).first()
        if key and self.organization_id and named is not None:
            raise ValidationError(
                {"name": _("“%(name)s” is the name of another organisation.") % {"name": named.name}}
            )

    @staticmethod
    def guess_language(name):
        """ "ar" for a name in Arabic letters, "fr" or "en" when it holds a word of that language
        only (de, des, pour… / of, for, the…), else ""."""
        if re.search(r"[\u0600-\u06ff]", name):
            return OrganizationAlias.Language.ARABIC
        words = set(fold(name).split())
        french, english = words & _FRENCH_WORDS, words & _ENGLISH_WORDS
        if french and not english:
            return OrganizationAlias.Language.FRENCH
        if english and not french:
            return OrganizationAlias.Language.ENGLISH
        return ""


class Person(SearchKeyModel):
    """A participant's identity. PERSONAL DATA: staff only, never public.

    Names are kept as typed (Arabic or Latin script). ``phone`` is stored in E.164
    (``+212600000901``): ``full_clean()`` (every form) turns it so however it was typed
    (``organizations.phones``), as imports do; ``email`` lower-cased.
    Phone and e-mail, where given, identify one person (database constraints), which is how
    imports recognise someone who comes back.
    """

    class Gender(models.TextChoices):
        FEMALE = "female", _("woman")
        MALE = "male", _("man")
        UNSPECIFIED = "unspecified", _("not stated")

    class AgeBand(models.TextChoices):
        UNDER_18 = "under_18", _("under 18")
        AGE_18_24 = "18_24", _("18-24")
        AGE_25_34 = "25_34", _("25-34")
        AGE_35_44 = "35_44", _("35-44")
        AGE_45_54 = "45_54", _("45-54")
        AGE_55_64 = "55_64", _("55-64")
        AGE_65_PLUS = "65_plus", _("65 and over")

    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender, default=Gender.UNSPECIFIED)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand, blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        help_text=_("As you like: 06 12 34 56 78, +212 6 12 34 56 78; stored as +212612345678."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisation"),
    )
    position = models.CharField(_("position or role"), max_length=150, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("region of origin"),
    )
    # Optional, for the reports by commune; never shown publicly but as counts.
    commune = models.ForeignKey(
        "regions.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("commune of origin"),
    )
    consent_given = models.BooleanField(
        _("consent: contact for follow-up"),
        default=False,
        help_text=_("The person agreed that the organiser keeps their contact details to follow up."),
    )
    consent_photos = models.BooleanField(
        _("consent: appear in photos"),
        default=False,
        help_text=_("The person agreed to appear in photos the organiser publishes."),
    )
    consent_public_listing = models.BooleanField(
        _("consent: public listing as committee member"),
        default=False,
        help_text=_("The person agreed to be named publicly as a member of a monitoring committee."),
    )
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    erased_at = models.DateTimeField(
        _("erased at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the personal data was erased (on request or at the end of the retention period)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Names only: a phone or e-mail is searched apart, by those allowed to read it.
    objects = SearchKeyQuerySet.as_manager()
    search_key_fields = ("first_name", "last_name")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name"]
        indexes = [
            # The admin's people list: ORDER BY last_name, first_name, id DESC LIMIT 100 (the
            # admin adds "-pk" to make the order total) is read from this index instead of
            # sorting 150,000 rows on every page.
            models.Index(fields=["last_name", "first_name", "-id"], name="organizations_person_by_name"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["phone"],
                condition=~models.Q(phone=""),
                name="organizations_person_unique_phone",
                violation_error_message=_(
                    "Another person already has this phone number: find them in the list of people "
                    "(or merge the two) rather than adding them again."
                ),
            ),
            models.UniqueConstraint(
                fields=["email"],
                condition=~models.Q(email=""),
                name="organizations_person_unique_email",
                violation_error_message=_("Another person already has this e-mail address."),
            ),
            models.CheckConstraint(
                condition=~models.Q(first_name="", last_name=""),
                name="organizations_person_has_a_name",
                violation_error_message=_("A person needs a first name or a last name."),
            ),
        ]
        permissions = [
            ("view_personal_data", _("Can see participants' contact details and export them")),
            ("erase_person", _("Can erase a person's personal data")),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        """First and last name as typed, joined by a space."""
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def clean_fields(self, exclude=None):
        """Django's checks of each field, and the phone put in E.164 or refused in words.
        Raises ValidationError ``{field: [errors]}``."""
        try:
            super().clean_fields(exclude)
            errors = {}
        except ValidationError as error:
            errors = error.error_dict
        if "phone" not in (exclude or ()) and "phone" not in errors:
            try:
                self.phone = normalise_phone(self.phone)
            except ValueError:
                message = _("Enter a valid phone number, e.g. 06 12 34 56 78, or +33 6 12 34 56 78 abroad.")
                errors["phone"] = [ValidationError(message, code="invalid_phone")]
        if errors:
            raise ValidationError(errors)


class ExportLog(models.Model):
    """One export of workshop data: who, when, what, in which format, how many rows.

    Written by every export (admin download, ``manage.py export_attendance``, cross-workshop
    report) through ``ExportLog.record``; never changed afterwards. It audits who took
    personal data out of the tracker, which is why it lives with the people it is about.
    ``user`` is None for command-line exports, where ``username`` holds the system account.
    """

    class Kind(models.TextChoices):
        ATTENDANCE_LIST = "attendance_list", _("attendance list")
        SIGN_IN_SHEET = "sign_in_sheet", _("sign-in sheet")
        REPORT = "report", _("cross-workshop report")
        PERSON_DATA = "person_data", _("data held on a person")
        CERTIFICATES = "certificates", _("certificates of participation")

    class Channel(models.TextChoices):
        ADMIN = "admin", _("staff site")
        COMMAND = "command", _("command line")

    created_at = models.DateTimeField(_("exported at"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exports",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name at the time"), max_length=150, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel, default=Channel.ADMIN)
    kind = models.CharField(_("what"), max_length=20, choices=Kind)
    file_format = models.CharField(_("format"), max_length=10)
    workshop = models.ForeignKey(
        "workshops.Workshop",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exports",
        verbose_name=_("workshop"),
    )
    scope = models.CharField(
        _("scope"),
        max_length=500,
        blank=True,
        help_text=_("The workshop's title, or the report's filters (project, funder, region, period)."),
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    personal_data = models.BooleanField(
        _("contains personal data"), default=False, help_text=_("Names or contact details of participants.")
    )

    class Meta:
        verbose_name = _("export log entry")
        verbose_name_plural = _("export log")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The admin's list: newest first.
            models.Index(fields=["-created_at"], name="organizations_exportlog_date"),
        ]

    def __str__(self):
        when = f"{self.created_at:%Y-%m-%d %H:%M}" if self.created_at else ""
        return f"{when} {self.username}: {self.get_kind_display()} ({self.file_format})"

    @classmethod
    def record(cls, *, kind, file_format, user=None, username="", workshop=None, scope="", rows=0, **extra):
        """Create and return the entry of one export.

        ``user``: the logged-in user (None from the command line, then give ``username``);
        ``workshop``: for per-workshop exports (``scope`` defaults to its title); ``rows``:
        rows written; ``extra``: ``channel`` and ``personal_data``.
        """
        if user is not None and not username:
            username = user.get_username()
        return cls.objects.create(
            kind=kind,
            file_format=file_format,
            user=user if user is not None and user.is_authenticated else None,
            username=username[:150],
            workshop=workshop,
            scope=(scope or (workshop.title if workshop else ""))[:500],
            row_count=rows,
            **extra,
        )


class ErasureRecord(models.Model):
    """One erasure of a person's personal data (Law 09-08, right to erasure; or retention).

    The person's row stays, anonymised, so that counts do not change; this record says when, why
    and by whom. Each erasure is also appended to the file ``settings.ERASURE_LOG_PATH``, kept
    outside the database, which ``manage.py restore`` replays after restoring an older backup
    (``organizations.privacy.replay_erasures``).

    Holds no personal data in clear: the person's id and keyed digests (HMAC-SHA256 with
    ``settings.ERASURE_HASH_KEY``, 64 hex characters, "" when the value was blank) of their E.164
    phone, lower-cased e-mail and name key, by which an import recognises the person and skips
    them (``organizations.privacy.ErasedPeople``). Re-admitting the person with a new consent
    (``readmitted_at``, ``readmitted_by``, ``readmission_consent_date``) blanks the digests.
    """

    class Reason(models.TextChoices):
        REQUEST = "request", _("request of the person")
        RETENTION = "retention", _("end of the retention period")
        OTHER = "other", pgettext_lazy("erasure reason", "other")

    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, related_name="erasures", verbose_name=_("person")
    )
    person_ref = models.PositiveBigIntegerField(_("person id"))
    erased_at = models.DateTimeField(_("erased at"))
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erased by"),
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason)
    phone_hash = models.CharField(_("phone digest"), max_length=64, blank=True, editable=False)
    email_hash = models.CharField(_("e-mail digest"), max_length=64, blank=True, editable=False)
    name_hash = models.CharField(_("name digest"), max_length=64, blank=True, editable=False)
    readmitted_at = models.DateTimeField(_("re-admitted at"), null=True, blank=True, editable=False)
    readmitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("re-admitted by"),
    )
    readmission_consent_date = models.DateField(_("date of the new consent"), null=True, blank=True)

    class Meta:
        verbose_name = _("erasure record")
        verbose_name_plural = _("erasure records")
        ordering = ["-erased_at", "-pk"]
        indexes = [
            # The import's look-up of a sheet's phones and e-mails among erased people.
            models.Index(fields=["phone_hash"], name="organizations_erasure_phone"),
            models.Index(fields=["email_hash"], name="organizations_erasure_email"),
            models.Index(fields=["name_hash"], name="organizations_erasure_name"),
        ]
        permissions = [
            ("readmit_erased_person", _("Can re-admit an erased person who gave a new consent")),
        ]

    def __str__(self):
        return f"#{self.person_ref} {self.erased_at:%Y-%m-%d} ({self.get_reason_display()})"

    @property
    def why_skipped(self):
        """Why an import skips this person, in the current language: "erased on 3 December 2026
        at the person's request" (or "… at the end of the retention period")."""
        date = date_format(timezone.localtime(self.erased_at), "DATE_FORMAT")
        if self.reason == self.Reason.REQUEST:
            return _("erased on %(date)s at the person's request") % {"date": date}
        return _("erased on %(date)s (%(reason)s)") % {"date": date, "reason": self.get_reason_display()}

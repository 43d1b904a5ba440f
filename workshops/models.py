"""Workshops, their sessions and attendance, and what comes out of them.

Shapes: a Project groups Workshops; a Workshop has Sessions (one per day or agenda item) and
Participations (a Person at a Workshop), each with Attendance marks per Session; it produces
Recommendations, followed up by dated FollowUps, and may propose a MonitoringCommittee.

Counting rule used by every public figure: a participant counts when their participation
``counts_toward_totals`` and its status is ``attended`` (``ParticipationQuerySet.counted``).
"""

import secrets
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from regions.search import SearchKeyModel, SearchKeyQuerySet
from workshops.content import shown
from workshops.evidence import EvidenceFileField, EvidenceName, evidence_suffix


def original_language_field():
    """The language a record's texts were first written in: a code of ``settings.LANGUAGES``.

    The texts themselves have a version per language (``workshops/translation.py``); pages show
    this one when the page's language has none (``workshops.content.shown``).
    """
    return models.CharField(
        _("original language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the texts were first written in, shown where a translation is missing."),
    )


class Project(SearchKeyModel):
    """A funded project under which an organisation runs workshops."""

    name = models.CharField(_("name"), max_length=255)
    language = original_language_field()
    slug = models.SlugField(_("slug"), max_length=255, unique=True, allow_unicode=True)
    organizer = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("lead organisation"),
    )
    funders = models.ManyToManyField(
        "organizations.Organization", blank=True, related_name="funded_projects", verbose_name=_("funders")
    )
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    objects = SearchKeyQuerySet.as_manager()
    search_key_fields = ("name",)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="workshops_project_end_after_start",
                violation_error_message=_("A project cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.name


class WorkshopQuerySet(SearchKeyQuerySet):
    def published(self):
        """Workshops the public may see."""
        return self.filter(is_published=True)

    def held(self):
        """Workshops that took place."""
        return self.filter(status=Workshop.Status.HELD)

    def concerning(self, region):
        """Workshops held in ``region`` or aimed at it (each once)."""
        aimed = Workshop.target_regions.through.objects.filter(region=region).values("workshop_id")
        return self.filter(Q(venue_region=region) | Q(pk__in=aimed))

    def concerning_commune(self, commune):
        """Workshops held in ``commune`` (a ``regions.Commune``) or aimed at it (each once)."""
        aimed = Workshop.target_communes.through.objects.filter(commune=commune).values("workshop_id")
        return self.filter(Q(venue_commune=commune) | Q(pk__in=aimed))

    def in_year(self, year):
        """Workshops that started in calendar year ``year`` (int)."""
        return self.filter(start_date__year=year)

    def update(self, **kwargs):
        """``QuerySet.update`` that keeps the public summary tables in step
        (``workshops.summaries``): published or held changes who is reached."""
        from workshops import summaries

        with summaries.batch():
            people = Participation.objects.filter(workshop__in=self.values("pk")).values_list("person_id")
            summaries.mark(people=[pk for (pk,) in people], now=False)
            workshops = list(self.values_list("pk", flat=True))
            updated = super().update(**kwargs)
            summaries.refresh_public(workshops)
            return updated

    update.alters_data = True


class Workshop(SearchKeyModel):
    """A workshop, training or forum run by an organisation, on one or several days."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("training")
        STRATEGIC_PLANNING = "strategic_planning", _("strategic planning")
        CONSULTATION = "consultation", _("public consultation")
        FORUM = "forum", _("forum")
        SEMINAR = "seminar", _("seminar or conference")
        MEETING = "meeting", _("meeting")
        OTHER = "other", pgettext_lazy("workshop kind", "other")

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("workshop status", "planned")
        HELD = "held", pgettext_lazy("workshop status", "held")
        CANCELLED = "cancelled", pgettext_lazy("workshop status", "cancelled")

    title = models.CharField(_("title"), max_length=255)
    language = original_language_field()
    slug = models.SlugField(_("slug"), max_length=255, unique=True, allow_unicode=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.TRAINING)
    project = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshops",
        verbose_name=_("project"),
    )
    organizer = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="organized_workshops",
        verbose_name=_("organiser"),
    )
    partners = models.ManyToManyField(
        "organizations.Organization",
        through="WorkshopPartner",
        related_name="partnered_workshops",
        verbose_name=_("partners"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    venue_region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_workshops",
        verbose_name=_("region of the venue"),
    )
    venue_commune = models.ForeignKey(
        "regions.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_workshops",
        verbose_name=_("commune of the venue"),
    )
    target_regions = models.ManyToManyField(
        "regions.Region", blank=True, related_name="targeted_workshops", verbose_name=_("target regions")
    )
    target_communes = models.ManyToManyField(
        "regions.Commune", blank=True, related_name="targeted_workshops", verbose_name=_("target communes")
    )
    expected_participants = models.PositiveIntegerField(_("expected participants"), null=True, blank=True)
    objectives = models.TextField(_("objectives"), blank=True, help_text=_("One objective per line."))
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PLANNED)
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Shown on the public pages (counts only).")
    )
    source_url = models.URLField(_("source link"), blank=True)
    source_note = models.CharField(
        _("source"), max_length=255, blank=True, help_text=_("E.g. the newspaper and date of a press report.")
    )
    # Public registration (the ``registrations`` app): off unless staff open it.
    registration_open = models.BooleanField(
        _("public registration open"),
        default=False,
        help_text=_("Anyone with the link may register. The organiser needs a CNDP declaration number."),
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes at"),
        null=True,
        blank=True,
        help_text=_("Empty: registration closes at the end of the workshop's first day."),
    )
    registration_capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("How many people may register; empty for no limit. Refused people do not take a place."),
    )
    registration_needs_approval = models.BooleanField(
        _("staff approve registrations"),
        default=False,
        help_text=_("Each registration awaits approval by staff before it is confirmed."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = WorkshopQuerySet.as_manager()
    search_key_fields = ("title", "summary", "objectives", "city", "venue")

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="workshops_workshop_end_after_start",
                violation_error_message=_("A workshop cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(registration_capacity__isnull=True) | Q(registration_capacity__gte=1),
                name="workshops_workshop_capacity_gte_1",
                violation_error_message=_("A workshop open to registration has at least one place."),
            ),
        ]
        indexes = [
            # Public list and home page: published workshops, newest first.
            models.Index(fields=["is_published", "status", "-start_date"], name="workshops_published_idx"),
            # Bulk attendance export of a region and year (``bulk_exports.marks``).
            models.Index(fields=["venue_region", "start_date"], name="workshops_region_start_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workshops:detail", kwargs={"slug": self.slug})

    def clean(self):
        """Registration opens only for an organiser that declared its processing to the CNDP
        (Law 09-08): the form must name the declaration. Raises ValidationError
        ``{"registration_open": [...]}``."""
        organizer = self.organizer if self.organizer_id else None
        if self.registration_open and organizer is not None and not organizer.cndp_declaration.strip():
            raise ValidationError(
                {
                    "registration_open": _(
                        "Give the CNDP declaration number of %(organizer)s (on its page) before opening "
                        "registration: the form must show it."
                    )
                    % {"organizer": organizer}
                }
            )

    @property
    def objective_list(self):
        """The objectives shown in the active language (``workshops.content.shown``), as a list
        of non-empty lines (list of str)."""
        lines = shown(self, "objectives").splitlines()
        return [line.strip(" -•\t") for line in lines if line.strip(" -•\t")]

    @property
    def days(self):
        """Number of calendar days from start to end date, both included (int >= 1)."""
        return (self.end_date - self.start_date).days + 1

    def dates(self):
        """Every calendar day from start to end date, both included (list of ``date``)."""
        return [self.start_date + timedelta(days=n) for n in range(self.days)]

    def marked_sessions_outside(self, start_date, end_date):
        """Sessions of this workshop dated outside ``start_date``–``end_date`` that hold presence
        marks (a QuerySet annotated with ``marks``, an int): dates that drop them would lose
        the marks, so ``sync_sessions`` keeps them and the workshop form refuses such dates."""
        if self.pk is None:
            return Session.objects.none()
        return (
            self.sessions.exclude(date__range=(start_date, end_date))
            .annotate(marks=models.Count("attendances"))
            .filter(marks__gt=0)
        )

    @transaction.atomic
    def sync_sessions(self):
        """Make the sessions follow the workshop's dates: a session (numbered, untitled: its
        label says "Day 2 — 6 March") for every day that has none, sessions outside the dates
        without marks deleted, those with marks kept; then all numbered 1, 2, 3… in date order.

        Returns ``SessionSync(added, removed, kept)``: lists of the sessions added, deleted and
        kept outside the dates (the last because they hold presence marks)."""
        sessions = list(self.sessions.annotate(marks=models.Count("attendances")))
        outside = [s for s in sessions if not (self.start_date <= s.date <= self.end_date)]
        removed = [s for s in outside if not s.marks]
        kept = [s for s in outside if s.marks]
        Session.objects.filter(pk__in=[s.pk for s in removed]).delete()
        dated = {s.date for s in sessions}
        top = max((s.position for s in sessions), default=0)
        added = Session.objects.bulk_create(
            Session(workshop=self, date=day, position=top + n)
            for n, day in enumerate((d for d in self.dates() if d not in dated), start=1)
        )
        numbered = {s.pk: s for s in self.renumber_sessions()}
        return SessionSync([numbered[s.pk] for s in added], removed, [numbered[s.pk] for s in kept])

    def renumber_sessions(self):
        """Number the sessions 1, 2, 3… by date (then by their former number); returns them in
        that order. Two passes: the unique number per workshop must hold after each UPDATE."""
        ordered = list(self.sessions.order_by("date", "start_time", "position"))
        offset = max((s.position for s in ordered), default=0)
        for attempt in (offset, 0):
            for n, session in enumerate(ordered, start=1):
                session.position = attempt + n
            Session.objects.bulk_update(ordered, ["position"])
        return ordered

    def usual_partners(self):
        """The organiser's usual partners: organisations that were partners of its other
        workshops and are not yet partners of this one (a QuerySet of Organization, by name;
        each annotated with ``last_role``, its role in the latest of those workshops)."""
        from organizations.models import Organization

        earlier = WorkshopPartner.objects.filter(workshop__organizer_id=self.organizer_id).exclude(
            workshop_id=self.pk
        )
        latest_role = earlier.filter(organization=models.OuterRef("pk")).order_by(
            "-workshop__start_date", "-pk"
        )
        current = WorkshopPartner.objects.filter(workshop_id=self.pk).values("organization")
        return (
            Organization.objects.filter(pk__in=earlier.values("organization"))
            .exclude(pk__in=current)
            .annotate(last_role=models.Subquery(latest_role.values("role")[:1]))
            .order_by("name")
        )

    def add_usual_partners(self):
        """Add every usual partner (``usual_partners``) in its latest role. Returns the list of
        ``WorkshopPartner`` rows made."""
        return WorkshopPartner.objects.bulk_create(
            WorkshopPartner(workshop=self, organization=org, role=org.last_role)
            for org in self.usual_partners()
        )


class SessionSync(NamedTuple):
    """What ``Workshop.sync_sessions`` did: lists of sessions added, removed, kept with marks."""

    added: list
    removed: list
    kept: list


class WorkshopPartner(models.Model):
    """An organisation's part in a workshop other than organising it (funder, co-organiser…)."""

    class Role(models.TextChoices):
        FUNDER = "funder", _("funder")
        CO_ORGANIZER = "co_organizer", _("co-organiser")
        TECHNICAL = "technical", _("technical partner")
        HOST = "host", _("host")
        OTHER = "other", pgettext_lazy("partner role", "other")

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="partnerships", verbose_name=_("workshop")
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="workshop_partnerships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.FUNDER)

    class Meta:
        verbose_name = _("workshop partner")
        verbose_name_plural = _("workshop partners")
        ordering = ["workshop", "role", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "organization", "role"],
                name="workshops_workshoppartner_unique_role",
                violation_error_message=_("This organisation already has this role in this workshop."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} ({self.get_role_display()})"


class Session(models.Model):
    """One day or agenda item of a workshop. ``position`` orders them: 1, 2, 3…"""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("workshop")
    )
    position = models.PositiveSmallIntegerField(_("order"))
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=255, blank=True)
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["workshop", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "position"],
                name="workshops_session_unique_position",
                violation_error_message=_("This workshop already has a session with this number."),
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1),
                name="workshops_session_position_gte_1",
                violation_error_message=_("Sessions are numbered from 1."),
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_time__gte=F("start_time")),
                name="workshops_session_end_after_start",
                violation_error_message=_(
                    "A session cannot end before it starts. For a session past midnight, "
                    "enter two sessions, one on each day."
                ),
            ),
        ]

    def __str__(self):
        return self.title or _("Day %(number)s") % {"number": self.position}

    @cached_property
    def label(self):
        """The session's number and date, then its title when it has one: "Day 2 — 6 March",
        "Day 2 — 6 March — Field visit" (translated, the date in the active language; kept on
        the instance, which a roster shows in every row)."""
        label = _("Day %(number)s — %(date)s") % {
            "number": self.position,
            "date": date_format(self.date, "j F"),
        }
        return f"{label} — {self.title}" if self.title else label

    def clean(self):
        workshop = getattr(self, "workshop", None)
        if workshop and self.date and not (workshop.start_date <= self.date <= workshop.end_date):
            raise ValidationError({"date": _("The session must fall within the workshop's dates.")})


# The public counting rules, as conditions on a participation: the querysets below and the data
# migration that first filled the summary tables (``workshops.summaries``) both read them here.
COUNTED = Q(status="attended", counts_toward_totals=True)
PUBLISHED_HELD = Q(is_published=True, status="held")
IN_PUBLISHED_WORKSHOPS = Q(workshop__is_published=True, workshop__status="held")


class ParticipationQuerySet(models.QuerySet):
    def counted(self):
        """Participations that count in public figures: attended, and counted toward totals."""
        return self.filter(COUNTED)

    def in_published_workshops(self):
        """Participations at published workshops that were held."""
        return self.filter(IN_PUBLISHED_WORKSHOPS)

    def update(self, **kwargs):
        """``QuerySet.update`` that keeps the public summary tables in step
        (``workshops.summaries``): the workshops and people of the rows changed are refreshed."""
        from workshops import summaries

        with summaries.batch():
            summaries.mark_participations(self)
            changed = super().update(**kwargs)
            summaries.mark(workshops=[kwargs.get("workshop_id")], people=[kwargs.get("person_id")])
        return changed

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        """``QuerySet.bulk_create`` that refreshes the summaries of the rows' workshops and people."""
        from workshops import summaries

        created = super().bulk_create(objs, *args, **kwargs)
        summaries.mark(
            workshops={obj.workshop_id for obj in created}, people={obj.person_id for obj in created}
        )
        return created

    def bulk_update(self, objs, *args, **kwargs):
        """``QuerySet.bulk_update`` that refreshes the summaries of the rows' workshops and people."""
        from workshops import summaries

        objs = list(objs)
        changed = super().bulk_update(objs, *args, **kwargs)
        summaries.mark(workshops={obj.workshop_id for obj in objs}, people={obj.person_id for obj in objs})
        return changed

    def delete(self):
        """``QuerySet.delete`` that refreshes the summaries of the rows' workshops and people once."""
        from workshops import summaries

        with summaries.batch():
            summaries.mark_participations(self)
            return super().delete()

    delete.alters_data = True

    @transaction.atomic
    def mark_present(self, session):
        """Mark these participations present at ``session`` (those of its workshop only; the
        others are left alone). Idempotent: a mark already there stays one mark, so two staff
        ticking the same cell converge. Present means attended: the status of those marked
        becomes ``attended``, except a registration awaiting approval or refused, which only a
        staff decision changes (a tick is no approval, and must not count them in public
        figures). Returns the number of participations of the session's workshop."""
        ids = list(self.filter(workshop_id=session.workshop_id).values_list("pk", flat=True))
        Attendance.objects.bulk_create(
            [Attendance(participation_id=pk, session=session) for pk in ids], ignore_conflicts=True
        )
        Status = Participation.Status
        Participation.objects.filter(pk__in=ids).exclude(
            status__in=(Status.ATTENDED, Status.PENDING, Status.REFUSED)
        ).update(status=Status.ATTENDED)
        return len(ids)

    @transaction.atomic
    def mark_absent(self, session):
        """Remove the marks of these participations at ``session`` (idempotent). Those left
        with no mark at all and status ``attended`` go back to ``registered``: a status of
        attended without a day present would count someone who did not come. Returns the
        number of marks removed."""
        removed, _by_model = Attendance.objects.filter(participation__in=self, session=session).delete()
        markless = ~models.Exists(Attendance.objects.filter(participation=models.OuterRef("pk")))
        self.filter(markless, status=Participation.Status.ATTENDED).update(
            status=Participation.Status.REGISTERED
        )
        return removed

    def set_role(self, role):
        """Give these participations ``role`` (a ``Participation.Role`` value); whether they
        count toward totals follows the role (``Role.counts_by_default``). Returns the number
        changed. Raises ValueError for an unknown role."""
        role = Participation.Role(role)
        return self.update(role=role, counts_toward_totals=role.counts_by_default)


def new_pass_token():
    """A personal check-in code: 128 random bits as 32 hexadecimal characters (unguessable,
    unlike an id). Printed as a QR code on the registration confirmation and scanned at check-in."""
    return secrets.token_hex(16)


class Participation(models.Model):
    """A person at a workshop. ``organization`` and ``position`` are as at the time.

    ``pass_token`` is the participation's personal check-in code (``new_pass_token``); it
    identifies the person at this workshop only and is never shown on a public page.
    """

    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("participant")
        FACILITATOR = "facilitator", _("facilitator")
        SPEAKER = "speaker", _("speaker")
        STAFF = "staff", _("organising staff")

        @property
        def counts_by_default(self):
            """Whether a participation in this role counts toward totals unless told otherwise:
            participants do; facilitators, speakers and organising staff do not."""
            return self == type(self).PARTICIPANT

    class Status(models.TextChoices):
        # Registered through the public form of a workshop whose staff approve registrations;
        # "registered" once approved, "refused" otherwise. Neither pending nor refused counts.
        PENDING = "pending", pgettext_lazy("participation status", "awaiting approval")
        REGISTERED = "registered", pgettext_lazy("participation status", "registered")
        ATTENDED = "attended", pgettext_lazy("participation status", "attended")
        NO_SHOW = "no_show", pgettext_lazy("participation status", "no-show")
        CANCELLED = "cancelled", pgettext_lazy("participation status", "cancelled")
        REFUSED = "refused", pgettext_lazy("participation status", "refused")

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="participations", verbose_name=_("workshop")
    )
    person = models.ForeignKey(
        "organizations.Person",
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("person"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("organisation at the time"),
    )
    position = models.CharField(_("position at the time"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=12, choices=Role, default=Role.PARTICIPANT)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.REGISTERED)
    # None until saved means "as the role says" (``Role.counts_by_default``): an explicit value wins.
    counts_toward_totals = models.BooleanField(
        _("counts toward totals"),
        default=None,
        help_text=_("Participants count; facilitators, speakers and organising staff do not unless ticked."),
    )
    sessions = models.ManyToManyField(
        Session, through="Attendance", related_name="participations", verbose_name=_("sessions attended")
    )
    pass_token = models.CharField(
        _("personal check-in code"), max_length=32, unique=True, default=new_pass_token, editable=False
    )

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["workshop", "person__last_name", "person__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "person"],
                name="workshops_participation_unique_person",
                violation_error_message=_("This person is already a participant of this workshop."),
            ),
        ]
        permissions = [
            ("export_attendance", _("Can download attendance reports (personal data)")),
            ("import_attendance", _("Can import attendance sheets")),
        ]

    def __str__(self):
        return f"{self.person} @ {self.workshop}"

    def save(self, *args, **kwargs):
        self.apply_role_default()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        # Before the field checks, which refuse an unset (None) flag.
        self.apply_role_default()
        super().clean_fields(exclude)

    def apply_role_default(self):
        """Set ``counts_toward_totals`` from the role when it is unset (None); a value given
        (True or False) is kept."""
        if self.counts_toward_totals is None:
            role = self.role if self.role in self.Role.values else self.Role.PARTICIPANT
            self.counts_toward_totals = self.Role(role).counts_by_default


class Attendance(models.Model):
    """A presence mark: this participation was present at this session."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("participation")
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )

    class Meta:
        verbose_name = _("attendance mark")
        verbose_name_plural = _("attendance marks")
        ordering = ["session__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "session"],
                name="workshops_attendance_unique_mark",
                violation_error_message=_("This participant already has a mark for this session."),
            ),
        ]

    def __str__(self):
        return f"{self.participation.person} – {self.session}"

    def clean(self):
        if (
            self.session_id
            and self.participation_id
            and (self.session.workshop_id != self.participation.workshop_id)
        ):
            raise ValidationError(_("The session and the participation belong to different workshops."))


class ProgressStatus(models.TextChoices):
    """The public progress scale of recommendations and commitments.

    Aligned with the Open Government Partnership's completion levels (not started, limited,
    substantial, complete), plus two states OGP leaves out: ``stalled`` (started, then no
    progress for a long time or blocked) and ``withdrawn`` (dropped by those responsible).
    The scale is explained to the public on the tracker page and in docs/tracker.md.
    """

    NOT_STARTED = "not_started", _("not started")
    LIMITED = "limited", _("limited")
    SUBSTANTIAL = "substantial", _("substantial")
    COMPLETE = "complete", _("complete")
    STALLED = "stalled", _("stalled")
    WITHDRAWN = "withdrawn", _("withdrawn")

    @classmethod
    def closed(cls):
        """Statuses after which nothing is due any more (never overdue)."""
        return [cls.COMPLETE, cls.WITHDRAWN]


# Kept for readability where only recommendations are meant.
RecommendationStatus = ProgressStatus


def _today():
    return timezone.localdate()


class DueQuerySetMixin:
    """``overdue()`` for querysets of models with ``due_date`` and a ``ProgressStatus`` status."""

    def overdue(self, today=None):
        """Due before ``today`` (default: today in Africa/Casablanca), neither complete nor
        withdrawn. Something due on 10 March is overdue from 11 March on."""
        return self.filter(overdue_condition(today))


def overdue_condition(today=None):
    """``DueQuerySetMixin.overdue``'s condition, a ``Q`` (for a filtered count, say)."""
    return Q(due_date__lt=today or _today()) & ~Q(status__in=ProgressStatus.closed())


class DueMixin:
    """``is_overdue()`` for models with ``due_date`` and a ``ProgressStatus`` status."""

    def is_overdue(self, today=None):
        """True when the due date has passed and the status is not complete or withdrawn."""
        return bool(
            self.due_date
            and self.due_date < (today or _today())
            and self.status not in ProgressStatus.closed()
        )


class RecommendationQuerySet(DueQuerySetMixin, SearchKeyQuerySet):
    def public(self):
        """Recommendations of published workshops."""
        return self.filter(workshop__is_published=True)

    def concerning(self, region):
        """Recommendations whose target regions include ``region``."""
        through = Recommendation.target_regions.through.objects.filter(region=region)
        return self.filter(pk__in=through.values("recommendation_id"))


class Recommendation(DueMixin, SearchKeyModel):
    """A recommendation that came out of a workshop, with its public status.

    What is done about it is recorded as Commitments (who committed to do what, by when), each
    with Milestones; the recommendation's own status moves by FollowUps.
    """

    Status = ProgressStatus

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="recommendations", verbose_name=_("workshop")
    )
    position = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))
    language = original_language_field()
    responsible_organizations = models.ManyToManyField(
        "organizations.Organization",
        blank=True,
        related_name="recommendations",
        verbose_name=_("responsible organisations"),
    )
    target_regions = models.ManyToManyField(
        "regions.Region", blank=True, related_name="recommendations", verbose_name=_("target regions")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ProgressStatus, default=ProgressStatus.NOT_STARTED
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)

    objects = RecommendationQuerySet.as_manager()
    search_key_fields = ("text",)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["workshop", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "position"],
                name="workshops_recommendation_unique_position",
                violation_error_message=_("This workshop already has a recommendation with this number."),
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1),
                name="workshops_recommendation_position_gte_1",
                violation_error_message=_("Recommendations are numbered from 1."),
            ),
        ]

    def __str__(self):
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"

    def get_absolute_url(self):
        return reverse("workshops:recommendation", kwargs={"pk": self.pk})


class CommitmentQuerySet(DueQuerySetMixin, SearchKeyQuerySet):
    def public(self):
        """Commitments on recommendations of published workshops."""
        return self.filter(recommendation__workshop__is_published=True)

    def concerning(self, region):
        """Commitments whose target regions include ``region``."""
        through = Commitment.target_regions.through.objects.filter(region=region)
        return self.filter(pk__in=through.values("commitment_id"))

    def concerning_commune(self, commune):
        """Commitments whose communes concerned include ``commune`` (a ``regions.Commune``)."""
        through = Commitment.target_communes.through.objects.filter(commune=commune)
        return self.filter(pk__in=through.values("commitment_id"))

    def with_progress(self):
        """Annotate ``milestone_weight`` and ``done_weight`` (sums of milestone weights), from which
        ``Commitment.progress`` reads without further queries. Keeps the queryset's ordering,
        or the model's: an aggregate's GROUP BY would otherwise drop ``Meta.ordering``."""
        ordering = self.query.order_by or Commitment._meta.ordering
        return self.annotate(
            milestone_weight=Sum("milestones__weight"),
            done_weight=Coalesce(
                Sum("milestones__weight", filter=Q(milestones__completed_on__isnull=False)), 0
            ),
        ).order_by(*ordering)


class Commitment(DueMixin, SearchKeyModel):
    """Who committed to do what, by when, to carry out a recommendation.

    ``progress`` is computed from the milestones (weighted), never typed; ``status`` moves only by
    recorded FollowUps (``FollowUp.record``), so that its history is the timeline.
    """

    Status = ProgressStatus

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("recommendation")
    )
    position = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("commitment"), max_length=255, help_text=_("What will be done, in a line."))
    description = models.TextField(_("description"), blank=True)
    language = original_language_field()
    responsible_organizations = models.ManyToManyField(
        "organizations.Organization",
        blank=True,
        related_name="commitments",
        verbose_name=_("responsible organisations"),
        help_text=_("Who committed: a commune, a regional council, the organiser itself…"),
    )
    target_regions = models.ManyToManyField(
        "regions.Region", blank=True, related_name="commitments", verbose_name=_("target regions")
    )
    target_provinces = models.ManyToManyField(
        "regions.Province",
        blank=True,
        related_name="commitments",
        verbose_name=_("target provinces and prefectures"),
    )
    target_communes = models.ManyToManyField(
        "regions.Commune", blank=True, related_name="commitments", verbose_name=_("communes concerned")
    )
    unmatched_communes = models.CharField(
        _("communes not found"),
        max_length=255,
        blank=True,
        help_text=_(
            "Names of the former free-text field that matched no commune of the census: "
            "choose them among the communes concerned, then clear this field."
        ),
    )
    committed_on = models.DateField(_("committed on"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ProgressStatus, default=ProgressStatus.NOT_STARTED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CommitmentQuerySet.as_manager()
    search_key_fields = ("title", "description")

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["recommendation", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "position"],
                name="workshops_commitment_unique_position",
                violation_error_message=_("This recommendation already has a commitment with this number."),
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1),
                name="workshops_commitment_position_gte_1",
                violation_error_message=_("Commitments are numbered from 1."),
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True)
                | Q(committed_on__isnull=True)
                | Q(due_date__gte=F("committed_on")),
                name="workshops_commitment_due_after_committed",
                violation_error_message=_("A commitment cannot be due before the day it was made."),
            ),
        ]
        indexes = [
            # Tracker: overdue list and counts by status.
            models.Index(fields=["status", "due_date"], name="workshops_commit_status_due"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workshops:commitment", kwargs={"pk": self.pk})

    @property
    def progress(self):
        """Percent done (int 0-100) weighted by milestone, or None without milestones.

        Reads ``milestone_weight``/``done_weight`` when the queryset has ``with_progress()``,
        else queries the milestones.
        """
        if hasattr(self, "milestone_weight"):
            total, done = self.milestone_weight, self.done_weight
        else:
            weights = self.milestones.aggregate(
                total=Sum("weight"), done=Sum("weight", filter=Q(completed_on__isnull=False))
            )
            total, done = weights["total"], weights["done"]
        if not total:
            return None
        return round(100 * (done or 0) / total)


class Milestone(SearchKeyModel):
    """A step of a commitment; ``weight`` says how much of the commitment it counts for."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("commitment")
    )
    position = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=255)
    language = original_language_field()
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, help_text=_("Relative size of this step (1 = ordinary).")
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True)

    objects = SearchKeyQuerySet.as_manager()
    search_key_fields = ("title",)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["commitment", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "position"],
                name="workshops_milestone_unique_position",
                violation_error_message=_("This commitment already has a milestone with this number."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1),
                name="workshops_milestone_weight_gte_1",
                violation_error_message=_("A milestone's weight is at least 1."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_done(self):
        return self.completed_on is not None


def validate_evidence_file(upload):
    """Accept a PDF, PNG or JPEG up to ``EVIDENCE_MAX_BYTES``, judged by its whole content
    (``workshops.evidence.evidence_suffix``). Raises ValidationError otherwise.

    A file already stored is not read again on every save: ``manage.py check_evidence_files``
    checks those.
    """
    if not getattr(upload, "_committed", False):
        evidence_suffix(upload)


class FollowUpQuerySet(models.QuerySet):
    def public(self):
        """Updates on commitments or recommendations of published workshops."""
        return self.filter(
            Q(commitment__recommendation__workshop__is_published=True)
            | Q(recommendation__workshop__is_published=True)
        )

    def concerning(self, region):
        """Updates on commitments or recommendations whose target regions include ``region``."""
        commitments = Commitment.target_regions.through.objects.filter(region=region)
        recommendations = Recommendation.target_regions.through.objects.filter(region=region)
        return self.filter(
            Q(commitment__in=commitments.values("commitment_id"))
            | Q(recommendation__in=recommendations.values("recommendation_id"))
        )

    def concerning_commune(self, commune):
        """Updates on commitments whose communes concerned include ``commune``."""
        return self.filter(commitment__in=Commitment.objects.concerning_commune(commune).values("pk"))

    def for_committee(self, committee):
        """Updates on the commitments ``committee`` follows and on the recommendation that proposed it."""
        followed = MonitoringCommittee.followed_commitments.through.objects.filter(
            monitoringcommittee=committee
        )
        condition = Q(commitment__in=followed.values("commitment_id"))
        if committee.origin_recommendation_id:
            condition |= Q(recommendation=committee.origin_recommendation_id)
        return self.filter(condition)

    def with_subjects(self):
        """Join what timelines and feeds show: subject, its workshop, the reporting organisation."""
        return self.select_related(
            "commitment__recommendation__workshop", "recommendation__workshop", "reported_by"
        )


class FollowUp(models.Model):
    """A dated status update on a recommendation or a commitment (exactly one of them).

    ``old_status`` and ``new_status`` make the status history; ``reported_by`` (an organisation)
    is public, ``created_by`` (the staff account that typed it) is not.
    """

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("recommendation"),
    )
    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("commitment"),
    )
    date = models.DateField(_("date"))
    old_status = models.CharField(_("previous status"), max_length=12, choices=ProgressStatus, blank=True)
    new_status = models.CharField(_("new status"), max_length=12, choices=ProgressStatus)
    note = models.TextField(_("note"))
    evidence_url = models.URLField(_("evidence link"), blank=True)
    evidence_file = EvidenceFileField(
        _("evidence document"),
        upload_to=EvidenceName("evidence"),
        blank=True,
        validators=[validate_evidence_file],
        help_text=_("PDF, PNG or JPEG."),
    )
    reported_by = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("reported by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-date", "-pk"]
        get_latest_by = "date"
        constraints = [
            models.CheckConstraint(
                condition=Q(recommendation__isnull=False, commitment__isnull=True)
                | Q(recommendation__isnull=True, commitment__isnull=False),
                name="workshops_followup_one_subject",
                violation_error_message=_(
                    "A follow-up is about one recommendation or one commitment, not both or neither."
                ),
            ),
        ]
        indexes = [
            # Atom feeds and timelines: newest first.
            models.Index(fields=["-date", "-id"], name="workshops_followup_newest"),
        ]

    def __str__(self):
        return f"{self.date}: {self.get_new_status_display()}"

    @property
    def subject(self):
        """The Commitment or Recommendation this update is about."""
        return self.commitment or self.recommendation

    @transaction.atomic
    def record(self, user=None):
        """Save this new update and, if it is the newest by date, move its subject to ``new_status``.

        ``old_status`` is filled in: the subject's status when this update is the newest; for a
        back-dated update, the status of the update before it (``not_started`` if none), and the
        subject's current status is left alone. ``created_by`` defaults to ``user``. Raises
        ValidationError (nothing saved) for invalid fields or evidence.
        """
        subject = self.subject
        others = subject.follow_ups.exclude(pk=self.pk)
        newer_exists = others.filter(date__gt=self.date).exists()
        if newer_exists:
            previous = others.filter(date__lte=self.date).order_by("-date", "-pk").first()
            self.old_status = previous.new_status if previous else ProgressStatus.NOT_STARTED
        else:
            self.old_status = subject.status
        if user is not None and self.created_by_id is None:
            self.created_by = user
        self.full_clean()
        self.save()
        if not newer_exists and subject.status != self.new_status:
            subject.status = self.new_status
            subject.save(update_fields=["status"])
        return self


class MonitoringCommitteeQuerySet(SearchKeyQuerySet):
    def public(self):
        """Committees the public may see: proposed by a recommendation of a published workshop,
        or not tied to any workshop."""
        return self.filter(
            Q(origin_recommendation__isnull=True) | Q(origin_recommendation__workshop__is_published=True)
        )


class MonitoringCommittee(SearchKeyModel):
    """A body that monitors implementation (e.g. of the communes' action programmes)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("committee status", "proposed")
        CONSTITUTED = "constituted", pgettext_lazy("committee status", "constituted")
        ACTIVE = "active", pgettext_lazy("committee status", "active")
        DISSOLVED = "dissolved", pgettext_lazy("committee status", "dissolved")

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=255, unique=True, allow_unicode=True)
    origin_recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="committees",
        verbose_name=_("proposed by recommendation"),
    )
    regions = models.ManyToManyField(
        "regions.Region", blank=True, related_name="committees", verbose_name=_("regions covered")
    )
    communes = models.ManyToManyField(
        "regions.Commune", blank=True, related_name="committees", verbose_name=_("communes covered")
    )
    mandate = models.TextField(_("mandate"), blank=True)
    language = original_language_field()
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PROPOSED)
    proposed_on = models.DateField(_("proposed on"), null=True, blank=True)
    constituted_on = models.DateField(_("constituted on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    members = models.ManyToManyField(
        "organizations.Organization",
        through="CommitteeMembership",
        related_name="committees",
        verbose_name=_("members"),
    )
    followed_commitments = models.ManyToManyField(
        Commitment, blank=True, related_name="committees", verbose_name=_("commitments it follows")
    )

    objects = MonitoringCommitteeQuerySet.as_manager()
    search_key_fields = ("name", "mandate")

    class Meta:
        verbose_name = _("monitoring committee")
        verbose_name_plural = _("monitoring committees")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(constituted_on__isnull=True)
                | Q(dissolved_on__gte=F("constituted_on")),
                name="workshops_monitoringcommittee_dissolved_after_constituted",
                violation_error_message=_("A committee cannot be dissolved before it was constituted."),
            ),
            models.CheckConstraint(
                condition=~Q(status="proposed") | Q(constituted_on__isnull=True),
                name="workshops_monitoringcommittee_proposed_not_constituted",
                violation_error_message=_(
                    "A proposed committee has no constitution date yet: change its status or clear the date."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("workshops:committee", kwargs={"slug": self.slug})


class CommitteeMembership(models.Model):
    """An organisation's seat on a monitoring committee."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        SECRETARY = "secretary", _("secretary")
        MEMBER = "member", _("member")

    committee = models.ForeignKey(
        MonitoringCommittee, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("committee")
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="committee_memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.MEMBER)

    class Meta:
        verbose_name = _("committee membership")
        verbose_name_plural = _("committee memberships")
        ordering = ["committee", "role", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "organization"],
                name="workshops_committeemembership_unique_member",
                violation_error_message=_("This organisation is already a member of this committee."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} ({self.get_role_display()})"


class CommitteeMeeting(models.Model):
    """A meeting of a monitoring committee, with its minutes and decisions (public)."""

    committee = models.ForeignKey(
        MonitoringCommittee, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("committee")
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    minutes = EvidenceFileField(
        _("minutes"),
        upload_to=EvidenceName("minutes"),
        blank=True,
        validators=[validate_evidence_file],
        help_text=_("PDF, PNG or JPEG."),
    )

    class Meta:
        verbose_name = _("committee meeting")
        verbose_name_plural = _("committee meetings")
        ordering = ["committee", "-date"]

    def __str__(self):
        return f"{self.committee} – {self.date}"


def document_visible_to(name, user):
    """Whether the stored document ``name`` (evidence or minutes) may be served to ``user``.

    Yes when a public follow-up or a meeting of a public committee links it, or when ``user``
    may view the follow-up or meeting that links it; no for a file no row links (quarantined,
    replaced, or never saved).
    """
    follow_ups = FollowUp.objects.filter(evidence_file=name)
    meetings = CommitteeMeeting.objects.filter(minutes=name)
    if follow_ups.public().exists():
        return True
    if meetings.filter(committee__in=MonitoringCommittee.objects.public()).exists():
        return True
    return (user.has_perm("workshops.view_followup") and follow_ups.exists()) or (
        user.has_perm("workshops.view_committeemeeting") and meetings.exists()
    )


# Public summary tables --------------------------------------------------------------------------
# Kept by ``workshops.summaries`` in the transaction of every write that changes them, so that no
# visitor waits for a count over every participation; ``manage.py rebuild_public_figures`` makes
# them again from scratch.


class WorkshopPeople(models.Model):
    """How many counted participants (``Participation.objects.counted()``: one person once) of
    ``workshop`` come from ``region`` (None: not known) with ``gender``. Every workshop has its
    rows, published or not; readers keep those of published, held workshops."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="people_figures", verbose_name=_("workshop")
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, null=True, related_name="+", verbose_name=_("region")
    )
    gender = models.CharField(_("gender"), max_length=12)
    people = models.PositiveIntegerField(_("people"))

    class Meta:
        verbose_name = _("people of a workshop (summary)")
        verbose_name_plural = _("people of the workshops (summary)")
        ordering = ["workshop", "region", "gender"]

    def __str__(self):
        return f"{self.workshop_id} {self.region_id} {self.gender}: {self.people}"


class WorkshopSender(models.Model):
    """An organisation that sent at least one counted participant to ``workshop`` (one row per
    pair). Feeds the count of active organisations without reading every participation."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="sender_figures", verbose_name=_("workshop")
    )
    # The organisation's id, not a foreign key: a merge of organisations moves every row that
    # points at one (``organizations.merging``) and would report these; the refresh keeps them.
    organization = models.BigIntegerField(_("organisation"), db_index=True)

    class Meta:
        verbose_name = _("sending organisation (summary)")
        verbose_name_plural = _("sending organisations (summary)")
        ordering = ["workshop", "organization"]

    def __str__(self):
        return f"{self.workshop_id} {self.organization}"


class WorkshopMargin(models.Model):
    """One margin of a workshop's table of people as its public page decides it
    (``publication.workshop_margins``): ``kind`` ``"total"``, ``"gender"`` (with ``gender``) or
    ``"region"`` (with ``region``; None: people of unknown region, never printed), its count and
    whether the page prints it. Kept beside ``WorkshopPeople`` (same writes, same transaction),
    so that the country's figures sum the workshops' decisions in one grouped query instead of
    deciding every workshop's table again. Printed zeros change no sum: not stored.

    ``minimum``: the ``SMALL_CELL_MINIMUM`` the decision was taken with; rows of another minimum
    are stale (the setting changed): the readers then decide again from ``WorkshopPeople`` until
    ``manage.py rebuild_public_figures`` writes them anew."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="margin_figures", verbose_name=_("workshop")
    )
    kind = models.CharField(_("kind"), max_length=6)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, null=True, related_name="+", verbose_name=_("region")
    )
    gender = models.CharField(_("gender"), max_length=12, blank=True)
    people = models.PositiveIntegerField(_("people"))
    printed = models.BooleanField(_("printed"))
    minimum = models.PositiveSmallIntegerField(_("smallest count published"))
    # A copy of "the workshop is published and held" (``PUBLISHED_HELD``), so that the country's
    # sums read one partial index, already in their order: joining the workshops made them 5
    # times slower, and sorting the rows for the GROUP BY 3 times.
    public = models.BooleanField(_("published and held"), default=False)

    class Meta:
        verbose_name = _("published margin of a workshop (summary)")
        verbose_name_plural = _("published margins of the workshops (summary)")
        ordering = ["workshop", "kind", "region", "gender"]
        indexes = [
            # reports.workshop_margin_sums(): the public rows, read from the index alone, in the
            # GROUP BY's order.
            models.Index(
                fields=["kind", "region", "gender", "printed", "minimum", "people"],
                condition=Q(public=True),
                name="workshops_margin_sums_idx",
            ),
        ]

    def __str__(self):
        return f"{self.workshop_id} {self.kind} {self.region_id or self.gender}: {self.people}"


class Reached(models.Model):
    """A person reached: counted at a published, held workshop at least once. Their region,
    commune and gender are copied here so that the country's reach is a GROUP BY over this
    table alone (one row a person, not one a participation)."""

    # The person's id, not a foreign key, for the reason given on ``WorkshopSender``.
    person = models.BigIntegerField(_("person"), primary_key=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, null=True, related_name="+", verbose_name=_("region")
    )
    commune = models.ForeignKey(
        "regions.Commune", on_delete=models.CASCADE, null=True, related_name="+", verbose_name=_("commune")
    )
    gender = models.CharField(_("gender"), max_length=12)

    class Meta:
        verbose_name = _("person reached (summary)")
        verbose_name_plural = _("people reached (summary)")
        ordering = ["person"]
        indexes = [
            # reports.reach(): people reached by region and gender.
            models.Index(fields=["region", "gender"], name="workshops_reached_region_idx"),
        ]

    def __str__(self):
        return str(self.person)


# Second level: the sums of the summary tables above, kept by the same writes by deltas
# (``workshops.summaries``), so that the country's figures read tens of rows instead of scanning
# the tables. ``region`` is the region's id, 0 for "not known": a key column without NULL, so
# that one ``INSERT ... ON CONFLICT`` adds to the row of the key or makes it.


class ReachCount(models.Model):
    """How many people reached (``Reached`` rows) come from ``region`` (0: not known) with
    ``gender``: ``reports.reach()`` reads these rows alone. Rows whose count fell to 0 stay."""

    region = models.PositiveIntegerField(_("region"))
    gender = models.CharField(_("gender"), max_length=12)
    people = models.IntegerField(_("people"))

    class Meta:
        verbose_name = _("people reached by region and gender (summary)")
        verbose_name_plural = _("people reached by region and gender (summary)")
        ordering = ["region", "gender"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "gender"],
                name="workshops_reachcount_key",
                violation_error_message=_("This region and gender are already counted."),
            )
        ]

    def __str__(self):
        return f"{self.region} {self.gender}: {self.people}"


class MarginSum(models.Model):
    """The public ``WorkshopMargin`` rows (of published, held workshops) of one key summed:
    ``people`` their counts, ``cells`` how many rows. The key is the margin's ``kind``,
    ``region`` (0: none or not known), ``gender`` ("" when none), ``printed`` and ``minimum``:
    ``reports.workshop_margin_sums()`` reads these rows alone. Rows whose ``cells`` fell to 0
    stay (readers leave them out)."""

    kind = models.CharField(_("kind"), max_length=6)
    region = models.PositiveIntegerField(_("region"))
    gender = models.CharField(_("gender"), max_length=12, blank=True)
    printed = models.BooleanField(_("printed"))
    minimum = models.PositiveSmallIntegerField(_("smallest count published"))
    people = models.IntegerField(_("people"))
    cells = models.IntegerField(_("cells"))

    class Meta:
        verbose_name = _("sum of published margins (summary)")
        verbose_name_plural = _("sums of published margins (summary)")
        ordering = ["kind", "region", "gender", "printed", "minimum"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "region", "gender", "printed", "minimum"],
                name="workshops_marginsum_key",
                violation_error_message=_("These margins are already summed."),
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.region or self.gender} {self.printed}: {self.people} ({self.cells})"

"""Communes' action programmes (programme d'action de la commune, PAC) and their follow-up.

Shapes: an ActionProgramme belongs to one commune for a period of years (law 113-14: six years,
adopted in the first year of the mandate) and holds Projects; MonitoringCommittees (workshops)
follow programmes and record Observations on projects, each possibly decided at one of their
CommitteeMeetings. A project is *flagged* when the status its newest observation saw differs from
the status the commune itself reported (``ProjectQuerySet.with_flags``).

Everything here is public except who typed it: no person is stored.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Count, F, OuterRef, Prefetch, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workshops.evidence import EvidenceFileField, EvidenceName
from workshops.models import CommitteeMeeting, MonitoringCommittee, ProgressStatus, validate_evidence_file

# The mark of example data, in both scripts whatever the page's language (the words).
ILLUSTRATIVE_MARK = "مثال توضيحي – Exemple illustratif"
# The earliest and latest years a programme may name: Morocco's communes date from 1960, and a
# year outside these bounds is a typing error.
FIRST_YEAR, LAST_YEAR = 1960, 2100
# Law 113-14: a programme covers the six years of a mandate (2022-2027): end - start <= 5.
MAX_PERIOD_YEARS = 6


class ActionProgrammeQuerySet(models.QuerySet):
    def with_counts(self):
        """Annotate ``project_count`` and ``flagged_count`` (projects whose newest observation
        disagrees with the commune's reported status)."""
        flagged = Project.objects.with_flags().filter(programme=OuterRef("pk"), is_flagged=True)
        return self.annotate(
            project_count=Count("projects", distinct=True),
            flagged_count=_count(flagged),
        )

    def for_commune(self, commune):
        """Programmes of ``commune`` (a regions.Commune), newest period first."""
        return self.filter(commune=commune).order_by("-start_year")


def _count(queryset):
    """A subquery counting the rows of ``queryset`` of projects (0 when none), for ``annotate``."""
    counted = queryset.order_by().values("programme").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1]), 0)


class ActionProgramme(models.Model):
    """A commune's action programme for a period of years (``start_year``-``end_year``, both
    included, at most six years), adopted on a date, with its source document (a link and/or an
    uploaded PDF, PNG or JPEG checked as evidence is) and the committees that follow it.

    ``is_illustrative`` marks example data: every page showing the programme says so."""

    commune = models.ForeignKey(
        "regions.Commune", on_delete=models.PROTECT, related_name="programmes", verbose_name=_("commune")
    )
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    source_url = models.URLField(_("source document link"), blank=True)
    document = EvidenceFileField(
        _("source document"),
        upload_to=EvidenceName("programmes"),
        blank=True,
        validators=[validate_evidence_file],
        help_text=_("PDF, PNG or JPEG."),
    )
    committees = models.ManyToManyField(
        MonitoringCommittee,
        blank=True,
        related_name="programmes",
        verbose_name=_("monitoring committees following it"),
    )
    is_illustrative = models.BooleanField(
        _("illustrative example"),
        default=False,
        help_text=_("Example data, not a real programme: every page showing it says so."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ActionProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("action programme")
        verbose_name_plural = _("action programmes")
        ordering = ["commune__name_fr", "-start_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "start_year"],
                name="programmes_actionprogramme_one_per_commune_and_period",
                violation_error_message=_("This commune already has a programme starting that year."),
            ),
            models.CheckConstraint(
                condition=Q(start_year__gte=FIRST_YEAR, end_year__lte=LAST_YEAR),
                name="programmes_actionprogramme_years_plausible",
                violation_error_message=_("The years of a programme lie between 1960 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year"), end_year__lt=F("start_year") + MAX_PERIOD_YEARS),
                name="programmes_actionprogramme_period",
                violation_error_message=_(
                    "A programme's last year is its first year or one of the five years after it "
                    "(a mandate's programme covers at most six years)."
                ),
            ),
        ]

    def __str__(self):
        names = {"commune": self.commune.name, "period": self.period}
        return _("Action programme of %(commune)s %(period)s") % names

    def get_absolute_url(self):
        return reverse("programmes:detail", kwargs={"pk": self.pk})

    @property
    def period(self):
        """``"2022-2027"`` between the Unicode marks that isolate it as left-to-right text
        (U+2066, U+2069): after Arabic letters, the bidirectional algorithm would show the two
        years as "2027-2022"."""
        return f"\u2066{self.start_year}-{self.end_year}\u2069"


class ProjectQuerySet(models.QuerySet):
    def with_flags(self):
        """Annotate what the newest observation of a public committee saw (``observed_status``,
        ``observed_on``; None without observation) and ``is_flagged``: True when that status
        differs from the status the commune reported (no flag while either is missing)."""
        newest = (
            Observation.objects.public()
            .filter(project=OuterRef("pk"))
            .order_by("-date", "-pk")
            .values("observed_status", "date")
        )
        return self.annotate(
            observed_status=Subquery(newest.values("observed_status")[:1]),
            observed_on=Subquery(newest.values("date")[:1]),
        ).annotate(
            is_flagged=Case(
                When(
                    Q(observed_status__isnull=False)
                    & ~Q(reported_status="")
                    & ~Q(observed_status=F("reported_status")),
                    then=True,
                ),
                default=False,
                output_field=models.BooleanField(),
            )
        )


class Project(models.Model):
    """A project of an action programme, as the commune's table lists it, and where it stands.

    ``estimated_cost`` is in Moroccan dirhams (MAD, Decimal, 2 places); ``start_year`` and
    ``end_year`` the planned years (both included); ``status`` the public status on the scale of
    commitments (``workshops.ProgressStatus``) and ``progress`` 0-100 (percent);
    ``reported_status`` and ``reported_on`` what the commune itself last reported."""

    programme = models.ForeignKey(
        ActionProgramme, on_delete=models.CASCADE, related_name="projects", verbose_name=_("action programme")
    )
    position = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=500)
    sector = models.CharField(_("sector"), max_length=150, blank=True)
    estimated_cost = models.DecimalField(
        _("estimated cost (MAD)"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    start_year = models.PositiveSmallIntegerField(_("first planned year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("last planned year"), null=True, blank=True)
    partner_organizations = models.ManyToManyField(
        "organizations.Organization",
        blank=True,
        related_name="programme_projects",
        verbose_name=_("partner organisations"),
    )
    partners_text = models.CharField(
        _("other partners"),
        max_length=500,
        blank=True,
        help_text=_("Partners that are not organisations here."),
    )
    location = models.CharField(_("location"), max_length=255, blank=True)
    location_commune = models.ForeignKey(
        "regions.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="located_programme_projects",
        verbose_name=_("commune of the location"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ProgressStatus, default=ProgressStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    reported_status = models.CharField(
        _("status reported by the commune"), max_length=12, choices=ProgressStatus, blank=True
    )
    reported_on = models.DateField(_("reported on"), null=True, blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme project")
        verbose_name_plural = _("programme projects")
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "position"],
                name="programmes_project_unique_position",
                violation_error_message=_("This programme already has a project with this number."),
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="programmes_project_progress_percent",
                violation_error_message=_("Progress is a percentage between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(estimated_cost__isnull=True) | Q(estimated_cost__gte=0),
                name="programmes_project_cost_not_negative",
                violation_error_message=_("An estimated cost cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="programmes_project_years_in_order",
                violation_error_message=_("A project's last planned year cannot come before its first."),
            ),
            models.CheckConstraint(
                condition=Q(reported_status="") | Q(reported_on__isnull=False),
                name="programmes_project_reported_status_dated",
                violation_error_message=_("Give the date on which the commune reported this status."),
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"

    def get_absolute_url(self):
        return reverse("programmes:project", kwargs={"pk": self.pk})

    def get_observed_status_display(self):
        """The label of ``observed_status`` (annotated by ``with_flags``), or ``""``."""
        observed = getattr(self, "observed_status", None)
        return ProgressStatus(observed).label if observed else ""

    def timeline(self):
        """The project's public timeline, newest first: ``[(date, kind, item)]`` with kind
        ``"observation"`` (item: an Observation of a public committee; from the attribute
        ``public_observations`` when prefetched there, else one query) or ``"reported"`` (item:
        this project, whose ``reported_status`` the commune gave on ``reported_on``)."""
        observations = getattr(self, "public_observations", None)
        if observations is None:
            observations = self.observations.public().select_related("committee", "meeting")
        entries = [(o.date, "observation", o) for o in observations]
        if self.reported_status:
            entries.append((self.reported_on, "reported", self))
        # On the same day the commune's report comes after (below) the committee's observation.
        return sorted(entries, key=lambda entry: (entry[0], entry[1] == "observation"), reverse=True)

    @property
    def years(self):
        """``"2023-2025"``, ``"2024"`` or ``""``."""
        if self.start_year and self.end_year and self.end_year != self.start_year:
            return f"{self.start_year}-{self.end_year}"
        return str(self.start_year or self.end_year or "")


class ObservationQuerySet(models.QuerySet):
    def public(self):
        """Observations of committees the public may see (``MonitoringCommittee.objects.public``)."""
        return self.filter(committee__in=MonitoringCommittee.objects.public())


class Observation(models.Model):
    """What a monitoring committee saw of a project on a date: a note, evidence (link or
    document), the status it observed and, optionally, the meeting of the same committee where
    the observation was decided."""

    committee = models.ForeignKey(
        MonitoringCommittee,
        on_delete=models.CASCADE,
        related_name="observations",
        verbose_name=_("committee"),
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="observations", verbose_name=_("project")
    )
    date = models.DateField(_("date"))
    note = models.TextField(_("what was seen"))
    evidence_url = models.URLField(_("evidence link"), blank=True)
    evidence_file = EvidenceFileField(
        _("evidence document"),
        upload_to=EvidenceName("observations"),
        blank=True,
        validators=[validate_evidence_file],
        help_text=_("PDF, PNG or JPEG."),
    )
    observed_status = models.CharField(_("observed status"), max_length=12, choices=ProgressStatus)
    meeting = models.ForeignKey(
        CommitteeMeeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("decided at meeting"),
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee observation")
        verbose_name_plural = _("committee observations")
        ordering = ["-date", "-pk"]
        indexes = [
            # The newest observation of a project (ProjectQuerySet.with_flags) and its timeline.
            models.Index(fields=["project", "-date", "-id"], name="programmes_observation_newest"),
        ]

    def __str__(self):
        return f"{self.date}: {self.get_observed_status_display()}"

    def get_absolute_url(self):
        return f"{self.project.get_absolute_url()}#observation-{self.pk}"

    def clean(self):
        """The meeting must be one of the observing committee's, and the committee must follow
        the project's programme. Raises ValidationError naming the field."""
        errors = {}
        if self.meeting_id and self.committee_id and self.meeting.committee_id != self.committee_id:
            errors["meeting"] = _("This meeting is not one of the observing committee's meetings.")
        if self.committee_id and self.project_id:
            follows = self.project.programme.committees.filter(pk=self.committee_id).exists()
            if not follows:
                errors["committee"] = _("This committee does not follow the project's programme.")
        if errors:
            raise ValidationError(errors)


def commune_programmes(commune):
    """The action programmes of ``commune`` (a regions.Commune), newest first, for its public page:
    a list of ActionProgramme with ``projects`` prefetched (annotated by
    ``ProjectQuerySet.with_flags``: ``observed_status``, ``observed_on``, ``is_flagged``) and
    their public ``committees``. Three queries whatever the number of programmes and projects;
    render with the template ``programmes/_commune_programmes.html``."""
    return list(
        ActionProgramme.objects.for_commune(commune).prefetch_related(
            Prefetch("projects", queryset=Project.objects.with_flags()),
            Prefetch("committees", queryset=MonitoringCommittee.objects.public().order_by("name")),
        )
    )


def document_visible_to(name, user):
    """Whether the stored document ``name`` (a programme's source or an observation's evidence)
    may be served to ``user``: programmes are public; an observation's evidence when its
    committee is public, or to staff who may view observations."""
    if ActionProgramme.objects.filter(document=name).exists():
        return True
    observations = Observation.objects.filter(evidence_file=name)
    if observations.public().exists():
        return True
    return user.has_perm("programmes.view_observation") and observations.exists()

"""Admin for NGO staff: workshops with sessions, partners and recommendations inline (the attendance
import and downloads on a workshop's page are added by ``attendance.admin``)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline
from modeltranslation.translator import translator

from config.admin_choices import PreloadsChoicesInlineMixin
from config.admin_deletion import SummarisesDeletionMixin
from config.admin_search import (
    SEARCH_ROWS_FIRST_ABOVE,
    ChoicesThroughKeyFilter,
    RelatedThroughKeyFilter,
    SearchesRelatedByKeyMixin,
)
from organizations.privacy import can_export_personal_data
from workshops import reports
from workshops.content import versions
from workshops.models import (
    Attendance,
    Commitment,
    CommitteeMeeting,
    CommitteeMembership,
    FollowUp,
    Milestone,
    MonitoringCommittee,
    Participation,
    Project,
    Recommendation,
    Session,
    Workshop,
    WorkshopPartner,
)

# Links typed without a scheme are taken as https:// (Django 6.0's default, chosen now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class OriginalVersionForm(forms.ModelForm):
    """A form of a record with texts in several languages (``workshops/translation.py``).

    Only the version in the record's original language (``language``) is required for a text
    that is required at all: an organisation that writes in French is not made to type Arabic.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self._required_texts():
            for column in versions(name):
                if column in self.fields:
                    self.fields[column].required = False

    def _required_texts(self):
        options = translator.get_options_for_model(self._meta.model)
        return [name for name in options.fields if not self._meta.model._meta.get_field(name).blank]

    def clean(self):
        cleaned = super().clean()
        language = cleaned.get("language") or self.instance.language
        for name in self._required_texts():
            column = f"{name}_{language}"
            if column in self.fields and not cleaned.get(column):
                self.add_error(column, _("Required in the original language of the record."))
        return cleaned


class ForgetsPublicFiguresMixin:
    """Changes made here show on the public pages at once: the cached public figures
    (``workshops.reports.cached``) are forgotten after every save and delete."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        reports.forget_public_figures()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        reports.forget_public_figures()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        reports.forget_public_figures()


class ForgetsAttendanceMixin:
    """Participations and attendance marks changed here are changes of who attended: the pages
    of their workshops and the pages and figures that count people are forgotten
    (``reports.forget_attendance``), not the tracker nor the other pages of progress.
    ``workshop_field``: the lookup from a row to its workshop."""

    workshop_field = "workshop"

    def workshops_of(self, queryset):
        """Ids of the workshops of the rows of ``queryset`` (a set). One query."""
        return set(queryset.order_by().values_list(self.workshop_field, flat=True))

    def forget_attendance(self, workshop_ids):
        if workshop_ids:
            reports.forget_attendance(*Workshop.objects.filter(pk__in=workshop_ids))

    def save_model(self, request, obj, form, change):
        # A row moved to another workshop changes the one it leaves too.
        row = self.model.objects.filter(pk=obj.pk)
        before = self.workshops_of(row) if change else set()
        super().save_model(request, obj, form, change)
        request.attendance_workshops = before | self.workshops_of(row)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.forget_attendance(getattr(request, "attendance_workshops", set()))

    def delete_model(self, request, obj):
        workshops = self.workshops_of(self.model.objects.filter(pk=obj.pk))
        super().delete_model(request, obj)
        self.forget_attendance(workshops)

    def delete_queryset(self, request, queryset):
        workshops = self.workshops_of(queryset)
        super().delete_queryset(request, queryset)
        self.forget_attendance(workshops)


@admin.register(Project)
class ProjectAdmin(SummarisesDeletionMixin, ForgetsPublicFiguresMixin, TranslationAdmin):
    form = OriginalVersionForm
    list_display = ["name", "organizer", "start_date", "end_date"]
    list_select_related = ["organizer"]
    search_fields = [*versions("name"), "organizer__name"]
    autocomplete_fields = ["organizer", "funders"]
    prepopulated_fields = {"slug": ["name"]}


class SessionFormSet(forms.BaseInlineFormSet):
    """The workshop's sessions. A session left untouched whose date the workshop's new dates
    no longer include is deleted with the form (``Workshop.sync_sessions`` would delete it)
    rather than refused; the workshop form refuses dates that drop a session with marks."""

    def _should_delete_form(self, form):
        if super()._should_delete_form(form):
            return True
        session, workshop = form.instance, self.instance
        return bool(
            session.pk
            and not form.has_changed()
            and workshop.start_date
            and workshop.end_date
            and not (workshop.start_date <= session.date <= workshop.end_date)
            and not session.attendances.exists()
        )


class SessionInline(admin.TabularInline):
    model = Session
    formset = SessionFormSet
    extra = 0
    fields = ["position", "date", "title", "start_time", "end_time"]


class WorkshopPartnerInline(PreloadsChoicesInlineMixin, admin.TabularInline):
    model = WorkshopPartner
    extra = 0
    autocomplete_fields = ["organization"]


class RecommendationInline(PreloadsChoicesInlineMixin, TranslationStackedInline):
    form = OriginalVersionForm
    model = Recommendation
    extra = 0
    fields = [
        "position",
        "language",
        "text",
        "status",
        "due_date",
        "target_regions",
        "responsible_organizations",
    ]
    autocomplete_fields = ["target_regions", "responsible_organizations"]
    show_change_link = True


class WorkshopForm(OriginalVersionForm):
    """The workshop, with the organiser's usual partners offered (``Workshop.usual_partners``)
    and dates refused when they would drop a session that holds presence marks."""

    add_usual_partners = forms.BooleanField(
        label=_("Add the organiser's usual partners"),
        required=False,
        help_text=_("The partners of the organiser's earlier workshops, each in its latest role."),
    )

    class Meta:
        model = Workshop
        # The fields this form reads; the admin adds the others of its fieldsets.
        fields = ["organizer", "start_date", "end_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.organizer_id:
            names = [org.name for org in self.instance.usual_partners()[:20]]
            field = self.fields["add_usual_partners"]
            if names:
                field.help_text = _("Usual partners: %(names)s.") % {"names": ", ".join(names)}
            else:
                field.help_text = _("The organiser has no other partners to add.")
                field.disabled = True

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and start <= end:
            for session in self.instance.marked_sessions_outside(start, end):
                self.add_error(
                    None,
                    _(
                        "%(session)s has %(marks)s presence marks: the dates must include it. Move "
                        "or delete its marks first, or keep dates that include %(date)s."
                    )
                    % {"session": session.label, "marks": session.marks, "date": date_format(session.date)},
                )
        return cleaned


@admin.register(Workshop)
class WorkshopAdmin(SummarisesDeletionMixin, ForgetsPublicFiguresMixin, TranslationAdmin):
    form = WorkshopForm
    list_display = [
        "title",
        "start_date",
        "end_date",
        "city",
        "venue_region",
        "status",
        "is_published",
        "participant_count",
    ]
    list_filter = ["status", "is_published", "kind", "venue_region", "target_regions", "project"]
    list_select_related = ["venue_region"]
    search_fields = [*versions("title"), "city", "venue", "organizer__name"]
    date_hierarchy = "start_date"
    show_full_result_count = False
    autocomplete_fields = [
        "project",
        "organizer",
        "venue_region",
        "venue_commune",
        "target_regions",
        "target_communes",
    ]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SessionInline, WorkshopPartnerInline, RecommendationInline]
    change_form_template = "admin/workshops/workshop/change_form.html"
    formfield_overrides = HTTPS_URLS
    fieldsets = [
        (None, {"fields": ["language", "title", "slug", "kind", "status", "is_published"]}),
        (_("Who"), {"fields": ["project", "organizer", "add_usual_partners", "expected_participants"]}),
        (
            _("When and where"),
            {
                "fields": [
                    "start_date",
                    "end_date",
                    "venue",
                    "city",
                    "venue_region",
                    "venue_commune",
                    "target_regions",
                    "target_communes",
                ]
            },
        ),
        (_("Content"), {"fields": ["objectives", "summary"]}),
        (_("Source"), {"fields": ["source_note", "source_url"]}),
        (
            _("Public registration"),
            {
                "fields": [
                    "registration_open",
                    "registration_closes_at",
                    "registration_capacity",
                    "registration_needs_approval",
                ]
            },
        ),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        workshop = form.instance
        if form.cleaned_data.get("add_usual_partners"):
            added = workshop.add_usual_partners()
            if added:
                self.message_user(
                    request,
                    _("Partners added: %(names)s.")
                    % {"names": ", ".join(p.organization.name for p in added)},
                )
        # Also a workshop saved before sessions were made from dates, which has none yet.
        dates_changed = {"start_date", "end_date"} & set(form.changed_data)
        if not change or dates_changed or not workshop.sessions.exists():
            self.report_session_sync(request, workshop.sync_sessions())

    def report_session_sync(self, request, sync):
        """Tell the staff member what following the dates did to the sessions."""
        if sync.added:
            self.message_user(
                request,
                _("Sessions added from the dates: %(sessions)s.")
                % {"sessions": ", ".join(s.label for s in sync.added)},
            )
        if sync.removed:
            self.message_user(
                request,
                _("Sessions without marks outside the new dates deleted: %(count)s.")
                % {"count": len(sync.removed)},
            )
        for session in sync.kept:
            self.message_user(
                request,
                _("%(session)s holds presence marks: kept although outside the dates.")
                % {"session": session.label},
                level=messages.WARNING,
            )

    def get_queryset(self, request):
        # A correlated subquery (``reports.with_participant_counts``), not a JOIN with GROUP BY:
        # the page's count and the rows it shows do not aggregate half a million participations.
        return reports.with_participant_counts(super().get_queryset(request))

    @admin.display(description=_("participants"), ordering="participants")
    def participant_count(self, obj):
        return obj.participants

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Which downloads the page offers: the same rule as the download views.
        extra_context = {
            **(extra_context or {}),
            "can_export_personal_data": can_export_personal_data(request.user),
        }
        return super().change_view(request, object_id, form_url, extra_context)


def sessions_of(workshop_id):
    """Sessions of one workshop, for a session choice (``Session.label``: "Day 2 — 6 March")."""
    return Session.objects.filter(workshop_id=workshop_id).order_by("position")


class SessionChoiceField(forms.ModelChoiceField):
    """A session picked by its label; the queryset is limited to one workshop's sessions."""

    def label_from_instance(self, obj):
        return obj.label


class AttendanceInline(admin.TabularInline):
    """The participation's marks. Its session choice lists the sessions of the participation's
    workshop only: a session of another workshop, even posted by hand, is refused."""

    model = Attendance
    extra = 0
    formfield_overrides = {models.ForeignKey: {"form_class": SessionChoiceField}}

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A new participation has no workshop yet: its marks are added once it is saved.
        workshop_id = obj.workshop_id if obj is not None else None
        formset.form.base_fields["session"].queryset = sessions_of(workshop_id)
        return formset

    def has_add_permission(self, request, obj=None):
        return obj is not None and super().has_add_permission(request, obj)


class RoleDefaultSelect(forms.NullBooleanSelect):
    """Yes, no, or "as the role says" (None: ``Participation.Role.counts_by_default``)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [
            ("unknown", _("as the role says")),
            ("true", reports.COUNTED_LABELS[True]),
            ("false", reports.COUNTED_LABELS[False]),
        ]


class ParticipationForm(forms.ModelForm):
    """A participation; its counted flag follows the role unless set (new ones default to it)."""

    counts_toward_totals = forms.NullBooleanField(
        label=_("counts toward totals"),
        required=False,
        widget=RoleDefaultSelect,
        help_text=Participation._meta.get_field("counts_toward_totals").help_text,
    )

    class Meta:
        model = Participation
        fields = ["workshop", "person", "organization", "position", "role", "status", "counts_toward_totals"]


class WorkshopFilter(admin.SimpleListFilter):
    """Participations of one workshop (``?workshop=<id>``, any workshop's id accepted; the
    list offers the chosen one and the 15 latest, not a list of every workshop)."""

    title = _("workshop")
    parameter_name = "workshop"

    def lookups(self, request, model_admin):
        latest = list(Workshop.objects.order_by("-start_date", "-pk")[:15])
        chosen = self.value()
        if chosen and chosen.isdigit() and all(str(w.pk) != chosen for w in latest):
            latest[:0] = Workshop.objects.filter(pk=chosen)
        return [(str(w.pk), str(w)) for w in latest]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            raise IncorrectLookupParameters(value)
        return queryset.filter(workshop_id=int(value))


class ParticipationActionForm(ActionForm):
    """The changelist's action bar: the day, status or role the bulk actions apply."""

    day = forms.IntegerField(label=_("day number"), min_value=1, max_value=366, required=False)
    status = forms.ChoiceField(
        label=_("status"), choices=[("", "---------"), *Participation.Status.choices], required=False
    )
    role = forms.ChoiceField(
        label=_("role"), choices=[("", "---------"), *Participation.Role.choices], required=False
    )


class ParticipationBulkActionsMixin:
    """Bulk actions of the participations changelist: mark present for a day (needs *add
    attendance mark*), set status and set role (need *change participation*). The value comes
    from the action bar (``ParticipationActionForm``); missing or invalid, nothing changes.
    With ``ForgetsAttendanceMixin``: each forgets what a change of who attended changes."""

    action_form = ParticipationActionForm
    actions = ["mark_present", "set_status", "set_role"]

    def has_add_attendance_permission(self, request):
        return request.user.has_perm("workshops.add_attendance")

    def _action_value(self, request, name):
        field = self.action_form.base_fields[name]
        try:
            value = field.clean(request.POST.get(name))
        except ValidationError:
            value = None
        if not value:
            self.message_user(
                request,
                _("Choose the %(field)s in the action bar first.") % {"field": field.label},
                level=messages.ERROR,
            )
        return value

    @admin.action(description=_("Mark present on the day numbered"), permissions=["add_attendance"])
    def mark_present(self, request, queryset):
        day = self._action_value(request, "day")
        if not day:
            return
        marked = 0
        for session in Session.objects.filter(position=day, workshop__in=queryset.values("workshop")):
            marked += queryset.mark_present(session)
        self.message_user(
            request,
            _("%(count)s participations marked present on day %(day)s.") % {"count": marked, "day": day},
        )
        self.forget_attendance(self.workshops_of(queryset))

    @admin.action(description=_("Set the status chosen"), permissions=["change"])
    def set_status(self, request, queryset):
        status = self._action_value(request, "status")
        if status:
            count = queryset.update(status=status)
            self.message_user(request, _("%(count)s participations changed.") % {"count": count})
            self.forget_attendance(self.workshops_of(queryset))

    @admin.action(description=_("Set the role chosen (counting follows the role)"), permissions=["change"])
    def set_role(self, request, queryset):
        role = self._action_value(request, "role")
        if role:
            count = queryset.set_role(role)
            self.message_user(request, _("%(count)s participations changed.") % {"count": count})
            self.forget_attendance(self.workshops_of(queryset))


@admin.register(Participation)
class ParticipationAdmin(
    ParticipationBulkActionsMixin, ForgetsAttendanceMixin, SearchesRelatedByKeyMixin, admin.ModelAdmin
):
    form = ParticipationForm
    list_display = ["person", "workshop", "organization", "role", "status", "counts_toward_totals"]
    list_filter = [
        WorkshopFilter,
        "status",
        "role",
        "counts_toward_totals",
        ("person__gender", ChoicesThroughKeyFilter),
        ("person__region", RelatedThroughKeyFilter),
    ]
    # The page's participations are fetched alone, then their people, workshops and
    # organisations by key (a fixed number of queries): joined to them, SQLite sorted every
    # match with its joined rows before keeping a page (0.6 s to list the women, 1.9 s to sort
    # by status). An empty list, not False: False would make the admin join every foreign key.
    list_select_related = ()
    # Phone and e-mail only for staff who may read them (config.admin_privacy).
    search_fields = [
        "person__last_name",
        "person__first_name",
        "person__phone",
        "person__email",
        *versions("workshop__title"),
        "organization__name",
    ]
    autocomplete_fields = ["workshop", "person", "organization"]
    inlines = [AttendanceInline]
    show_full_result_count = False
    search_rows_first = {"person": SEARCH_ROWS_FIRST_ABOVE}  # as the attendance marks' (below)
    # Newest first by primary key: the model's order (workshop, then name) would sort half a
    # million joined rows on every page.
    ordering = ["-pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("person", "workshop", "organization")


@admin.register(Session)
class SessionAdmin(SummarisesDeletionMixin, ForgetsPublicFiguresMixin, admin.ModelAdmin):
    list_display = ["__str__", "workshop", "position", "date"]
    list_select_related = ["workshop"]
    search_fields = ["title", *versions("workshop__title")]
    autocomplete_fields = ["workshop"]
    date_hierarchy = "date"


@admin.register(Attendance)
class AttendanceAdmin(ForgetsAttendanceMixin, SearchesRelatedByKeyMixin, admin.ModelAdmin):
    workshop_field = "participation__workshop"
    list_display = ["participation", "session"]
    # The page's marks are fetched alone, then their participations, people, workshops and
    # sessions by key (a fixed number of queries): joined to them, SQLite sorted every matching
    # mark with its joined rows before keeping a page (1 s for a search matching 100,000 marks).
    # An empty list, not False: False would make the admin join every foreign key again.
    list_select_related = ()
    list_filter = ["session__date"]
    search_fields = [
        "participation__person__last_name",
        "participation__person__first_name",
        *versions("participation__workshop__title"),
    ]
    autocomplete_fields = ["participation", "session"]
    show_full_result_count = False
    # A word matching this many people or more is tested mark by mark, newest first, where a
    # page of matches is found at once; a rarer one through the list of its marks' keys
    # (config.admin_search). Either way well under a second at national scale.
    search_rows_first = {"participation__person": SEARCH_ROWS_FIRST_ABOVE}
    # Newest first by primary key: the model's order (session position) would sort a million
    # joined rows on every page.
    ordering = ["-pk"]
    # Not by participation: its order (workshop date and title, then name) joins three tables
    # to sort the million marks, 1.1 s on SQLite (by session: 0.2 s).
    sortable_by = ["session"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("participation__person", "participation__workshop", "session")
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # A saved mark's session is one of its workshop's; a new mark's session is checked
        # against its participation by ``Attendance.clean``, even when posted by hand.
        if obj is not None and "session" in form.base_fields:
            form.base_fields["session"].queryset = sessions_of(obj.participation.workshop_id)
        return form


class RecordsFollowUpsMixin:
    """Admin pages with follow-up inlines: a new follow-up goes through ``FollowUp.record`` so
    that it fills in the previous status and moves the subject's status like the quick form."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not FollowUp:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for instance in instances:
            if instance.pk is None:
                instance.record(request.user)
            else:
                instance.save()
        formset.save_m2m()
        return None


class FollowUpInline(admin.StackedInline):
    model = FollowUp
    extra = 0
    fields = ["date", "new_status", "note", "evidence_url", "evidence_file", "reported_by", "old_status"]
    readonly_fields = ["old_status"]
    autocomplete_fields = ["reported_by"]
    formfield_overrides = HTTPS_URLS


class CommitmentInline(TranslationStackedInline):
    form = OriginalVersionForm
    model = Commitment
    extra = 0
    fields = [
        "position",
        "language",
        "title",
        "responsible_organizations",
        "target_regions",
        "due_date",
        "status",
    ]
    readonly_fields = ["status"]
    autocomplete_fields = ["responsible_organizations", "target_regions"]
    show_change_link = True


class OverdueFilter(admin.SimpleListFilter):
    """Due date passed and not complete or withdrawn (today in Africa/Casablanca)."""

    title = pgettext_lazy("filter title", "overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.overdue().values("pk"))
        return queryset


@admin.register(Recommendation)
class RecommendationAdmin(ForgetsPublicFiguresMixin, RecordsFollowUpsMixin, TranslationAdmin):
    form = OriginalVersionForm
    list_display = ["__str__", "workshop", "position", "status", "due_date", "overdue"]
    list_filter = ["status", OverdueFilter, "target_regions", "workshop__project"]
    list_select_related = ["workshop"]
    search_fields = [*versions("text"), *versions("workshop__title")]
    autocomplete_fields = ["workshop", "responsible_organizations", "target_regions"]
    inlines = [CommitmentInline, FollowUpInline]

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj):
        return obj.is_overdue()


class MilestoneInline(TranslationTabularInline):
    form = OriginalVersionForm
    model = Milestone
    extra = 0
    fields = ["position", "language", "title", "weight", "due_date", "completed_on", "evidence_url"]
    formfield_overrides = HTTPS_URLS


@admin.register(Commitment)
class CommitmentAdmin(ForgetsPublicFiguresMixin, RecordsFollowUpsMixin, TranslationAdmin):
    form = OriginalVersionForm
    list_display = ["title", "recommendation", "status", "progress_display", "due_date", "overdue"]
    list_filter = ["status", OverdueFilter, "target_regions", "recommendation__workshop__project"]
    list_select_related = ["recommendation"]
    search_fields = [
        *versions("title"),
        *versions("description"),
        *versions("recommendation__text"),
        "responsible_organizations__name",
    ]
    autocomplete_fields = [
        "recommendation",
        "responsible_organizations",
        "target_regions",
        "target_provinces",
        "target_communes",
    ]
    readonly_fields = ["status"]
    date_hierarchy = "due_date"
    inlines = [MilestoneInline, FollowUpInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress()

    @admin.display(description=_("progress"))
    def progress_display(self, obj):
        return "–" if obj.progress is None else f"{obj.progress} %"

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj):
        return obj.is_overdue()


@admin.register(Milestone)
class MilestoneAdmin(ForgetsPublicFiguresMixin, TranslationAdmin):
    form = OriginalVersionForm
    list_display = ["title", "commitment", "weight", "due_date", "completed_on"]
    list_filter = ["completed_on"]
    list_select_related = ["commitment"]
    search_fields = [*versions("title"), *versions("commitment__title")]
    autocomplete_fields = ["commitment"]
    formfield_overrides = HTTPS_URLS


@admin.register(FollowUp)
class FollowUpAdmin(ForgetsPublicFiguresMixin, admin.ModelAdmin):
    list_display = ["__str__", "commitment", "recommendation", "date", "old_status", "new_status"]
    list_filter = ["new_status"]
    list_select_related = ["recommendation", "commitment"]
    search_fields = ["note", *versions("recommendation__text"), *versions("commitment__title")]
    autocomplete_fields = ["recommendation", "commitment", "reported_by"]
    readonly_fields = ["old_status", "created_by", "created_at"]
    date_hierarchy = "date"
    formfield_overrides = HTTPS_URLS

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            obj.record(request.user)


class CommitteeMembershipInline(admin.TabularInline):
    model = CommitteeMembership
    extra = 0
    autocomplete_fields = ["organization"]


class CommitteeMeetingInline(admin.StackedInline):
    model = CommitteeMeeting
    extra = 0


@admin.register(MonitoringCommittee)
class MonitoringCommitteeAdmin(ForgetsPublicFiguresMixin, TranslationAdmin):
    form = OriginalVersionForm
    list_display = ["name", "status", "proposed_on", "constituted_on", "origin_recommendation"]
    list_filter = ["status", "regions"]
    list_select_related = ["origin_recommendation"]
    search_fields = [*versions("name"), *versions("mandate")]
    autocomplete_fields = ["origin_recommendation", "regions", "communes", "followed_commitments"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CommitteeMembershipInline, CommitteeMeetingInline]


@admin.register(CommitteeMeeting)
class CommitteeMeetingAdmin(ForgetsPublicFiguresMixin, admin.ModelAdmin):
    list_display = ["committee", "date", "place"]
    list_select_related = ["committee"]
    search_fields = [*versions("committee__name"), "place", "decisions"]
    autocomplete_fields = ["committee"]
    date_hierarchy = "date"


@admin.register(WorkshopPartner)
class WorkshopPartnerAdmin(ForgetsPublicFiguresMixin, admin.ModelAdmin):
    list_display = ["organization", "workshop", "role"]
    list_filter = ["role"]
    list_select_related = ["organization", "workshop"]
    search_fields = ["organization__name", *versions("workshop__title")]
    autocomplete_fields = ["workshop", "organization"]


@admin.register(CommitteeMembership)
class CommitteeMembershipAdmin(ForgetsPublicFiguresMixin, admin.ModelAdmin):
    list_display = ["organization", "committee", "role"]
    list_filter = ["role"]
    list_select_related = ["organization", "committee"]
    search_fields = ["organization__name", *versions("committee__name")]
    autocomplete_fields = ["committee", "organization"]

"""Deciding, without writing, what importing a sheet's people into a workshop does.

Per participant: the person is found (``people``) or created; blank fields of a found person
are filled, others left as staff may have corrected them. The organisation is found by folded
name or alias, or the preview asks whether it is a saved one under another spelling
(``attendance.organisations``); else it is created (kind guessed from its name). The
participation's status is the sheet's status column when it has one; else ``attended`` if
present at any session, ``no_show`` if the sheet has session columns and none is ticked (a
cancelled participation stays cancelled), else ``registered`` for a new participation. A sheet
without day columns for a workshop with sessions asks whether its people came to every session
(``attendance.days``): the answer ticks the sessions as day columns would. Attendance marks of
the sessions the sheet covers are set to exactly what the sheet says. ``ImportResult.plan``
lists, row by row, what will be created, matched or changed, with what was read (gender,
region, organisation), and ``ImportResult.totals`` the participants by gender and region: the
admin's preview. Role and "counts toward totals" are the sheet's when it has those columns; a
new participation without them is a participant, and its counted flag follows its role
(``Participation.Role.counts_by_default``).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from attendance.days import answer_without_days
from attendance.organisations import decide_organisations
from attendance.people import is_blank, match_by_name, match_saved, saved_contacts, warn_saved_look_alikes
from attendance.rights import ImporterRights
from attendance.vocabulary import capped
from organizations.models import Organization, Person
from regions.names import collapse_spaces, fold, name_key
from workshops.models import Attendance, Participation

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "gender",
    "phone",
    "email",
    "position",
    "city",
    "region",
    "age_band",
    "consent_date",
)


@dataclass
class PlannedRow:
    """What the import does with one participant (one or more merged sheet rows).

    ``rows``: sheet row numbers; ``person``: the saved Person matched, or an unsaved one to
    create; ``person_action``: "new", "matched" or "completed" (blank fields filled, named in
    ``filled``); ``matched_by``: "phone", "email", "name" (no phone or e-mail matched: a
    participant of the workshop with the same name and organisation) or ""; ``contactless``:
    True when the sheet gives neither phone nor e-mail; ``participation_action``: "new",
    "updated" or "unchanged"; ``old_status``/``status``: Participation.Status values;
    ``marks``: ``[(Session, present bool or None when the sheet has no column for it)]``;
    ``added``/``removed``: attendance marks changed. What the sheet says of the person:
    ``gender`` (Person.Gender value), ``region`` (Region or None), ``province`` (when the sheet
    gives one), ``organization`` (saved or planned Organization, or None); ``saved_name``: the
    name a known person keeps when the sheet spells it otherwise ("" when the same).
    """

    rows: list
    name: str
    person: Person
    person_action: str
    matched_by: str = ""
    contactless: bool = False
    filled: list = field(default_factory=list)
    participation_action: str = "new"
    old_status: str = ""
    status: str = ""
    marks: list = field(default_factory=list)
    added: int = 0
    removed: int = 0
    participation: Participation | None = None
    gender: str = ""
    region: object = None
    province: object = None
    organization: Organization | None = None
    saved_name: str = ""

    @property
    def first_row(self):
        return self.rows[0]

    def get_status_display(self):
        return Participation.Status(self.status).label

    def get_old_status_display(self):
        return Participation.Status(self.old_status).label if self.old_status else ""

    def get_gender_display(self):
        return Person.Gender(self.gender or Person.Gender.UNSPECIFIED).label

    @property
    def counted(self):
        """Whether the participation will count in public figures
        (``ParticipationQuerySet.counted``: attended, and counted toward totals)."""
        return self.status == Participation.Status.ATTENDED and self.participation.counts_toward_totals


# The preview's and the message's counts: (ImportResult attribute, label), in this order.
SUMMARY_LINES = (
    ("rows", gettext_lazy("Rows read")),
    ("rows_merged", gettext_lazy("Rows merged into another (same person)")),
    ("erased", gettext_lazy("Rows skipped: people erased at their request or after retention")),
    ("people_created", gettext_lazy("New people")),
    ("people_matched", gettext_lazy("People already known")),
    ("people_matched_by_name", gettext_lazy("Known people recognised only by name")),
    ("people_completed", gettext_lazy("Known people with details added")),
    ("organizations_created", gettext_lazy("New organisations")),
    ("aliases_recorded", gettext_lazy("Other names recorded for organisations")),
    ("participations_created", gettext_lazy("New participations")),
    ("participations_updated", gettext_lazy("Participations updated")),
    ("marks_added", gettext_lazy("Attendance marks added")),
    ("marks_removed", gettext_lazy("Attendance marks removed")),
    ("not_in_sheet", gettext_lazy("Registered people not on this sheet (unchanged)")),
)

# Lines shown only when not zero (the older messages and logs stay as they were).
OPTIONAL_LINES = {"erased", "aliases_recorded"}


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would do). All counts are ints.

    ``plan``: one ``PlannedRow`` per participant, in sheet order; ``warnings``: SheetErrors
    that do not stop the import (merges, look-alikes, missing day columns); ``file_format``
    ("XLSX", "XLS", "ODS", "CSV"), ``encoding`` (text files) and ``sheet_name``: what was read;
    ``header_row``: the header's row number; ``questions``: what the preview asks the staff
    member (``attendance.choices``), with the answers used; ``not_in_sheet``: people already registered for
    the workshop whom the sheet does not list (left unchanged).
    """

    rows: int = 0
    people_created: int = 0
    people_matched: int = 0
    people_matched_by_name: int = 0
    people_completed: int = 0
    rows_merged: int = 0
    organizations_created: int = 0
    # Spellings the staff member said are a saved organisation's (recorded as its aliases).
    aliases_recorded: int = 0
    participations_created: int = 0
    participations_updated: int = 0
    marks_added: int = 0
    marks_removed: int = 0
    not_in_sheet: int = 0
    sessions: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    plan: list = field(default_factory=list)
    file_format: str = ""
    encoding: str = ""
    sheet_name: str = ""
    header_row: int | None = None
    # [(ParsedRow, ErasureRecord)]: rows skipped because they are an erased person.
    erased: list = field(default_factory=list)
    # What whoever imports may see and record (attendance.rights); read through the properties
    # below by people, organisations and places.
    rights: ImporterRights = field(default_factory=ImporterRights)
    # attendance.choices.Question: what the preview asks, each with the answer in force.
    questions: list = field(default_factory=list)
    # Every session of the workshop in order, as read with the sheet (the sheet may cover fewer).
    workshop_sessions: list = field(default_factory=list)
    # attendance.choices.Choices: the answers given (plan_import reads its own from here).
    choices: object = None
    # The sheet looks like a sign-in sheet (attendance.days.looks_like_sign_in).
    sign_in_sheet: bool = False

    @property
    def contacts_visible(self):
        """False when whoever imports may not see contacts (nor people): messages then name no
        saved person that a row's phone or e-mail leads to (``attendance.people``)."""
        return self.rights.contacts_visible and self.rights.names_visible

    @property
    def names_visible(self):
        """False when whoever imports may not see people: messages then name no saved person."""
        return self.rights.names_visible

    @property
    def may_record_aliases(self):
        """False: an answer "same as" links this sheet's rows only (``attendance.organisations``)."""
        return self.rights.may_record_aliases

    @property
    def may_record_place_aliases(self):
        """False: the region spellings answered are not remembered (``attendance.places``)."""
        return self.rights.may_record_place_aliases

    def answers(self):
        """``{field name: answer}`` of every question, as the preview showed them."""
        return {question.field_name: question.answer for question in self.questions}

    def summary(self):
        """The counts as ``[(translated label, int), …]`` for messages and pages (the erased
        line only when rows were skipped)."""
        return [
            (str(label), len(self.erased) if name == "erased" else getattr(self, name))
            for name, label in SUMMARY_LINES
            if name not in OPTIONAL_LINES or getattr(self, name)
        ]

    def totals(self):
        """The participants by what the sheet says of them, before confirming: ``[("gender",
        translated caption, rows), ("region", caption, rows)]``, each row ``(translated label,
        people in the sheet, of whom counted in public figures)``, the last row the total.
        Genders in their order, then regions by name, "not stated" last."""
        by_gender, by_region = {}, {}
        for planned in self.plan:
            gender = planned.gender or Person.Gender.UNSPECIFIED
            region = str(planned.region) if planned.region else ""
            for table, key in ((by_gender, gender), (by_region, region)):
                counts = table.setdefault(key, [0, 0])
                counts[0] += 1
                counts[1] += planned.counted
        genders = [(g.label, *by_gender[g.value]) for g in Person.Gender if g.value in by_gender]
        regions = [
            (name or _("not stated"), *by_region[name])
            for name in sorted(by_region, key=lambda n: (not n, n))
        ]
        total = (_("Total"), len(self.plan), sum(planned.counted for planned in self.plan))
        return [
            ("gender", _("Gender"), [*genders, total]),
            ("region", _("Region"), [*regions, total]),
        ]

    def summary_text(self):
        """The counts on one line: ``"Rows read: 50 · New people: 50 · …"``."""
        return " · ".join(
            _("%(label)s: %(count)s") % {"label": label, "count": count} for label, count in self.summary()
        )

    @property
    def changes_anything(self):
        """False when confirming would save nothing (the same sheet imported again); an
        organisation's other spelling to record is a change."""
        return any(
            (
                self.people_created,
                self.people_completed,
                self.organizations_created,
                self.aliases_recorded,
                self.participations_created,
                self.participations_updated,
                self.marks_added,
                self.marks_removed,
            )
        )


@dataclass
class Plan:
    """Everything ``apply_plan`` writes, gathered by ``plan_import`` without writing.

    ``organizations``: unsaved Organization objects; ``aliases``: unsaved OrganizationAlias
    objects (spellings the staff member said are a saved organisation's); ``people``: unsaved
    Person objects;
    ``completed``: saved Person objects with filled blanks and ``completed_fields`` (names);
    ``participations``/``status_changes``: unsaved / changed Participations (status, role or
    counted flag); ``marks``: ``[(PlannedRow, session_pk)]`` to add; ``removed_marks``:
    Attendance pks to delete.
    """

    rows: list = field(default_factory=list)
    organizations: list = field(default_factory=list)
    aliases: list = field(default_factory=list)
    people: list = field(default_factory=list)
    completed: list = field(default_factory=list)
    completed_fields: set = field(default_factory=set)
    participations: list = field(default_factory=list)
    status_changes: list = field(default_factory=list)
    marks: list = field(default_factory=list)
    removed_marks: list = field(default_factory=list)


@dataclass
class Saved:
    """What is already saved that a sheet may match: ``by_phone``/``by_email`` (Person by
    contact), ``organizations`` (Organization by folded name or alias, new ones added as planned),
    ``participations`` (the workshop's, by person pk), ``marks`` ((participation pk, session
    pk) → Attendance pk)."""

    by_phone: dict
    by_email: dict
    organizations: dict
    participations: dict
    marks: dict


def _saved(workshop, parsed):
    """Load the ``Saved`` facts ``parsed`` (merged ParsedRows) may match: a fixed number of
    queries (in slices of ``QUERY_CHUNK`` values)."""
    by_phone, by_email = saved_contacts(parsed)
    participations = {p.person_id: p for p in workshop.participations.all()}
    marks = {
        (participation_id, session_id): pk
        for pk, participation_id, session_id in Attendance.objects.filter(
            participation__workshop=workshop
        ).values_list("pk", "participation_id", "session_id")
    }
    return Saved(by_phone, by_email, {}, participations, marks)


def plan_import(workshop, parsed, covered, result):
    """Decide, without writing, what importing ``parsed`` (merged ParsedRows) into ``workshop``
    does; ``covered``: the sessions the sheet has a column for. Fills ``result`` (counts,
    ``plan``, warnings) and returns a ``Plan`` for ``apply.apply_plan``. A fixed number of
    queries (in slices of ``QUERY_CHUNK`` values). A sheet without day columns asks its
    question (``attendance.days``), whose answer may tick sessions."""
    sessions = result.workshop_sessions or list(workshop.sessions.all())
    covered = answer_without_days(sessions, parsed, covered, result)
    saved = _saved(workshop, parsed)
    resolved = match_saved(workshop, parsed, saved.by_phone, saved.by_email, result)
    decided = decide_organisations(resolved, result)
    match_by_name(workshop, resolved, decided.found, result)
    saved.organizations = decided.found
    plan = Plan(aliases=decided.aliases)
    new_names = {}
    for row, person, matched_by in resolved:
        organization = _organization(row, saved.organizations, plan)
        if person is None:
            planned = _new_person(row, organization, plan)
            key = (name_key(row.first_name, row.last_name), fold(row.organization))
            new_names.setdefault(key, []).append(planned)
        else:
            planned = _known_person(row, person, matched_by, organization, saved, plan)
            result.people_matched_by_name += matched_by == "name"
        _read_details(planned, row, organization)
        _plan_participation(planned, row, covered, saved, organization, plan)
        plan.rows.append(planned)
    warn_saved_look_alikes(new_names, result)
    _count(result, plan, saved.participations)
    return plan


def _organization(row, organizations, plan):
    """The saved or planned Organization of ``row`` (None without one); a new one is added to
    ``plan`` and to ``organizations`` (by folded name)."""
    if not row.organization:
        return None
    key = fold(row.organization)
    organization = organizations.get(key)
    if organization is None:
        organization = Organization(
            name=collapse_spaces(row.organization),
            name_key=key,
            kind=Organization.guess_kind(row.organization),
            region=row.region,
            city=row.city,
        )
        organizations[key] = organization
        plan.organizations.append(organization)
    return organization


def _read_details(planned, row, organization):
    """Copy onto ``planned`` what the sheet says of its person, for the preview."""
    planned.contactless = not row.phone and not row.email
    planned.gender = row.gender
    planned.region = row.region
    planned.province = getattr(row, "province", None)
    planned.organization = organization


def _new_person(row, organization, plan):
    values = {name: getattr(row, name) for name in PERSON_FIELDS}
    person = Person(**values, organization=organization, consent_given=row.consent_date is not None)
    plan.people.append(person)
    return PlannedRow(row.rows, row.name, person, "new")


def _known_person(row, person, matched_by, organization, saved, plan):
    """The PlannedRow of a saved ``person``: its blank fields take the row's values (except a
    phone or e-mail that belongs to someone else); a name the sheet spells otherwise is kept."""
    values = {name: getattr(row, name) for name in PERSON_FIELDS}
    values["organization"] = organization
    blanks = {
        name: value
        for name, value in values.items()
        if not is_blank(value)
        and is_blank(getattr(person, Person._meta.get_field(name).attname))
        and not (name == "phone" and value in saved.by_phone)
        and not (name == "email" and value in saved.by_email)
    }
    planned = PlannedRow(row.rows, row.name, person, "matched", matched_by)
    if blanks:
        for name, value in blanks.items():
            setattr(person, name, value)
        planned.person_action = "completed"
        planned.filled = [str(Person._meta.get_field(name).verbose_name) for name in blanks]
        plan.completed.append(person)
        plan.completed_fields |= set(blanks)
    if collapse_spaces(person.full_name) != collapse_spaces(row.name):
        planned.saved_name = person.full_name  # only blanks are filled: the saved name stays
    return planned


def _count(result, plan, participations):
    """Fill ``result``'s counts and ``plan`` from ``plan``; sort and cap its warnings."""
    listed = {planned.person.pk for planned in plan.rows if planned.person.pk}
    result.not_in_sheet = sum(
        1
        for person_id, participation in participations.items()
        if person_id not in listed and participation.status != Participation.Status.CANCELLED
    )
    result.plan = plan.rows
    result.people_created = len(plan.people)
    result.people_matched = len(plan.rows) - len(plan.people)
    result.people_completed = len(plan.completed)
    result.organizations_created = len(plan.organizations)
    result.aliases_recorded = len(plan.aliases)
    result.participations_created = len(plan.participations)
    result.participations_updated = len(plan.status_changes)
    result.marks_added = len(plan.marks)
    result.marks_removed = len(plan.removed_marks)
    result.warnings.sort(key=lambda w: w.row or 0)
    result.warnings = capped(
        result.warnings,
        lambda count: (
            ngettext(
                "… and %(count)s more warning, not listed.",
                "… and %(count)s more warnings, not listed.",
                count,
            )
            % {"count": count}
        ),
    )


def _status(row, covered):
    """The status the sheet gives ``row``: its status column, else attended or no-show from
    the day columns, else registered."""
    if row.status:
        return row.status
    if covered:
        return Participation.Status.ATTENDED if any(row.present.values()) else Participation.Status.NO_SHOW
    return Participation.Status.REGISTERED


def _plan_participation(planned, row, covered, saved, organization, plan):
    """Plan ``planned``'s participation (new, updated or unchanged) and its marks."""
    status = _status(row, covered)
    participation = saved.participations.get(planned.person.pk) if planned.person.pk else None
    planned.status = status
    if participation is None:
        participation = Participation(
            person=planned.person,
            organization=organization,
            position=row.position,
            status=status,
            role=row.role or Participation.Role.PARTICIPANT,
            counts_toward_totals=row.counts,
        )
        participation.apply_role_default()
        plan.participations.append(participation)
        planned.participation_action = "new"
    else:
        planned.old_status = participation.status
        keep_cancelled = (
            not row.status
            and participation.status == Participation.Status.CANCELLED
            and status == Participation.Status.NO_SHOW
        )
        changed = _role_and_counts(participation, row)
        if not (row.status or covered) or keep_cancelled:
            planned.status = participation.status
        elif participation.status != status:
            participation.status = status
            changed = True
        if changed:
            plan.status_changes.append(participation)
        planned.participation_action = "updated" if changed else "unchanged"
    planned.participation = participation
    _plan_marks(planned, row, covered, saved.marks, plan)


def _role_and_counts(participation, row):
    """Give a saved ``participation`` the role and counted flag ``row`` states; a new role
    without a counted column brings that role's default. Returns whether anything changed."""
    role = row.role or participation.role
    counts = row.counts
    if counts is None:
        counts = (
            participation.counts_toward_totals
            if role == participation.role
            else Participation.Role(role).counts_by_default
        )
    changed = (role, counts) != (participation.role, participation.counts_toward_totals)
    participation.role, participation.counts_toward_totals = role, counts
    return changed


def _plan_marks(planned, row, covered, marks, plan):
    """Set the marks of the ``covered`` sessions to what ``row`` says: add or remove."""
    participation = planned.participation
    for session in covered:
        present = row.present.get(session.pk, False)
        planned.marks.append((session, present))
        mark = marks.get((participation.pk, session.pk)) if participation.pk else None
        if present and mark is None:
            plan.marks.append((planned, session.pk))
            planned.added += 1
        elif not present and mark is not None:
            plan.removed_marks.append(mark)
            planned.removed += 1

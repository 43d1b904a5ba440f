"""Staff pages under /<lang>/staff/: a small home listing workshops, and each workshop's roster
(``attendance.roster``): search and filters, a grid of ticks per person and session that saves at
once (``static/js/roster.js``) or in one save without JavaScript, the day's totals, adding a
known or a new person, and bulk actions.

Who may do what (``RosterRights``): see the roster, *view participation* and *view person*
(and pass the admin's login, with the second factor where required); tick, *add* and *delete
attendance mark* or *change participation*; bulk status and role, *change participation*; add
people, *add participation* (a new person also *add person*); see and search phones, *view
personal data*.

URL names (namespace ``staff``): ``home``, ``roster``, ``roster_mark``, ``roster_people``,
``roster_add_known``, ``roster_add_new``, ``roster_bulk``; all but ``home`` take the workshop's
``slug``.
"""

from dataclasses import dataclass

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView, View

from attendance import certificates, roster
from attendance.roster_forms import BulkForm, KnownPersonForm, NewPersonForm, RosterFilterForm
from organizations.models import Person
from organizations.privacy import can_export_personal_data
from workshops import reports
from workshops.models import Participation, Workshop
from workshops.report_views import StaffReportMixin

# The staff home lists this many workshops a page, newest first.
HOME_PAGE_SIZE = 50


@dataclass(frozen=True)
class RosterRights:
    """What a staff member may do on a roster (see the module's docstring)."""

    contacts: bool
    tick: bool
    change: bool
    add: bool
    add_person: bool

    @classmethod
    def of(cls, user):
        """The rights of ``user`` (a Django user), from their permissions."""
        may_change = user.has_perm("workshops.change_participation")
        return cls(
            contacts=user.has_perm("organizations.view_personal_data"),
            tick=may_change
            or (user.has_perm("workshops.add_attendance") and user.has_perm("workshops.delete_attendance")),
            change=may_change,
            add=user.has_perm("workshops.add_participation"),
            add_person=user.has_perm("organizations.add_person"),
        )


class StaffMixin(StaffReportMixin):
    """Staff pages: the reports' rule (admin login, second factor, *view participation*) and
    *view person*, since a roster names people."""

    def test_func(self):
        return super().test_func() and self.request.user.has_perm("organizations.view_person")


class StaffHomeView(StaffMixin, ListView):
    """/<lang>/staff/: workshops, newest first, with links to their roster, import and reports."""

    template_name = "attendance/staff_home.html"
    paginate_by = HOME_PAGE_SIZE

    def get_queryset(self):
        return reports.with_participant_counts(Workshop.objects.order_by("-start_date", "-pk"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **admin.site.each_context(self.request),
            title=_("Staff home"),
            can_export_personal_data=can_export_personal_data(self.request.user),
            **kwargs,
        )


class RosterMixin(StaffMixin):
    """A view of one workshop's roster (``slug`` in the URL)."""

    def dispatch(self, request, *args, **kwargs):
        # Rights first: whoever may not see rosters learns nothing, not even which slugs exist.
        if not self.test_func():
            return self.handle_no_permission()
        self.workshop = get_object_or_404(Workshop, slug=kwargs["slug"])
        self.rights = RosterRights.of(request.user)
        return super().dispatch(request, *args, **kwargs)

    def require(self, right):
        if not getattr(self.rights, right):
            raise PermissionDenied

    def back(self):
        return redirect(reverse("staff:roster", kwargs={"slug": self.workshop.slug}))

    def render_roster(self, status=200, **forms):
        """The roster page, with ``forms`` bound where a post failed."""
        workshop, request = self.workshop, self.request
        filter_form = RosterFilterForm(workshop, request.GET)
        built = roster.build_roster(workshop, filter_form.filters(), self.rights.contacts)
        context = {
            **admin.site.each_context(request),
            "title": _("Roster"),
            "workshop": workshop,
            "roster": built,
            # Rows that may have a certificate of participation (the completion rule).
            "certifiable": {
                row.participation.pk
                for row in built.rows
                if certificates.completes(row.participation, row.days, len(built.sessions))
            },
            "filter_form": filter_form,
            "known_form": forms.get("known_form") or KnownPersonForm(workshop),
            "new_form": forms.get("new_form") or NewPersonForm(workshop),
            "bulk_form": forms.get("bulk_form") or BulkForm(workshop),
            "candidates": forms.get("candidates", []),
            "rights": self.rights,
            "can_export_personal_data": can_export_personal_data(request.user),
            "statuses": Participation.Status.choices,
        }
        return TemplateResponse(request, "attendance/roster.html", context, status=status)


class RosterView(RosterMixin, View):
    """GET: the roster. POST: the grid saved in one go (without JavaScript): for the people
    shown (``shown``), the ticks become exactly those posted (``mark`` = "<participation>:<session>")."""

    def get(self, request, slug):
        return self.render_roster()

    def post(self, request, slug):
        self.require("tick")
        sessions = list(self.workshop.sessions.all())
        shown = _ids(request.POST.getlist("shown"))
        ticked = {pair for pair in map(_pair, request.POST.getlist("mark")) if pair}
        changes = roster.save_grid(self.workshop, shown, ticked, sessions)
        reports.forget_attendance(self.workshop)
        messages.success(request, _("Ticks saved: %(count)s changed.") % {"count": changes})
        return self.back()


def _id(value):
    """The id a posted string names, or None: decimal digits only ("²" passes ``str.isdigit``,
    not ``int``) and within the database's integers (SQLite overflows past them)."""
    value = str(value)
    return int(value) if value.isdecimal() and len(value) < 20 and int(value) < 2**63 else None


def _ids(values):
    """The ids among ``values`` (posted strings, ``_id``); others are dropped."""
    return [i for i in map(_id, values) if i is not None]


def _pair(value):
    """``(participation id, session id)`` from "12:3", or None."""
    parts = [_id(part) for part in str(value).split(":")]
    return tuple(parts) if len(parts) == 2 and None not in parts else None


class MarkView(RosterMixin, View):
    """One tick, saved at once (``static/js/roster.js``): POST ``participation``, ``session`` and
    ``present`` ("1" or "0"); answers JSON ``{"session", "marks", "counted", "present",
    "status"}``; a bad id is 404, a missing right 403, a database too busy to write 503 (the
    page sends the tick again). GET answers every session's totals,
    ``{"totals": [{"session", "marks", "counted"}]}``: the page asks once its ticks are all
    answered, since answers to ticks sent together may arrive in any order."""

    def get(self, request, slug):
        totals = [roster.day_total(session) for session in self.workshop.sessions.all()]
        return JsonResponse(
            {"totals": [{"session": t.session.pk, "marks": t.marks, "counted": t.counted} for t in totals]}
        )

    def post(self, request, slug):
        self.require("tick")
        participation = _get(self.workshop.participations, request.POST.get("participation"))
        session = _get(self.workshop.sessions, request.POST.get("session"))
        present = request.POST.get("present") == "1"
        try:
            total = roster.set_presence(self.workshop, [participation.pk], session, present)
        except OperationalError:
            # The database too busy to write now (SQLite's lock held past its timeout): nothing
            # was saved; the page sends the tick again, which is safe since ticks are idempotent.
            return JsonResponse({"error": "busy"}, status=503, headers={"Retry-After": "1"})
        reports.forget_attendance(self.workshop)
        participation.refresh_from_db(fields=["status"])
        return JsonResponse(
            {
                "session": session.pk,
                "marks": total.marks,
                "counted": total.counted,
                "present": present,
                "status": str(participation.get_status_display()),
            }
        )


def _get(queryset, pk):
    """The row of ``queryset`` with primary key ``pk`` (a posted string), else 404."""
    pk = _id(pk or "")
    if pk is None:
        raise Http404
    return get_object_or_404(queryset, pk=pk)


class PeopleView(RosterMixin, View):
    """The autocomplete (GET ``q``): JSON ``{"results": [{"id", "name", "detail", "enrolled"}]}``,
    saved people named by ``q`` (phones searched and shown only with *view personal data*)."""

    def get(self, request, slug):
        self.require("add")
        q = request.GET.get("q", "")[:100]
        people = roster.suggest_people(q, self.rights.contacts) if len(q.strip()) >= 2 else []
        enrolled = set(
            self.workshop.participations.filter(person__in=people).values_list("person_id", flat=True)
        )
        return JsonResponse({"results": [self._result(p, p.pk in enrolled) for p in people]})

    def _result(self, person, enrolled):
        details = [str(x) for x in (person.organization, person.region) if x]
        if self.rights.contacts and person.phone:
            details.append(person.phone)
        return {
            "id": person.pk,
            "name": person.full_name,
            "detail": " · ".join(details),
            "enrolled": enrolled,
        }


@method_decorator(require_POST, name="dispatch")
class AddKnownView(RosterMixin, View):
    """Add a saved person, chosen from the suggestions or typed by name, present on the sessions
    ticked. Several people matching the name typed are offered to choose from."""

    def post(self, request, slug):
        self.require_adding(request)
        form = KnownPersonForm(self.workshop, request.POST)
        if not form.is_valid():
            return self.render_roster(status=400, known_form=form)
        person = form.cleaned_data["person"]
        if person is None:
            found = roster.suggest_people(form.cleaned_data["name"], self.rights.contacts)
            if len(found) != 1:
                message = _("Nobody saved has this name.") if not found else _("Choose one of these people.")
                form.add_error("name", message)
                return self.render_roster(status=400, known_form=form, candidates=found)
            person = found[0]
        return self.enrol(person, form.cleaned_data["sessions"])

    def require_adding(self, request):
        """The right to add people, and to tick when days come ticked (checked before anything
        is saved)."""
        self.require("add")
        if request.POST.getlist("sessions"):
            self.require("tick")

    def enrol(self, person, sessions, matched=False):
        participation, created = roster.enrol(self.workshop, person, sessions)
        reports.forget_attendance(self.workshop)
        days = ", ".join(s.label for s in sessions) or _("no day yet")
        if matched and not self.rights.contacts:
            # Naming whom a phone leads to would tell its owner to staff who may not see phones.
            text = _("A person already saved (same phone or e-mail) was added, present on %(days)s.")
        elif matched:
            text = _("%(name)s was already saved (same phone or e-mail): added, present on %(days)s.")
        elif created:
            text = _("%(name)s added, present on %(days)s.")
        else:
            text = _("%(name)s was already on the roster: present on %(days)s.")
        messages.success(self.request, text % {"name": person.full_name, "days": days})
        return self.back()


class AddNewView(AddKnownView):
    """Add a person not saved yet (one short form); a phone or e-mail already saved is that
    person (``roster.known_person``), whose saved details are kept."""

    def post(self, request, slug):
        self.require_adding(request)
        form = NewPersonForm(self.workshop, request.POST)
        if not form.is_valid():
            return self.render_roster(status=400, new_form=form)
        data = form.cleaned_data
        known = roster.known_person(data["phone"], data["email"])
        if known is not None:
            return self.enrol(known, data["sessions"], matched=True)
        self.require("add_person")
        fields = {k: v for k, v in data.items() if k != "sessions"}
        # Stored as the import stores it, so that the same address typed otherwise is one person.
        fields["email"] = data["email"].strip().lower()
        person = Person(**fields, consent_date=None)
        try:
            person.full_clean()
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
            return self.render_roster(status=400, new_form=form)
        person.save()
        return self.enrol(person, data["sessions"])


@method_decorator(require_POST, name="dispatch")
class BulkView(RosterMixin, View):
    """Bulk actions on the people selected: mark present on a session (the tick right), set
    status or role (*change participation*)."""

    def post(self, request, slug):
        form = BulkForm(self.workshop, request.POST)
        if not form.is_valid():
            return self.render_roster(status=400, bulk_form=form)
        data = form.cleaned_data
        self.require("tick" if data["action"] == "mark" else "change")
        chosen = self.workshop.participations.filter(pk__in=[p.pk for p in data["selected"]])
        if data["action"] == "mark":
            chosen.mark_present(data["session"])
        elif data["action"] == "status":
            chosen.update(status=data["status"])
        else:
            chosen.set_role(data["role"])
        reports.forget_attendance(self.workshop)
        messages.success(request, _("%(count)s people changed.") % {"count": len(data["selected"])})
        return self.back()

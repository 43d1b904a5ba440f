"""What the admin's lists accept from their URL: what each list declares, never a field the user
may not read, and nothing that makes them answer 500.

Django's admin applies any field lookup of a list's query string to the list
(``/admin/organizations/person/?phone__startswith=%2B2126``): a user who may see the people list
with masked contacts could recover each phone number and e-mail address one character at a time,
by watching the list narrow. ``DeclaredLookupsMixin`` lets a list be narrowed only by the
parameters it declares: its list filters' own parameters, its date hierarchy (``__year``,
``__month``, ``__day``), the search ``q``, plus Django's page, ordering, show-all, facets, popup
and error flags. Anything else makes Django's "invalid lookup" answer (a redirect to ``?e=1``),
never a narrower list. A list filter, search field or sortable column that reads a field the user
may not read (``GUARDED_FIELDS``: a participant's phone and e-mail without
``view_personal_data``) is not offered to that user, and its parameters are refused the same way.

Junk in the declared parameters (NUL characters, which PostgreSQL refuses in text; years past
9999; a word where a number is expected) gives the same answer instead of a server error.

``config.admin.TrackerAdminSite`` gives the mixin to every admin registered on the site,
third-party ones included (the audit trail, lockouts, users, two-factor devices).
"""

import logging

from django.contrib.admin import widgets
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F

# Refused parameters are logged (names, never values: a value may be a guessed phone number),
# as Django logs the lookups it refuses itself under "django.security".
logger = logging.getLogger("django.security.admin_lookups")

PERSONAL_DATA_PERMISSION = "organizations.view_personal_data"

# Fields a staff member may read in the admin only with a permission:
# {model label: {field name: permission}}. The admin masks them for everyone else.
GUARDED_FIELDS = {
    "organizations.person": {"phone": PERSONAL_DATA_PERMISSION, "email": PERSONAL_DATA_PERMISSION},
}

# Search entries start with one of these to pick Django's lookup (``^name``, ``=name``, ``@name``).
SEARCH_PREFIXES = "^=@"


def _guarded(field, user):
    permission = GUARDED_FIELDS.get(field.model._meta.label_lower, {}).get(field.name)
    return permission is not None and not user.has_perm(permission)


def ordering_paths(order):
    """Field paths read by an ordering: a name (``-person__last_name``), an ``F``, or an
    expression holding them (``OrderBy``, ``Lower("email")``)."""
    if isinstance(order, str):
        return [order.removeprefix("-")]
    if isinstance(order, F):
        return [order.name]
    sources = order.get_source_expressions() if hasattr(order, "get_source_expressions") else []
    return [path for source in sources for path in ordering_paths(source)]


def reads_guarded_field(model, path, user, *, ordering=False):
    """True if the field path ``path`` (``person__phone``, ``email__startswith``) from ``model``
    reads a field of ``GUARDED_FIELDS`` that ``user`` lacks the permission for.

    With ``ordering``, a path ending on a relation (``person``) also reads the fields the
    related model is ordered by, as Django's ``order_by`` does. Names that are not fields (a
    lookup, a transform, an annotation) end the path.
    """
    field = None
    for name in path.split("__"):
        try:
            field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if _guarded(field, user):
            return True
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return ordering and any(
        reads_guarded_field(model, related, user)
        for order in model._meta.ordering
        for related in ordering_paths(order)
    )


def _raw_id_popup_lookups(model):
    """``(parameter, value)`` pairs that Django's raw-id popups send to ``model``'s list from the
    ``limit_choices_to`` of the foreign keys pointing to it: declared in code, so accepted."""
    pairs = set()
    for lookups in model._meta.related_fkey_lookups:
        pairs |= set(widgets.url_params_from_lookup_dict(lookups() if callable(lookups) else lookups).items())
    return pairs


class DeclaredLookupsChangeList(ChangeList):
    """Django's list, narrowed only by its declared parameters (see the module docstring);
    ``IncorrectLookupParameters`` (Django's "invalid lookup" redirect) for anything else."""

    def __init__(self, request, *args, **kwargs):
        self.user = request.user
        super().__init__(request, *args, **kwargs)

    def get_filters(self, request):
        if any("\x00" in key + "".join(values) for key, values in self.filter_params.items()):
            raise IncorrectLookupParameters("NUL character in the query string")
        try:
            specs, has_filters, remaining, duplicates, active = super().get_filters(request)
        except (ValueError, OverflowError) as exc:  # a date hierarchy year of 10000 or 10²⁰
            raise IncorrectLookupParameters(exc) from exc
        undeclared = set(remaining) - self._date_hierarchy_bounds()
        popups = _raw_id_popup_lookups(self.model)
        undeclared -= {key for key in undeclared if (key, self.params.get(key)) in popups}
        if undeclared:
            names = ", ".join(sorted(undeclared))
            logger.warning("%s list: parameters %s refused to %s", self.opts.label, names, self.user)
            raise IncorrectLookupParameters(f"Undeclared list parameters: {names}")
        return specs, has_filters, remaining, duplicates, active

    def _date_hierarchy_bounds(self):
        """The parameters Django's date hierarchy makes of ``<field>__year`` (and month, day)."""
        field = self.date_hierarchy
        if not field or f"{field}__year" not in self.filter_params:
            return set()
        return {f"{field}__gte", f"{field}__lt"}

    def get_queryset(self, request, exclude_parameters=None):
        # Django turns a bad value of an undeclared lookup into IncorrectLookupParameters, but
        # not one of a list filter, which builds its query itself (``?resource_type=abc``).
        try:
            return super().get_queryset(request, exclude_parameters)
        except (ValueError, TypeError, OverflowError, ValidationError) as exc:
            raise IncorrectLookupParameters(exc) from exc

    def get_results(self, request):
        try:
            super().get_results(request)
        except OverflowError as exc:  # SQLite refuses integers past 2⁶³ when counting
            raise IncorrectLookupParameters(exc) from exc

    def get_ordering_field(self, field_name):
        """The ordering of a list column (``?o=``), or None: only for the columns the admin
        declares sortable, and not on a field the user may not read."""
        if self.sortable_by is not None and field_name not in self.sortable_by:
            return None
        order_field = super().get_ordering_field(field_name)
        if order_field is None or any(
            reads_guarded_field(self.model, path, self.user, ordering=True)
            for path in ordering_paths(order_field)
        ):
            return None
        return order_field


def _filter_path(list_filter):
    """The field path of a ``list_filter`` entry; None for a ``SimpleListFilter`` class."""
    if isinstance(list_filter, (tuple, list)):
        list_filter = list_filter[0]
    if isinstance(list_filter, str):
        return list_filter
    return getattr(list_filter, "name", None)  # a model field given as such, not a class


class DeclaredLookupsMixin:
    """For a ``ModelAdmin``: its list takes from the URL only what it declares, never a guarded
    field the user may not read, and answers junk with Django's "invalid lookup" redirect (see
    the module docstring). Search fields and list filters on such a field are left out for that
    user; a search term with a NUL character finds nothing (the autocomplete searches too)."""

    def get_changelist(self, request, **kwargs):
        return DeclaredLookupsChangeList

    def get_list_filter(self, request):
        return [
            entry
            for entry in super().get_list_filter(request)
            if (path := _filter_path(entry)) is None
            or not reads_guarded_field(self.model, path, request.user)
        ]

    def get_search_fields(self, request):
        return [
            entry
            for entry in super().get_search_fields(request)
            if not reads_guarded_field(self.model, str(entry).lstrip(SEARCH_PREFIXES), request.user)
        ]

    def get_search_results(self, request, queryset, search_term):
        if "\x00" in search_term:  # no stored text holds one; PostgreSQL refuses to compare it
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

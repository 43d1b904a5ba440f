"""Inline admin rows whose autocomplete widgets cost no query each.

Django's autocomplete widget fetches the objects it shows as chosen when it renders: one query
per widget, so a workshop page with 30 recommendations (regions and organisations each) made
141 queries. ``PreloadsChoicesInlineMixin`` gives an inline's autocomplete fields a widget that
reads those objects from ``known``, which its formset (``PreloadedChoicesFormSet``) fills with
one query per field for all its rows. Used by ``workshops.admin``; measured in
docs/performance.md."""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.forms.models import BaseInlineFormSet
from django.utils.functional import cached_property


class PreloadedAutocompleteMixin:
    """An autocomplete widget that takes its chosen objects from ``known`` (``{str(value):
    object}``, in the order to show) when set, instead of one query per render."""

    known = None

    def optgroups(self, name, value, attr=None):
        if self.known is None:
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        chosen = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        for key, obj in self.known.items():
            if key in chosen:
                label = self.choices.field.label_from_instance(obj)
                options.append(self.create_option(name, key, label, chosen, len(options)))
        return [(None, options, 0)]


class PreloadedAutocompleteSelect(PreloadedAutocompleteMixin, AutocompleteSelect):
    """``AutocompleteSelect`` reading ``known`` (see ``PreloadedAutocompleteMixin``)."""


class PreloadedAutocompleteSelectMultiple(PreloadedAutocompleteMixin, AutocompleteSelectMultiple):
    """``AutocompleteSelectMultiple`` reading ``known`` (see ``PreloadedAutocompleteMixin``)."""


def _inner(widget):
    """The widget inside the admin's related-field wrapper (or ``widget`` itself)."""
    return getattr(widget, "widget", widget)


class PreloadedChoicesFormSet(BaseInlineFormSet):
    """An inline formset that fetches the chosen objects of each preloaded autocomplete field
    for all its forms in one query, and hands them to the forms' widgets."""

    @cached_property
    def forms(self):
        forms = super().forms
        for name, field in self.form.base_fields.items():
            if isinstance(_inner(field.widget), PreloadedAutocompleteMixin):
                self._preload(forms, name, field)
        return forms

    def _preload(self, forms, name, field):
        values = set()
        for form in forms:
            value = form[name].value()
            values.update(str(v) for v in (value if isinstance(value, list | tuple) else [value]))
        values -= {str(v) for v in field.empty_values}
        key = field.to_field_name or "pk"
        known = {str(getattr(obj, key)): obj for obj in field.queryset.filter(**{f"{key}__in": values})}
        for form in forms:
            _inner(form.fields[name].widget).known = known


class PreloadsChoicesInlineMixin:
    """For an InlineModelAdmin with ``autocomplete_fields``: its rows show their chosen objects
    from one query per field (``PreloadedChoicesFormSet``), and its rows come with those
    objects (foreign keys joined, many-to-many prefetched). A ``formset`` of its own must
    subclass ``PreloadedChoicesFormSet``."""

    formset = PreloadedChoicesFormSet

    def get_queryset(self, request):
        fields = self.get_autocomplete_fields(request)
        one = [f.name for f in self.model._meta.fields if f.many_to_one and f.name in fields]
        many = [f.name for f in self.model._meta.many_to_many if f.name in fields]
        # Joined: a row's title (its ``__str__``) often names the object chosen.
        return super().get_queryset(request).select_related(*one).prefetch_related(*many)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = PreloadedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

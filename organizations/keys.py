"""Matching keys of organisations folded again after a change of ``regions.names.fold``: used by
the migration that brought the folding of digits and by ``manage.py rebuild_search_keys``."""

from regions.names import fold


def refold_matching_keys(apps, schema_editor=None):
    """``Organization.name_key`` and ``OrganizationAlias.key`` under the new fold; an alias whose
    new key another alias already has keeps its old key (it adds nothing: the other finds it)."""
    Organization = apps.get_model("organizations", "Organization")
    OrganizationAlias = apps.get_model("organizations", "OrganizationAlias")
    for organization in Organization.objects.only("name", "name_key").iterator():
        if fold(organization.name) != organization.name_key:
            Organization.objects.filter(pk=organization.pk).update(name_key=fold(organization.name))
    taken = set(OrganizationAlias.objects.values_list("key", flat=True))
    for alias in OrganizationAlias.objects.only("name", "key").iterator():
        key = fold(alias.name)
        if key != alias.key and key not in taken:
            OrganizationAlias.objects.filter(pk=alias.pk).update(key=key)
            taken.add(key)

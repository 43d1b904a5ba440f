"""``manage.py rebuild_search_keys``: recompute every stored key from scratch."""

from django.apps import apps
from django.utils.translation import gettext as _

from config.commands import OperatorCommand
from organizations.keys import refold_matching_keys
from regions.search import SearchKeyModel, rebuild_keys, refold_alias_keys


class Command(OperatorCommand):
    help = _(
        "Recompute every stored key from the rows: the matching keys of organisations, their other "
        "names and place aliases, then the search keys of every searched model. Run it after a "
        "change of regions.names.fold or regions.transliteration, or after adding fields to a "
        "model's search_key_fields."
    )

    def handle(self, *args, **options):
        refold_matching_keys(apps)
        refold_alias_keys(apps)
        for model in apps.get_models():
            if issubclass(model, SearchKeyModel):
                count = rebuild_keys(model._base_manager.all())
                self.stdout.write(
                    _("%(model)s: %(count)d keys rebuilt.")
                    % {"model": model._meta.verbose_name_plural, "count": count}
                )

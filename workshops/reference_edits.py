"""Public pages forgotten when the reference rows they print change: organisations (a
workshop's organiser and funders, a commitment's responsible organisations, a commune's active
organisations) and places (every page names regions, provinces and communes).

Such edits are rare and printed on many pages: they forget every public page and the figures that
are not counts of people (``reports.forget_public_figures(people=False)``; who attended, and from
where, did not change). Without this, an organisation renamed in the admin kept its old name on
the public pages until they expired (``PAGE_CACHE_SECONDS``). Bulk writes (imports, the national
generator) send no signal; the imports forget the pages themselves when they end.
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

# (app label, model name) of the rows whose edits forget every public page.
PRINTED = [
    ("organizations", "Organization"),
    ("regions", "Region"),
    ("regions", "Province"),
    ("regions", "Commune"),
]


def _forget(sender, raw=False, **kwargs):
    from workshops import reports

    if not raw:  # loaddata: the pages are not built from a half-loaded fixture anyway
        reports.forget_public_figures(people=False)


def connect():
    """Connect the receivers (``WorkshopsConfig.ready``)."""
    for app_label, model_name in PRINTED:
        model = apps.get_model(app_label, model_name)
        uid = f"workshops.reference_edits.{model_name}"
        post_save.connect(_forget, sender=model, dispatch_uid=uid)
        post_delete.connect(_forget, sender=model, dispatch_uid=uid)

"""Public pages and cached figures forgotten when rows they print or count are edited outside a
workshop's own paths: organisations (a workshop's organiser and funders, a commitment's
responsible organisations, a commune's active organisations, the report's kinds of
organisation), places (every page names regions, provinces and communes) and people (their
region, gender and age band are counted by the public figures and the cross-workshop report).

Organisation and place edits are rare and printed on many pages: they forget every public page.
An organisation's kind is counted by the report, so its edits forget the figures about people
too; a place's do not (who attended, and from where, did not change). A person's edit forgets
the figures about people when that person is counted somewhere (a new registrant is not yet, so
the public registration form does not make the country's figures be computed again): a change of
who attended (``reports.forget_attendance``: every workshop's page and the pages that count
people, not the tracker nor the other pages of progress; no person is named on a public page). Without
this, an organisation renamed or a participant's region corrected in the admin showed only when
the caches expired (``PAGE_CACHE_SECONDS``, ``PUBLIC_FIGURES_CACHE_SECONDS``). Bulk writes
(imports, the national generator) send no signal; the imports forget the pages themselves.
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

# (app label, model name, whether its edits change counts of people).
PRINTED = [
    ("organizations", "Organization", True),
    ("regions", "Region", False),
    ("regions", "Province", False),
    ("regions", "Commune", False),
]


def _forgetting(people):
    def receiver(sender, raw=False, **kwargs):
        from workshops import reports

        if not raw:  # loaddata: the pages are not built from a half-loaded fixture anyway
            reports.forget_public_figures(people=people)

    return receiver


def _person_saved(sender, instance, raw=False, created=False, **kwargs):
    from workshops import reports
    from workshops.models import Participation

    if raw or created:
        return
    if Participation.objects.counted().filter(person=instance.pk).exists():
        reports.forget_attendance()


def _person_deleted(sender, **kwargs):
    from workshops import reports

    reports.forget_attendance()


_receivers = {people: _forgetting(people) for people in (True, False)}


def connect():
    """Connect the receivers (``WorkshopsConfig.ready``)."""
    for app_label, model_name, people in PRINTED:
        model = apps.get_model(app_label, model_name)
        uid = f"workshops.reference_edits.{model_name}"
        post_save.connect(_receivers[people], sender=model, dispatch_uid=uid)
        post_delete.connect(_receivers[people], sender=model, dispatch_uid=uid)
    Person = apps.get_model("organizations", "Person")
    post_save.connect(_person_saved, sender=Person, dispatch_uid="workshops.reference_edits.Person")
    post_delete.connect(_person_deleted, sender=Person, dispatch_uid="workshops.reference_edits.Person")

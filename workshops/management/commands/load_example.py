"""``manage.py load_example``: enter the Marrakech workshop of March 2021 and its attendance."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from workshops.example import marrakech


class Command(BaseCommand):
    help = (
        "Load the example data: the Marrakech strategic-planning workshop (5-7 March 2021), its "
        "organiser, funder, sessions, 5 recommendations, the proposed monitoring committee, and its "
        "attendance sheet (50 fictional participants) through the regular import. Running it again "
        "changes nothing."
    )

    def handle(self, *args, **options):
        workshop, result = marrakech.load()
        self.stdout.write(
            _(
                "Loaded “%(workshop)s”: %(rows)s sheet rows, %(created)s people created, %(matched)s "
                "already known."
            )
            % {
                "workshop": workshop,
                "rows": result.rows,
                "created": result.people_created,
                "matched": result.people_matched,
            }
        )

"""``manage.py load_example``: enter the Marrakech workshop of March 2021 and its attendance."""

from django.utils.translation import gettext as _

from attendance.example import marrakech
from config.commands import OperatorCommand


class Command(OperatorCommand):
    help = (
        "Load the example data: the Marrakech strategic-planning workshop (5-7 March 2021), its "
        "organiser, funder, sessions, 5 recommendations, the proposed monitoring committee, and its "
        "attendance sheet (50 fictional participants) through the regular import. Once loaded, "
        "running it again changes nothing, so staff edits to the example survive."
    )

    def handle(self, *args, **options):
        workshop, result = marrakech.load()
        if result is None:
            self.stdout.write(
                _("The example “%(workshop)s” is already loaded: nothing changed.") % {"workshop": workshop}
            )
        else:
            self.stdout.write(
                _("Loaded “%(workshop)s”. %(summary)s")
                % {"workshop": workshop, "summary": result.summary_text()}
            )

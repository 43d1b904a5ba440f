"""``manage.py rebuild_public_figures``: make the public summary tables again from scratch."""

from django.utils.translation import gettext as _

from config.commands import OperatorCommand
from workshops import reports, summaries


class Command(OperatorCommand):
    help = _(
        "Compute the public summary tables (people of each workshop by region and gender, what each "
        "workshop's page publishes of them, the organisations that sent them, the people reached) again "
        "from every participation, then forget the cached public figures. Writes keep the tables up to "
        "date: run it after changing the data outside the application (SQL, a restored backup) or "
        "SMALL_CELL_MINIMUM."
    )

    def handle(self, *args, **options):
        workshop_rows, sender_rows, reached = summaries.rebuild()
        reports.forget_public_figures()
        self.stdout.write(
            _(
                "Public figures rebuilt: %(workshops)s rows of workshop figures, %(senders)s "
                "sending organisations, %(reached)s people reached."
            )
            % {"workshops": workshop_rows, "senders": sender_rows, "reached": reached}
        )

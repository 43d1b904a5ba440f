"""``manage.py load_programme_example``: enter the illustrative action programme of Aïn Bida."""

from django.utils.translation import gettext as _

from config.commands import OperatorCommand
from programmes import example


class Command(OperatorCommand):
    help = (
        "Load the illustrative action programme (Aïn Bida, Fès-Meknès, 2022-2027), marked "
        "“مثال توضيحي – Exemple illustratif”, followed by the monitoring committee of the founding "
        "example (loaded first if missing), with five projects and one observation that disagrees "
        "with the commune's reported status. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        programme, created = example.load()
        if created:
            self.stdout.write(_("Loaded “%(programme)s”.") % {"programme": programme})
        else:
            self.stdout.write(
                _("The example “%(programme)s” is already loaded: nothing changed.")
                % {"programme": programme}
            )

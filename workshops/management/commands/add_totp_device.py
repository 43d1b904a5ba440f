"""``manage.py add_totp_device <username> [--name NAME]``: set up two-factor authentication."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.commands import OperatorCommand


class Command(OperatorCommand):
    help = (
        "Create an authenticator (TOTP) device for a staff user and print the otpauth:// address "
        "and a QR code to scan with an authenticator app. The user then logs in to the admin with "
        "the six-digit code the app shows. Managers must have one."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="authenticator", help="a name for the device")

    def handle(self, *args, username, name, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(_("No user “%(username)s”.") % {"username": username}) from exc
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        self.stdout.write(device.config_url)
        try:
            import qrcode

            code = qrcode.QRCode(border=1)
            code.add_data(device.config_url)
            code.print_ascii(out=self.stdout._out)
        except ImportError:  # the address alone is enough: most apps accept it typed in
            pass

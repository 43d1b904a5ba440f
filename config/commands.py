"""Management commands speak the operator's language, not the site's (Arabic by default).

``--language ar|fr|en`` chooses; without it, the language of the operator's environment
(``LANGUAGE``, then ``LC_ALL``, ``LC_MESSAGES``, ``LANG``: ``fr_FR.UTF-8`` → French), and
English (the source language) when none of those names one of ``settings.LANGUAGES``.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

ENVIRONMENT_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def operator_language(chosen=None, environ=None):
    """The language code a command speaks: ``chosen`` when given, else the first of the
    environment's locale variables that names one of ``settings.LANGUAGES`` (``LANGUAGE`` may
    list several, colon-separated), else ``"en"``."""
    codes = {code for code, _name in settings.LANGUAGES}
    if chosen:
        return chosen
    environ = os.environ if environ is None else environ
    for variable in ENVIRONMENT_VARIABLES:
        for locale_name in (environ.get(variable) or "").split(":"):
            code = locale_name.split(".")[0].split("@")[0].split("_")[0].lower()
            if code in codes:
                return code
    return "en"


class OperatorCommand(BaseCommand):
    """A ``BaseCommand`` whose messages are in ``operator_language()``, with a ``--language``
    option (unless the command has its own, which then also chooses its messages' language)."""

    # Django would activate settings.LANGUAGE_CODE; ``execute`` activates the operator's instead.
    leave_locale_alone = True

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if not any("--language" in action.option_strings for action in parser._actions):
            parser.add_argument(
                "--language",
                choices=[code for code, _name in settings.LANGUAGES],
                help="language of the messages (default: the environment's LANGUAGE or LANG, else en)",
            )
        return parser

    def execute(self, *args, **options):
        with translation.override(operator_language(options.get("language"))):
            return super().execute(*args, **options)

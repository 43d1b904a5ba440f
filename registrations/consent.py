"""The information and consent text of the public registration form (Law 09-08, article 5).

The form shows, before the consent box, who the controller is (the workshop's organiser), why
the data is collected, how long it is kept, the person's rights (access, rectification,
opposition) and how to exercise them, and the organiser's CNDP declaration number. The text is
built in the visitor's language and saved word for word with the registration, together with
``CONSENT_VERSION``: change the version whenever the wording changes, so that staff can tell
which text each person agreed to.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CONSENT_VERSION = "2026-12-01"


def consent_paragraphs(workshop):
    """``[(heading, text)]`` of the information shown to someone registering for ``workshop``
    (its organiser loaded), in the active language."""
    organizer = workshop.organizer
    years = max(1, round(settings.PERSONAL_DATA_RETENTION_DAYS / 365))
    contacts = [value for value in (organizer.public_email, organizer.public_phone) if value]
    if contacts:
        how = _("write to %(contact)s, or ask the organisers at the workshop.") % {
            "contact": " / ".join(contacts)
        }
    else:
        how = _("ask the organisers at the workshop, or write to %(organizer)s.") % {
            "organizer": organizer.name
        }
    return [
        (_("Controller"), organizer.name),
        (
            _("Purpose"),
            _(
                "To register you for this workshop, record your attendance, report figures without "
                "names (counts by gender, age band and region) to the workshop's funders, and contact "
                "you about the workshop and its follow-up."
            ),
        ),
        (
            _("Retention"),
            ngettext(
                "Your data is kept %(years)s year after the last workshop you attend, then anonymised.",
                "Your data is kept %(years)s years after the last workshop you attend, then anonymised.",
                years,
            )
            % {"years": years},
        ),
        (
            _("Your rights"),
            _(
                "Under Law 09-08 you may access your data, have it rectified, and oppose its "
                "processing. To do so, %(how)s"
            )
            % {"how": how},
        ),
        (_("CNDP declaration"), organizer.cndp_declaration),
        (_("Who sees it"), _("The organiser's staff only. Public pages show counts, never names.")),
    ]


def consent_text(workshop):
    """The information of ``consent_paragraphs`` as one text, one "heading: text" per line,
    followed by the sentence of the consent box: what a registration records."""
    lines = [f"{heading}: {text}" for heading, text in consent_paragraphs(workshop)]
    return "\n".join([*lines, str(consent_label())])


def consent_label():
    """The sentence beside the consent box, in the active language."""
    return _(
        "I agree that the organiser processes my data as described above, including contacting me "
        "about this workshop and its follow-up."
    )

"""What the staff member who imports a sheet may see and record (``docs/data-protection.md``).

This module sits at the bottom of the import with ``vocabulary`` and ``choices``: it imports
none of this app's modules.
"""

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ImporterRights:
    """``contacts_visible``: the participants' phones and e-mails (without it, no message names
    the saved person a row's phone or e-mail leads to, and no proposal reveals their
    organisation); ``names_visible``: people at all (*view person*; without it the preview shows
    rows by number and no message names a saved person); ``may_record_aliases``: answering
    "same as" records the organisation's other spelling (*add organisation alias*);
    ``may_record_place_aliases``: a region answered is remembered (*add place alias*). The
    default, every right, is the management command's (an operator of the server)."""

    contacts_visible: bool = True
    names_visible: bool = True
    may_record_aliases: bool = True
    may_record_place_aliases: bool = True

    @classmethod
    def of(cls, user):
        """The rights of ``user`` (a Django user), from their permissions."""
        return cls(
            contacts_visible=user.has_perm("organizations.view_personal_data"),
            names_visible=user.has_perm("organizations.view_person"),
            may_record_aliases=user.has_perm("organizations.add_organizationalias"),
            may_record_place_aliases=user.has_perm("regions.add_placealias"),
        )

    def as_dict(self):
        """``{right: bool}``, e.g. for a template's context."""
        return asdict(self)

"""Staff roles, as Django groups with fixed permissions. Created by a migration and kept in step
by ``manage.py sync_roles`` after new models arrive.

- **Editors** enter workshops, attendance, recommendations and follow-up: add, change, delete and
  view business data, import attendance sheets; they see participants' names but not their phone
  or e-mail, and cannot export.
- **Data officers** may see and export personal data, erase a person on request and re-admit an
  erased person who gave a new consent: view everything, change people, import and export
  attendance.
- **Viewers** read the admin: view permissions only, contact details masked.
- **Managers** manage users, roles and logs (export log, audit trail, erasures, login lockouts),
  with everything the others can do. They, data officers and superusers must log in with
  two-factor authentication (``config.two_factor``).
"""

BUSINESS_MODELS = {
    "regions": ["region", "province", "placealias"],
    "organizations": ["organization", "organizationalias", "focusarea", "person"],
    "workshops": [
        "project",
        "workshop",
        "workshoppartner",
        "session",
        "participation",
        "attendance",
        "recommendation",
        "commitment",
        "milestone",
        "followup",
        "monitoringcommittee",
        "committeemembership",
        "committeemeeting",
    ],
    # Registrations through the public form: approving or refusing one is changing it.
    "registrations": ["registration"],
}
LOG_MODELS = {
    "organizations": ["exportlog", "erasurerecord"],
    "auditlog": ["logentry"],
    "axes": ["accessattempt", "accesslog", "accessfailurelog"],
}


def _perms(actions, models):
    return {
        f"{app}.{action}_{model}" for app, names in models.items() for model in names for action in actions
    }


VIEW_ALL = _perms(["view"], BUSINESS_MODELS)
EDIT_CONTENT = (
    _perms(["add", "change", "delete"], {"workshops": BUSINESS_MODELS["workshops"]})
    | _perms(["add", "change"], {"organizations": ["organization", "focusarea", "person"]})
    | _perms(["add", "change", "delete"], {"organizations": ["organizationalias"]})
    # Spellings of places met in sheets (regions.PlaceAlias): kept by those who import.
    | _perms(["add", "change", "delete"], {"regions": ["placealias"]})
    | {"registrations.change_registration"}
)

ROLES = {
    "Viewers": VIEW_ALL,
    "Editors": VIEW_ALL | EDIT_CONTENT | {"workshops.import_attendance"},
    "Data officers": VIEW_ALL
    | {
        "organizations.change_person",
        "organizations.view_personal_data",
        "organizations.erase_person",
        "organizations.readmit_erased_person",
        "workshops.import_attendance",
        "workshops.export_attendance",
    },
    "Managers": VIEW_ALL
    | EDIT_CONTENT
    | _perms(["view"], LOG_MODELS)
    | _perms(["add", "change", "delete", "view"], {"auth": ["user", "group"]})
    | _perms(
        ["add", "change", "delete", "view"], {"otp_totp": ["totpdevice"], "otp_static": ["staticdevice"]}
    )
    | {
        "axes.delete_accessattempt",
        "organizations.view_personal_data",
        "organizations.erase_person",
        "organizations.readmit_erased_person",
        "workshops.import_attendance",
        "workshops.export_attendance",
        "workshops.add_followup",
    },
}


def sync_roles(group_model, permission_model):
    """Create the four groups and give each exactly its permissions (extra ones are removed).

    Takes the Group and Permission models (from a migration's ``apps`` or the real ones).
    Permissions that do not exist yet (an app not migrated) are skipped. Returns
    ``{group name: number of permissions}``.
    """
    everything = {
        (app_label, codename): pk
        for pk, app_label, codename in permission_model.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    result = {}
    for name, perms in ROLES.items():
        group, _created = group_model.objects.get_or_create(name=name)
        pks = [everything[key] for key in (tuple(p.split(".")) for p in perms) if key in everything]
        group.permissions.set(pks)
        result[name] = len(pks)
    return result

"""Give the staff roles (organizations/roles.py) their permissions on registrations."""

import importlib

from django.db import migrations

sync_roles_now = importlib.import_module("organizations.migrations.0004_staff_roles").forward


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0001_initial"),
        ("organizations", "0012_organization_cndp_declaration"),
        ("workshops", "0011_workshop_registration"),
    ]

    operations = [migrations.RunPython(sync_roles_now, migrations.RunPython.noop)]

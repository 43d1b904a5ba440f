"""Create the staff roles (groups Editors, Data officers, Viewers, Managers): organizations/roles.py."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from organizations.roles import sync_roles


def forward(apps, schema_editor):
    # Permissions are normally created after all migrations ran; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0003_personal_data_protection"),
        ("workshops", "0003_progress_scale_values"),
        ("auth", "__latest__"),
        ("contenttypes", "__latest__"),
        ("auditlog", "__latest__"),
        ("axes", "__latest__"),
        ("otp_totp", "__latest__"),
        ("otp_static", "__latest__"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]

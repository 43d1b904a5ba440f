"""``manage.py sync_roles``: give the four staff groups exactly their permissions again."""

from django.contrib.auth.models import Group, Permission

from config.commands import OperatorCommand
from organizations.roles import sync_roles


class Command(OperatorCommand):
    help = (
        "Create or reset the staff roles (Editors, Data officers, Viewers, Managers) with the "
        "permissions listed in organizations/roles.py. Run after upgrades that add models."
    )

    def handle(self, *args, **options):
        for name, count in sync_roles(Group, Permission).items():
            self.stdout.write(f"{name}: {count}")

from django.contrib.admin.apps import AdminConfig


class TrackerAdminConfig(AdminConfig):
    """The Django admin with the tracker's site: two-factor authentication (``config.two_factor``)."""

    default_site = "config.admin.TrackerAdminSite"

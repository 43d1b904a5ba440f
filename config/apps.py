from auditlog.apps import AuditlogConfig as LibraryAuditlogConfig
from axes.apps import AppConfig as LibraryAxesConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as LibraryStaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as LibraryTOTPConfig
from django_tasks_db.apps import TasksAppConfig as LibraryTasksDBConfig


class TrackerAdminConfig(AdminConfig):
    """The Django admin with the tracker's site: two-factor authentication (``config.two_factor``)."""

    default_site = "config.admin.TrackerAdminSite"


# The libraries' apps under translated names, everywhere the admin names them (index, menu,
# breadcrumbs, page titles): theirs are English only ("OTP_TOTP", "TOTP device", "Axes").
class AuditlogConfig(LibraryAuditlogConfig):
    verbose_name = _("Audit log")

    def ready(self):
        super().ready()
        name_model(self, "LogEntry", _("log entry"), _("log entries"))


class AxesConfig(LibraryAxesConfig):
    verbose_name = _("Login security")


class TOTPConfig(LibraryTOTPConfig):
    verbose_name = _("Authenticator apps")

    def ready(self):
        super().ready()
        name_model(self, "TOTPDevice", _("authenticator app"), _("authenticator apps"))


class StaticConfig(LibraryStaticConfig):
    verbose_name = _("Backup codes")

    def ready(self):
        super().ready()
        name_model(self, "StaticDevice", _("backup code list"), _("backup code lists"))
        name_model(self, "StaticToken", _("backup code"), _("backup codes"))


class TasksDBConfig(LibraryTasksDBConfig):
    """django-tasks' database queue (background jobs, ``jobs``)."""

    verbose_name = _("Job queue")

    def ready(self):
        super().ready()
        name_model(self, "DBTaskResult", _("queued task"), _("queued tasks"))


def name_model(app_config, model_name, singular, plural):
    """Give a library's model translated names (lazy strings of our catalogue)."""
    meta = app_config.get_model(model_name)._meta
    meta.verbose_name, meta.verbose_name_plural = singular, plural

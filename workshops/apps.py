from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = _("Workshops and follow-up")

    def ready(self):
        # Registers the app's background job (jobs.kinds).
        from workshops import job_runners  # noqa: F401

        # Keeps the public summary tables in step with every write (workshops.summaries).
        from workshops import summaries

        summaries.connect()

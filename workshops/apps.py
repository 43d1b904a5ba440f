from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = _("Workshops and follow-up")

    def ready(self):
        # job_runners registers the app's background jobs (jobs.kinds); summaries keeps the
        # public summary tables in step with every write.
        from workshops import job_runners, summaries  # noqa: F401

        summaries.connect()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = _("Workshops and follow-up")

    def ready(self):
        # job_runners registers the app's background jobs (jobs.kinds); summaries keeps the
        # public summary tables in step with every write; reference_edits forgets the public
        # pages when an organisation or a place they print is edited.
        from workshops import job_runners, reference_edits, summaries  # noqa: F401

        summaries.connect()
        reference_edits.connect()

"""Which texts have a version per language (django-modeltranslation).

Each field listed here gets one column per language in ``settings.LANGUAGES``:
``title_ar``, ``title_fr``, ``title_en`` and so on; the plain name (``workshop.title``) reads
the active language's version, falling back to the others. ``language`` on each model records
the language the record was first written in, which templates prefer as fallback
(``workshops.content``).
"""

from modeltranslation.translator import TranslationOptions, register

from workshops.models import Commitment, Milestone, MonitoringCommittee, Project, Recommendation, Workshop


@register(Project)
class ProjectTranslation(TranslationOptions):
    fields = ("name",)


@register(Workshop)
class WorkshopTranslation(TranslationOptions):
    fields = ("title", "summary", "objectives")


@register(Recommendation)
class RecommendationTranslation(TranslationOptions):
    fields = ("text",)


@register(Commitment)
class CommitmentTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Milestone)
class MilestoneTranslation(TranslationOptions):
    fields = ("title",)


@register(MonitoringCommittee)
class MonitoringCommitteeTranslation(TranslationOptions):
    fields = ("name", "mandate")

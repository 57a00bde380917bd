from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "ameliora.assessments"
    label = "assessments"
    verbose_name = _("Self-assessment")

    def ready(self) -> None:
        # Demo content and the export job runner register themselves on import.
        from ameliora.assessments import demo, exports  # noqa: F401

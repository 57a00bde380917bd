from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "ameliora.assessments"
    label = "assessments"
    verbose_name = _("Self-assessment")

    def ready(self) -> None:
        # Demo content, the export job runner and the freeze check register themselves on import.
        from ameliora.assessments import access, demo, exports  # noqa: F401

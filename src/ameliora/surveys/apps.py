from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "ameliora.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        # Demo content, the freeze check, the export job runner and the computed sources register on import.
        from ameliora.surveys import access, demo, exports, sources  # noqa: F401

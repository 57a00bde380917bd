from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "ameliora.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        # Demo content, the freeze check, the export job runner, the computed sources, the agenda
        # proposals and the daily closing of ended campaigns register on import.
        from ameliora.surveys import access, agenda, demo, exports, reminders, sources  # noqa: F401

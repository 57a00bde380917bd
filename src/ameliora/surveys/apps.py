from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "ameliora.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        # Demo content, the freeze check and the indicators' computed sources register on import.
        from ameliora.surveys import access, demo, sources  # noqa: F401

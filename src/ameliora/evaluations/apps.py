from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "ameliora.evaluations"
    label = "evaluations"
    verbose_name = _("Practice evaluations")

    def ready(self) -> None:
        from django.apps import apps

        # Agenda proposals and demo content register themselves on import.
        from ameliora.evaluations import agenda, demo  # noqa: F401

        # Feed indicators' computed sources when that app is installed (evaluations may import indicators).
        if apps.is_installed("ameliora.indicators"):
            from ameliora.evaluations import sources

            sources.register()

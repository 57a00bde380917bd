from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "ameliora.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        # Demo content, the import job runner, the daily recompute, the dashboard card and the
        # computed sources core can provide register themselves on import.
        from ameliora.indicators import agenda, core_sources, dashboard, demo, jobs, reminders  # noqa: F401

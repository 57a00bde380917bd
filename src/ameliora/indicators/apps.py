from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "ameliora.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        # Demo content, the import job runner, the daily recompute, the dashboard card and the
        # computed sources core can provide, and what plans show of their indicators register
        # themselves on import.
        from ameliora.indicators import (  # noqa: F401
            agenda,
            core_sources,
            dashboard,
            demo,
            finding,
            jobs,
            plan_measures,
            reminders,
        )

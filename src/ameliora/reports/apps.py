from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "ameliora.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # The dashboard card of the users' representatives' view and the PDF job runner register on import.
        from ameliora.reports import dashboard, exports  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "ameliora.plans"
    label = "plans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        # Demo content, daily reminders, the PDF job runner and the freeze check register on import.
        from ameliora.plans import access, agenda, demo, finding, pdf, personal_data, reminders  # noqa: F401

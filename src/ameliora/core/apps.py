from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ameliora.core"
    label = "core"
    verbose_name = _("Organizations and people")

    def ready(self) -> None:
        # Job runners register themselves when their module is imported; tokens connects its history receiver.
        from ameliora.core import reminders, services, tokens  # noqa: F401

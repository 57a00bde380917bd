from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "ameliora.events"
    label = "events"
    verbose_name = _("Adverse events and experience feedback")

    def ready(self) -> None:
        # Access checks, demo content and daily reminders register themselves on import.
        from django.apps import apps

        from ameliora.events import access, agenda, demo, finding, personal_data, reminders  # noqa: F401

        # Feed indicators' computed sources when that app is installed (events may import indicators).
        if apps.is_installed("ameliora.indicators"):
            from ameliora.events import sources

            sources.register()

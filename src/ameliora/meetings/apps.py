from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "ameliora.meetings"
    label = "meetings"
    verbose_name = _("Exchange spaces")

    def ready(self) -> None:
        from django.apps import apps

        # The freeze check, the dashboard card, demo content and the session finder of
        # core.agenda register themselves on import.
        from ameliora.meetings import access, dashboard, demo, finder, finding  # noqa: F401

        # Feed indicators' computed sources when that app is installed (meetings may import indicators).
        if apps.is_installed("ameliora.indicators"):
            from ameliora.meetings import sources

            sources.register()

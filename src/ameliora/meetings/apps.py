from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "ameliora.meetings"
    label = "meetings"
    verbose_name = _("Exchange spaces")

    def ready(self) -> None:
        # The freeze check and demo content register themselves on import.
        from ameliora.meetings import access, demo  # noqa: F401

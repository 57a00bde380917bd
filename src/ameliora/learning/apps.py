from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "ameliora.learning"
    label = "learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        # The access check (attachments follow it) and the demo register on import.
        from ameliora.learning import access, demo, finding  # noqa: F401

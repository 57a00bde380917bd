from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessesConfig(AppConfig):
    name = "ameliora.processes"
    label = "processes"
    verbose_name = _("Process map")

    def ready(self) -> None:
        # Demo content registers itself on import.
        from ameliora.processes import demo  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "ameliora.documents"
    label = "documents"
    verbose_name = _("Controlled documents")

    def ready(self) -> None:
        # Demo content and daily reminders register themselves on import.
        from ameliora.documents import agenda, demo, reminders  # noqa: F401

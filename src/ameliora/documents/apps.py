from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "ameliora.documents"
    label = "documents"
    verbose_name = _("Controlled documents")

    def ready(self) -> None:
        from django.apps import apps

        # Demo content, daily reminders, the personal data section and the freeze of versions past the draft
        # register themselves on import.
        from ameliora.documents import access, agenda, demo, finding, personal_data, reminders  # noqa: F401

        # Feed indicators' computed sources when that app is installed (documents may import indicators).
        if apps.is_installed("ameliora.indicators"):
            from ameliora.documents import sources

            sources.register()

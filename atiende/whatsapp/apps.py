from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WhatsAppConfig(AppConfig):
    name = "atiende.whatsapp"
    label = "whatsapp"
    verbose_name = _("WhatsApp")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from atiende.tickets.channels import register_adapter

        from .adapter import WhatsAppAdapter

        register_adapter(WhatsAppAdapter())

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelegramConfig(AppConfig):
    name = "atiende.telegram"
    label = "telegram"
    verbose_name = _("Telegram")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from atiende.tickets.channels import register_adapter

        from .adapter import TelegramAdapter

        register_adapter(TelegramAdapter())

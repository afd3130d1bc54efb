from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "atiende.chat"
    label = "chat"
    verbose_name = _("Live chat")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from atiende.tickets.channels import register_adapter

        from .adapter import ChatAdapter

        register_adapter(ChatAdapter())

        from .retention import register_retention

        register_retention()

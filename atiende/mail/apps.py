from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "atiende.mail"
    label = "mail"
    verbose_name = _("Email")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from atiende.tickets.channels import register_adapter

        from .adapter import MailAdapter

        register_adapter(MailAdapter())

        from .retention import register_retention

        register_retention()

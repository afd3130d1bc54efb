from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "atiende.tickets"
    label = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        from django.core.signals import setting_changed

        from . import hooks
        from .services.retention import register_retention

        register_retention()

        def forget_subscribers(*, setting: str, **kwargs) -> None:  # tests override TICKET_HOOKS
            if setting == "TICKET_HOOKS":
                hooks.subscribers.cache_clear()

        setting_changed.connect(forget_subscribers, weak=False)

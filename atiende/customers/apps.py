from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "atiende.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from django.core.signals import setting_changed

        from . import hooks

        def forget_subscribers(*, setting: str, **kwargs) -> None:  # tests override CUSTOMER_HOOKS
            if setting == "CUSTOMER_HOOKS":
                hooks.subscribers.cache_clear()

        setting_changed.connect(forget_subscribers, weak=False)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "atiende.notices"
    label = "notices"
    verbose_name = _("Notices to customers")

    def ready(self) -> None:
        # Registers notices.send_batch in every process, so services queue it by name.
        from . import tasks  # noqa: F401

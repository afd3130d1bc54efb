from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfServiceConfig(AppConfig):
    name = "atiende.selfservice"
    label = "selfservice"
    verbose_name = _("Self-service")
    default_auto_field = "django.db.models.BigAutoField"

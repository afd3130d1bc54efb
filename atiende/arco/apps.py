from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArcoConfig(AppConfig):
    name = "atiende.arco"
    label = "arco"
    verbose_name = _("Personal-data requests (ARCO)")

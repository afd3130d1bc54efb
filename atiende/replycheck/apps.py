from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReplycheckConfig(AppConfig):
    name = "atiende.replycheck"
    label = "replycheck"
    verbose_name = _("Reply checker")

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """Mail kept locally when no EMAIL_URL is configured (the embedded default)."""

    subject = models.CharField(_("subject"), max_length=998)
    from_email = models.CharField(_("from"), max_length=320)
    to = models.JSONField(_("to"), default=list)
    cc = models.JSONField(_("cc"), default=list)
    bcc = models.JSONField(_("bcc"), default=list)
    body = models.TextField(_("body"))
    raw = models.TextField(_("raw message"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")

    def __str__(self) -> str:
        return self.subject

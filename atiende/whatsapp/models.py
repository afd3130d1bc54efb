"""A WhatsApp Business number connected through Meta's Cloud API, and what its webhook received.

Secrets (verify token, app secret, access token) are encrypted at rest (`core.crypto`) and never
leave through the API. Every webhook delivery is stored raw before anything is done with it; a
delivery receipt that arrives before the reply it is about is kept until that reply has its id."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.accounts.models import Team
from atiende.core import clock
from atiende.core.crypto import EncryptedTextField

DEFAULT_API_BASE = "https://graph.facebook.com/v21.0"


class WhatsAppNumber(models.Model):
    name = models.CharField(_("name"), max_length=120)
    phone_number_id = models.CharField(_("phone number id"), max_length=64, unique=True,
                                       help_text=_("Meta's id of the number (not the number itself)."))
    verify_token = EncryptedTextField(_("verify token"))
    app_secret = EncryptedTextField(_("app secret"))
    access_token = EncryptedTextField(_("access token"))
    api_base = models.CharField(_("Graph API address"), max_length=200, default=DEFAULT_API_BASE)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("team for new tickets"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("WhatsApp number")
        verbose_name_plural = _("WhatsApp numbers")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class EventState(models.TextChoices):
    RECEIVED = "received", _("Received")
    WAITING = "waiting", _("Waiting to fetch a file")
    PROCESSED = "processed", _("Processed")
    FAILED = "failed", _("Failed")


class WebhookEvent(models.Model):
    """One POST to a number's webhook, as received (signature checked). The same body twice (Meta
    retries a delivery it got no 200 for) is one event."""

    number = models.ForeignKey(WhatsAppNumber, on_delete=models.CASCADE, related_name="events")
    body = models.TextField(_("body"))
    body_sha256 = models.CharField(max_length=64)
    state = models.CharField(_("state"), max_length=10, choices=EventState.choices, default=EventState.RECEIVED)
    error = models.TextField(_("error"), blank=True)
    received_at = models.DateTimeField(_("received at"), default=clock.now)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    retry_at = models.DateTimeField(_("next attempt"), null=True, blank=True)  # while waiting for a file

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        constraints = [models.UniqueConstraint(fields=["number", "body_sha256"], name="whatsapp_event_unique_body")]
        # What a drain reads: the few events not taken in yet, among the days of processed ones kept.
        indexes = [models.Index(fields=["id"], condition=models.Q(state__in=["received", "waiting"]),
                                name="whatsapp_event_to_drain")]

    def __str__(self) -> str:
        return f"{self.number_id}:{self.body_sha256[:12]}"


class PendingStatus(models.Model):
    """A status (sent, delivered, read, failed) for a message id no delivery carries yet: kept, and
    applied once the delivery gets that id."""

    external_id = models.CharField(max_length=255, db_index=True)
    status = models.CharField(max_length=10)
    reason = models.TextField(blank=True)
    received_at = models.DateTimeField(default=clock.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pending status")
        verbose_name_plural = _("pending statuses")
        constraints = [models.UniqueConstraint(fields=["external_id", "status"], name="whatsapp_pending_unique")]

    def __str__(self) -> str:
        return f"{self.external_id} {self.status}"


class WhatsAppTemplate(models.Model):
    """A message template approved by Meta for a number (the only message WhatsApp takes outside
    the 24 hours after the customer's last message). `body` is its text with `{{1}}`, `{{2}}`…
    where the agent's values go; administrators copy name, language and body from Meta's manager."""

    number = models.ForeignKey(WhatsAppNumber, on_delete=models.CASCADE, related_name="templates")
    name = models.CharField(_("name"), max_length=512, help_text=_("As approved by Meta: lowercase letters, digits and _."))
    language = models.CharField(_("language code"), max_length=15, help_text=_("As in Meta's manager: es_MX, en_US, es."))
    body = models.TextField(_("body"), help_text=_("The template's text, with {{1}}, {{2}}… for the variables."))
    active = models.BooleanField(_("active"), default=True)
    for_notices = models.BooleanField(
        _("for notices"), default=False,
        help_text=_("Notices to customers who prefer WhatsApp go with this template. Its variables, as many as it "
                    "has: {{1}} the name the customer goes by, {{2}} the notice's subject, {{3}} a link to read the "
                    "whole notice."))
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("WhatsApp template")
        verbose_name_plural = _("WhatsApp templates")
        ordering = ["name", "language", "pk"]
        constraints = [models.UniqueConstraint(fields=["number", "name", "language"], name="whatsapp_template_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"

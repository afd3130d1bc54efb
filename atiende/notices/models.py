"""Notices to many customers: the notice, one row per recipient (the send's ledger: a recipient
is claimed once, so a notice goes to each customer once however often its batches run), and the
customers who asked not to receive non-essential notices. See docs/decisions/0046-notices.md."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock
from atiende.customers.models import ContactChannel


class Audience(models.TextChoices):
    SEGMENT = "segment", _("A segment")
    PLAN = "plan", _("A support plan")
    ORGANIZATION = "organization", _("An organization")
    PRODUCT = "product", _("Owners of a product")
    ASSET = "asset", _("Owners of an asset")


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")


class NoticeLanguage(models.TextChoices):
    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")


class Notice(models.Model):
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=5, choices=NoticeLanguage.choices,
                                default=NoticeLanguage.SPANISH)
    essential = models.BooleanField(
        _("essential"), default=False,
        help_text=_("Service notices (an outage, a change to the contract) reach every customer; announcements "
                    "carry an unsubscribe link and skip those who unsubscribed."))
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    segment = models.CharField(_("segment"), max_length=16, blank=True)
    plan = models.ForeignKey("customers.SupportPlan", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("support plan"))
    organization = models.ForeignKey("customers.Organization", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("organization"))
    product = models.ForeignKey("assets.Product", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("product"))
    asset = models.ForeignKey("assets.Asset", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("asset"))
    state = models.CharField(_("state"), max_length=10, choices=NoticeState.choices, default=NoticeState.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("written by"))
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("sent by"))
    queued_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return self.subject


class RecipientState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class SkipReason(models.TextChoices):
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    NO_ADDRESS = "no_address", _("No address to send to")


class NoticeRecipient(models.Model):
    """One customer of a notice. Made when the notice is sent (the audience as it was then);
    `state` moves from pending once, in the transaction that sends the message."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="notices_received")
    channel = models.CharField(_("channel"), max_length=16, choices=ContactChannel.choices, default=ContactChannel.EMAIL)
    address = models.CharField(_("address"), max_length=254, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=RecipientState.choices, default=RecipientState.PENDING)
    skip_reason = models.CharField(_("why skipped"), max_length=16, choices=SkipReason.choices, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice recipient")
        verbose_name_plural = _("notice recipients")
        constraints = [models.UniqueConstraint(fields=["notice", "customer"], name="notice_recipient_once")]
        indexes = [models.Index(fields=["notice", "state"], name="notice_recipient_state")]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.customer_id}"

    @property
    def shown_address(self) -> str:
        """The address as a person knows it: a WhatsApp or Telegram address is `<our number or
        bot>:<their id>`, of which only their id means something to them."""
        return self.address if self.channel == ContactChannel.EMAIL else self.address.partition(":")[2]


class NoticeOptOut(models.Model):
    """A customer who asked, through a notice's link, not to receive non-essential notices."""

    customer = models.OneToOneField("customers.Customer", on_delete=models.CASCADE, related_name="notice_opt_out")
    created_at = models.DateTimeField(_("unsubscribed at"), default=clock.now)

    class Meta:
        verbose_name = _("notice unsubscription")
        verbose_name_plural = _("notice unsubscriptions")

    def __str__(self) -> str:
        return str(self.customer_id)

"""Returns and repairs (RMA): a request opened from a ticket for one or more of the customer's
assets, its quote when the work is paid, and every step it took (who and when).

The customer of an RMA is its ticket's: visibility follows the ticket, so a customer merge or an
organization change never leaves a stale owner here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock

from .flow import ReturnMethod, RmaState

CURRENCY = "MXN"


class RmaCoverage(models.TextChoices):
    COVERED = "covered", _("Covered by the warranty")
    PAID = "paid", _("Paid by the customer")


class QuoteStatus(models.TextChoices):
    NONE = "", _("No quote")
    PENDING = "pending", _("Waiting for the customer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class EventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    TRANSITION = "transition", _("Moved")
    QUOTE_ACCEPTED = "quote_accepted", _("Quote accepted")
    QUOTE_DECLINED = "quote_declined", _("Quote declined")


class Rma(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+", verbose_name=_("ticket"))
    state = models.CharField(_("state"), max_length=16, choices=RmaState.choices, default=RmaState.REQUESTED)
    reason = models.TextField(_("reason"))
    coverage = models.CharField(_("coverage"), max_length=8, choices=RmaCoverage.choices)
    return_method = models.CharField(_("return method"), max_length=16, choices=ReturnMethod.choices)
    quote_amount = models.DecimalField(_("quote (MXN)"), max_digits=12, decimal_places=2, null=True, blank=True)
    quote_status = models.CharField(_("quote"), max_length=8, choices=QuoteStatus.choices, blank=True,
                                    default=QuoteStatus.NONE)
    quote_decided_at = models.DateTimeField(_("quote decided at"), null=True, blank=True)
    quote_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+", verbose_name=_("quote decided by"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("opened by"))
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("return or repair (RMA)")
        verbose_name_plural = _("returns and repairs (RMA)")
        constraints = [
            # Paid work has a positive quote; covered work has none.
            models.CheckConstraint(
                name="rma_quote_iff_paid",
                condition=models.Q(coverage="paid", quote_amount__gt=0) & ~models.Q(quote_status="")
                | models.Q(coverage="covered", quote_amount__isnull=True, quote_status=""),
            ),
        ]
        indexes = [models.Index(fields=["state", "-id"], name="rma_state_idx")]

    def __str__(self) -> str:
        return f"RMA-{self.pk}"


class RmaItem(models.Model):
    """One asset sent in. `status_before` is restored when it comes back unchanged (repaired,
    rejected); `replacement` is the new asset a replacement created (the old one keeps its row,
    status "replaced", and both stay linked here)."""

    rma = models.ForeignKey(Rma, on_delete=models.CASCADE, related_name="items", verbose_name=_("RMA"))
    asset = models.ForeignKey("assets.Asset", on_delete=models.PROTECT, related_name="rma_items",
                              verbose_name=_("asset"))
    status_before = models.CharField(_("asset status before"), max_length=16, blank=True)
    replacement = models.OneToOneField("assets.Asset", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="replaces_item", verbose_name=_("replacement"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("RMA item")
        verbose_name_plural = _("RMA items")
        constraints = [models.UniqueConstraint("rma", "asset", name="rma_item_unique")]

    def __str__(self) -> str:
        return f"RMA-{self.rma_id}: {self.asset_id}"


class RmaEvent(models.Model):
    """A step in the RMA's history: who, when, from and to which state, and what the customer was
    told (the public message on the ticket, or why it could not be sent)."""

    rma = models.ForeignKey(Rma, on_delete=models.CASCADE, related_name="events", verbose_name=_("RMA"))
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    from_state = models.CharField(_("from"), max_length=16, choices=RmaState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=16, choices=RmaState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("by"))
    note = models.TextField(_("note"), blank=True)
    message = models.ForeignKey("tickets.Message", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("message to the customer"))
    notice_problem = models.CharField(_("why the customer was not told"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("at"), default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("RMA event")
        verbose_name_plural = _("RMA events")

    def __str__(self) -> str:
        return f"RMA-{self.rma_id}: {self.from_state}→{self.to_state}"

"""Goodwill credits: the amends an agent offers a customer from a ticket when we failed them (a
credit or discount in MXN, a free month, an extended warranty, a refund request), who approved
them, and whether finance has used them. The approval limits per role live here too.

Amounts are `Decimal` with two places, never floats (decision 0045)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock

CURRENCY = "MXN"


class CreditKind(models.TextChoices):
    CREDIT = "credit", _("Credit")
    DISCOUNT = "discount", _("Discount")
    FREE_MONTH = "free_month", _("Free month")
    EXTENDED_WARRANTY = "extended_warranty", _("Extended warranty")
    REFUND_REQUEST = "refund_request", _("Refund request")


# Kinds whose amount is required: money the customer gets. A free month or an extended warranty
# may state what it is worth; without a value it always waits for an approver without limit.
MONEY_KINDS = frozenset({CreditKind.CREDIT, CreditKind.DISCOUNT, CreditKind.REFUND_REQUEST})


class CreditStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    USED = "used", _("Used")


# Granted: what counts against the approver's monthly limit and what the customer was promised.
GRANTED = (CreditStatus.APPROVED, CreditStatus.USED)


class Credit(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="+", verbose_name=_("ticket"))
    # The customer and organization when offered: the ledger keeps them if the ticket changes hands.
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("customer"))
    organization = models.ForeignKey("customers.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("organization"))
    kind = models.CharField(_("kind"), max_length=20, choices=CreditKind.choices)
    amount = models.DecimalField(_("amount (MXN)"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default=CURRENCY)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=CreditStatus.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("offered by"))
    # Who approved or rejected it; the one who offered it when it was within their own limit.
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    within_own_limit = models.BooleanField(_("within the offerer's limit"), default=False)
    decision_note = models.TextField(_("decision note"), blank=True)
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("marked used by"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    message = models.ForeignKey("tickets.Message", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("message to the customer"))
    notice_problem = models.CharField(_("why the customer was not told"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("goodwill credit")
        verbose_name_plural = _("goodwill credits")
        constraints = [
            models.CheckConstraint(name="credit_amount_positive",
                                   condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0)),
            models.CheckConstraint(name="credit_money_has_amount",
                                   condition=~models.Q(kind__in=["credit", "discount", "refund_request"])
                                   | models.Q(amount__isnull=False)),
            models.CheckConstraint(name="credit_status_valid",
                                   condition=models.Q(status__in=["pending", "approved", "rejected", "used"])),
            # No one approves their own request: only an offer within its offerer's limit is
            # decided by them (at once, when offered).
            models.CheckConstraint(name="credit_no_self_approval",
                                   condition=models.Q(within_own_limit=True) | ~models.Q(decided_by=models.F("requested_by"))),
            models.CheckConstraint(name="credit_decided_unless_pending",
                                   condition=models.Q(status="pending", decided_at__isnull=True)
                                   | (~models.Q(status="pending") & models.Q(decided_at__isnull=False))),
        ]
        indexes = [
            models.Index(fields=["status", "-id"], name="credit_status_idx"),
            models.Index(fields=["decided_by", "decided_at"], name="credit_approver_month_idx"),
        ]

    def __str__(self) -> str:
        return f"CR-{self.pk}"


class CreditLimit(models.Model):
    """How much one role may approve: per credit and per calendar month (the company's time zone).
    Empty: no limit. A role without a row has the defaults (services.DEFAULT_LIMITS)."""

    role = models.CharField(_("role"), max_length=16, unique=True,
                            choices=[("agent", _("Agent")), ("supervisor", _("Supervisor")), ("admin", _("Administrator"))])
    per_credit = models.DecimalField(_("limit per credit (MXN)"), max_digits=12, decimal_places=2, null=True,
                                     blank=True)
    per_month = models.DecimalField(_("limit per month (MXN)"), max_digits=12, decimal_places=2, null=True,
                                    blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        ordering = ["role"]
        verbose_name = _("credit approval limit")
        verbose_name_plural = _("credit approval limits")
        constraints = [
            models.CheckConstraint(name="credit_limit_not_negative",
                                   condition=(models.Q(per_credit__isnull=True) | models.Q(per_credit__gte=0))
                                   & (models.Q(per_month__isnull=True) | models.Q(per_month__gte=0))),
        ]

    def __str__(self) -> str:
        return self.get_role_display()

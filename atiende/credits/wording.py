"""What the customer is told once an amend is approved (a public message on the ticket, in their
language, in plain words that pass the reply checker: a greeting by the name they go by, what we
give, what happens next, a closing with the team's signature), and what approvers are mailed."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import CURRENCY, Credit, CreditKind


def money(amount: Decimal | None) -> str:
    """"$1,234.50 MXN" with the grouping and decimal mark of the active language; "—" without one."""
    if amount is None:
        return "—"
    return f"${number_format(amount, 2, force_grouping=True)} {CURRENCY}"


def _what(credit: Credit) -> str:
    values = {"amount": money(credit.amount)}
    if credit.kind == CreditKind.CREDIT:
        return _("We added a credit of %(amount)s to your account. We will apply it to your next invoice.") % values
    if credit.kind == CreditKind.DISCOUNT:
        return _("We gave you a discount of %(amount)s. We will apply it to your next invoice.") % values
    if credit.kind == CreditKind.FREE_MONTH:
        return _("We gave you a free month of your service. We will not charge you for your next month.")
    if credit.kind == CreditKind.EXTENDED_WARRANTY:
        return _("We extended the warranty of your product. We will send you the new end date by email.")
    return _("We approved a refund of %(amount)s. We will send it to the payment method you used.") % values


def approved_notice(credit: Credit, *, name: str) -> str:
    """In the active language (the caller sets the customer's)."""
    return _("Hello %(name)s,\n\nWe are sorry for the trouble we caused you. %(what)s\n\n"
             "If you have any question, reply to this message.\n\nKind regards,\n%(signature)s") % {
        "name": name, "what": _what(credit), "signature": settings.SITE_NAME}


def approval_request_mail(credit: Credit) -> tuple[str, str]:
    values = {"ref": credit.ticket.reference, "subject": credit.ticket.subject, "customer": credit.customer.name,
              "amount": money(credit.amount), "kind": credit.get_kind_display(), "who": credit.requested_by.name,
              "reason": credit.reason}
    return (_("[%(ref)s] A goodwill credit waits for your approval: %(kind)s, %(amount)s") % values,
            _("%(who)s offers %(customer)s a %(kind)s of %(amount)s on ticket %(ref)s (%(subject)s).\n\n"
              "Reason:\n%(reason)s\n\nApprove or reject it on the pending approvals page.\n") % values)

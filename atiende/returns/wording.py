"""What the customer is told at each step of an RMA, in plain words and in their language
(posted on the ticket as a public message, so it leaves by the ticket's channel), and the notes
agents get when the customer decides on a quote."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .flow import ReturnMethod, RmaState, ships
from .models import CURRENCY, Rma


def money(amount: Decimal) -> str:
    """"$1,250.00 MXN" (the grouping and decimal mark of the active language)."""
    return f"${number_format(amount, 2, force_grouping=True)} {CURRENCY}"


def _approved(rma: Rma, values: dict) -> str:
    return {
        ReturnMethod.COURIER_PICKUP: _("Your request %(rma)s was approved. A courier will pick up the product at your "
                                       "address; we will confirm the day with you."),
        ReturnMethod.DROP_OFF: _("Your request %(rma)s was approved. You can bring the product to our service "
                                 "centre; please mention %(rma)s when you hand it in."),
        ReturnMethod.ON_SITE: _("Your request %(rma)s was approved. A technician will visit you; we will confirm "
                                "the day with you."),
        ReturnMethod.REMOTE: _("Your request %(rma)s was approved. A technician will connect remotely; we will "
                               "confirm the time with you."),
    }[ReturnMethod(rma.return_method)] % values


def opened_notice(rma: Rma, products: str) -> str:
    values = {"rma": str(rma), "products": products}
    if rma.quote_amount is not None:
        return _("We opened the return and repair request %(rma)s for %(products)s. The warranty does not cover "
                 "it; the work costs %(amount)s. Please accept or decline this quote in our support portal, "
                 "under \"My returns and repairs\".") % {**values, "amount": money(rma.quote_amount)}
    return _("We opened the return and repair request %(rma)s for %(products)s. Your warranty covers it, so it "
             "costs you nothing. We will tell you the next step shortly.") % values


def step_notice(rma: Rma, state: str, *, new_identifiers: str = "") -> str:
    values = {"rma": str(rma), "identifiers": new_identifiers}
    travels = ships(rma.return_method)
    if state == RmaState.APPROVED:
        return _approved(rma, values)
    texts = {
        RmaState.RECEIVED: _("We received your product for %(rma)s and will now check it.") if travels
        else _("We started working on %(rma)s and will now check your product."),
        RmaState.DIAGNOSED: _("We checked your product (%(rma)s) and found the cause; we will tell you shortly "
                              "what we are going to do."),
        RmaState.REPAIRED: _("Your product (%(rma)s) is repaired."),
        RmaState.REPLACED: _("We are replacing your product (%(rma)s) with a new one: %(identifiers)s."),
        RmaState.REFUNDED: _("We will refund your purchase (%(rma)s)."),
        RmaState.REJECTED: _("We cannot go ahead with %(rma)s."),
        RmaState.SHIPPED_BACK: _("Your product (%(rma)s) is ready; you can pick it up at our service centre.")
        if rma.return_method == ReturnMethod.DROP_OFF else _("Your product (%(rma)s) is on its way back to you."),
        RmaState.CLOSED: _("%(rma)s is closed. Thank you for your patience."),
    }
    return texts[RmaState(state)] % values


def with_note(text: str, note: str) -> str:
    return f"{text}\n\n{note}" if note else text


def quote_decided_note(rma: Rma, *, accepted: bool) -> str:
    values = {"rma": str(rma), "amount": money(rma.quote_amount or Decimal(0))}
    if accepted:
        return _("The customer accepted the quote of %(amount)s for %(rma)s; it can be approved now.") % values
    return _("The customer declined the quote of %(amount)s for %(rma)s.") % values

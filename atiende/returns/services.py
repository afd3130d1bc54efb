"""Writes for returns and repairs (RMA): open one from a ticket, move it a step, and the
customer's decision on a quote. Each checks who may do it, holds the RMA's row lock while it
decides (two agents moving the same RMA at once: one wins, the other gets the allowed next
states), records who and when, and tells the customer in plain words on the ticket."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.accounts.services import system_actor
from atiende.assets.models import Asset, AssetStatus
from atiende.assets.selectors import coverage_of, viewer_today
from atiende.assets.services import asset_create, asset_link, asset_update
from atiende.core import clock
from atiende.core.db import is_id
from atiende.core.exceptions import Conflict, DomainError, Forbidden, Invalid, NotFound
from atiende.tickets.models import Message, Ticket
from atiende.tickets.services import message_create

from . import wording
from .flow import IN_OUR_HANDS, ReturnMethod, RmaState, next_states
from .models import EventKind, QuoteStatus, Rma, RmaCoverage, RmaEvent, RmaItem
from .permissions import can_decide_quote, can_move_rma, can_open_rma, can_view_rma

MAX_REASON = 5_000
MAX_NOTE = 2_000
MAX_ASSETS = 20
MAX_QUOTE = Decimal("9999999999.99")
GONE = (AssetStatus.REPLACED, AssetStatus.RETIRED)


# --- validation ---------------------------------------------------------------------------------

def _text(raw: Any, field: str, *, max_length: int, required: bool = False) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str) or len(raw) > max_length:
        raise Invalid(fields={field: _("Send text of at most %(max)s characters.") % {"max": max_length}})
    text = raw.replace("\x00", "").strip()
    if required and not text:
        raise Invalid(fields={field: _("This field is required.")})
    return text


def _amount(raw: Any) -> Decimal:
    """A price in MXN: a string or a number, more than zero, at most two decimals."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float, Decimal)):
        raise Invalid(fields={"quote_amount": _("Write the amount in pesos, for example 1250.00.")})
    try:
        amount = Decimal(str(raw).strip().replace(",", "")) if not isinstance(raw, Decimal) else raw
    except InvalidOperation:
        raise Invalid(fields={"quote_amount": _("Write the amount in pesos, for example 1250.00.")}) from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_QUOTE or amount != amount.quantize(Decimal("0.01")):
        raise Invalid(fields={"quote_amount": _("The amount must be more than zero, with at most two decimals.")})
    return amount.quantize(Decimal("0.01"))


def _asset_ids(raw: Any) -> list[int]:
    if not isinstance(raw, (list, tuple)) or not raw:
        raise Invalid(fields={"assets": _("Choose at least one of the customer's products.")})
    if len(raw) > MAX_ASSETS or not all(is_id(value) for value in raw):
        raise Invalid(fields={"assets": _("Send at most %(max)s product ids.") % {"max": MAX_ASSETS}})
    return sorted(set(raw))


def _is_customers(ticket: Ticket, asset: Asset) -> bool:
    requester = ticket.requester
    return asset.customer_id == requester.pk or (
        asset.organization_id is not None and asset.organization_id == requester.organization_id)


def _locked_assets(ticket: Ticket, ids: list[int]) -> list[Asset]:
    """The assets, locked in id order (two agents opening RMAs for one asset: one waits), checked
    to be the ticket's customer's, in use, and in no other open RMA."""
    found = list(Asset.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(found) != len(ids) or not all(_is_customers(ticket, asset) for asset in found):
        raise Invalid(fields={"assets": _("Choose among the ticket's customer's products.")}, code="not_customers_asset")
    if any(asset.status in GONE for asset in found):
        raise Invalid(fields={"assets": _("A replaced or retired product cannot be sent in.")}, code="asset_gone")
    busy = RmaItem.objects.filter(asset__in=found).exclude(rma__state=RmaState.CLOSED).values_list("rma_id", flat=True)
    if busy:
        raise Conflict(_("This product is already in an open return or repair (RMA-%(number)s).")
                       % {"number": busy[0]}, code="asset_in_open_rma", fields={"assets": _("Already in an open RMA.")})
    return found


def _coverage(actor: User, assets: list[Asset], wanted: Any, amount: Any) -> tuple[str, Decimal | None]:
    """Covered only when the warranty covers every product today (in the agent's zone); a paid
    RMA carries its quote."""
    today = viewer_today(actor)
    loaded = Asset.objects.filter(pk__in=[a.pk for a in assets]).select_related("product").prefetch_related("warranties")
    all_covered = all(coverage_of(asset, today).covered for asset in loaded)
    coverage = wanted if wanted not in (None, "") else (RmaCoverage.COVERED if all_covered else RmaCoverage.PAID)
    if coverage not in RmaCoverage.values:
        raise Invalid(fields={"coverage": _("Choose one of: %(choices)s.") % {"choices": ", ".join(RmaCoverage.values)}})
    if coverage == RmaCoverage.COVERED:
        if not all_covered:
            raise Invalid(fields={"coverage": _("The warranty does not cover every product today; make it a paid "
                                                "repair with a quote.")}, code="not_covered")
        if amount not in (None, ""):
            raise Invalid(fields={"quote_amount": _("Work covered by the warranty has no quote.")})
        return coverage, None
    if amount in (None, ""):
        raise Invalid(fields={"quote_amount": _("A paid repair needs the quote's amount.")}, code="quote_required")
    return coverage, _amount(amount)


# --- telling the customer -----------------------------------------------------------------------

def _language(ticket: Ticket) -> str:
    return ticket.requester.language or settings.LANGUAGE_CODE


def _post(ticket: Ticket, text: str, *, internal: bool) -> tuple[Message | None, str]:
    """A message on the ticket by the "returns" system actor, through the ticket services (public:
    it leaves by the ticket's channel). A ticket that takes no message (closed, a channel's reply
    window shut) does not stop the RMA: the event keeps why the customer was not told."""
    try:
        return message_create(actor=system_actor("returns"), ticket=ticket, body=text, internal=internal), ""
    except DomainError as exc:
        return None, str(exc.message or exc.code)[:300]


def _event(rma: Rma, *, actor: User, kind: str, from_state: str, text: str, note: str = "",
           internal: bool = False) -> RmaEvent:
    message, problem = _post(rma.ticket, text, internal=internal)
    return RmaEvent.objects.create(rma=rma, kind=kind, from_state=from_state, to_state=rma.state, actor=actor,
                                   note=note, message=message, notice_problem=problem, created_at=clock.now())


def _products(assets: Sequence[Asset]) -> str:
    return ", ".join(f"{asset.product.name} ({asset.identifier})" for asset in assets)


# --- opening ------------------------------------------------------------------------------------

def rma_open(*, actor: User, ticket: Ticket, assets: Any, reason: Any, return_method: Any, coverage: Any = None,
             quote_amount: Any = None) -> Rma:
    """Open an RMA on `ticket` (which the caller may see) for some of its customer's assets;
    `coverage` defaults to what the warranties say today; a paid one waits for the customer to
    accept its quote."""
    if not can_open_rma(actor, ticket):
        raise Forbidden()
    reason = _text(reason, "reason", max_length=MAX_REASON, required=True)
    if return_method not in ReturnMethod.values:
        raise Invalid(fields={"return_method": _("Choose one of: %(choices)s.")
                              % {"choices": ", ".join(ReturnMethod.values)}})
    ids = _asset_ids(assets)
    with transaction.atomic():
        found = _locked_assets(ticket, ids)
        kind, amount = _coverage(actor, found, coverage, quote_amount)
        now = clock.now()
        rma = Rma.objects.create(ticket=ticket, reason=reason, coverage=kind, return_method=return_method,
                                 quote_amount=amount, quote_status=QuoteStatus.PENDING if amount else QuoteStatus.NONE,
                                 opened_by=actor, created_at=now, updated_at=now)
        RmaItem.objects.bulk_create([RmaItem(rma=rma, asset=asset) for asset in found])
        for asset in found:  # the ticket's "linked products" box shows what went in
            asset_link(actor=actor, ticket=ticket, asset=asset)
        with translation.override(_language(ticket)):
            text = wording.opened_notice(rma, _products(found))
        _event(rma, actor=actor, kind=EventKind.OPENED, from_state="", text=text)
    return rma


# --- moving a step ------------------------------------------------------------------------------

def _locked(actor: User, rma: Rma) -> Rma:
    locked = Rma.objects.select_for_update(of=("self",)).select_related("ticket", "ticket__requester").get(pk=rma.pk)
    if not can_view_rma(actor, locked):
        raise NotFound()
    return locked


def _check_step(rma: Rma, to: Any) -> str:
    if to not in RmaState.values:
        raise Invalid(fields={"to": _("Choose one of: %(choices)s.") % {"choices": ", ".join(RmaState.values)}})
    allowed = list(next_states(rma.state, method=rma.return_method, received=rma.received_at is not None))
    if to not in allowed:
        message = (_("An RMA that is %(state)s can move only to: %(allowed)s.")
                   % {"state": RmaState(rma.state).label, "allowed": ", ".join(allowed)}) if allowed \
            else _("This RMA is closed; it cannot move any more.")
        raise Conflict(message, code="transition_not_allowed", fields={"to": message, "allowed": allowed})
    if to == RmaState.APPROVED and rma.coverage == RmaCoverage.PAID and rma.quote_status != QuoteStatus.ACCEPTED:
        raise Conflict(_("The customer has not accepted the quote yet; a paid RMA is approved after that."),
                       code="quote_not_accepted", fields={"to": _("Waiting for the customer's answer to the quote.")})
    return str(to)


def _replacements(rma: Rma, to: str, raw: Any) -> dict[int, str]:
    """{asset id: new identifier} for every item of a replacement; nothing for any other step."""
    if to != RmaState.REPLACED:
        if raw:
            raise Invalid(fields={"replacements": _("Only a replacement takes new identifiers.")})
        return {}
    items = set(rma.items.values_list("asset_id", flat=True))
    if not isinstance(raw, list) or not all(isinstance(row, dict) for row in raw):
        raise Invalid(fields={"replacements": _("Send the new identifier of each product: "
                                                "[{\"asset\": id, \"identifier\": \"…\"}].")})
    given = {row.get("asset"): _text(row.get("identifier"), "replacements", max_length=200, required=True)
             for row in raw}
    if set(given) != items:
        raise Invalid(fields={"replacements": _("Give one new identifier for each product of this RMA.")},
                      code="replacements_incomplete")
    return given  # type: ignore[return-value]


def _set_status(actor: User, asset: Asset, status: str) -> None:
    if asset.status != status:
        asset_update(actor=actor, asset=asset, changes={"status": status})


def _replace(actor: User, rma: Rma, item: RmaItem, identifier: str) -> Asset:
    """The new asset: same product, owner and purchase (the replacement keeps the remaining
    warranty); the old one is marked replaced; the item links both."""
    old = item.asset
    new = asset_create(actor=actor, product=old.product, customer=old.customer, organization=old.organization,
                       identifier=identifier, purchased_on=old.purchased_on, order_ref=old.order_ref,
                       installation_address=old.installation_address, attributes=dict(old.attributes))
    _set_status(actor, old, AssetStatus.REPLACED)
    item.replacement = new
    item.save(update_fields=["replacement"])
    asset_link(actor=actor, ticket=rma.ticket, asset=new)
    return new


def _move_assets(actor: User, rma: Rma, to: str, replacements: dict[int, str]) -> str:
    """The assets follow the RMA: in repair while with us, back to what they were, retired on a
    refund, replaced by a new asset. Returns the new identifiers (for the customer's message)."""
    if rma.state not in IN_OUR_HANDS and to != RmaState.RECEIVED:
        return ""
    new: list[str] = []
    for item in rma.items.select_related("asset", "asset__product").order_by("asset_id"):
        if to == RmaState.RECEIVED:
            item.status_before = item.asset.status
            item.save(update_fields=["status_before"])
            _set_status(actor, item.asset, AssetStatus.IN_REPAIR)
        elif to == RmaState.REPLACED:
            new.append(_replace(actor, rma, item, replacements[item.asset_id]).identifier)
        elif to == RmaState.REFUNDED:
            _set_status(actor, item.asset, AssetStatus.RETIRED)
        elif to in (RmaState.REPAIRED, RmaState.REJECTED):
            _set_status(actor, item.asset, item.status_before or AssetStatus.ACTIVE)
    return ", ".join(new)


def rma_transition(*, actor: User, rma: Rma, to: Any, note: Any = "", replacements: Any = None) -> Rma:
    """Move `rma` one step, if that step may follow its current state (checked under the row lock)."""
    note = _text(note, "note", max_length=MAX_NOTE)
    with transaction.atomic():
        rma = _locked(actor, rma)
        if not can_move_rma(actor, rma):
            raise Forbidden()
        to = _check_step(rma, to)
        new_ids = _move_assets(actor, rma, to, _replacements(rma, to, replacements))
        before, now = rma.state, clock.now()
        rma.state, rma.updated_at = to, now
        if to == RmaState.RECEIVED:
            rma.received_at = now
        rma.save(update_fields=["state", "updated_at", "received_at"])
        with translation.override(_language(rma.ticket)):
            text = wording.with_note(wording.step_notice(rma, to, new_identifiers=new_ids), note)
        _event(rma, actor=actor, kind=EventKind.TRANSITION, from_state=before, text=text, note=note)
    return rma


# --- the customer's quote -----------------------------------------------------------------------

def rma_quote_decide(*, actor: User, rma: Rma, accept: bool) -> Rma:
    """The customer accepts or declines a paid RMA's quote (once; agents then approve or reject)."""
    with transaction.atomic():
        rma = _locked(actor, rma)
        if not can_decide_quote(actor, rma):
            raise Forbidden()
        if rma.quote_status != QuoteStatus.PENDING or rma.state != RmaState.REQUESTED:
            raise Conflict(_("This quote is not waiting for an answer."), code="quote_not_pending")
        rma.quote_status = QuoteStatus.ACCEPTED if accept else QuoteStatus.DECLINED
        rma.quote_decided_at = rma.updated_at = clock.now()
        rma.quote_decided_by = actor
        rma.save(update_fields=["quote_status", "quote_decided_at", "quote_decided_by", "updated_at"])
        with translation.override(settings.LANGUAGE_CODE):  # a note for the agents
            text = wording.quote_decided_note(rma, accepted=accept)
        _event(rma, actor=actor, kind=EventKind.QUOTE_ACCEPTED if accept else EventKind.QUOTE_DECLINED,
               from_state=rma.state, text=text, internal=True)
    return rma

from __future__ import annotations

import time
from datetime import timedelta

from django.db.models import Max, QuerySet

from atiende.accounts.models import User
from atiende.core import clock
from atiende.core.db import in_chunks
from atiende.core.exceptions import Forbidden, NotFound
from atiende.customers.models import Identity, IdentityKind
from atiende.tickets.channels import ReplyTemplate, ReplyWindow
from atiende.tickets.models import AuthorKind, Channel, ChannelThread, Message, Ticket
from atiende.tickets.selectors import latest_thread_keys

from . import templating
from .models import WhatsAppNumber, WhatsAppTemplate
from .permissions import can_manage_channels

# Meta takes free-form messages only this long after the customer's last one; templates always.
REPLY_WINDOW = timedelta(hours=24)


def number_list(*, user: User) -> QuerySet[WhatsAppNumber]:
    if not can_manage_channels(user):
        raise Forbidden()
    return WhatsAppNumber.objects.select_related("team").order_by("name", "pk")


def number_get(*, user: User, number_id: int) -> WhatsAppNumber:
    number = number_list(user=user).filter(pk=number_id).first()
    if number is None:
        raise NotFound()
    return number


# Meta's busiest path reads the same number for every post. Each process keeps it this long: an
# admin's change (a rotated secret, a number turned off) reaches the webhook within seconds, and
# at once in the process that made it (`webhook_numbers_forget`).
WEBHOOK_NUMBER_SECONDS = 5.0
_webhook_numbers: dict[int, tuple[float, WhatsAppNumber]] = {}


def number_for_webhook(number_id: int, *, notification: bool = False) -> WhatsAppNumber:
    """The active number a webhook URL names (404 otherwise, as if the URL did not exist).

    `notification`: only the app secret is read (every secret is decrypted on load, and Meta's
    busiest path needs just the one that checks the signature), and kept a few seconds."""
    if notification:
        kept = _webhook_numbers.get(number_id)
        if kept is not None and kept[0] > time.monotonic():
            return kept[1]
    numbers = WhatsAppNumber.objects.filter(pk=number_id, active=True)
    if notification:
        numbers = numbers.defer("verify_token", "access_token")
    try:
        number = numbers.get()
    except WhatsAppNumber.DoesNotExist:
        raise NotFound() from None
    if notification:
        _webhook_numbers[number_id] = (time.monotonic() + WEBHOOK_NUMBER_SECONDS, number)
    return number


def webhook_numbers_forget() -> None:
    _webhook_numbers.clear()


def template_list(*, user: User, number: WhatsAppNumber) -> QuerySet[WhatsAppTemplate]:
    if not can_manage_channels(user):
        raise Forbidden()
    return WhatsAppTemplate.objects.filter(number=number).order_by("name", "language", "pk")


def template_get(*, user: User, number: WhatsAppNumber, template_id: int) -> WhatsAppTemplate:
    template = template_list(user=user, number=number).filter(pk=template_id).first()
    if template is None:
        raise NotFound()
    return template


# --- conversations ------------------------------------------------------------------------------

def conversation(ticket: Ticket) -> tuple[WhatsAppNumber, str] | None:
    """The active number and the WhatsApp id of the ticket's latest WhatsApp conversation."""
    keys = (ChannelThread.objects.filter(ticket=ticket, channel=Channel.WHATSAPP)
            .order_by("-updated_at", "-pk").values_list("thread_key", flat=True))
    for key in keys:
        number_id, _sep, wa_id = key.partition(":")
        if not wa_id:
            continue
        number = WhatsAppNumber.objects.filter(phone_number_id=number_id, active=True).first()
        if number is not None:
            return number, wa_id
    return None


def reply_window(ticket: Ticket) -> ReplyWindow | None:
    """Open until 24 hours after the customer's last WhatsApp message on the ticket (by the time it
    was taken in); closed without one. The number's active templates either way. None when the
    ticket has no conversation on a connected number (a reply would go nowhere anyway)."""
    found = conversation(ticket)
    if found is None:
        return None
    last = (Message.objects.filter(ticket=ticket, channel=Channel.WHATSAPP, author_kind=AuthorKind.CUSTOMER)
            .aggregate(last=Max("created_at"))["last"])
    closes_at = last + REPLY_WINDOW if last is not None else None
    templates = tuple(
        ReplyTemplate(id=t.pk, name=t.name, language=t.language, body=t.body,
                      variables=templating.variable_count(t.body))
        for t in WhatsAppTemplate.objects.filter(number=found[0], active=True).order_by("name", "language", "pk")
    )
    return ReplyWindow(open=closes_at is not None and clock.now() < closes_at, closes_at=closes_at,
                       templates=templates)


# --- notices: writing first, with a template ------------------------------------------------------

def notice_templates(language: str) -> dict[str, WhatsAppTemplate]:
    """By phone number id: each active number's active template for notices in `language` ("es",
    "en"), whose Meta code is the language itself or a regional form of it (es_MX, es)."""
    found: dict[str, WhatsAppTemplate] = {}
    rows = (WhatsAppTemplate.objects.filter(for_notices=True, active=True, number__active=True)
            .select_related("number").order_by("number__name", "number__pk", "-language", "pk"))
    for template in rows:
        if template.language.split("_")[0] == language:
            found.setdefault(template.number.phone_number_id, template)
    return found


def outreach_addresses(customer_ids: list[int], language: str) -> dict[int, str]:
    """Customers WhatsApp can reach with a notice, as thread keys `<phone number id>:<wa id>`: the
    number of their latest conversation when it has a template for notices, else the first number
    that has one, to their WhatsApp id. None without such a template: Meta takes nothing else from
    a business that writes first."""
    templates = notice_templates(language)
    if not templates:
        return {}
    first_number = next(iter(templates))
    found: dict[int, str] = {}
    for chunk in in_chunks(customer_ids):
        # Ordered so that the primary identity, else the oldest, is written last into the dict.
        identities = dict(Identity.objects.filter(kind=IdentityKind.WHATSAPP, customer_id__in=chunk)
                          .order_by("customer_id", "is_primary", "-id").values_list("customer_id", "value"))
        found.update(latest_thread_keys(channel=Channel.WHATSAPP, customer_ids=identities, accounts=set(templates)))
        for customer_id, wa_id in identities.items():
            found.setdefault(customer_id, f"{first_number}:{wa_id}")
    return found

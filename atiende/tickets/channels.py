"""The channel port, outbound half: how a ticket's words reach the customer on their channel.

`tickets` owns this port and names no channel app. Each channel app (mail today; WhatsApp,
Telegram, chat later) writes an adapter and registers it from its `AppConfig.ready()`:

    from atiende.tickets.channels import register_adapter
    register_adapter(MailAdapter())

A public agent reply gets a `Delivery` row in the reply's transaction when an adapter serves the
ticket's channel (`services.deliveries.delivery_queue`); the adapter is asked to deliver it after
commit, by the `tickets.deliver_message` task. A new request's acknowledgement goes through the
same registry (`notifications.acknowledgement_send`), so a ticket whose channel has no adapter
(phone, or WhatsApp before its app exists) gets nothing rather than an email by accident.

See docs/decisions/0015-channel-port.md ("Outbound").
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from django.db.models import BooleanField, Exists, Expression, ExpressionWrapper, Q, Value
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.db.models.fields.files import FieldFile

    from .models import Delivery, Message, Ticket


class DeliveryFailed(Exception):  # noqa: N818 - an outcome, as Django's ValidationError
    """An adapter could not deliver. `permanent`: trying again will not help (the port marks the
    delivery failed at once); otherwise the port retries until its attempts run out."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason or "?"
        self.permanent = permanent


@dataclass(frozen=True)
class Notice:
    """Words the ticket sends on its own (the acknowledgement of a new request), already in the
    customer's language; the adapter puts them in its channel's shape."""

    subject: str
    body: str


@runtime_checkable
class ChannelAdapter(Protocol):
    """What a channel app provides. `channel` is the channel its deliveries go through (recorded
    on each `Delivery`); `serves` are the tickets' channels it answers (mail answers tickets
    opened by email, in the portal or through the API).

    Optional: `notify(ticket, notice) -> bool`, words the product sends on its own into the
    conversation after the acknowledgement (a survey's link; `notice_send()` below).

    Optional: `after_sent(delivery)`, called once a delivery is recorded as sent with its external
    id (WhatsApp applies the receipts Meta sent before that id was known).

    Optional, for a channel that limits free-form replies (WhatsApp's 24 hours):
    `reply_window(ticket) -> ReplyWindow | None` (None: no limit for this ticket) and
    `template_render(ticket, template_id, variables) -> TemplateReply` (raises `Invalid`); see
    `reply_window()` and `template_render()` below.

    Optional, for a channel that can write first to a customer outside any ticket (notices):
    `outreach_addresses(customer_ids, language) -> dict[int, str]` and
    `outreach_send(address, outreach) -> str`; see `outreach_addresses()` below."""

    channel: str
    serves: frozenset[str]
    # Relations of Message the adapter's `describe` reads, prefetched by the message list.
    prefetch: tuple[str, ...]

    def reaches(self, ticket: Ticket) -> bool:
        """Whether the customer can be reached on this channel at all (an email address, a
        WhatsApp id). False: the reply gets no delivery, and nothing is shown as failed."""

    def prepare(self, delivery: Delivery) -> str:
        """In the reply's transaction: record the channel's detail for the delivery. Returns the
        reason it cannot go out (the delivery is failed at once), or "" to deliver it."""

    def deliver(self, delivery: Delivery) -> str:
        """After commit, one attempt: the channel's id for what was sent (a Message-ID, a wamid),
        or DeliveryFailed."""

    def requeue(self, delivery: Delivery) -> None:
        """An agent retries a failed delivery: reset the channel's own record, if it keeps one."""

    def acknowledge(self, ticket: Ticket, notice: Notice) -> bool:
        """Confirm a new request to its requester; False when nothing was sent (no address, or
        sent already: the task may run twice)."""

    def describe(self, message: Message) -> dict[str, Any]:
        """Channel detail for agents in the API's message (mail: {"emails": [...]}); {} if none."""

    def original_exists(self) -> Exists | None:
        """A subquery, on OuterRef("pk") of a Message, true when a stored original exists: the
        timeline annotates its messages with it, adding no query. None: the channel keeps none."""

    def original(self, message: Message) -> FieldFile | None:
        """The stored original a message came from, or None."""


class MessagingAdapter:
    """The defaults of a channel that sends text into a conversation and keeps no original per
    message (WhatsApp, Telegram, chat): a subclass writes `channel`, `serves`, `reaches` and
    `deliver`, and `acknowledge` when the channel confirms new requests."""

    channel: str
    serves: frozenset[str]
    prefetch: tuple[str, ...] = ()

    def prepare(self, delivery: Delivery) -> str:
        return ""

    def requeue(self, delivery: Delivery) -> None:
        return None

    def acknowledge(self, ticket: Ticket, notice: Notice) -> bool:
        return False

    def notify(self, ticket: Ticket, notice: Notice) -> bool:
        """Words the product sends on its own later in the conversation (a satisfaction survey's
        link): as the acknowledgement, where the channel sends one; False when nothing was sent."""
        return self.acknowledge(ticket, notice)

    def describe(self, message: Message) -> dict[str, Any]:
        return {}

    def original_exists(self) -> Exists | None:
        return None

    def original(self, message: Message) -> FieldFile | None:
        return None


def deliver_in_steps(delivery: Delivery, steps: Sequence[Callable[[], str]]) -> str:
    """Send a reply that goes as several channel messages (text in parts, then each file), in
    order. The steps done are recorded on the delivery as they go, so a retry after a failure
    part-way sends only the rest: the customer never gets a part twice. The first step's id is the
    delivery's."""
    from .models import Delivery

    progress = delivery.payload if isinstance(delivery.payload, dict) else {}
    first_id = str(progress.get("first_id", ""))
    for index in range(int(progress.get("steps_sent", 0)), len(steps)):
        sent_id = steps[index]()
        first_id = first_id or sent_id
        progress = {**progress, "steps_sent": index + 1, "first_id": first_id}
        delivery.payload = progress
        Delivery.objects.filter(pk=delivery.pk).update(payload=progress)
    return first_id


@dataclass(frozen=True)
class ReplyTemplate:
    """A pre-approved message a channel offers when free-form replies are closed: its body with
    `{{1}}`… placeholders for `variables` values."""

    id: int
    name: str
    language: str
    body: str
    variables: int


@dataclass(frozen=True)
class ReplyWindow:
    """Whether agents may write freely on a ticket now (`open`, until `closes_at`), and the
    templates they may send instead when not."""

    open: bool
    closes_at: datetime | None
    templates: tuple[ReplyTemplate, ...] = ()


@dataclass(frozen=True)
class TemplateReply:
    """A template filled in: `text` becomes the message, `payload` goes on its Delivery for the
    adapter to send."""

    text: str
    payload: dict[str, Any]


_adapters: dict[str, ChannelAdapter] = {}


def register_adapter(adapter: ChannelAdapter) -> None:
    """Called from a channel app's `AppConfig.ready()`. Registering the same adapter class again
    (a test's settings reload) replaces it; two apps serving one channel is a configuration error."""
    for channel in {adapter.channel, *adapter.serves}:
        current = _adapters.get(channel)
        if current is not None and type(current) is not type(adapter):
            raise RuntimeError(f"Channel {channel!r} is served by {type(current).__name__} already")
        _adapters[channel] = adapter


def unregister_adapter(adapter: ChannelAdapter) -> None:
    """Tests: take a registered adapter off again."""
    for channel, current in list(_adapters.items()):
        if current is adapter:
            del _adapters[channel]


def adapter_for(channel: str) -> ChannelAdapter | None:
    return _adapters.get(channel)


def adapters() -> list[ChannelAdapter]:
    """Each registered adapter once, in registration order."""
    unique: dict[int, ChannelAdapter] = {}
    for adapter in _adapters.values():
        unique.setdefault(id(adapter), adapter)
    return list(unique.values())


# --- what the timeline and the API read through the port ----------------------------------------

def message_prefetches() -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for adapter in adapters() for name in adapter.prefetch))


def message_details(message: Message) -> dict[str, Any]:
    details: dict[str, Any] = {}
    for adapter in adapters():
        details.update(adapter.describe(message))
    return details


def original_exists() -> Expression:
    """Whether a message (OuterRef("pk")) has a stored original, as asked of every adapter."""
    exists = [e for e in (adapter.original_exists() for adapter in adapters()) if e is not None]
    if not exists:
        return Value(False, output_field=BooleanField())
    return ExpressionWrapper(reduce(operator.or_, (Q(e) for e in exists)), output_field=BooleanField())


def message_original(message: Message) -> FieldFile | None:
    for adapter in adapters():
        original = adapter.original(message)
        if original:
            return original
    return None


# --- reply windows and templates (optional adapter methods) --------------------------------------

def reply_window(ticket: Ticket) -> ReplyWindow | None:
    """The limit the ticket's channel puts on free-form replies now; None: there is none."""
    method = getattr(adapter_for(ticket.channel), "reply_window", None)
    return method(ticket) if callable(method) else None


def template_render(ticket: Ticket, template_id: int, variables: list[str]) -> TemplateReply | None:
    """A template of the ticket's channel filled in (the adapter raises `Invalid` for an unknown or
    inactive template or missing variables); None when the channel has no templates."""
    method = getattr(adapter_for(ticket.channel), "template_render", None)
    return method(ticket, template_id, variables) if callable(method) else None


def notice_send(ticket: Ticket, notice: Notice) -> bool:
    """Send `notice` into the ticket's conversation on its own channel, when that channel's
    adapter offers `notify` and reaches the customer; False otherwise (the caller falls back)."""
    if not notice_possible(ticket):
        return False
    return bool(adapter_for(ticket.channel).notify(ticket, notice))


def notice_possible(ticket: Ticket) -> bool:
    """Whether `notice_send` could reach the customer on the ticket's channel now: its adapter
    sends notices, reaches the customer, and free-form text is allowed now (WhatsApp's 24 hours)."""
    adapter = adapter_for(ticket.channel)
    if getattr(adapter, "notify", None) is None or not adapter.reaches(ticket):
        return False
    window = reply_window(ticket)
    return window is None or window.open


# --- reaching a customer outside any conversation (optional adapter methods) ---------------------

@dataclass(frozen=True)
class Outreach:
    """A message of its own to one customer, outside any ticket (a notice to many customers), in
    their language with its variables filled in. `body` ends with the lines on why it came and how
    to stop it; `link` is a page where the whole message can be read, for a channel that can only
    send a short pre-approved text (WhatsApp's templates); `language` is "es" or "en"."""

    subject: str
    body: str
    greeting_name: str
    language: str
    link: str


def outreach_addresses(channel: str, customer_ids: list[int], language: str) -> dict[int, str]:
    """Where `channel` can write first to each of these customers now, by customer id (the ones it
    cannot reach are left out): the adapter's `outreach_addresses(customer_ids, language)`, or
    nothing when the channel does not start conversations. An address is the adapter's own."""
    method = getattr(adapter_for(channel), "outreach_addresses", None)
    return method(customer_ids, language) if callable(method) else {}


def outreach_send(channel: str, address: str, outreach: Outreach) -> str:
    """Send `outreach` to an address `outreach_addresses` gave: the channel's id of the message, or
    DeliveryFailed (permanent when the channel no longer starts conversations)."""
    method = getattr(adapter_for(channel), "outreach_send", None)
    if not callable(method):
        raise DeliveryFailed(_("This channel cannot send notices."), permanent=True)
    return str(method(address, outreach))

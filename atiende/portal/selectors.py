"""Reads for the customer portal, always through the ticket permission policy."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.utils.functional import Promise

from atiende.accounts.models import User
from atiende.core.exceptions import NotFound
from atiende.customers.identities import PHONE_KINDS
from atiende.customers.models import ContactChannel, Customer
from atiende.customers.permissions import customer_of
from atiende.notices import selectors as notices
from atiende.sla.calendar import BusinessCalendar
from atiende.sla.selectors import customer_hours
from atiende.tickets import channels
from atiende.tickets.models import Channel, CustomField, Message, Ticket
from atiende.tickets.permissions import can_reply_publicly
from atiende.tickets.selectors import message_list, ticket_list
from atiende.tickets.status import TicketStatus, behaviour

from .categories import CATEGORY_FIELD, category_label

PAGE_SIZE = 20

# The tone of each status chip (colour plus words: the words carry the meaning).
TONES = {
    TicketStatus.NEW: "received",
    TicketStatus.OPEN: "working",
    TicketStatus.ON_HOLD: "working",
    TicketStatus.PENDING_CUSTOMER: "waiting",
    TicketStatus.SOLVED: "solved",
    TicketStatus.CLOSED: "closed",
    TicketStatus.MERGED: "closed",
}


@dataclass(frozen=True)
class StatusWords:
    label: str | Promise  # plain words for the customer (tickets.status carries them)
    tone: str


def status_words(status: str) -> StatusWords:
    return StatusWords(label=behaviour(status).customer_label, tone=TONES.get(status, "working"))


@dataclass(frozen=True)
class RequestRow:
    ticket: Ticket
    status: StatusWords


def request_page(*, user: User, page: object) -> tuple[Page, list[RequestRow]]:
    """One page of the customer's requests (organization admins: their organization's), most
    recently updated first. An out-of-range or malformed page number gives the nearest page."""
    tickets = ticket_list(user=user).order_by("-updated_at", "-id")
    current = Paginator(tickets, PAGE_SIZE).get_page(page)
    return current, [RequestRow(ticket, status_words(ticket.status)) for ticket in current.object_list]


def sees_organization(user: User) -> bool:
    """An organization admin's list holds colleagues' requests too: it shows who asked."""
    me = customer_of(user)
    return bool(me and me.is_organization_admin and me.organization_id)


def request_get(*, user: User, number: int) -> Ticket:
    """A request the user may see, by its number; NotFound otherwise (existence not revealed)."""
    ticket = ticket_list(user=user).filter(number=number).first()
    if ticket is None:
        raise NotFound()
    return ticket


@dataclass(frozen=True)
class RequestView:
    ticket: Ticket
    status: StatusWords
    messages: list[Message]
    category: str
    can_reply: bool
    can_solve: bool
    can_reopen: bool
    continued_in: Ticket | None  # the request a merged one continues in, when visible


def request_view(*, user: User, ticket: Ticket) -> RequestView:
    """The conversation as the customer sees it (public messages only) and what they may do."""
    state = behaviour(ticket.status)
    category = ticket.custom_fields.get(CATEGORY_FIELD, "") if isinstance(ticket.custom_fields, dict) else ""
    return RequestView(
        ticket=ticket,
        status=status_words(ticket.status),
        messages=list(message_list(user=user, ticket=ticket)),
        category=category_label(category) if category else "",
        can_reply=can_reply_publicly(user, ticket),
        can_solve=state.is_active,
        can_reopen=ticket.status == TicketStatus.SOLVED,
        continued_in=_merged_into_visible(user=user, ticket=ticket),
    )


def category_choices() -> list[tuple[str, str]]:
    """The choices of the `category` field, when it is active and customers may see it."""
    field = CustomField.objects.filter(key=CATEGORY_FIELD, active=True, agent_only=False, kind="choice").first()
    if field is None:
        return []
    return [(value, category_label(value)) for value in field.choices or [] if isinstance(value, str)]


def _merged_into_visible(*, user: User, ticket: Ticket) -> Ticket | None:
    """The request a merged one continues in, when the customer may see it."""
    if ticket.merged_into_id is None:
        return None
    return ticket_list(user=user).filter(pk=ticket.merged_into_id).first()




# --- asking for a call back ------------------------------------------------------------------------

def callback_phone(*, user: User) -> str:
    """The signed-in customer's own phone (or WhatsApp) number, to prefill the form: never anyone else's."""
    me = customer_of(user)
    if me is None:
        return ""
    return (me.identities.filter(kind__in=PHONE_KINDS).order_by("-is_primary", "kind", "pk")
            .values_list("value", flat=True).first() or "")


def callback_hours(*, user: User) -> BusinessCalendar:
    """The business hours a call back to this customer must fall in: their SLA calendar."""
    me = customer_of(user)
    if me is None:
        raise NotFound()
    hours, _zone = customer_hours(customer=me, channel=Channel.PHONE)
    return hours


@dataclass(frozen=True)
class ContactOption:
    value: str
    label: str | Promise
    reachable: bool  # whether we could write to the customer this way now


def own_customer(user: User) -> Customer:
    """The signed-in customer's own record; NotFound for anyone else."""
    customer = customer_of(user)
    if customer is None:
        raise NotFound()
    return customer


def contact_options(customer: Customer, language: str) -> list[ContactOption]:
    """The channels a customer may choose for our notices, each with whether it reaches them now
    (email: a deliverable address; WhatsApp, Telegram: what their channel needs to write first)."""
    has_email = bool(notices.email_addresses([customer.pk]))
    return [ContactOption(value=value, label=label,
                          reachable=has_email if value == ContactChannel.EMAIL
                          else bool(channels.outreach_addresses(value, [customer.pk], language)))
            for value, label in ContactChannel.choices]

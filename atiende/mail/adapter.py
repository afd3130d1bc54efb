"""Email as a channel adapter (`atiende.tickets.channels`), registered by `MailConfig.ready()`.

Email answers the tickets opened by email, in the portal, through the API or by an agent for
the record (internal); its deliveries are recorded as channel "email"."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.db.models.fields.files import FieldFile

from atiende.tickets.channels import Notice
from atiende.tickets.models import Channel, Delivery, Message, Ticket

from . import outbound
from .models import InboundMessage


class MailAdapter:
    channel = Channel.EMAIL.value
    serves = frozenset(str(channel) for channel in outbound.EMAIL_CHANNELS)
    prefetch = ("emails",)

    def reaches(self, ticket: Ticket) -> bool:
        return outbound.reaches(ticket)

    def prepare(self, delivery: Delivery) -> str:
        return outbound.reply_prepare(delivery)

    def deliver(self, delivery: Delivery) -> str:
        return outbound.reply_deliver(delivery)

    def requeue(self, delivery: Delivery) -> None:
        outbound.reply_requeue(delivery)

    def acknowledge(self, ticket: Ticket, notice: Notice) -> bool:
        return outbound.acknowledgement_send(ticket, notice)

    def describe(self, message: Message) -> dict[str, Any]:
        from .api_agents import email_data  # the API's shape of an email, kept as it was

        return {"emails": [email_data(email) for email in message.emails.all()]}

    def original_exists(self) -> Exists:
        # A retention rule may have deleted the file (mail/retention.py): then there is none to show.
        return Exists(InboundMessage.objects.filter(message_id=OuterRef("pk")).exclude(raw=""))

    def original(self, message: Message) -> FieldFile | None:
        record = InboundMessage.objects.filter(message=message).first()
        return record.raw if record is not None and record.raw else None

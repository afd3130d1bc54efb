"""WhatsApp as a channel adapter (`atiende.tickets.channels`), registered by `WhatsAppConfig.ready()`.

It answers tickets opened on WhatsApp, by the number the conversation came in on (the thread key
`<phone_number_id>:<wa_id>` of the ticket's `ChannelThread`), to the WhatsApp id the customer
wrote from. Only text for now: templates (outside the 24-hour window) and media come later."""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import Exists, OuterRef
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from atiende.customers.models import IdentityKind
from atiende.tickets.channels import DeliveryFailed, Notice
from atiende.tickets.models import Channel, ChannelThread, Delivery, Message, Ticket

from . import graph, services
from .models import WhatsAppNumber

logger = logging.getLogger(__name__)


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


class WhatsAppAdapter:
    channel = Channel.WHATSAPP.value
    serves = frozenset({Channel.WHATSAPP.value})
    prefetch: tuple[str, ...] = ()

    def reaches(self, ticket: Ticket) -> bool:
        if not ticket.requester.identities.filter(kind=IdentityKind.WHATSAPP).exists():
            return False
        return conversation(ticket) is not None

    def prepare(self, delivery: Delivery) -> str:
        return ""

    def deliver(self, delivery: Delivery) -> str:
        found = conversation(delivery.message.ticket)
        if found is None:
            raise DeliveryFailed(_("The WhatsApp number of this conversation is not connected any more."), permanent=True)
        number, wa_id = found
        return graph.send_text(number, wa_id, delivery.message.body_text)

    def after_sent(self, delivery: Delivery) -> None:
        """The delivery has its wamid now: statuses Meta sent before it are applied."""
        services.pending_apply(delivery.external_id)

    def requeue(self, delivery: Delivery) -> None:
        return None

    def acknowledge(self, ticket: Ticket, notice: Notice) -> bool:
        found = conversation(ticket)
        if found is None:
            return False
        number, wa_id = found
        try:
            graph.send_text(number, wa_id, notice.body.strip())
        except DeliveryFailed as failure:
            logger.warning("WhatsApp acknowledgement of ticket %s not sent: %s", ticket.pk, failure.reason)
            return False
        return True

    def describe(self, message: Message) -> dict[str, Any]:
        return {}

    def original_exists(self) -> Exists:
        # No stored original per message yet (the raw webhook events are kept by number).
        return Exists(Message.objects.filter(pk=OuterRef("pk"), pk__lt=0))

    def original(self, message: Message) -> FieldFile | None:
        return None

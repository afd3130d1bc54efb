"""WhatsApp as a channel adapter (`atiende.tickets.channels`), registered by `WhatsAppConfig.ready()`.

It answers tickets opened on WhatsApp, by the number the conversation came in on (the thread key
`<phone_number_id>:<wa_id>` of the ticket's `ChannelThread`), to the WhatsApp id the customer
wrote from: text within the 24 hours after the customer's last message, an approved template
(the delivery's payload) at any time. A text longer than 4,096 characters goes in parts; the
files the agent attached follow, each as its own message (`graph.send_file`)."""

from __future__ import annotations

import logging
from functools import partial

from django.utils.translation import gettext as _

from atiende.core.textparts import split_text
from atiende.customers.models import IdentityKind
from atiende.tickets.channels import (
    DeliveryFailed,
    MessagingAdapter,
    Notice,
    Outreach,
    ReplyWindow,
    TemplateReply,
    deliver_in_steps,
)
from atiende.tickets.models import Channel, Delivery, Ticket

from . import graph, selectors, services, templating
from .selectors import conversation

logger = logging.getLogger(__name__)


class WhatsAppAdapter(MessagingAdapter):
    """Replies and acknowledgements as WhatsApp messages (templates outside the 24 hours)."""

    channel = Channel.WHATSAPP.value
    serves = frozenset({Channel.WHATSAPP.value})

    def reaches(self, ticket: Ticket) -> bool:
        if not ticket.requester.identities.filter(kind=IdentityKind.WHATSAPP).exists():
            return False
        return conversation(ticket) is not None

    def deliver(self, delivery: Delivery) -> str:
        found = conversation(delivery.message.ticket)
        if found is None:
            raise DeliveryFailed(_("The WhatsApp number of this conversation is not connected any more."), permanent=True)
        number, wa_id = found
        template = delivery.payload.get("template") if isinstance(delivery.payload, dict) else None
        if template:
            return graph.send_template(number, wa_id, name=template["name"], language=template["language"],
                                       parameters=list(template["parameters"]))
        files = [partial(graph.send_file, number, wa_id, attachment) for attachment in delivery.message.attachments.all()]
        parts = [partial(graph.send_text, number, wa_id, part)
                 for part in split_text(delivery.message.body_text, graph.MAX_TEXT)]
        return deliver_in_steps(delivery, [*parts, *files])

    def reply_window(self, ticket: Ticket) -> ReplyWindow | None:
        return selectors.reply_window(ticket)

    def template_render(self, ticket: Ticket, template_id: int, variables: list[str]) -> TemplateReply:
        return services.template_render(ticket, template_id, variables)

    def after_sent(self, delivery: Delivery) -> None:
        """The delivery has its wamid now: statuses Meta sent before it are applied."""
        services.pending_apply(delivery.external_id)

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

    def outreach_addresses(self, customer_ids: list[int], language: str) -> dict[int, str]:
        return selectors.outreach_addresses(customer_ids, language)

    def outreach_send(self, address: str, outreach: Outreach) -> str:
        """The number's template for notices in the notice's language, with the customer's name,
        the subject and the link to the whole notice (a template is all Meta takes from a business
        that writes first)."""
        number_id, _sep, wa_id = address.partition(":")
        template = selectors.notice_templates(outreach.language).get(number_id)
        if template is None or not wa_id:
            raise DeliveryFailed(_("No WhatsApp number has an active template for notices in this language."),
                                 permanent=True)
        values = templating.notice_values(templating.variable_count(template.body), name=outreach.greeting_name,
                                          subject=outreach.subject, link=outreach.link)
        return graph.send_template(template.number, wa_id, name=template.name, language=template.language,
                                   parameters=values)

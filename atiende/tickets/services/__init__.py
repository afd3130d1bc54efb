"""Writes for tickets: create, update, reply, merge, link, refer. Each checks the policy first."""

from .copies import (
    ticket_copied_agent_confirm,
    ticket_copied_agent_dismiss,
    ticket_copied_agents_record,
)
from .deliveries import delivery_attempt, delivery_requeue, delivery_retry, delivery_status_record
from .inbound import inbound_note, inbound_receive
from .lifecycle import (
    UPDATABLE,
    channel_ticket_create,
    ticket_bulk_update,
    ticket_create,
    ticket_update,
)
from .messages import channel_message_create, message_create, system_message_send
from .relations import ticket_link, ticket_merge, ticket_merge_check, ticket_refer
from .tags import tag_update
from .workspace import ConversationMoved, message_create_if_current

__all__ = [
    "UPDATABLE", "ConversationMoved", "channel_message_create", "channel_ticket_create", "delivery_attempt",
    "delivery_requeue", "delivery_retry", "delivery_status_record", "inbound_note", "inbound_receive", "message_create",
    "message_create_if_current", "tag_update", "ticket_bulk_update", "ticket_copied_agent_confirm",
    "ticket_copied_agent_dismiss", "ticket_copied_agents_record", "ticket_create", "ticket_link", "ticket_merge",
    "system_message_send", "ticket_merge_check", "ticket_refer", "ticket_update",
]

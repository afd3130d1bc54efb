"""Writes for tickets: create, update, reply, merge, link, refer. Each checks the policy first."""

from .lifecycle import (
    UPDATABLE,
    channel_ticket_create,
    ticket_bulk_update,
    ticket_create,
    ticket_update,
)
from .messages import channel_message_create, message_create
from .relations import ticket_link, ticket_merge, ticket_merge_check, ticket_refer
from .tags import tag_update
from .workspace import ConversationMoved, message_create_if_current

__all__ = ["UPDATABLE", "ConversationMoved", "channel_message_create", "message_create_if_current", "channel_ticket_create", "ticket_bulk_update", "message_create", "ticket_create", "ticket_link", "ticket_merge", "ticket_merge_check", "ticket_refer", "ticket_update", "tag_update"]

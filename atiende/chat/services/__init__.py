"""Writes for the live chat: a visitor starts a conversation and writes in it; agents accept,
transfer and end chats; transcripts by email.

Visitor messages enter the ticket core through the channel port (`tickets.services.inbound`):
channel `chat`, thread key = the session's public id, sender = the visitor's opaque `chat` id,
or their email only when the company's site proved it (`identity.identity_proved`). Agents'
replies leave through the chat adapter (`chat.adapter`). Live events to the visitor's socket
carry ids only; the consumer reads the message it is told about (decision 0011)."""

from .agents import agent_at_queue, session_accept, session_transfer
from .responders import first_responders_offer
from .sites import site_create
from .visitors import (
    MAX_MESSAGE_CHARS,
    VISITOR_GONE_SECONDS,
    Started,
    agent_read_mark,
    chat_group,
    origin_check,
    session_end,
    session_start,
    transcript_send,
    visitor_file_send,
    visitor_gone,
    visitor_message_send,
    visitor_page,
    visitor_read,
    visitor_seen,
    visitor_typing,
)

__all__ = [
    "MAX_MESSAGE_CHARS", "VISITOR_GONE_SECONDS", "Started", "agent_at_queue", "agent_read_mark", "chat_group",
    "first_responders_offer", "origin_check", "session_accept", "session_end", "session_start", "session_transfer",
    "site_create", "transcript_send", "visitor_file_send", "visitor_gone", "visitor_message_send", "visitor_page",
    "visitor_read", "visitor_seen", "visitor_typing",
]

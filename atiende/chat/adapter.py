"""The chat widget as a channel adapter (`atiende.tickets.channels`), registered by `ChatConfig.ready()`.

An agent's public reply on a chat ticket (from the ticket page's composer or anywhere else)
reaches the visitor live: the ticket's `message.created` event reaches the visitor's socket,
whose consumer reads the message, and the polling widget reads it on its next poll. When the
chat has ended or the visitor's widget has not been heard from for a while, the reply goes by
email to the address the visitor gave (Django's mail, as `tickets.notifications` sends; the
`[#n]` reference in the subject threads their answer back through the mail app)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from atiende.tickets.channels import DeliveryFailed, MessagingAdapter
from atiende.tickets.models import Channel, ChannelThread, Delivery, Ticket

from .models import ChatSession
from .services import visitor_gone

logger = logging.getLogger(__name__)


def session_of(ticket: Ticket) -> ChatSession | None:
    """The ticket's latest chat session (the thread key is the session's public id)."""
    keys = (ChannelThread.objects.filter(ticket=ticket, channel=Channel.CHAT)
            .order_by("-updated_at", "-pk").values_list("thread_key", flat=True)[:5])
    return ChatSession.objects.select_related("site").filter(public_id__in=list(keys)).order_by("-created_at").first()


class ChatAdapter(MessagingAdapter):
    """Replies into the widget's conversation, or by email once the visitor has left; no
    acknowledgement (the widget says itself when a person will answer)."""

    channel = Channel.CHAT.value
    serves = frozenset({Channel.CHAT.value})
    # No notices either: a satisfaction survey goes an hour after the solve, when the visitor has
    # left the widget; it goes by email (the address the visitor gave is their identity).
    notify = None

    def reaches(self, ticket: Ticket) -> bool:
        return session_of(ticket) is not None

    def deliver(self, delivery: Delivery) -> str:
        message = delivery.message
        session = session_of(message.ticket)
        if session is None:
            raise DeliveryFailed(_("This chat conversation no longer exists."), permanent=True)
        if not visitor_gone(session):
            return f"chat:{message.pk}"  # the socket or the next poll shows it (it is stored)
        if not session.email:
            return f"chat:{message.pk}"  # waiting in the conversation, if the visitor comes back
        with translation.override(session.language):
            subject = _("[%(ref)s] Answer to your chat: %(subject)s") % {"ref": message.ticket.reference,
                                                                          "subject": message.ticket.subject}
        try:
            EmailMessage(subject=" ".join(subject.split()), body=message.body_text,
                         from_email=settings.DEFAULT_FROM_EMAIL, to=[session.email]).send()
        except Exception as exc:  # an SMTP failure: the port retries
            raise DeliveryFailed(str(exc) or type(exc).__name__) from exc
        return f"chat-email:{message.pk}"

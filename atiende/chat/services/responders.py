"""The point where a first responder (the knowledge base's bot) may take a chat before a person."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from ..models import ChatSession

logger = logging.getLogger(__name__)


# --- first responders ---------------------------------------------------------------------------

def first_responders_offer(*, session_id: int) -> str | None:
    """Offer a new conversation to the first responders in `settings.CHAT_FIRST_RESPONDERS`, in
    order, before any person: each is the dotted path of a callable `(session: ChatSession) -> bool`
    that answers through the ticket services (as a system actor) and returns True when it took
    the conversation (the rest are not asked). None are configured: the knowledge base's bot will
    register here. Returns the path of the one that took it. A failing responder is logged and
    skipped: the visitor still reaches a person."""
    session = ChatSession.objects.filter(pk=session_id).select_related("site").first()
    if session is None:
        return None
    for path in getattr(settings, "CHAT_FIRST_RESPONDERS", []):
        responder: Callable[[ChatSession], Any] = import_string(path)
        try:
            if responder(session):
                return path
        except Exception:
            logger.exception("Chat first responder %s failed on session %s", path, session.pk)
    return None



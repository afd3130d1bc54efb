"""Chat sessions of the person (the transcript is the ticket's messages) (atiende/core/personal_data.py)."""

from __future__ import annotations

from django.db.models import Q

from atiende.core.personal_data import Export, Subject, register

from .models import ChatSession


def _sessions(subject: Subject):
    return ChatSession.objects.filter(Q(ticket_id__in=subject.ticket_ids) | Q(email__in=subject.emails))


def _export(subject: Subject, out: Export) -> None:
    out.add_rows("chats", _sessions(subject).order_by("created_at"),
                 ["name", "email", "language", "page_url", "page_title", "created_at", "ended_at"])


def _erase(subject: Subject) -> None:
    _sessions(subject).update(name="", email="", visitor_id="", page_url="", page_title="")


register(
    "chat",
    covers=["chat.ChatSession"],
    exempt={"chat.ChatSite": "The company's chat widgets."},
    export=_export, erase=_erase,
)

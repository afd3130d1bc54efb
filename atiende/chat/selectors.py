"""Reads for the chat widget (visitor side) and the agents' chat queue."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from atiende.accounts.models import User, UserKind
from atiende.accounts.permissions import STAFF_ROLES, is_staff_agent, sees_all_tickets
from atiende.accounts.selectors import team_ids_of
from atiende.core import clock
from atiende.core.exceptions import Forbidden, NotFound
from atiende.tickets.models import Attachment, AuthorKind, Message, MessageKind

from . import availability
from .models import ChatSession, ChatSite, SessionState

MESSAGES_PER_PAGE = 200
# Site keys and session ids are token_urlsafe text: anything else (a NUL, which PostgreSQL refuses
# in a query, or a megabyte) is unknown without asking the database.
_PUBLIC_KEY = re.compile(r"[A-Za-z0-9_-]{1,40}")


@dataclass(frozen=True)
class Availability:
    open: bool  # a person can answer now
    opens_at: datetime | None  # when closed by the business hours: when they open again


@dataclass(frozen=True)
class VisitorMessage:
    id: int
    mine: bool  # written by the visitor
    author: str  # the agent's first name; "" for the visitor's own
    text: str
    at: datetime
    files: tuple[dict, ...] = ()  # {"id": the attachment's public id, "name", "size"}

    def as_dict(self) -> dict:
        return {"id": self.id, "mine": self.mine, "author": self.author, "text": self.text, "at": self.at.isoformat(),
                "files": list(self.files)}


def site_get_by_key(*, key: str) -> ChatSite:
    site = (ChatSite.objects.select_related("calendar").filter(key=key, active=True).first()
            if _PUBLIC_KEY.fullmatch(key or "") else None)
    if site is None:
        raise NotFound(_("This chat is not available."), code="chat_site_unknown")
    return site


def site_agents(site: ChatSite) -> QuerySet[User]:
    """The agents who answer the site's chats: its team's members, else every staff agent."""
    agents = User.objects.filter(is_active=True, kind=UserKind.AGENT, role__in=STAFF_ROLES)
    if site.team_id is not None:
        agents = agents.filter(teams=site.team_id)
    return agents


def site_availability(*, site: ChatSite) -> Availability:
    """Open when the site's business hours (if it has them) are open and an agent of the site is
    at the chat queue with room for one more chat."""
    now = clock.now()
    if site.calendar is not None:
        from atiende.sla.selectors import arithmetic_for

        opening = arithmetic_for(site.calendar).next_opening(now)
        if opening > now:
            return Availability(open=False, opens_at=opening)
    present = availability.available(site_agents(site).values_list("pk", flat=True))
    if not present:
        return Availability(open=False, opens_at=None)
    busy = dict(ChatSession.objects.filter(agent_id__in=present, state=SessionState.ACTIVE)
                .values_list("agent_id").annotate(n=Count("pk")))
    room = any(busy.get(pk, 0) < site.max_chats_per_agent for pk in present)
    return Availability(open=room, opens_at=None)


def session_for_visitor(*, public_id: str, token: str) -> ChatSession:
    """The visitor's session, proved by its bearer token: NotFound for an unknown id, Forbidden for
    a wrong token (the token is compared in constant time against its stored hash)."""
    session = (ChatSession.objects.select_related("site", "agent").filter(public_id=public_id).first()
               if _PUBLIC_KEY.fullmatch(public_id or "") else None)
    if session is None:
        raise NotFound(_("This conversation does not exist."), code="chat_session_unknown")
    digest = hashlib.sha256((token or "").encode()).hexdigest()
    if not token or not hmac.compare_digest(digest, session.token_sha256):
        raise Forbidden(_("This conversation belongs to another visitor."), code="chat_token_invalid")
    return session


def visitor_messages(*, session: ChatSession, after: int = 0) -> list[VisitorMessage]:
    """The conversation as the visitor sees it: public messages of its ticket, oldest first."""
    if session.ticket_id is None:
        return []
    rows = (Message.objects.filter(ticket_id=session.ticket_id, kind=MessageKind.PUBLIC, pk__gt=after,
                                   created_at__gte=session.created_at)
            .select_related("author_user").prefetch_related("attachments").order_by("pk")[:MESSAGES_PER_PAGE])
    return [visitor_message(row) for row in rows]


def visitor_message(row: Message) -> VisitorMessage:
    mine = row.author_kind == AuthorKind.CUSTOMER
    author = "" if mine or row.author_user is None else (row.author_user.name.split() or [""])[0]
    files = tuple({"id": str(a.public_id), "name": a.filename, "size": a.size} for a in row.attachments.all())
    return VisitorMessage(id=row.pk, mine=mine, author=author, text=row.body_text, at=row.created_at, files=files)


def visitor_attachment(*, session: ChatSession, public_id: Any) -> Attachment:
    """A file of the visitor's conversation (a public message of its ticket), else NotFound."""
    found = (Attachment.objects.filter(public_id=public_id, message__ticket_id=session.ticket_id,
                                       message__kind=MessageKind.PUBLIC, message__created_at__gte=session.created_at).first()
             if session.ticket_id else None)
    if found is None:
        raise NotFound()
    return found


def visitor_message_get(*, session: ChatSession, message_id: int) -> VisitorMessage | None:
    """One message for the visitor's socket, if it is a public message of their conversation."""
    row = (Message.objects.filter(pk=message_id, ticket_id=session.ticket_id, kind=MessageKind.PUBLIC)
           .select_related("author_user").first())
    return visitor_message(row) if row is not None else None


def agent_typing(*, ticket_id: int) -> bool:
    """Whether an agent is typing on the conversation's ticket page (the live app's presence)."""
    from atiende.live import presence

    at = presence.now()
    return any(entry["user_id"] > 0 and entry["typing_until"] > at
               for entry in presence.entries_read(ticket_id=ticket_id).values())


# --- agents -------------------------------------------------------------------------------------

def sessions_visible(user: User) -> QuerySet[ChatSession]:
    """Chats an agent may see in the queue: their sites' (by team), all for supervisors."""
    if not is_staff_agent(user):
        return ChatSession.objects.none()
    sessions = ChatSession.objects.select_related("site", "agent", "ticket")
    if sees_all_tickets(user):
        return sessions
    teams = team_ids_of(user)
    # The site's team answers its chats; a chat transferred to another team is that team's too.
    return sessions.filter(Q(site__team__isnull=True) | Q(site__team_id__in=teams) | Q(ticket__team_id__in=teams)
                           | Q(agent=user))


@dataclass(frozen=True)
class Queue:
    waiting: list[ChatSession]
    mine: list[ChatSession]
    others: list[ChatSession]  # active with colleagues (supervisors see them to transfer)
    cap: int  # the smallest cap among the sites of the agent's chats
    agents: list[User]  # who a chat can be transferred to
    teams: list[Any]  # and to which teams' queues


def chat_queue(*, user: User) -> Queue:
    sessions = sessions_visible(user).exclude(state=SessionState.ENDED).order_by("created_at", "pk")
    rows = list(sessions[:200])
    waiting = [s for s in rows if s.state == SessionState.QUEUED]
    mine = [s for s in rows if s.state == SessionState.ACTIVE and s.agent_id == user.pk]
    others = [s for s in rows if s.state == SessionState.ACTIVE and s.agent_id != user.pk]
    caps = [s.site.max_chats_per_agent for s in mine]
    agents = list(User.objects.filter(is_active=True, kind=UserKind.AGENT, role__in=STAFF_ROLES)
                  .exclude(pk=user.pk).order_by("name")[:200])
    from atiende.accounts.models import Team

    teams = list(Team.objects.order_by("name")[:100])
    return Queue(waiting=waiting, mine=mine, others=others, cap=min(caps) if caps else 0, agents=agents, teams=teams)


def session_for_agent(*, user: User, session_id: int) -> ChatSession:
    session = sessions_visible(user).filter(pk=session_id).first()
    if session is None:
        raise NotFound()
    return session


def agent_viewing(*, ticket_id: int) -> bool:
    """Whether an agent has the conversation's ticket page open (the live app's presence)."""
    from atiende.live import presence

    return any(entry["user_id"] > 0 for entry in presence.entries_read(ticket_id=ticket_id).values())

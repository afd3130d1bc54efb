"""The agents' side: accepting a chat within the cap, transferring it, being at the queue."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.accounts.permissions import is_staff_agent, sees_all_tickets
from atiende.core import clock
from atiende.core.broadcast import broadcast_after_commit
from atiende.core.exceptions import Conflict, Forbidden, Invalid, NotFound
from atiende.tickets.services.lifecycle import ticket_update

from .. import selectors
from ..models import ChatSession, ChatSite, SessionState
from .visitors import chat_group

# --- agents -------------------------------------------------------------------------------------

def session_accept(*, actor: User, session_id: int) -> ChatSession:
    """An agent takes a waiting chat: it becomes theirs, and its ticket is assigned to them.
    Conflict when another agent took it first or the agent holds as many chats as the site allows."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()  # one accept at a time per agent
        session = _locked(actor, session_id)
        if session.state != SessionState.QUEUED:
            raise Conflict(_("Another agent took this chat already."), code="chat_taken")
        _check_cap(actor, session.site)
        _hand_to(actor, session, actor)
    return session


def session_transfer(*, actor: User, session_id: int, to_agent_id: int | None, to_team_id: int | None = None) -> ChatSession:
    """Hand an active chat to another agent (within their cap), to another team's queue (its
    ticket moves to that team, unassigned), or back to the queue (both None). Only the agent
    holding it or a supervisor may."""
    with transaction.atomic():
        session = _locked(actor, session_id)
        if session.state == SessionState.ENDED:
            raise Conflict(_("This conversation has ended."), code="chat_ended")
        if session.agent_id != actor.pk and not sees_all_tickets(actor):
            raise Forbidden(_("Only the agent in this chat or a supervisor may transfer it."))
        if to_agent_id is None and to_team_id is not None:
            from atiende.accounts.models import Team

            team = Team.objects.filter(pk=to_team_id).first()
            if team is None:
                raise Invalid(fields={"team": _("There is no team with this id.")})
            if session.ticket is not None:
                session.ticket = ticket_update(actor=actor, ticket=session.ticket, changes={"team": team, "assignee": None})
        if to_agent_id is None:
            session.state, session.agent = SessionState.QUEUED, None
            session.save(update_fields=["state", "agent"])
            broadcast_after_commit(chat_group(session.public_id), {"type": "chat.state", "session_id": session.pk})
            return session
        target = User.objects.select_for_update().filter(pk=to_agent_id).first()
        if target is None or not is_staff_agent(target):
            raise Invalid(fields={"agent": _("There is no agent with this id.")})
        _check_cap(target, session.site)
        _hand_to(actor, session, target)
    return session


def _locked(actor: User, session_id: int) -> ChatSession:
    session = (selectors.sessions_visible(actor).select_for_update(of=("self",)).filter(pk=session_id).first()
               if is_staff_agent(actor) else None)
    if session is None:
        raise NotFound()
    return session


def _check_cap(agent: User, site: ChatSite) -> None:
    held = ChatSession.objects.filter(agent=agent, state=SessionState.ACTIVE).count()
    if held >= site.max_chats_per_agent:
        raise Conflict(_("%(name)s already has %(count)s chats, the most this site allows.")
                       % {"name": agent.name, "count": held}, code="chat_cap_reached")


def _hand_to(actor: User, session: ChatSession, agent: User) -> None:
    session.state, session.agent, session.accepted_at = SessionState.ACTIVE, agent, clock.now()
    session.save(update_fields=["state", "agent", "accepted_at"])
    if session.ticket is not None and session.ticket.assignee_id != agent.pk:
        session.ticket = ticket_update(actor=actor, ticket=session.ticket, changes={"assignee": agent})
    broadcast_after_commit(chat_group(session.public_id), {"type": "chat.state", "session_id": session.pk})


def agent_at_queue(*, user: User) -> None:
    """An agent has the chat queue open: they count as available for new chats for a while."""
    if is_staff_agent(user):
        from .. import availability

        availability.mark(user.pk)


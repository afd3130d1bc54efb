"""Agents copied on a ticket's messages: recorded by a channel, confirmed or dismissed by staff.

Being copied on an email grants nothing by itself, because anyone can write any address in Cc
(and in From). A copied agent joins the ticket as a collaborator straight away only when the
message's sender is verified as a staff agent who may change the ticket, which is the same as
that agent referring them; otherwise the ticket shows "X was copied" until an agent allowed on
the ticket confirms or dismisses it. Dismissed: not added, and not asked about again for this
ticket (they can still be referred by hand).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.accounts.permissions import is_agent
from atiende.core import clock
from atiende.core.broadcast import broadcast_ticket_changed
from atiende.core.db import is_id
from atiende.core.exceptions import Conflict, Forbidden, NotFound

from ..models import CopiedAgent, CopyState, Message, Ticket
from ..permissions import can_edit_ticket, can_view_ticket
from ..status import behaviour
from .common import record_changes


def ticket_copied_agents_record(
    *, ticket: Ticket, agents: Sequence[User], message: Message | None, copied_by: str, sender: User | None = None,
) -> list[User]:
    """A channel saw `agents` copied on `message` of `ticket` (inside the channel's transaction).

    `sender` is the staff agent who sent it, only when the channel verified that (a signed token,
    or the receiving server's DMARC pass for the agent's own address); when that agent may change
    the ticket, the copied agents become collaborators now, as if referred by them. Otherwise
    each becomes a pending copy for an agent of the ticket to confirm. Agents already
    collaborating, or already asked about on this ticket, are left alone. Returns who was added."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    known = set(ticket.collaborators.values_list("pk", flat=True))
    known |= set(CopiedAgent.objects.filter(ticket=ticket).values_list("agent_id", flat=True))
    fresh = [agent for agent in dict.fromkeys(agents) if is_agent(agent) and agent.pk not in known]
    if not fresh:
        return []
    if sender is not None and can_edit_ticket(sender, ticket):
        ticket.collaborators.add(*fresh)
        record_changes(ticket, sender, [("collaborators", None, [agent.name for agent in fresh])], note="email_cc")
        return fresh
    now = clock.now()
    CopiedAgent.objects.bulk_create([
        CopiedAgent(ticket=ticket, agent=agent, message=message, copied_by=copied_by[:255], created_at=now)
        for agent in fresh
    ])
    record_changes(ticket, None, [("copied", None, [agent.name for agent in fresh])])
    return []


def ticket_copied_agent_confirm(*, actor: User, ticket: Ticket, copied_id: Any) -> CopiedAgent:
    """An agent allowed to change the ticket adds a copied agent as a collaborator."""
    return _decide(actor=actor, ticket=ticket, copied_id=copied_id, confirm=True)


def ticket_copied_agent_dismiss(*, actor: User, ticket: Ticket, copied_id: Any) -> CopiedAgent:
    """An agent allowed to change the ticket declines a copied agent: not added, not asked again."""
    return _decide(actor=actor, ticket=ticket, copied_id=copied_id, confirm=False)


def _decide(*, actor: User, ticket: Ticket, copied_id: Any, confirm: bool) -> CopiedAgent:
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if not is_agent(actor) or not can_view_ticket(actor, ticket):
            raise NotFound()  # who was copied is internal: customers are not told it exists
        copied = (
            CopiedAgent.objects.select_for_update().select_related("agent").filter(pk=copied_id, ticket=ticket).first()
            if is_id(copied_id) else None
        )
        if copied is None:
            raise NotFound()
        if not can_edit_ticket(actor, ticket):
            raise Forbidden()
        if copied.state != CopyState.PENDING:
            raise Conflict(_("This was decided already."), code="copied_agent_decided")
        if confirm:
            if behaviour(ticket.status).is_terminal:
                raise Conflict(_("This ticket is closed and cannot be changed."))
            if not is_agent(copied.agent):
                raise Conflict(_("%(name)s is no longer an active agent.") % {"name": copied.agent.name},
                               code="copied_agent_inactive")
        now = clock.now()
        copied.state = CopyState.CONFIRMED if confirm else CopyState.DISMISSED
        copied.decided_by, copied.decided_at = actor, now
        copied.save(update_fields=["state", "decided_by", "decided_at"])
        if confirm:
            ticket.collaborators.add(copied.agent)
        ticket.updated_at = now
        ticket.save(update_fields=["updated_at"])
        record_changes(ticket, actor, [("copied_confirmed" if confirm else "copied_dismissed", None, copied.agent)])
        broadcast_ticket_changed(ticket_id=ticket.pk, actor_id=actor.pk)
    return copied

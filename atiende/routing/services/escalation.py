"""Escalation by hand: the ticket moves to the next tier's team, which takes ownership."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from atiende.accounts.models import Team, User
from atiende.core.exceptions import Conflict, Forbidden, Invalid, NotFound
from atiende.tickets.models import Channel, Ticket
from atiende.tickets.permissions import can_view_ticket
from atiende.tickets.services import message_create, ticket_update
from atiende.tickets.status import behaviour

from ..models import Escalation, TeamRouting
from ..permissions import can_escalate

MAX_REASON_CHARS = 2000


@dataclass(frozen=True)
class EscalationResult:
    escalation: Escalation
    ticket: Ticket
    tier: int


def tier_of(team: Team | None) -> int:
    if team is None:
        return 1
    return TeamRouting.objects.filter(team=team).values_list("tier", flat=True).first() or 1


def ticket_escalate(*, actor: User, ticket: Ticket, reason: str) -> EscalationResult:
    """Hand the ticket to its team's next tier (`Team.escalation_team`) with a reason: the team
    changes and the assignee is cleared (the next tier assigns it, by hand or by its mode).
    Unlike a referral, the escalating agent no longer owns it. Recorded in history, as an
    internal note with the reason, and as an Escalation row for reports."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(fields={"reason": _("Say why you escalate this ticket.")})
    if len(reason) > MAX_REASON_CHARS:
        raise Invalid(fields={"reason": _("Use at most 2000 characters.")})
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update(of=("self",)).select_related("team__escalation_team").get(pk=ticket.pk)
        if not can_view_ticket(actor, ticket):
            raise NotFound()
        if not can_escalate(actor, ticket):
            raise Forbidden()
        if behaviour(ticket.status).is_terminal:
            raise Conflict(_("This ticket is closed and cannot be changed."))
        current = ticket.team
        target = current.escalation_team if current else None
        if target is None:
            raise Conflict(_("This ticket's team has no next tier to escalate to."), code="no_next_tier")
        tier = tier_of(target)
        note = _("Escalated to %(team)s (tier %(tier)s). Reason: %(reason)s") % {
            "team": target.name, "tier": tier, "reason": reason}
        # The note first: once the ticket moves, the escalating agent may no longer see it.
        message_create(actor=actor, ticket=ticket, body=note, internal=True, channel=Channel.INTERNAL)
        escalation = Escalation.objects.create(
            ticket=ticket, from_team=current, to_team=target, from_assignee=ticket.assignee, actor=actor, reason=reason
        )
        ticket = ticket_update(actor=actor, ticket=ticket, changes={"team": target, "assignee": None})
    return EscalationResult(escalation=escalation, ticket=ticket, tier=tier)

"""Merging, linking and referring tickets."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atiende.accounts.models import User
from atiende.core import clock
from atiende.core.broadcast import broadcast_ticket_changed
from atiende.core.exceptions import Conflict, Forbidden, Invalid, NotFound
from atiende.core.jobs import enqueue_after_commit

from .. import hooks
from ..models import (
    AuthorKind,
    Channel,
    CopiedAgent,
    CopyState,
    LinkKind,
    Message,
    MessageKind,
    Ticket,
    TicketLink,
)
from ..permissions import (
    can_edit_ticket,
    can_view_ticket,
    may_share_conversation,
)
from ..status import TicketStatus, behaviour
from ..tasks import notify_referral
from .common import Change, record_changes

# --- merge, link, refer -------------------------------------------------------------------------

def _lock_editable_pair(actor: User, first: Ticket, second: Ticket) -> tuple[Ticket, Ticket]:
    """Lock two tickets in id order (no deadlock between opposite merges) and check the actor
    may change both. Call inside a transaction."""
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[first.pk, second.pk]).order_by("pk")}
    for ticket in locked.values():
        if not can_view_ticket(actor, ticket):
            raise NotFound()
        if not can_edit_ticket(actor, ticket):
            raise Forbidden()
    return locked[first.pk], locked[second.pk]


def ticket_merge_check(*, source: Ticket, target: Ticket) -> None:
    """Conflict unless `source`'s conversation may move into `target` (same organization or,
    without one, same requester): the rule every merge obeys, for screens that ask first.
    Call only with tickets the actor may see: the refusal names both."""
    if not may_share_conversation(source, target):
        raise Conflict(
            _("%(source)s and %(target)s cannot be merged: they belong to different organizations or "
              "customers, and each one's customers would read the other's conversation.")
            % {"source": source.reference, "target": target.reference},
            code="merge_across_customers",
            fields={"target": _("Merge only tickets of the same organization or, without one, of the same customer.")},
        )


def ticket_merge(*, actor: User, source: Ticket, target: Ticket) -> Ticket:
    """Merge `source` into `target`: its messages move to the survivor, it points there.
    Only within one organization (or one requester without one): see `ticket_merge_check`."""
    if source.pk == target.pk:
        raise Invalid(fields={"target": _("A ticket cannot be merged into itself.")})
    with transaction.atomic():
        source, target = _lock_editable_pair(actor, source, target)
        ticket_merge_check(source=source, target=target)
        for ticket in (source, target):
            if behaviour(ticket.status).is_terminal:
                raise Conflict(_("Ticket %(ref)s is closed or merged.") % {"ref": ticket.reference})
        now = clock.now()
        moved = Message.objects.filter(ticket=source).update(ticket=target)
        Message.objects.create(
            ticket=target, kind=MessageKind.INTERNAL, author_kind=AuthorKind.SYSTEM, channel=Channel.INTERNAL,
            body_text=ngettext(
                "Ticket %(source)s was merged into this one (%(count)s message moved).",
                "Ticket %(source)s was merged into this one (%(count)s messages moved).",
                moved,
            )
            % {"source": source.reference, "count": moved},
            created_at=now,
        )
        old_status = source.status
        source.status, source.merged_into, source.updated_at = TicketStatus.MERGED, target, now
        source.save(update_fields=["status", "merged_into", "updated_at"])
        target.updated_at = now
        target.save(update_fields=["updated_at"])
        target.collaborators.add(*source.collaborators.all())
        _move_pending_copies(source, target)
        merged: list[Change] = [("status", old_status, TicketStatus.MERGED), ("merged_into", None, target.reference)]
        record_changes(source, actor, merged)
        hooks.ticket_changed(source, actor=actor, changes=merged)
        merged_from: list[Change] = [("merged_from", None, source.reference)]
        record_changes(target, actor, merged_from)
        hooks.ticket_changed(target, actor=actor, changes=merged_from)
        broadcast_ticket_changed(ticket_id=source.pk, actor_id=actor.pk)
        broadcast_ticket_changed(ticket_id=target.pk, actor_id=actor.pk)
    return target


def _move_pending_copies(source: Ticket, target: Ticket) -> None:
    """Agents still waiting to be confirmed on `source` wait on `target`, where the conversation
    now is (unless `target` already asked about them): a merged ticket can no longer decide."""
    asked = CopiedAgent.objects.filter(ticket=target).values_list("agent_id", flat=True)
    CopiedAgent.objects.filter(ticket=source, state=CopyState.PENDING).exclude(agent_id__in=asked).update(ticket=target)


def ticket_link(*, actor: User, source: Ticket, target: Ticket, kind: str) -> TicketLink:
    """Relate two tickets, or make `source` the parent of `target`."""
    if kind not in LinkKind.values:
        raise Invalid(fields={"kind": _("Unknown link kind.")})
    if source.pk == target.pk:
        raise Invalid(fields={"target": _("A ticket cannot be linked to itself.")})
    with transaction.atomic():
        source, target = _lock_editable_pair(actor, source, target)
        if TicketLink.objects.filter(source=target, target=source).exists() or TicketLink.objects.filter(
            source=source, target=target
        ).exists():
            raise Conflict(_("These tickets are already linked."))
        if kind == LinkKind.PARENT and _is_ancestor(target, of=source):
            raise Conflict(_("This link would make a ticket its own ancestor."))
        link = TicketLink.objects.create(source=source, target=target, kind=kind, created_at=clock.now())
        label = "parent_of" if kind == LinkKind.PARENT else "related_to"
        record_changes(source, actor, [(label, None, target.reference)])
        record_changes(target, actor, [("child_of" if kind == LinkKind.PARENT else "related_to", None, source.reference)])
        broadcast_ticket_changed(ticket_id=source.pk, actor_id=actor.pk)
        broadcast_ticket_changed(ticket_id=target.pk, actor_id=actor.pk)
    return link


def _is_ancestor(candidate: Ticket, *, of: Ticket) -> bool:
    seen: set[int] = set()
    frontier = [of.pk]
    while frontier:
        parents = list(
            TicketLink.objects.filter(kind=LinkKind.PARENT, target_id__in=frontier).values_list("source_id", flat=True)
        )
        if candidate.pk in parents:
            return True
        frontier = [p for p in parents if p not in seen]
        seen.update(frontier)
    return False


def ticket_refer(*, actor: User, ticket: Ticket, collaborator: User, note: str) -> Message:
    """Refer a ticket to a colleague: they become a collaborator and are told why; the owner stays."""
    if not collaborator.is_active or not collaborator.is_agent:
        raise Invalid(fields={"collaborator": _("Tickets can only be referred to active agents.")})
    note = (note or "").strip()
    if not note:
        raise Invalid(fields={"note": _("Say why you refer this ticket.")})
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if not can_view_ticket(actor, ticket):
            raise NotFound()
        if not can_edit_ticket(actor, ticket):
            raise Forbidden()
        if behaviour(ticket.status).is_terminal:
            raise Conflict(_("This ticket is closed and cannot be changed."))
        if ticket.collaborators.filter(pk=collaborator.pk).exists():
            raise Conflict(_("This ticket was already referred to this person."))
        ticket.collaborators.add(collaborator)
        now = clock.now()
        message = Message.objects.create(
            ticket=ticket, kind=MessageKind.INTERNAL, author_kind=AuthorKind.AGENT, author_user=actor,
            channel=Channel.INTERNAL, body_text=note, created_at=now,
        )
        ticket.updated_at = now
        ticket.save(update_fields=["updated_at"])
        record_changes(ticket, actor, [("collaborator_added", None, collaborator)])
        enqueue_after_commit(notify_referral, message_id=message.pk, collaborator_id=collaborator.pk)
        broadcast_ticket_changed(ticket_id=ticket.pk, message_id=message.pk, actor_id=actor.pk)
    return message

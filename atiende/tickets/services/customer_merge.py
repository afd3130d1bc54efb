"""Merging two customer profiles of one person (say, by email and by WhatsApp), and undoing it.

The source's tickets, the messages it wrote, its identities and its login follow the target (the
survivor); the source stays, marked merged, so that its id still resolves. Everything that moved
is recorded in a `CustomerMerge`, so that an administrator can undo it exactly within
`CUSTOMER_MERGE_UNDO_DAYS`. Tickets keep their organization: a merge never moves a conversation
into another company's view (merges across organizations are refused)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.core import clock
from atiende.core.broadcast import broadcast_after_commit, broadcast_tickets_changed, ticket_group
from atiende.core.exceptions import Conflict, Forbidden
from atiende.customers.merging import profile_absorb, profile_merge_check, profile_release
from atiende.customers.models import Customer
from atiende.customers.permissions import can_undo_customer_merges

from ..models import CustomerMerge, Message, Ticket, TicketEvent


def _lock_pair(source: Customer, target: Customer) -> tuple[Customer, Customer]:
    """Lock both profiles in id order (opposite merges cannot deadlock), fresh from the database."""
    locked = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")}
    return locked[source.pk], locked[target.pk]


def _record_requester_change(ticket_ids: list[int], actor: User, old: Customer, new: Customer) -> None:
    """One history row per ticket ("requester" old → new, shown as ticket history shows people),
    in one insert, and the live broadcast to each ticket's open pages and to the inboxes."""
    now = clock.now()
    TicketEvent.objects.bulk_create([
        TicketEvent(ticket_id=pk, actor=actor, field="requester", old_value=f"{old.pk}:{old}",
                    new_value=f"{new.pk}:{new}", created_at=now)
        for pk in ticket_ids
    ])
    for pk in ticket_ids:
        broadcast_after_commit(ticket_group(pk), {"type": "ticket.updated", "ticket_id": pk, "actor_id": actor.pk})
    broadcast_tickets_changed(ticket_ids=ticket_ids)


def customer_merge(*, actor: User, source: Customer, target: Customer) -> CustomerMerge:
    """Merge `source` into `target` (see the module's docstring and `profile_merge_check` for the
    rules). Returns the record; `record.target` is the survivor. All or nothing."""
    with transaction.atomic():
        source, target = _lock_pair(source, target)
        profile_merge_check(actor=actor, source=source, target=target)
        ticket_ids = list(Ticket.objects.filter(requester=source).order_by("pk").values_list("pk", flat=True))
        message_ids = list(Message.objects.filter(author_customer=source).order_by("pk").values_list("pk", flat=True))
        Ticket.objects.filter(pk__in=ticket_ids).update(requester=target)
        Message.objects.filter(pk__in=message_ids).update(author_customer=target)
        profile = profile_absorb(source=source, target=target)
        merge = CustomerMerge.objects.create(
            source=source, target=target, actor=actor, created_at=clock.now(),
            moved={"tickets": ticket_ids, "messages": message_ids, **profile["moved"]},
            target_before=profile["target_before"],
        )
        _record_requester_change(ticket_ids, actor, source, target)
    return merge


def customer_merge_undo_deadline(merge: CustomerMerge):
    return merge.created_at + timedelta(days=settings.CUSTOMER_MERGE_UNDO_DAYS)


def customer_merge_undo(*, actor: User, merge: CustomerMerge) -> CustomerMerge:
    """Give back to the source what the merge moved and is still the survivor's (tickets created
    since stay with the survivor). Administrators only, within the grace period, and a chain is
    undone from its end: while the survivor is itself merged further, undo that merge first."""
    if not can_undo_customer_merges(actor):
        raise Forbidden(_("Only administrators may undo a merge."))
    with transaction.atomic():
        merge = CustomerMerge.objects.select_for_update().get(pk=merge.pk)
        source, target = _lock_pair(merge.source, merge.target)
        if merge.undone_at is not None:
            raise Conflict(_("This merge was already undone."), code="merge_already_undone")
        if clock.now() > customer_merge_undo_deadline(merge):
            raise Conflict(_("This merge is older than %(days)s days and can no longer be undone.")
                           % {"days": settings.CUSTOMER_MERGE_UNDO_DAYS}, code="merge_undo_expired")
        if target.merged_into_id is not None:
            raise Conflict(_("%(name)s was merged again afterwards: undo that merge first.") % {"name": target.name},
                           code="merge_undo_later_first")
        moved = merge.moved
        ticket_ids = list(
            Ticket.objects.filter(pk__in=moved.get("tickets", []), requester=target).order_by("pk").values_list("pk", flat=True)
        )
        Ticket.objects.filter(pk__in=ticket_ids).update(requester=source)
        Message.objects.filter(pk__in=moved.get("messages", []), author_customer=target).update(author_customer=source)
        profile_release(source=source, target=target, moved=moved, target_before=merge.target_before)
        merge.undone_at, merge.undone_by = clock.now(), actor
        merge.save(update_fields=["undone_at", "undone_by"])
        _record_requester_change(ticket_ids, actor, target, source)
    return merge

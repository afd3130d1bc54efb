"""Writes from the agent workspace: saved views and bulk actions on inbox rows.

Bulk actions reuse the ticket services, which check the policy ticket by ticket; here they are
only run together, all or nothing, and their refusals are given the number of the ticket that
caused them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atiende.accounts.models import User
from atiende.accounts.permissions import is_agent
from atiende.core.db import is_id, unique_or_conflict
from atiende.core.exceptions import Conflict, Forbidden, Invalid, NotFound
from atiende.core.params import is_id_text
from atiende.macros.models import Macro
from atiende.macros.selectors import macro_get
from atiende.macros.services import macro_bulk_apply
from atiende.tickets.models import Priority, Ticket
from atiende.tickets.permissions import can_edit_ticket
from atiende.tickets.selectors import tag_names_by_ticket, ticket_list
from atiende.tickets.services import ticket_bulk_update, ticket_merge, ticket_update
from atiende.tickets.services.common import resolve_agent
from atiende.tickets.status import TicketStatus, behaviour

from .models import InboxSort, SavedView
from .params import InboxFilters
from .selectors import saved_view_get

MAX_SAVED_VIEWS = 50
MAX_VIEW_NAME = 80
MAX_BULK_TICKETS = 100


# --- saved views --------------------------------------------------------------------------------

def _clean_name(name: str) -> str:
    # NUL is dropped like the search box drops it: PostgreSQL text columns refuse it.
    name = " ".join((name or "").replace("\x00", "").split())
    if not name:
        raise Invalid(fields={"name": _("Give the view a name.")})
    if len(name) > MAX_VIEW_NAME:
        raise Invalid(fields={"name": _("Use at most %(max)s characters.") % {"max": MAX_VIEW_NAME}})
    return name


def saved_view_create(*, owner: User, name: str, filters: InboxFilters, ordering: str) -> SavedView:
    """Save `filters` (already validated by the inbox parser) under a name only `owner` sees."""
    if not is_agent(owner):
        raise Forbidden()
    name = _clean_name(name)
    if ordering not in InboxSort.values:
        raise Invalid(fields={"ordering": _("Unknown order.")})
    if SavedView.objects.filter(owner=owner).count() >= MAX_SAVED_VIEWS:
        raise Invalid(fields={"name": _("You have %(max)s views already; delete one first.") % {"max": MAX_SAVED_VIEWS}})
    with unique_or_conflict(_("You already have a view with this name.")):
        return SavedView.objects.create(owner=owner, name=name, filters=filters.compact(), ordering=ordering)


def saved_view_rename(*, actor: User, view_id: object, name: str) -> SavedView:
    view = saved_view_get(user=actor, view_id=view_id)  # someone else's view is NotFound
    view.name = _clean_name(name)
    with unique_or_conflict(_("You already have a view with this name.")):
        view.save(update_fields=["name"])
    return view


def saved_view_delete(*, actor: User, view_id: object) -> None:
    saved_view_get(user=actor, view_id=view_id).delete()


# --- bulk actions -------------------------------------------------------------------------------

class BulkAction(models.TextChoices):
    ASSIGN = "assign", gettext_lazy("Assign")
    STATUS = "status", gettext_lazy("Change status")
    PRIORITY = "priority", gettext_lazy("Change priority")
    TAG = "tag", gettext_lazy("Add tag")
    MERGE = "merge", gettext_lazy("Merge")
    MACRO = "macro", gettext_lazy("Apply a macro")


@dataclass(frozen=True)
class BulkOutcome:
    action: str
    ticket_ids: list[int]
    target: Ticket | None = None  # the surviving ticket of a merge


def inbox_bulk_apply(*, actor: User, ticket_ids: Sequence[int], action: str, value: str,
                     solution: Mapping[str, Any] | None = None) -> BulkOutcome:
    """Apply one inbox action to the selected tickets, all or nothing.

    `value` is the action's argument: "me", "none" or an agent id (assign), a status, a
    priority, a tag name, a macro id (its actions), or the id of the selected ticket the others merge into. Any ticket
    the actor may not see (NotFound) or change (Forbidden) stops the whole batch. `solution`: how
    the tickets ended (the outcome's fields), used only when the new status is solved."""
    ids = _clean_ids(ticket_ids)
    value = (value or "").strip()
    try:
        if action == BulkAction.ASSIGN:
            ticket_bulk_update(actor=actor, ticket_ids=ids, changes={"assignee": _assignee(actor, value)})
        elif action == BulkAction.STATUS:
            if value not in TicketStatus.values or not behaviour(value).agent_settable:
                raise Invalid(fields={"status": _("Choose a status.")})
            ticket_bulk_update(actor=actor, ticket_ids=ids, changes={"status": value},
                               details=solution if value == TicketStatus.SOLVED else None)
        elif action == BulkAction.PRIORITY:
            if value not in Priority.values:
                raise Invalid(fields={"priority": _("Choose a priority.")})
            ticket_bulk_update(actor=actor, ticket_ids=ids, changes={"priority": value})
        elif action == BulkAction.TAG:
            _tag_add(actor, ids, value)
        elif action == BulkAction.MACRO:
            macro_bulk_apply(actor=actor, ticket_ids=ids, macro=_macro(actor, value))
        elif action == BulkAction.MERGE:
            return BulkOutcome(action, ids, _merge(actor, ids, value))
        else:
            raise Invalid(fields={"action": _("Choose an action.")})
    except (Forbidden, Conflict) as exc:
        raise _with_culprit(actor, ids, exc) from exc
    return BulkOutcome(action, ids)


def _clean_ids(ticket_ids: Sequence[int]) -> list[int]:
    ids = list(dict.fromkeys(ticket_ids))
    if not ids:
        raise Invalid(fields={"ticket": _("Select at least one ticket.")})
    if len(ids) > MAX_BULK_TICKETS:
        raise Invalid(fields={"ticket": _("Select at most %(max)s tickets.") % {"max": MAX_BULK_TICKETS}})
    if not all(is_id(pk) for pk in ids):
        raise NotFound()
    return ids


def _assignee(actor: User, value: str) -> User | None:
    if value == "me":
        return actor
    if value == "none":
        return None
    if not is_id_text(value):
        raise Invalid(fields={"assignee": _("Choose an agent.")})
    return resolve_agent(int(value))


def _macro(actor: User, value: str) -> Macro:
    try:
        return macro_get(user=actor, macro_id=int(value) if is_id_text(value) else None)
    except NotFound:  # not "some tickets are gone": the macro is what was not found
        raise Invalid(fields={"macro": _("Choose a macro.")}) from None


def _tickets(ids: list[int]) -> dict[int, Ticket]:
    found = {ticket.pk: ticket for ticket in Ticket.objects.filter(pk__in=ids)}
    if len(found) != len(ids):
        raise NotFound()
    return found


def _tag_add(actor: User, ids: list[int], tag: str) -> None:
    # NUL is dropped as in view names (PostgreSQL text refuses it; the other ways in use forms).
    tag = " ".join(tag.replace("\x00", "").split()).lower()
    if not tag:
        raise Invalid(fields={"tag": _("Write a tag.")})
    with transaction.atomic():
        # Tags are a set per ticket: each keeps its own and gains this one.
        tickets = _tickets(ids)
        current = tag_names_by_ticket(list(tickets.values()))
        for pk in ids:
            ticket_update(actor=actor, ticket=tickets[pk], changes={"tags": [*current[pk], tag]})


def _merge(actor: User, ids: list[int], value: str) -> Ticket:
    target_id = int(value) if is_id_text(value) else None
    if len(ids) < 2:
        raise Invalid(fields={"ticket": _("Select at least two tickets to merge.")})
    if target_id not in ids:
        raise Invalid(fields={"merge_into": _("Choose which of the selected tickets to keep.")})
    with transaction.atomic():
        tickets = _tickets(ids)
        target = tickets[target_id]
        for pk in ids:
            if pk != target_id:
                target = ticket_merge(actor=actor, source=tickets[pk], target=target)
    return target


def _with_culprit(actor: User, ids: list[int], exc: Forbidden | Conflict) -> Forbidden | Conflict:
    """The same refusal, naming the first selected ticket (among those the actor may see) that
    caused it; tickets the actor may not see are never named."""
    for ticket in ticket_list(user=actor).filter(pk__in=ids).order_by("number"):
        if isinstance(exc, Forbidden) and not can_edit_ticket(actor, ticket):
            return Forbidden(_("You may not change ticket %(ref)s.") % {"ref": ticket.reference}, fields=exc.fields)
        if isinstance(exc, Conflict) and behaviour(ticket.status).is_terminal:
            message = _("Ticket %(ref)s is closed or merged and cannot be changed.") % {"ref": ticket.reference}
            return Conflict(message, fields=exc.fields)
    return exc

"""Reads for live updates, always through the ticket permission policy.

Only agents follow tickets live; a ticket they may not see is NotFound, exactly as on its page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Value

from atiende.accounts.models import User
from atiende.accounts.permissions import is_agent
from atiende.accounts.selectors import team_ids_load
from atiende.core.db import is_id
from atiende.core.exceptions import NotFound
from atiende.tickets.models import Message, MessageKind, Ticket
from atiende.tickets.permissions import sees_internal, ticket_scope
from atiende.tickets.selectors import ticket_get, ticket_list

from . import presence


@dataclass(frozen=True)
class PresenceView:
    """What `viewer` is shown: the other agents with the ticket open (typists included) and
    those typing, names sorted; `changes_at` is when an entry expires (epoch seconds), so a
    consumer knows when to look again without being told."""

    viewers: tuple[str, ...]
    typing: tuple[str, ...]
    changes_at: float | None


@dataclass(frozen=True)
class TicketLiveState:
    viewers: tuple[str, ...]
    typing: tuple[str, ...]
    last_message_id: int | None

    def as_json(self) -> dict:
        return {"viewers": list(self.viewers), "typing": list(self.typing), "last_message_id": self.last_message_id}


def live_agent(*, user_id: int | None) -> User | None:
    """The agent as the database has them now: a socket lives for hours, and a deactivation,
    a new role or another team must apply to its next event. None for anyone else."""
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    return user if is_agent(user) else None


def live_ticket_get(*, user: User, ticket_id: int) -> Ticket:
    """The ticket, if `user` is an agent who may see it; NotFound otherwise (customers too)."""
    if not is_agent(user) or not is_id(ticket_id):
        raise NotFound()
    return ticket_get(user=user, ticket_id=ticket_id)


def live_ticket_visible(*, user_id: int | None, ticket_id: int) -> bool:
    """May this user, as they are now, follow the ticket live?"""
    user = live_agent(user_id=user_id) if is_id(ticket_id) else None
    return user is not None and ticket_list(user=user).filter(pk=ticket_id).exists()


def visible_ticket_ids(*, user_id: int | None, ticket_ids: Iterable[int]) -> list[int] | None:
    """The ids among `ticket_ids` this user may see now, in the given order; None when the user
    is no longer an agent (the socket should close)."""
    user = live_agent(user_id=user_id)
    if user is None:
        return None
    wanted = list(ticket_ids)
    visible = set(ticket_list(user=user).filter(pk__in=wanted).values_list("pk", flat=True))
    return [pk for pk in wanted if pk in visible]


def visible_ticket_ids_by_user(*, user_ids: Iterable[int], ticket_ids: Iterable[int]) -> dict[int, list[int] | None]:
    """`visible_ticket_ids` for many users at once, in a fixed number of queries: one inbox event
    reaches every agent's socket in a process, and asking for each socket in turn cost three
    queries apiece (live.batches). Each user's own `ticket_scope` (what `ticket_list` filters
    by), unioned."""
    wanted, asked = list(ticket_ids), set(user_ids)
    agents = [user for user in User.objects.filter(pk__in=asked) if is_agent(user)]
    team_ids_load(agents)  # what ticket_scope would otherwise query for each
    seen: dict[int, set[int]] = {user.pk: set() for user in agents}
    for chunk in _chunks(agents, max(1, UNION_PARAMETERS // (len(wanted) + 8))):
        parts = [
            # the scope itself, not ticket_list: its joins and column list cost more to build
            # than the query takes to run, twenty times over per event
            Ticket.objects.filter(ticket_scope(user), pk__in=wanted).order_by().annotate(viewer=Value(user.pk))
            .values_list("viewer", "pk")
            for user in chunk
        ]
        for viewer, pk in parts[0].union(*parts[1:], all=True):
            seen[viewer].add(pk)
    visible: dict[int, list[int] | None] = dict.fromkeys(asked)
    for user_id, pks in seen.items():
        visible[user_id] = [pk for pk in wanted if pk in pks]
    return visible


# SQLite allows 500 selects in one compound and, in older builds, 32,766 parameters.
UNION_PARAMETERS = 20_000


def _chunks(items: list, size: int) -> Iterable[list]:
    size = min(size, 400)
    return (items[start:start + size] for start in range(0, len(items), size))


def presence_view(*, ticket_id: int, viewer_id: int) -> PresenceView:
    entries = presence.entries_read(ticket_id=ticket_id)
    at = presence.now()
    viewers: dict[int, str] = {}
    typing: dict[int, str] = {}
    for entry in entries.values():
        if entry["user_id"] == viewer_id:
            continue
        viewers[entry["user_id"]] = entry["name"]
        if entry["typing_until"] > at:
            typing[entry["user_id"]] = entry["name"]
    moments = [entry["expires"] for entry in entries.values()]
    moments += [entry["typing_until"] for entry in entries.values() if entry["typing_until"] > at]
    return PresenceView(
        viewers=tuple(sorted(viewers.values(), key=str.casefold)),
        typing=tuple(sorted(typing.values(), key=str.casefold)),
        changes_at=min(moments) if moments else None,
    )


def ticket_live_state(*, user: User, ticket_id: int) -> TicketLiveState:
    """For the polling fallback: who else is here, who is typing, the newest message's id."""
    ticket = live_ticket_get(user=user, ticket_id=ticket_id)
    view = presence_view(ticket_id=ticket.pk, viewer_id=user.pk)
    return TicketLiveState(viewers=view.viewers, typing=view.typing, last_message_id=last_message_id(user=user, ticket=ticket))


def last_message_id(*, user: User, ticket: Ticket) -> int | None:
    """The id of the newest message `user` may see on the ticket (agents see internal notes),
    in the timeline's order."""
    messages = Message.objects.filter(ticket=ticket)
    if not sees_internal(user):
        messages = messages.filter(kind=MessageKind.PUBLIC)
    return messages.order_by("-created_at", "-id").values_list("id", flat=True).first()

"""Writes for live updates: recording who has a ticket open and who is typing.

The websocket consumer and the polling view record presence through the same functions and the
same store (live.presence), so an agent on a blocked websocket and one on a working socket see
each other. A change others can see (someone arrives, leaves, starts or stops typing) is
broadcast to the ticket's group; a heartbeat that changes nothing is not.
"""

from __future__ import annotations

import re
from enum import StrEnum

from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.core.broadcast import broadcast_after_commit, ticket_group
from atiende.core.exceptions import Invalid

from . import presence
from .selectors import live_ticket_get


class Activity(StrEnum):
    VIEWING = "viewing"  # here, not typing (a heartbeat keeps any typing indicator as it is)
    TYPING = "typing"
    IDLE = "idle"  # stopped typing (sent the reply, emptied the box)
    LEFT = "left"


_TAB = re.compile(r"[A-Za-z0-9_-]{1,40}")


def presence_record(*, ticket_id: int, user: User, connection: str, activity: Activity, seconds: int) -> None:
    """Record `user`'s activity on the ticket through `connection`, which stays present for
    `seconds` unless refreshed. The caller has checked that the user may see the ticket."""

    def change(entries: presence.Entries, at: float) -> None:
        if activity == Activity.LEFT:
            entries.pop(connection, None)
            return
        typing_until = entries[connection]["typing_until"] if connection in entries else 0.0
        if activity == Activity.TYPING:
            typing_until = at + presence.TYPING_SECONDS
        elif activity == Activity.IDLE:
            typing_until = 0.0
        entries[connection] = presence.Entry(user_id=user.pk, name=user.name, expires=at + seconds, typing_until=typing_until)

    before, after = presence.entries_change(ticket_id=ticket_id, change=change)
    if _visible(before) != _visible(after):
        broadcast_after_commit(ticket_group(ticket_id), {"type": "presence.changed", "ticket_id": ticket_id})


def presence_poll(*, user: User, ticket_id: int, tab: str, activity: str) -> None:
    """The polling fallback's report: `activity` (an Activity value) from the browser tab `tab`.
    NotFound unless `user` is an agent who may see the ticket; Invalid for a malformed report."""
    ticket = live_ticket_get(user=user, ticket_id=ticket_id)
    if not _TAB.fullmatch(tab or ""):
        raise Invalid(fields={"tab": _("Use 1 to 40 letters, digits, hyphens or underscores.")})
    try:
        chosen = Activity(activity)
    except ValueError:
        raise Invalid(fields={"state": _("Unknown state.")}) from None
    presence_record(
        ticket_id=ticket.pk, user=user, connection=f"poll:{user.pk}:{tab}", activity=chosen, seconds=presence.POLL_SECONDS,
    )


def _visible(entries: presence.Entries) -> dict[int, bool]:
    """What other people are shown of these entries: each user, and whether they are typing."""
    at = presence.now()
    shown: dict[int, bool] = {}
    for entry in entries.values():
        shown[entry["user_id"]] = shown.get(entry["user_id"], False) or entry["typing_until"] > at
    return shown

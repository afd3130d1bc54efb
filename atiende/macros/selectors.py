"""Reads for macros, always through the permission policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from atiende.accounts.models import User
from atiende.accounts.selectors import team_ids_of
from atiende.core.db import is_id
from atiende.core.exceptions import NotFound
from atiende.tickets.models import Ticket

from .models import Macro
from .permissions import can_edit_macro, macro_scope


def macro_list(*, user: User) -> QuerySet[Macro]:
    """Every macro `user` may see (administrators: all of them, other agents' personal ones too)."""
    return Macro.objects.filter(macro_scope(user)).select_related("owner", "team").order_by("name", "id")


def macro_get(*, user: User, macro_id: Any) -> Macro:
    macro = macro_list(user=user).filter(pk=macro_id).first() if is_id(macro_id) else None
    if macro is None:
        raise NotFound()
    return macro


def macro_choices(*, user: User, ticket: Ticket | None = None) -> QuerySet[Macro]:
    """What a picker offers: the agent's own macros and those of their teams, and of the ticket's
    team when they work it without being a member (a supervisor). Others' personal macros, which
    administrators can see, are not offered: they are someone else's words."""
    teams = set(team_ids_of(user))
    if ticket is not None and ticket.team_id is not None:
        teams.add(ticket.team_id)
    return macro_list(user=user).filter(Q(owner_id=user.pk) | Q(team_id__in=teams)).order_by("name", "id")


def macro_rows(*, user: User) -> list[tuple[Macro, bool]]:
    """The macros page: every macro `user` may see, and whether they may change it."""
    return [(macro, can_edit_macro(user, macro)) for macro in macro_list(user=user)]


def macro_get_for_edit(*, user: User, macro_id: Any) -> Macro:
    """A macro `user` may change; one they may only use (or not see) is NotFound."""
    macro = macro_get(user=user, macro_id=macro_id)
    if not can_edit_macro(user, macro):
        raise NotFound()
    return macro

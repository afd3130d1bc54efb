"""Who sees, uses and changes macros.

- personal macros: their owner only (and administrators, who see every macro);
- team macros: the team's agents use them; supervisors and administrators see and manage them all;
- the system (an automation rule applying a macro) sees every macro.
Collaborators and customers have none.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from atiende.accounts.permissions import is_admin, is_staff_agent, is_system, sees_all_tickets
from atiende.accounts.selectors import team_ids_of

from .models import Macro

NOTHING = Q(pk__in=[])


def macro_scope(user: Any) -> Q:
    if is_admin(user) or is_system(user):
        return Q()
    if not is_staff_agent(user):
        return NOTHING
    if sees_all_tickets(user):  # supervisors
        return Q(owner_id=user.pk) | Q(team__isnull=False)
    return Q(owner_id=user.pk) | Q(team_id__in=team_ids_of(user))


def can_view_macro(user: Any, macro: Macro) -> bool:
    if is_admin(user) or is_system(user):
        return True
    if not is_staff_agent(user):
        return False
    if macro.owner_id is not None:
        return macro.owner_id == user.pk
    return sees_all_tickets(user) or macro.team_id in team_ids_of(user)


def can_have_macros(user: Any) -> bool:
    """Personal macros: agents who work tickets."""
    return is_staff_agent(user) and not is_system(user)


def can_manage_team_macros(user: Any) -> bool:
    return sees_all_tickets(user) and not is_system(user)  # supervisors and administrators


def can_edit_macro(user: Any, macro: Macro) -> bool:
    if macro.owner_id is not None:
        return (macro.owner_id == user.pk and can_have_macros(user)) or is_admin(user)
    return can_manage_team_macros(user)

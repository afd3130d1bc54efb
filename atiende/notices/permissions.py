"""Who works with notices: supervisors and administrators write, preview, test and send them
(a notice speaks for the company to many customers at once). Agents, collaborators, customers
and the system do not."""

from __future__ import annotations

from typing import Any

from atiende.accounts.models import Role
from atiende.accounts.permissions import is_agent

NOTICE_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR})


def can_manage_notices(user: Any) -> bool:
    return is_agent(user) and user.role in NOTICE_ROLES

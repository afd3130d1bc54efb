from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from atiende.accounts.permissions import is_admin, is_agent
from atiende.sla.permissions import can_view_attainment


def workspace_nav(request: HttpRequest) -> dict[str, Any]:
    """What the workspace navigation may link to (evaluated only on pages that render it)."""
    user = getattr(request, "user", None)
    return {"nav_sees_attainment": SimpleLazyObject(lambda: bool(user and is_agent(user) and can_view_attainment(user))),
            "nav_sees_rules": SimpleLazyObject(lambda: bool(user and is_agent(user) and is_admin(user)))}

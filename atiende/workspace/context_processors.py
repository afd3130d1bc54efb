from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from atiende.accounts.permissions import is_admin, is_agent
from atiende.macros.permissions import can_have_macros
from atiende.replycheck.permissions import can_configure_checker, can_view_coaching
from atiende.routing.permissions import can_manage_routing
from atiende.sla.permissions import can_view_attainment
from atiende.webhooks.permissions import can_manage_webhooks


def workspace_nav(request: HttpRequest) -> dict[str, Any]:
    """What the workspace navigation may link to (evaluated only on pages that render it)."""
    user = getattr(request, "user", None)

    def allowed(check) -> SimpleLazyObject:
        return SimpleLazyObject(lambda: bool(user and is_agent(user) and check(user)))

    return {"nav_sees_attainment": allowed(can_view_attainment), "nav_has_macros": allowed(can_have_macros),
            "nav_manages_routing": allowed(can_manage_routing), "nav_manages_webhooks": allowed(can_manage_webhooks),
            "nav_sees_rules": allowed(is_admin), "nav_configures_checker": allowed(can_configure_checker),
            "nav_sees_coaching": allowed(can_view_coaching)}

"""Who sees and changes maintenance plans and their visits.

- staff agents (agents, supervisors, administrators) and the system: every plan; they create,
  change, pause and delete plans;
- customers: the plans on assets they see (assets.permissions.asset_scope); an organization's
  admin also the organization's own plans; they change nothing;
- collaborators: none.
A visit's checklist is ticked and completed by whoever may change its ticket.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from atiende.accounts.permissions import is_staff_agent
from atiende.assets.models import Asset
from atiende.assets.permissions import asset_scope
from atiende.customers.permissions import customer_of

NOTHING = Q(pk__in=[])


def plan_scope(user: Any) -> Q:
    if is_staff_agent(user):
        return Q()
    me = customer_of(user)
    if me is None:
        return NOTHING
    visible = Q(asset__in=Asset.objects.filter(asset_scope(user)).values("pk"))
    if me.is_organization_admin and me.organization_id is not None:
        visible |= Q(organization_id=me.organization_id)
    return visible


def can_manage_plans(user: Any) -> bool:
    return is_staff_agent(user)

"""Reads for maintenance plans and visits, always through the permission policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from atiende.accounts.models import User
from atiende.assets.models import Asset
from atiende.core.db import is_id
from atiende.core.exceptions import NotFound
from atiende.tickets.models import Ticket

from .models import MaintenancePlan, MaintenanceVisit
from .permissions import plan_scope


def plan_list(*, user: User, asset: int | None = None, organization: int | None = None,
              active: bool | None = None) -> QuerySet[MaintenancePlan]:
    qs = (MaintenancePlan.objects.filter(plan_scope(user))
          .select_related("asset__product", "organization", "team", "contact").order_by("name", "id"))
    if asset is not None:
        qs = qs.filter(asset_id=asset)
    if organization is not None:
        qs = qs.filter(organization_id=organization)
    if active is not None:
        qs = qs.filter(active=active)
    return qs


def plan_get(*, user: User, plan_id: Any) -> MaintenancePlan:
    plan = plan_list(user=user).filter(pk=plan_id).first() if is_id(plan_id) else None
    if plan is None:
        raise NotFound()
    return plan


def _covering(asset: Asset) -> Q:
    """Plans that visit `asset`: its own, and its organization's (the owner's organization)."""
    covering = Q(asset_id=asset.pk)
    organization = asset.organization_id or (asset.customer.organization_id if asset.customer else None)
    if organization is not None:
        covering |= Q(organization_id=organization)
    return covering


def plans_of_asset(*, user: User, asset: Asset) -> QuerySet[MaintenancePlan]:
    """The plans visiting an asset the caller sees, the next visit first."""
    return plan_list(user=user).filter(_covering(asset)).order_by("next_due_on", "id")


def visits_of_asset(*, user: User, asset: Asset, limit: int = 50) -> list[MaintenanceVisit]:
    """The asset's maintenance history, latest first: the visits of its own plans and its
    organization's, with their checklists as they were completed."""
    plans = plan_list(user=user).filter(_covering(asset)).values("pk")
    return list(MaintenanceVisit.objects.filter(plan_id__in=plans).select_related("plan", "ticket", "completed_by")
                .order_by("-due_on", "-id")[:limit])


def visit_of_ticket(*, user: User, ticket: Ticket) -> MaintenanceVisit | None:
    """The visit a ticket was opened for (the caller may see the ticket), if any."""
    return (MaintenanceVisit.objects.filter(ticket=ticket, plan__in=MaintenancePlan.objects.filter(plan_scope(user)))
            .select_related("plan", "completed_by").first())


def upcoming_for_customer(*, user: User, limit: int = 50) -> list[MaintenancePlan]:
    """The portal's "upcoming maintenance": the active plans the customer sees, soonest first."""
    return list(plan_list(user=user, active=True).filter(next_due_on__isnull=False)
                .order_by("next_due_on", "id")[:limit])

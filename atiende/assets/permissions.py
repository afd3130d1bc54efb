"""Who sees and changes products and assets.

- staff agents (agents, supervisors, administrators) and the system: every asset and product;
- customers: their own assets; an organization's admin also the organization's assets and those
  of its people (as with tickets). Products: only those of the assets they see;
- collaborators: none.
Agents register assets, add warranties and link assets to tickets they may change; the catalogue
and imports are for supervisors and administrators; deleting an asset for administrators.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from atiende.accounts.permissions import is_admin, is_staff_agent, sees_all_tickets
from atiende.customers.permissions import customer_of

from .models import Asset

NOTHING = Q(pk__in=[])


def asset_scope(user: Any) -> Q:
    if is_staff_agent(user):
        return Q()
    me = customer_of(user)
    if me is None:
        return NOTHING
    if me.is_organization_admin and me.organization_id is not None:
        return Q(customer_id=me.pk) | Q(organization_id=me.organization_id) | Q(customer__organization_id=me.organization_id)
    return Q(customer_id=me.pk)


def product_scope(user: Any) -> Q:
    if is_staff_agent(user):
        return Q()
    if customer_of(user) is None:
        return NOTHING
    return Q(pk__in=Asset.objects.filter(asset_scope(user)).values("product_id"))


def can_view_asset(user: Any, asset: Asset) -> bool:
    if is_staff_agent(user):
        return True
    me = customer_of(user)
    if me is None:
        return False
    if asset.customer_id == me.pk:
        return True
    if not me.is_organization_admin or me.organization_id is None:
        return False
    return asset.organization_id == me.organization_id or (
        asset.customer is not None and asset.customer.organization_id == me.organization_id)


def can_edit_assets(user: Any) -> bool:
    return is_staff_agent(user)


def can_delete_assets(user: Any) -> bool:
    return is_admin(user)


def can_manage_products(user: Any) -> bool:
    return sees_all_tickets(user)  # supervisors and administrators


def can_import_assets(user: Any) -> bool:
    return sees_all_tickets(user)

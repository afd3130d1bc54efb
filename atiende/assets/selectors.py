"""Reads for products and assets, always through the permission policy, and coverage as the
viewer sees it ("today" is the day in the viewer's time zone)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet

from atiende.accounts.models import User
from atiende.core import clock
from atiende.core.db import is_id
from atiende.core.exceptions import NotFound
from atiende.customers.models import Customer
from atiende.customers.permissions import customer_of
from atiende.tickets.models import Ticket
from atiende.tickets.selectors import ticket_list

from . import coverage
from .models import Asset, AssetLink, AssetStatus, Product, Warranty
from .permissions import asset_scope, product_scope

EXTENDED = Prefetch("warranties", queryset=Warranty.objects.only("asset_id", "starts_on", "ends_on").order_by())


def viewer_zone(user: Any) -> ZoneInfo:
    """The viewer's time zone: their customer record's, their login's, or the company's (the
    portal's order)."""
    me = customer_of(user)
    for name in (me.time_zone if me else "", getattr(user, "time_zone", ""), settings.TIME_ZONE):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def viewer_today(user: Any) -> date:
    return clock.now().astimezone(viewer_zone(user)).date()


# --- products -----------------------------------------------------------------------------------

def product_list(*, user: User, kind: str = "") -> QuerySet[Product]:
    qs = Product.objects.filter(product_scope(user)).order_by("name", "id")
    return qs.filter(kind=kind) if kind else qs


def product_get(*, user: User, product_id: Any) -> Product:
    product = product_list(user=user).filter(pk=product_id).first() if is_id(product_id) else None
    if product is None:
        raise NotFound()
    return product


# --- assets -------------------------------------------------------------------------------------

def warranty_active_q(today: date) -> Q:
    """Assets covered on `today`: a standard warranty still running (one bound per warranty length
    in the catalogue, few) or an extended one containing the day."""
    standard = Q(pk__in=[])
    lengths = Product.objects.filter(warranty_months__gt=0).values_list("warranty_months", flat=True).distinct()
    for months in lengths:
        standard |= Q(product__warranty_months=months, purchased_on__lte=today,
                      purchased_on__gte=coverage.earliest_purchase_covered(today, months))
    extended = Q(pk__in=Warranty.objects.filter(starts_on__lte=today, ends_on__gte=today).values("asset_id"))
    return standard | extended


@dataclass(frozen=True)
class AssetFilters:
    customer: int | None = None
    organization: int | None = None
    product: int | None = None
    identifier: str = ""
    warranty_active: bool | None = None


def asset_list(*, user: User, filters: AssetFilters | None = None) -> QuerySet[Asset]:
    qs = Asset.objects.filter(asset_scope(user)).select_related("product", "customer", "organization")
    f = filters or AssetFilters()
    if f.customer is not None:
        qs = qs.filter(customer_id=f.customer)
    if f.organization is not None:
        qs = qs.filter(Q(organization_id=f.organization) | Q(customer__organization_id=f.organization))
    if f.product is not None:
        qs = qs.filter(product_id=f.product)
    if f.identifier:
        qs = qs.filter(identifier__iexact=f.identifier.strip())
    if f.warranty_active is not None:
        active = warranty_active_q(viewer_today(user))
        qs = qs.filter(active) if f.warranty_active else qs.exclude(active)
    return qs


def asset_get(*, user: User, asset_id: Any) -> Asset:
    asset = asset_list(user=user).prefetch_related("warranties").filter(pk=asset_id).first() if is_id(asset_id) else None
    if asset is None:
        raise NotFound()
    return asset


def coverage_of(asset: Asset, today: date) -> coverage.Coverage:
    """`asset` with its product and warranties loaded (asset_get, assets_of_ticket)."""
    return coverage.asset_coverage(today, purchased_on=asset.purchased_on,
                                   warranty_months=asset.product.warranty_months,
                                   extended=[(w.starts_on, w.ends_on) for w in asset.warranties.all()])


def asset_coverage(*, user: User, asset: Asset) -> coverage.Coverage:
    return coverage_of(asset, viewer_today(user))


@dataclass(frozen=True)
class CoveredAsset:
    asset: Asset
    coverage: coverage.Coverage


def assets_of_ticket(*, user: User, ticket: Ticket) -> list[CoveredAsset]:
    """The assets linked to `ticket` (which the caller may see) with their coverage today: one
    query whatever the number of assets — an asset row per extended warranty (a left join),
    folded here — since on a busy server each round trip costs more than the rows."""
    today = viewer_today(user)
    rows = (Asset.objects.filter(asset_scope(user), links__ticket=ticket).select_related("product")
            .annotate(extended_from=F("warranties__starts_on"), extended_to=F("warranties__ends_on"))
            .order_by("product__name", "id"))
    assets: dict[int, Asset] = {}
    extended: dict[int, list[tuple[date, date]]] = {}
    for row in rows:
        assets.setdefault(row.pk, row)
        periods = extended.setdefault(row.pk, [])
        if row.extended_from is not None:
            periods.append((row.extended_from, row.extended_to))
    return [CoveredAsset(asset, coverage.asset_coverage(today, purchased_on=asset.purchased_on,
                                                        warranty_months=asset.product.warranty_months,
                                                        extended=extended[pk]))
            for pk, asset in assets.items()]


def assets_of_customer(*, user: User, customer: Customer) -> QuerySet[Asset]:
    """What a customer has: their own assets and their organization's."""
    owned = Q(customer_id=customer.pk)
    if customer.organization_id is not None:
        owned |= Q(organization_id=customer.organization_id)
    return asset_list(user=user).filter(owned).prefetch_related(EXTENDED).order_by("product__name", "id")


def linkable_assets(*, user: User, ticket: Ticket) -> QuerySet[Asset]:
    """Assets of the ticket's requester (and organization) not linked to it yet."""
    linked = AssetLink.objects.filter(ticket=ticket).values("asset_id")
    return assets_of_customer(user=user, customer=ticket.requester).exclude(pk__in=linked)


def covered_list(*, user: User, assets: QuerySet[Asset] | list[Asset]) -> list[CoveredAsset]:
    today = viewer_today(user)
    return [CoveredAsset(asset, coverage_of(asset, today)) for asset in assets]


def tickets_of_asset(*, user: User, asset: Asset) -> QuerySet[Ticket]:
    """The tickets about `asset` that `user` may see, newest first."""
    linked = AssetLink.objects.filter(asset=asset).values("ticket_id")
    return ticket_list(user=user).filter(pk__in=linked).order_by("-id")


def portal_assets(*, user: User) -> QuerySet[Asset]:
    """"My products and services": what a customer sees (an organization's admin, the
    organization's too), newest purchase first."""
    return asset_list(user=user).prefetch_related(EXTENDED).order_by("-purchased_on", "-id")[:500]


def asset_choices(*, user: User) -> list[tuple[int, str]]:
    """The portal's "which product is it about?" choices: the customer's assets still in use."""
    rows = asset_list(user=user).exclude(status__in=[AssetStatus.REPLACED, AssetStatus.RETIRED])
    return [(a.pk, f"{a.product.name} · {a.identifier}") for a in rows.order_by("product__name", "identifier")[:200]]

"""Shared set-up for the maintenance tests, written through the services."""

from __future__ import annotations

from datetime import UTC, date, datetime

from atiende.assets.services import asset_create, product_create
from atiende.maintenance.services import plan_create

CHECKLIST = ["Limpiar filtros", "Revisar voltaje", "Actualizar firmware"]


def at(year: int, month: int, day: int, hour: int = 18) -> datetime:
    """An instant well inside the day in Mexico City (UTC-6): 18:00 UTC is noon there."""
    return datetime(year, month, day, hour, tzinfo=UTC)


def modem(world, *, customer=None, identifier: str = "SN-A1", purchased_on: date = date(2026, 1, 10), months: int = 12):
    from atiende.assets.models import Product

    product = Product.objects.filter(name="Módem 4G").first() or product_create(
        actor=world.admin, name="Módem 4G", kind="device", warranty_months=months, is_maintainable=True)
    return asset_create(actor=world.admin, product=product, customer=customer or world.customer_a,
                        identifier=identifier, purchased_on=purchased_on)


def plan(world, asset, **overrides):
    values = {"name": "Mantenimiento trimestral", "asset": asset, "team": world.team1, "unit": "week",
              "interval": 1, "starts_on": date(2027, 1, 4), "lead_days": 3, "checklist": CHECKLIST}
    values.update(overrides)
    return plan_create(actor=world.admin, **values)

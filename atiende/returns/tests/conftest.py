"""English here (the msgids); a catalogue with a router in warranty and one out of it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from atiende.assets.services import asset_create, product_create
from atiende.core import clock

NOW = datetime(2026, 6, 1, 18, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def frozen():
    with clock.frozen_at(NOW):
        yield NOW


@pytest.fixture
def kit(world, frozen):
    router = product_create(actor=world.admin, name="Router Wi-Fi 6", kind="device", sku="RTR-6", warranty_months=12,
                            is_returnable=True)
    covered = asset_create(actor=world.admin, product=router, customer=world.customer_a, identifier="SN-A1",
                           purchased_on=date(2026, 1, 10), attributes={"model": "AX3000"})
    old = asset_create(actor=world.admin, product=router, customer=world.customer_a, identifier="SN-A0",
                       purchased_on=date(2023, 5, 2))
    org = asset_create(actor=world.admin, product=router, organization=world.org_a, identifier="SN-ORG",
                       purchased_on=date(2026, 3, 1))
    other = asset_create(actor=world.admin, product=router, customer=world.customer_b, identifier="SN-B1",
                         purchased_on=date(2026, 3, 1))
    return {"router": router, "covered": covered, "old": old, "org": org, "other": other}

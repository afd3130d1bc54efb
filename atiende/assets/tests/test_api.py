"""The API: products, assets with their filters, warranties, coverage and links, with visibility."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atiende.assets.models import Asset, AssetLink, Product, Warranty
from atiende.assets.services import asset_create, asset_link, product_create, warranty_add
from atiende.core import clock

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)  # 21:00 of 31 May in Mexico City


@pytest.fixture
def catalogue(world):
    router = product_create(actor=world.admin, name="Módem 4G", kind="device", sku="MOD-4G", warranty_months=12,
                            is_returnable=True)
    domain = product_create(actor=world.admin, name="Dominio .mx", kind="domain", warranty_months=0)
    own = asset_create(actor=world.agent1, product=router, customer=world.customer_a, identifier="SN-A1",
                       purchased_on=date(2025, 6, 1), attributes={"model": "X1"})
    org = asset_create(actor=world.agent1, product=domain, organization=world.org_a, identifier="tienda-a.mx",
                       purchased_on=date(2024, 1, 10), attributes={"auto_renew": True})
    other = asset_create(actor=world.agent1, product=router, customer=world.customer_b, identifier="SN-B1",
                         purchased_on=date(2024, 1, 1))
    return {"router": router, "domain": domain, "own": own, "org": org, "other": other}


def ids(response) -> list[int]:
    return sorted(row["id"] for row in response.json()["results"])


def test_create_asset_and_read_it_back(world, catalogue):
    api = world.client_for(world.agent1)
    response = api.post("/api/v1/assets/", {"product": catalogue["router"].pk, "customer": world.customer_a.pk,
                                            "identifier": "SN-A2", "purchased_on": "2026-02-01",
                                            "attributes": {"model": "X2", "firmware": "1.2"}}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["product"], body["customer"], body["organization"], body["identifier"], body["purchased_on"],
            body["attributes"]) == (catalogue["router"].pk, world.customer_a.pk, None, "SN-A2", "2026-02-01",
                                    {"model": "X2", "firmware": "1.2"})


@pytest.mark.parametrize(("payload", "field"), [
    ({"identifier": "SN-A1"}, "identifier"),  # duplicate serial of the same product
    ({"purchased_on": "2026-02-30"}, "purchased_on"),
    ({"attributes": {"disk_gb": 10}}, "attributes"),  # not a device attribute
    ({"attributes": {"model": 5}}, "attributes"),
    ({"organization": 1, "customer": None, "product": 999_999}, "product"),
])
def test_bad_asset_is_a_400_or_409_naming_the_field_and_writes_nothing(world, catalogue, payload, field):
    base = {"product": catalogue["router"].pk, "customer": world.customer_a.pk, "identifier": "SN-NEW",
            "purchased_on": "2026-01-01"}
    before = Asset.objects.count()
    response = world.client_for(world.agent1).post("/api/v1/assets/", {**base, **payload}, format="json")
    assert response.status_code in (400, 409)
    assert field in response.json()["error"]["fields"]
    assert Asset.objects.count() == before


def test_both_owners_or_none_is_a_400(world, catalogue):
    api = world.client_for(world.agent1)
    base = {"product": catalogue["router"].pk, "identifier": "SN-X", "purchased_on": "2026-01-01"}
    assert api.post("/api/v1/assets/", base, format="json").status_code == 400
    both = {**base, "customer": world.customer_a.pk, "organization": world.org_a.pk}
    assert api.post("/api/v1/assets/", both, format="json").status_code == 400


def test_customers_see_their_own_and_org_admins_their_organizations(world, catalogue):
    own, org, other = catalogue["own"].pk, catalogue["org"].pk, catalogue["other"].pk
    assert ids(world.client_for(world.customer_a.user).get("/api/v1/assets/")) == [own]
    assert ids(world.client_for(world.colleague_a.user).get("/api/v1/assets/")) == []
    assert ids(world.client_for(world.org_admin_a.user).get("/api/v1/assets/")) == sorted([own, org])
    assert ids(world.client_for(world.customer_b.user).get("/api/v1/assets/")) == [other]
    assert ids(world.client_for(world.agent2).get("/api/v1/assets/")) == sorted([own, org, other])
    assert world.client_for(world.customer_b.user).get(f"/api/v1/assets/{own}/").status_code == 404
    assert world.client_for(world.collaborator).get(f"/api/v1/assets/{own}/").status_code == 404
    # Products: a customer sees the catalogue entries of what they have.
    assert ids(world.client_for(world.customer_a.user).get("/api/v1/products/")) == [catalogue["router"].pk]


def test_filters(world, catalogue):
    api = world.client_for(world.agent1)
    with clock.frozen_at(NOW):
        assert ids(api.get(f"/api/v1/assets/?customer={world.customer_a.pk}")) == [catalogue["own"].pk]
        assert ids(api.get(f"/api/v1/assets/?organization={world.org_a.pk}")) == sorted(
            [catalogue["own"].pk, catalogue["org"].pk])
        assert ids(api.get(f"/api/v1/assets/?product={catalogue['domain'].pk}")) == [catalogue["org"].pk]
        assert ids(api.get("/api/v1/assets/?identifier=sn-b1")) == [catalogue["other"].pk]
        # Bought 2025-06-01 with 12 months: covered through 2026-05-31, which is "today" in Mexico City.
        assert ids(api.get("/api/v1/assets/?warranty_active=true")) == [catalogue["own"].pk]
        assert ids(api.get("/api/v1/assets/?warranty_active=false")) == sorted(
            [catalogue["org"].pk, catalogue["other"].pk])
        assert api.get("/api/v1/assets/?warranty_active=maybe").status_code == 400
        assert api.get("/api/v1/assets/?customer=abc").status_code == 400


def test_coverage_uses_the_viewers_today(world, catalogue):
    url = f"/api/v1/assets/{catalogue['own'].pk}/coverage/"
    with clock.frozen_at(NOW):
        mexico = world.client_for(world.agent1).get(url).json()
        world.agent2.time_zone = "Asia/Tokyo"  # already 1 June there: the warranty has ended
        world.agent2.save()
        tokyo = world.client_for(world.agent2).get(url).json()
    assert mexico == {"covered": True, "until": "2026-05-31", "extended": False, "ended_on": None}
    assert tokyo == {"covered": False, "until": None, "extended": False, "ended_on": "2026-05-31"}


def test_extended_warranty_through_the_api(world, catalogue):
    asset = catalogue["own"]
    api = world.client_for(world.agent1)
    response = api.post(f"/api/v1/assets/{asset.pk}/warranties/", {
        "kind": "extended", "starts_on": "2026-06-01", "ends_on": "2027-03-12", "covers": "Piezas y mano de obra",
        "excludes": "Daño por agua"}, format="json")
    assert response.status_code == 201
    with clock.frozen_at(NOW):
        assert api.get(f"/api/v1/assets/{asset.pk}/coverage/").json() == {
            "covered": True, "until": "2027-03-12", "extended": True, "ended_on": None}
    bad = api.post(f"/api/v1/assets/{asset.pk}/warranties/", {"kind": "extended", "starts_on": "2027-01-01",
                                                               "ends_on": "2026-01-01"}, format="json")
    assert bad.status_code == 400 and "ends_on" in bad.json()["error"]["fields"]
    assert api.post(f"/api/v1/assets/{asset.pk}/warranties/", {"kind": "gold", "starts_on": "2027-01-01",
                                                                "ends_on": "2028-01-01"}, format="json").status_code == 400
    customer = world.client_for(world.customer_a.user)
    assert customer.post(f"/api/v1/assets/{asset.pk}/warranties/", {"kind": "extended", "starts_on": "2027-01-01",
                                                                     "ends_on": "2028-01-01"}, format="json").status_code == 403
    assert Warranty.objects.filter(asset=asset).count() == 1


def test_link_only_the_customers_assets_and_list_them_with_coverage(world, catalogue):
    ticket = world.ticket_a
    api = world.client_for(world.agent1)
    assert api.post(f"/api/v1/tickets/{ticket.pk}/assets/", {"asset": catalogue["other"].pk}, format="json").status_code == 400
    assert api.post(f"/api/v1/tickets/{ticket.pk}/assets/", {"asset": catalogue["own"].pk}, format="json").status_code == 201
    assert api.post(f"/api/v1/tickets/{ticket.pk}/assets/", {"asset": catalogue["org"].pk}, format="json").status_code == 201
    with clock.frozen_at(NOW):
        listed = api.get(f"/api/v1/tickets/{ticket.pk}/assets/").json()["results"]
    assert [(row["identifier"], row["coverage"]["covered"]) for row in listed] == [("tienda-a.mx", False), ("SN-A1", True)]
    assert world.client_for(world.agent2).delete(
        f"/api/v1/tickets/{ticket.pk}/assets/{catalogue['own'].pk}/").status_code in (403, 404)
    assert api.delete(f"/api/v1/tickets/{ticket.pk}/assets/{catalogue['own'].pk}/").status_code == 204
    assert list(AssetLink.objects.filter(ticket=ticket).values_list("asset_id", flat=True)) == [catalogue["org"].pk]


def test_ticket_assets_take_one_query_whatever_their_number(world, catalogue):
    from atiende.assets.selectors import assets_of_ticket

    for n in range(5):
        asset = asset_create(actor=world.agent1, product=catalogue["router"], customer=world.customer_a,
                             identifier=f"SN-Q{n}", purchased_on=date(2025, 1, 1))
        warranty_add(actor=world.agent1, asset=asset, starts_on=date(2026, 1, 1), ends_on=date(2027, 1, 1))
        asset_link(actor=world.agent1, ticket=world.ticket_a, asset=asset)
    with CaptureQueriesContext(connection) as queries:
        found = assets_of_ticket(user=world.agent1, ticket=world.ticket_a)
    assert len(found) == 5 and all(c.coverage.extended for c in found)
    assert len(queries) == 1


def test_products_are_managed_by_supervisors_and_admins(world, catalogue):
    payload = {"name": "Hosting Pyme", "kind": "hosting_plan", "warranty_months": 0}
    assert world.client_for(world.agent1).post("/api/v1/products/", payload, format="json").status_code == 403
    created = world.client_for(world.supervisor).post("/api/v1/products/", payload, format="json")
    assert created.status_code == 201 and created.json()["kind"] == "hosting_plan"
    dup = world.client_for(world.supervisor).post("/api/v1/products/", {**payload, "name": "hosting pyme"}, format="json")
    assert dup.status_code == 409
    in_use = world.client_for(world.admin).delete(f"/api/v1/products/{catalogue['router'].pk}/")
    assert in_use.status_code == 409 and Product.objects.filter(pk=catalogue["router"].pk).exists()

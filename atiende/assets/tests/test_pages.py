"""The workspace and portal pages: products, assets, the import page, the ticket's linked
products box and the portal's "my products" and new-request form."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from atiende.assets.models import Asset, AssetLink, Product, Warranty
from atiende.assets.services import asset_create, asset_link, product_create, warranty_add
from atiende.core import clock
from atiende.tickets.models import Ticket

NOW = datetime(2026, 12, 6, 18, 0, tzinfo=UTC)


def client_of(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # asserted as English msgids (the catalogues come later)
    client.force_login(user, backend="atiende.accounts.backends.EmailBackend")
    return client


@pytest.fixture
def modem(world):
    product = product_create(actor=world.admin, name="Módem 4G", kind="device", sku="MOD-4G", warranty_months=12)
    asset = asset_create(actor=world.agent1, product=product, customer=world.customer_a, identifier="SN-A1",
                         purchased_on=date(2025, 3, 13))
    warranty_add(actor=world.agent1, asset=asset, starts_on=date(2026, 3, 13), ends_on=date(2027, 3, 12))
    return asset


def test_ticket_box_shows_coverage_in_words_and_links_and_unlinks(world, modem):
    agent = client_of(world.agent1)
    url = f"/bandeja/tickets/{world.ticket_a.number}/productos/"
    with clock.frozen_at(NOW), translation.override("en"):
        empty = agent.get(url).content.decode()
        assert "No products linked." in empty  # offered with its coverage, not linked yet
        assert "SN-A1 — In warranty until March 12, 2027 · extended</option>" in empty
        assert agent.post(url, {"asset": modem.pk, "action": "link"}).status_code == 302
        box = agent.get(url).content.decode()
    assert "In warranty until March 12, 2027 · extended" in box
    assert AssetLink.objects.filter(ticket=world.ticket_a, asset=modem).count() == 1
    assert agent.post(url, {"asset": modem.pk, "action": "unlink"}, HTTP_HX_REQUEST="true").status_code == 200
    assert not AssetLink.objects.filter(ticket=world.ticket_a).exists()
    # Another customer's asset is refused with a message, and nothing is linked.
    other = asset_create(actor=world.agent1, product=modem.product, customer=world.customer_b, identifier="SN-B1",
                         purchased_on=date(2025, 1, 1))
    assert agent.post(url, {"asset": other.pk, "action": "link"}).status_code == 400
    assert agent.post(url, {"asset": "99999999999999999999", "action": "link"}).status_code == 400
    assert not AssetLink.objects.exists()
    # An agent who cannot see the ticket gets a 404; a customer, the portal.
    assert client_of(world.agent2).get(url).status_code == 404
    assert client_of(world.customer_a.user).get(url).status_code == 302


def test_ticket_page_loads_the_box(world, modem):
    page = client_of(world.agent1).get(f"/tickets/{world.ticket_a.number}/").content.decode()
    assert f"/bandeja/tickets/{world.ticket_a.number}/productos/" in page


def test_customer_page_box_lists_their_and_their_organizations_assets(world, modem):
    asset_create(actor=world.agent1, product=modem.product, organization=world.org_a, identifier="SN-ORG",
                 purchased_on=date(2020, 1, 1))
    box = client_of(world.agent2).get(f"/bandeja/clientes/{world.customer_a.pk}/productos/").content.decode()
    assert "SN-A1" in box and "SN-ORG" in box
    assert client_of(world.customer_a.user).get(f"/bandeja/clientes/{world.customer_a.pk}/productos/").status_code == 302


def test_create_product_and_asset_through_the_pages(world):
    supervisor = client_of(world.supervisor)
    response = supervisor.post("/bandeja/productos/nuevo/", {"name": "Hosting Pyme", "kind": "hosting_plan",
                                                             "warranty_months": "0", "sku": "HOST-PYME"})
    assert response.status_code == 302
    product = Product.objects.get(sku="HOST-PYME")
    assert client_of(world.agent1).get("/bandeja/productos/nuevo/").status_code == 404  # the catalogue: supervisors
    agent = client_of(world.agent1)
    bad = agent.post("/bandeja/activos/nuevo/", {"product": product.pk, "identifier": "plan-1", "purchased_on": "2026-01-01",
                                                 "status": "active", "attributes": '{"disk_gb": "mucho"}',
                                                 "customer": world.customer_a.pk})
    assert bad.status_code == 400 and not Asset.objects.exists()
    good = agent.post("/bandeja/activos/nuevo/", {"product": product.pk, "identifier": "plan-1", "purchased_on": "2026-01-01",
                                                  "status": "active", "attributes": '{"disk_gb": 50}',
                                                  "organization": world.org_a.pk})
    assert good.status_code == 302
    asset = Asset.objects.get()
    assert (asset.organization_id, asset.attributes) == (world.org_a.pk, {"disk_gb": 50})
    added = agent.post(f"/bandeja/activos/{asset.pk}/", {"starts_on": "2027-01-01", "ends_on": "2027-12-31"})
    assert added.status_code == 302 and Warranty.objects.filter(asset=asset).count() == 1
    assert agent.post(f"/bandeja/activos/{asset.pk}/", {"starts_on": "2027-01-01", "ends_on": "2026-12-31"}).status_code == 400
    assert agent.get("/bandeja/activos/?garantia=si&producto=abc&identificador=plan-1").status_code == 200


def test_import_page_reports_rows_and_imports_nothing_until_clean(world, modem):
    supervisor = client_of(world.supervisor)
    bad = b"product,customer,identifier,purchased_on\nMOD-4G,ana@tienda-a.mx,SN-2,31/02/2026\nMOD-4G,ana@tienda-a.mx,SN-3,2026-01-01\n"
    response = supervisor.post("/bandeja/activos/importar/", {"file": SimpleUploadedFile("a.csv", bad)})
    assert response.status_code == 400 and Asset.objects.count() == 1
    good = b"product,customer,identifier,purchased_on\nMOD-4G,ana@tienda-a.mx,SN-3,2026-01-01\n"
    dry = supervisor.post("/bandeja/activos/importar/", {"file": SimpleUploadedFile("a.csv", good), "dry_run": "on"})
    assert dry.status_code == 200 and Asset.objects.count() == 1
    done = supervisor.post("/bandeja/activos/importar/", {"file": SimpleUploadedFile("a.csv", good)})
    assert done.status_code == 200 and Asset.objects.count() == 2
    assert client_of(world.agent1).get("/bandeja/activos/importar/").status_code == 404


def test_portal_lists_my_products_and_the_new_request_links_the_chosen_one(world, modem):
    customer = client_of(world.customer_a.user)
    with clock.frozen_at(NOW), translation.override("en"):
        page = customer.get("/soporte/productos/").content.decode()
    assert "SN-A1" in page and "In warranty until March 12, 2027 · extended" in page
    assert "SN-A1" not in client_of(world.customer_b.user).get("/soporte/productos/").content.decode()
    form = customer.get("/soporte/nueva/").content.decode()
    assert f'value="{modem.pk}"' in form
    created = customer.post("/soporte/nueva/", {"subject": "El módem se reinicia", "description": "Cada hora", "category": "problem",
                                                "asset": str(modem.pk)})
    assert created.status_code == 302
    ticket = Ticket.objects.get(subject="El módem se reinicia")
    assert list(AssetLink.objects.filter(ticket=ticket).values_list("asset_id", flat=True)) == [modem.pk]
    # Somebody else's asset is not a choice: the form refuses it and no ticket is created.
    other = asset_create(actor=world.agent1, product=modem.product, customer=world.customer_b, identifier="SN-B1",
                         purchased_on=date(2025, 1, 1))
    refused = customer.post("/soporte/nueva/", {"subject": "Otro", "description": "x", "asset": str(other.pk)})
    assert refused.status_code == 400 and not Ticket.objects.filter(subject="Otro").exists()


def test_linked_asset_of_a_ticket_via_the_service_shows_on_the_box(world, modem):
    asset_link(actor=world.agent1, ticket=world.ticket_a, asset=modem)
    with clock.frozen_at(datetime(2027, 3, 13, 5, 0, tzinfo=UTC)), translation.override("en"):  # 23:00 of 12 March in Mexico
        box = client_of(world.agent1).get(f"/bandeja/tickets/{world.ticket_a.number}/productos/").content.decode()
    assert "In warranty until March 12, 2027 · extended" in box

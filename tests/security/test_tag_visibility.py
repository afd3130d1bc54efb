"""Agents tag tickets for themselves ("vip", "cliente molesto"): customers see a tag only when a
supervisor or admin made it public, and cannot learn the others by filtering with `?tag=`."""

from __future__ import annotations

import pytest
from django.test import Client

from atiende.tickets.models import Tag
from atiende.tickets.services import ticket_update

pytestmark = pytest.mark.django_db

PRIVATE = ["cliente molesto", "vip"]
PUBLIC = "facturación"


@pytest.fixture
def tagged(world):
    ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"tags": [*PRIVATE, PUBLIC]})
    response = world.client_for(world.supervisor).patch(
        f"/api/v1/tags/{Tag.objects.get(name=PUBLIC).pk}/", {"is_public": True}, format="json"
    )
    assert (response.status_code, response.json()["is_public"]) == (200, True)
    return world.ticket_a


def test_customers_get_only_public_tags_on_their_tickets(world, tagged):
    api = world.client_for(world.customer_a.user)

    one = api.get(f"/api/v1/tickets/{tagged.pk}/").json()
    listed = api.get("/api/v1/tickets/").json()["results"]
    changed = api.patch(f"/api/v1/tickets/{tagged.pk}/", {"status": "solved"}, format="json").json()

    assert one["tags"] == [PUBLIC]
    assert [(t["id"], t["tags"]) for t in listed] == [(tagged.pk, [PUBLIC])]
    assert changed["tags"] == [PUBLIC]
    # Agents still see every tag.
    assert world.client_for(world.agent1).get(f"/api/v1/tickets/{tagged.pk}/").json()["tags"] == [
        "cliente molesto", PUBLIC, "vip"
    ]


def test_a_customers_tag_filter_cannot_probe_private_tags(world, tagged):
    api = world.client_for(world.customer_a.user)

    private = [api.get("/api/v1/tickets/", {"tag": name}) for name in PRIVATE]
    unknown = api.get("/api/v1/tickets/", {"tag": "ninguna-etiqueta"})
    public = api.get("/api/v1/tickets/", {"tag": PUBLIC})

    assert [r.status_code for r in (*private, unknown, public)] == [200, 200, 200, 200]
    assert [r.json() for r in private] == [unknown.json(), unknown.json()] == [{"results": [], "next": None}] * 2
    assert [t["id"] for t in public.json()["results"]] == [tagged.pk]
    # For agents the filter still finds private tags.
    agent = world.client_for(world.agent1).get("/api/v1/tickets/", {"tag": "vip"}).json()["results"]
    assert [t["id"] for t in agent] == [tagged.pk]


def test_the_tag_list_shows_customers_only_public_tags(world, tagged):
    for_customer = world.client_for(world.customer_a.user).get("/api/v1/tags/").json()["results"]
    for_agent = world.client_for(world.agent1).get("/api/v1/tags/").json()["results"]

    assert [(t["name"], t["is_public"]) for t in for_customer] == [(PUBLIC, True)]
    assert [(t["name"], t["is_public"]) for t in for_agent] == [("cliente molesto", False), (PUBLIC, True), ("vip", False)]


def test_only_supervisors_and_admins_make_a_tag_public(world, tagged):
    vip = Tag.objects.get(name="vip")
    url = f"/api/v1/tags/{vip.pk}/"

    by_agent = world.client_for(world.agent1).patch(url, {"is_public": True}, format="json")
    by_customer = world.client_for(world.customer_a.user).patch(url, {"is_public": True}, format="json")
    by_collaborator = world.client_for(world.collaborator).patch(url, {"is_public": True}, format="json")

    assert [r.status_code for r in (by_agent, by_customer, by_collaborator)] == [403, 404, 403]
    vip.refresh_from_db()
    assert vip.is_public is False
    by_admin = world.client_for(world.admin).patch(url, {"is_public": True}, format="json")
    assert (by_admin.status_code, by_admin.json()) == (200, {"id": vip.pk, "name": "vip", "is_public": True})


def test_new_tags_are_private_and_the_django_admin_can_make_one_public(world, tagged):
    vip = Tag.objects.get(name="vip")
    client = Client()
    client.force_login(world.admin)

    response = client.post(f"/admin/tickets/tag/{vip.pk}/change/", {"name": "vip", "is_public": "on"})

    assert response.status_code == 302
    assert dict(Tag.objects.values_list("name", "is_public")) == {"cliente molesto": False, PUBLIC: True, "vip": True}

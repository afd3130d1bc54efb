"""Customers, organizations, teams and agents through the API: roles, lookups, query counts."""

import pytest

from atiende.customers.models import Customer, Organization

pytestmark = pytest.mark.django_db


def test_lookup_customer_by_email_and_phone(world):
    from atiende.customers.services import customer_update

    customer_update(actor=world.admin, customer=world.customer_b, changes={"identities": {"phone": "+52 55 8765 4321"}})
    api = world.client_for(world.agent1)
    by_email = api.get("/api/v1/customers/?email=ANA@tienda-a.mx").json()["results"]
    assert [c["id"] for c in by_email] == [world.customer_a.pk]
    by_phone = api.get("/api/v1/customers/?phone=55 8765 4321").json()["results"]
    assert [c["id"] for c in by_phone] == [world.customer_b.pk]
    assert api.get("/api/v1/customers/?email=").json()["results"] == []


def test_lookup_by_phone_finds_a_customer_known_by_whatsapp_however_the_number_is_written(world):
    from atiende.customers.services import customer_get_or_create_by_identity

    known = customer_get_or_create_by_identity(kind="whatsapp", value="5215587654321", name="Rocío Muñoz")
    api = world.client_for(world.agent1)
    for written in ("55 8765 4321", "+52 1 55 8765 4321", "5215587654321"):
        results = api.get("/api/v1/customers/", {"phone": written}).json()["results"]
        assert [c["id"] for c in results] == [known.pk]


def test_agent_creates_customer_with_identities(world):
    api = world.client_for(world.agent1)
    response = api.post("/api/v1/customers/", {"name": "Carla", "email": "carla@x.mx", "whatsapp": "+52 33 1234 5678"},
                        format="json")
    assert response.status_code == 201, response.content
    assert {(i["kind"], i["value"]) for i in response.json()["identities"]} == {("email", "carla@x.mx"), ("whatsapp", "+523312345678")}
    duplicate = api.post("/api/v1/customers/", {"name": "Otra", "email": "CARLA@x.mx"}, format="json")
    assert duplicate.status_code == 409
    assert Customer.objects.filter(name="Otra").count() == 0


def test_customer_cannot_promote_themselves(world):
    api = world.client_for(world.customer_a.user)
    response = api.patch(f"/api/v1/customers/{world.customer_a.pk}/", {"is_organization_admin": True}, format="json")
    assert response.status_code == 403
    world.customer_a.refresh_from_db()
    assert world.customer_a.is_organization_admin is False
    moved = api.patch(f"/api/v1/customers/{world.customer_a.pk}/", {"organization": world.org_b.pk}, format="json")
    assert moved.status_code == 403
    world.customer_a.refresh_from_db()
    assert world.customer_a.organization_id == world.org_a.pk


def test_customers_never_see_internal_notes_on_records(world):
    from atiende.customers.services import customer_update

    customer_update(actor=world.admin, customer=world.customer_a, changes={"notes": "Paga tarde"})
    own = world.client_for(world.customer_a.user).get(f"/api/v1/customers/{world.customer_a.pk}/")
    assert "notes" not in own.json() and b"Paga tarde" not in own.content
    assert world.client_for(world.agent1).get(f"/api/v1/customers/{world.customer_a.pk}/").json()["notes"] == "Paga tarde"


def test_organization_crud_by_role(world):
    supervisor = world.client_for(world.supervisor)
    created = supervisor.post("/api/v1/organizations/", {"name": "Medios MX", "segment": "enterprise", "sector": "media",
                                                         "account_manager": world.agent1.pk}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["account_manager"] == {"id": world.agent1.pk, "name": world.agent1.name}
    agent = world.client_for(world.agent1)
    assert agent.post("/api/v1/organizations/", {"name": "Nope"}, format="json").status_code == 403
    assert not Organization.objects.filter(name="Nope").exists()
    bad = supervisor.post("/api/v1/organizations/", {"name": "X", "account_manager": world.customer_a.user.pk}, format="json")
    assert bad.status_code == 400
    assert supervisor.delete(f"/api/v1/organizations/{created.json()['id']}/").status_code == 403
    assert world.client_for(world.admin).delete(f"/api/v1/organizations/{created.json()['id']}/").status_code == 204
    assert world.client_for(world.admin).delete(f"/api/v1/organizations/{world.org_a.pk}/").status_code == 409


def test_admin_manages_agents_and_teams(world):
    admin = world.client_for(world.admin)
    agent = admin.post("/api/v1/agents/", {"email": "nueva@example.mx", "name": "Nueva", "role": "agent", "teams": [world.team2.pk],
                                           "password": "una clave larga"}, format="json")
    assert agent.status_code == 201, agent.content
    assert [t["id"] for t in agent.json()["teams"]] == [world.team2.pk]
    assert world.client_for(world.supervisor).post("/api/v1/agents/", {"email": "x@example.mx", "name": "X"}, format="json").status_code == 403
    team = admin.post("/api/v1/teams/", {"name": "Nocturno", "members": [agent.json()["id"]]}, format="json")
    assert team.status_code == 201 and team.json()["members"] == [agent.json()["id"]]
    assert admin.post("/api/v1/teams/", {"name": "Nocturno"}, format="json").status_code == 409
    assert admin.patch(f"/api/v1/teams/{team.json()['id']}/", {"members": [world.customer_a.user.pk]}, format="json").status_code == 400


@pytest.mark.parametrize(("url", "queries"), [("/api/v1/customers/", 3), ("/api/v1/organizations/", 2), ("/api/v1/teams/", 3), ("/api/v1/agents/", 3)])
def test_directory_lists_have_constant_query_counts(world, url, queries, django_assert_num_queries):
    from atiende.customers.services import customer_create

    for i in range(10):
        customer_create(name=f"C{i}", identities={"email": f"c{i}@x.mx"}, organization=world.org_b)
    api = world.client_for(world.admin)
    api.get("/api/v1/me/")
    with django_assert_num_queries(queries):
        assert api.get(url).status_code == 200


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd", "America/"])
def test_customer_time_zone_is_validated(world, zone):
    api = world.client_for(world.customer_a.user)
    response = api.patch(f"/api/v1/customers/{world.customer_a.pk}/", {"time_zone": zone}, format="json")
    assert response.status_code == 400 and "time_zone" in response.json()["error"]["fields"]
    world.customer_a.refresh_from_db()
    assert world.customer_a.time_zone == ""
    ok = api.patch(f"/api/v1/customers/{world.customer_a.pk}/", {"time_zone": "America/Tijuana"}, format="json")
    assert ok.json()["time_zone"] == "America/Tijuana"


def test_a_customer_chooses_the_channel_for_notices_and_nothing_else(world):
    api = world.client_for(world.customer_a.user)
    url = f"/api/v1/customers/{world.customer_a.pk}/"
    refused = api.patch(url, {"preferred_channel": "sms"}, format="json")
    assert refused.status_code == 400 and "preferred_channel" in refused.json()["error"]["fields"]
    assert api.patch(url, {"preferred_channel": "whatsapp"}, format="json").json()["preferred_channel"] == "whatsapp"
    assert api.patch(url, {"preferred_channel": ""}, format="json").json()["preferred_channel"] == ""
    other = api.patch(f"/api/v1/customers/{world.colleague_a.pk}/", {"preferred_channel": "telegram"}, format="json")
    assert other.status_code in (403, 404)
    assert Customer.objects.get(pk=world.colleague_a.pk).preferred_channel == ""

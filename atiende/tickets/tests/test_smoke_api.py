import pytest


@pytest.mark.django_db
def test_customer_creates_and_reads_own_ticket(world):
    client = world.client_for(world.customer_a.user)
    response = client.post("/api/v1/tickets/", {"subject": "Renovar dominio", "body": "¿Cuándo vence?"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["subject"] == "Renovar dominio"
    assert body["requester"]["id"] == world.customer_a.pk
    assert body["number"] == world.ticket_b.number + 1
    listed = client.get("/api/v1/tickets/").json()["results"]
    assert sorted(t["id"] for t in listed) == sorted([world.ticket_a.pk, body["id"]])

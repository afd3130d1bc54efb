"""A conversation never reaches another organization's (or another individual's) people.

Merging moves a ticket's messages into another ticket, whose requester (and organization admin)
then read them: a merge is allowed only within one organization or, for tickets without one,
between tickets of the same requester. The API, the ticket page and the inbox's bulk merge all
obey the one rule in the ticket services.
"""

from __future__ import annotations

import pytest
from django.test import Client

from atiende.core.exceptions import Conflict
from atiende.customers.services import customer_create
from atiende.tickets.models import Message, Ticket, TicketEvent
from atiende.tickets.services import ticket_create, ticket_link, ticket_merge
from atiende.workspace.services import inbox_bulk_apply
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def state(*tickets: Ticket) -> list[tuple]:
    """What a refused merge must leave untouched: status, target and messages of each ticket."""
    rows = []
    for ticket in tickets:
        ticket.refresh_from_db()
        bodies = sorted(Message.objects.filter(ticket=ticket).values_list("body_text", flat=True))
        rows.append((ticket.pk, ticket.status, ticket.merged_into_id, bodies))
    return rows


def individual(name: str, email: str):
    return customer_create(name=name, identities={"email": email}, password=PASSWORD)


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the API --------------------------------------------------------------------------------------

def test_api_merge_across_organizations_is_refused_and_moves_nothing(world):
    before = state(world.ticket_a, world.ticket_b)
    events = TicketEvent.objects.count()

    response = world.client_for(world.admin).post(
        f"/api/v1/tickets/{world.ticket_b.pk}/merge/", {"target": world.ticket_a.pk}, format="json", **ENGLISH
    )

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "merge_across_customers"
    assert error["message"] == (
        f"{world.ticket_b.reference} and {world.ticket_a.reference} cannot be merged: they belong to different "
        "organizations or customers, and each one's customers would read the other's conversation."
    )
    assert error["fields"] == {
        "target": "Merge only tickets of the same organization or, without one, of the same customer."
    }
    assert state(world.ticket_a, world.ticket_b) == before
    assert TicketEvent.objects.count() == events
    # Customer A still reads only her own conversation.
    bodies = [m["body_text"] for m in world.client_for(world.customer_a.user).get(
        f"/api/v1/tickets/{world.ticket_a.pk}/messages/").json()["results"]]
    assert bodies == ["Desde ayer no abre tienda-a.mx"]


def test_merge_between_two_individual_customers_is_refused(world):
    uno = individual("Irma Individual", "irma@correo.mx")
    dos = individual("Iván Individual", "ivan@correo.mx")
    first = ticket_create(actor=uno.user, subject="Mi contraseña", body="La de Irma")
    second = ticket_create(actor=dos.user, subject="Mi contraseña", body="La de Iván")
    before = state(first, second)

    response = world.client_for(world.admin).post(f"/api/v1/tickets/{first.pk}/merge/", {"target": second.pk}, format="json")

    assert (response.status_code, response.json()["error"]["code"]) == (409, "merge_across_customers")
    assert state(first, second) == before


def test_merge_between_an_organizations_ticket_and_an_individuals_is_refused(world):
    loner = individual("Irma Individual", "irma@correo.mx")
    hers = ticket_create(actor=loner.user, subject="Cobro", body="Lo de Irma")
    before = state(hers, world.ticket_a)

    with pytest.raises(Conflict) as refused:
        ticket_merge(actor=world.admin, source=world.ticket_a, target=hers)

    assert refused.value.code == "merge_across_customers"
    assert state(hers, world.ticket_a) == before


def test_merge_within_one_organization_and_one_individual_still_works(world):
    colleague = ticket_create(actor=world.colleague_a.user, subject="Tampoco abre", body="Lo mismo aquí")
    ticket_merge(actor=world.admin, source=colleague, target=world.ticket_a)
    loner = individual("Irma Individual", "irma@correo.mx")
    first = ticket_create(actor=loner.user, subject="Uno", body="primero")
    second = ticket_create(actor=loner.user, subject="Dos", body="segundo")

    ticket_merge(actor=world.admin, source=first, target=second)

    assert [row[1:3] for row in state(colleague, first)] == [("merged", world.ticket_a.pk), ("merged", second.pk)]


# --- the ticket page (workspace) -----------------------------------------------------------------

def test_ticket_page_refuses_a_cross_organization_merge_before_asking_to_confirm(world):
    before = state(world.ticket_a, world.ticket_b)
    client = page_client(world.admin)
    url = f"/tickets/{world.ticket_b.number}/fusionar/"

    asked = client.post(url, {"target": world.ticket_a.number}, **ENGLISH)
    forced = client.post(url, {"target": world.ticket_a.number, "confirm": "on"}, **ENGLISH)

    for response in (asked, forced):
        assert response.status_code == 409
        page = response.content.decode()
        assert "cannot be merged: they belong to different organizations or customers" in page
        assert 'id="action-merge-confirm"' not in page
    assert state(world.ticket_a, world.ticket_b) == before


# --- bulk merge (inbox) --------------------------------------------------------------------------

def test_bulk_merge_with_a_ticket_of_another_organization_merges_none(world):
    mine = ticket_create(actor=world.admin, subject="Repetido", body="otra vez", requester=world.customer_a)
    before = state(world.ticket_a, mine, world.ticket_b)

    with pytest.raises(Conflict) as refused:
        inbox_bulk_apply(actor=world.admin, ticket_ids=[mine.pk, world.ticket_a.pk, world.ticket_b.pk],
                         action="merge", value=str(world.ticket_a.pk))

    assert refused.value.code == "merge_across_customers"
    # `mine` was merged first, then undone with the rest: all or nothing.
    assert state(world.ticket_a, mine, world.ticket_b) == before


def test_inbox_bulk_merge_across_organizations_changes_nothing(world):
    mine = ticket_create(actor=world.admin, subject="Repetido", body="otra vez", requester=world.customer_a)
    before = state(world.ticket_a, mine, world.ticket_b)

    response = page_client(world.admin).post("/bandeja/acciones/", {
        "ticket": [str(mine.pk), str(world.ticket_a.pk), str(world.ticket_b.pk)], "action": "merge",
        "merge_into": str(world.ticket_a.pk), "query": "view=open",
    }, **ENGLISH)

    assert response.status_code == 409
    assert "cannot be merged: they belong to different organizations or customers" in response.content.decode()
    assert state(world.ticket_a, mine, world.ticket_b) == before


# --- links stay between agents -------------------------------------------------------------------

def test_a_link_to_another_organizations_ticket_shows_customers_nothing_of_it(world):
    """Links may cross organizations (one outage, many customers), because customers never see
    them: neither the API nor the portal names the other ticket."""
    ticket_link(actor=world.admin, source=world.ticket_b, target=world.ticket_a, kind="parent")
    api = world.client_for(world.customer_a.user)
    portal = page_client(world.customer_a.user)

    responses = [
        api.get(f"/api/v1/tickets/{world.ticket_a.pk}/"),
        api.get(f"/api/v1/tickets/{world.ticket_a.pk}/messages/"),
        portal.get(f"/soporte/solicitudes/{world.ticket_a.number}/"),
    ]

    assert [r.status_code for r in responses] == [200, 200, 200]
    seen = "".join(r.content.decode() for r in responses)
    assert world.ticket_a.subject in seen
    assert world.ticket_b.subject not in seen
    assert world.ticket_b.reference not in seen
    assert api.get(f"/api/v1/tickets/{world.ticket_a.pk}/events/").status_code == 403


def test_solving_a_parent_names_no_child_ticket_the_customer_cannot_see(world):
    """One outage, many customers: B's ticket is a child of A's. When A marks hers solved, the
    refusal must not tell her the number of B's ticket."""
    ticket_link(actor=world.admin, source=world.ticket_a, target=world.ticket_b, kind="parent")

    response = world.client_for(world.customer_a.user).patch(
        f"/api/v1/tickets/{world.ticket_a.pk}/", {"status": "solved"}, format="json", **ENGLISH
    )

    assert response.status_code == 409
    assert response.json()["error"]["message"] == "Tickets this one depends on are still open. It can be solved once they are."
    assert world.ticket_b.reference not in response.content.decode()
    world.ticket_a.refresh_from_db()
    assert world.ticket_a.status == "new"
    # An agent who sees the child still gets its number.
    by_admin = world.client_for(world.admin).patch(f"/api/v1/tickets/{world.ticket_a.pk}/", {"status": "solved"}, format="json", **ENGLISH)
    assert by_admin.json()["error"]["message"] == f"This ticket has open child tickets: {world.ticket_b.reference}. Solve them first."

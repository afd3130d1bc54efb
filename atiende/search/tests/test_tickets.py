"""Ticket full-text search: kept current by the ticket hooks, scoped like the ticket list, the
same on SQLite and PostgreSQL; `GET /api/v1/tickets/?q=` and the workspace search."""

import pytest
from django.core.management import call_command

from atiende.search.models import Document
from atiende.tickets.selectors import TicketFilters, ticket_list
from atiende.tickets.services import message_create, ticket_update

pytestmark = pytest.mark.django_db


def found(user, text):
    return sorted(t.number for t in ticket_list(user=user, filters=TicketFilters(text=text)))


def test_subject_messages_requester_number_and_tags_are_searchable(world):
    a = world.ticket_a
    assert found(world.admin, "DOMINIO resuelve") == [a.number]
    assert found(world.admin, "desde ayer") == [a.number]  # the first message
    assert found(world.admin, "Ana Cliente") == [a.number]
    assert found(world.admin, "ana@tienda-a.mx") == [a.number]
    assert found(world.admin, str(a.number)) == [a.number]
    ticket_update(actor=world.admin, ticket=a, changes={"tags": ["renovación"]})
    assert found(world.admin, "renovacion") == [a.number]


def test_the_index_follows_new_messages_accents_and_plurals(world):
    message_create(actor=world.agent1, ticket=world.ticket_a, body="Ya configuramos los registros del DNS en Cloudflare")
    assert found(world.agent1, "registro dns cloudflare") == [world.ticket_a.number]
    assert found(world.agent1, "REGISTRÓ Configuramos") == [world.ticket_a.number]
    assert found(world.supervisor, "COBRARON") == [world.ticket_b.number]


def test_internal_notes_match_for_agents_only(world):
    message_create(actor=world.agent1, ticket=world.ticket_a, body="Cliente molesto, ofrecer descuento", internal=True)
    assert found(world.agent1, "descuento") == [world.ticket_a.number]
    assert found(world.customer_a.user, "descuento") == []
    assert found(world.org_admin_a.user, "descuento") == []
    assert found(world.customer_a.user, "dominio") == [world.ticket_a.number]


def test_results_stay_inside_the_callers_scope(world):
    b = world.ticket_b.number
    assert found(world.agent1, "factura duplicada") == []  # team 2's ticket
    assert found(world.agent2, "factura duplicada") == [b]
    assert found(world.customer_a.user, "factura") == []  # another organization's
    assert found(world.org_admin_a.user, "factura") == []
    assert found(world.customer_b.user, "factura") == [b]
    assert found(world.collaborator, "factura") == []
    assert found(world.collaborator, "dominio") == [world.ticket_a.number]


@pytest.mark.parametrize("text", ["", "   ", "!!!", "a" * 10_000, '" & | ! * NEAR(a b)', "\x00dominio\x00", "de la"])
def test_bad_input_finds_nothing_or_something_never_fails(world, text):
    assert isinstance(found(world.admin, text), list)


def test_the_api_searches_with_q_and_answers_snippets(world):
    api = world.client_for(world.agent1)
    message_create(actor=world.agent1, ticket=world.ticket_a, body="<b>Nota</b>: el dominio vence pronto", internal=True)
    data = api.get("/api/v1/tickets/", {"q": "dominio vence"}).json()
    assert [row["number"] for row in data["results"]] == [world.ticket_a.number]
    assert "<mark>dominio</mark>" in data["results"][0]["snippet"] and "<b>" not in data["results"][0]["snippet"]
    customer = world.client_for(world.customer_a.user).get("/api/v1/tickets/", {"q": "vence"}).json()
    assert customer["results"] == []
    for q in ["!!!", "x" * 10_000, "\x00", "NEAR(a", "dominio & | !"]:
        assert api.get("/api/v1/tickets/", {"q": q}).status_code in (200, 400)


def test_the_workspace_search_highlights_where_it_matched(world, client):
    client.force_login(world.agent1)
    html = client.get("/bandeja/buscar/", {"q": "ayer"}).content.decode()
    assert f"/tickets/{world.ticket_a.number}/" in html and "<mark>ayer</mark>" in html
    html = client.get("/bandeja/buscar/sugerencias/", {"q": "<script>ayer"}).content.decode()
    assert "<script>ayer" not in html


def test_reindex_command_rebuilds_every_document(world):
    Document.objects.filter(kind="ticket").delete()
    assert found(world.admin, "dominio") == []
    call_command("search", "reindex", "ticket", "article", "--batch", "1")
    assert found(world.admin, "dominio") == [world.ticket_a.number]
    call_command("search", "reindex", "ticket", "--drop-indexes")
    assert found(world.admin, "factura") == [world.ticket_b.number]
    assert Document.objects.filter(kind="ticket").count() == 2

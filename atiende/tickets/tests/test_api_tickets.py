"""The ticket API end to end: what each role may do, and that denials show and change nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from atiende.core.models import OutboxMessage
from atiende.customers.models import Customer, Identity
from atiende.tickets.models import CustomField, Message, Ticket, TicketEvent, TicketLink
from atiende.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


def test_agent_creates_ticket_for_unknown_email_which_creates_the_customer(world):
    api = world.client_for(world.agent1)
    response = api.post(
        "/api/v1/tickets/",
        {"subject": "Transferencia de dominio", "body": "Quiero traer mi .mx", "requester": "Nuevo@Cliente.MX",
         "team": world.team1.pk, "priority": "high", "tags": ["Transferencia", "dominios"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    customer = Customer.objects.get(identities__kind="email", identities__value="nuevo@cliente.mx")
    assert body["requester"] == {"id": customer.pk, "name": "nuevo"}
    assert (body["team"]["id"], body["priority"], body["tags"], body["status"]) == (world.team1.pk, "high", ["dominios", "transferencia"], "new")
    assert body["reference"] == f"#{body['number']}"


def test_agent_reuses_existing_customer_by_email(world):
    api = world.client_for(world.agent1)
    response = api.post("/api/v1/tickets/", {"subject": "Otra", "body": "x", "requester": "ANA@tienda-a.mx"}, format="json")
    assert response.status_code == 201
    assert response.json()["requester"]["id"] == world.customer_a.pk
    assert response.json()["organization"]["id"] == world.org_a.pk
    assert Customer.objects.count() == 4


@pytest.mark.parametrize(
    "extra", [{"team": 1}, {"assignee": 1}, {"priority": "urgent"}, {"requester": "bruno@empresa-b.mx"}, {"tags": ["vip"]}]
)
def test_customer_cannot_mass_assign_privileged_fields(world, extra):
    api = world.client_for(world.customer_a.user)
    tickets, customers = Ticket.objects.count(), Customer.objects.count()
    response = api.post("/api/v1/tickets/", {"subject": "Hola", "body": "x", **extra}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert set(response.json()["error"]["fields"]) == set(extra)
    assert (Ticket.objects.count(), Customer.objects.count()) == (tickets, customers)


def test_customer_cannot_change_privileged_fields_on_own_ticket(world):
    api = world.client_for(world.customer_a.user)
    response = api.patch(f"/api/v1/tickets/{world.ticket_a.pk}/", {"assignee": world.agent1.pk, "team": world.team2.pk}, format="json")
    assert response.status_code == 403
    world.ticket_a.refresh_from_db()
    assert (world.ticket_a.team_id, world.ticket_a.assignee_id) == (world.team1.pk, None)


def test_customer_marks_solved_and_reopens(world):
    api = world.client_for(world.customer_a.user)
    assert api.patch(f"/api/v1/tickets/{world.ticket_a.pk}/", {"status": "solved"}, format="json").json()["status"] == "solved"
    assert api.patch(f"/api/v1/tickets/{world.ticket_a.pk}/", {"status": "open"}, format="json").json()["status"] == "open"
    denied = api.patch(f"/api/v1/tickets/{world.ticket_a.pk}/", {"status": "on_hold"}, format="json")
    assert denied.status_code == 403


def test_customer_of_another_organization_gets_404_and_nothing(world):
    api = world.client_for(world.customer_b.user)
    for method, url in [("get", f"/api/v1/tickets/{world.ticket_a.pk}/"), ("get", f"/api/v1/tickets/{world.ticket_a.pk}/messages/"),
                        ("post", f"/api/v1/tickets/{world.ticket_a.pk}/messages/")]:
        response = getattr(api, method)(url, {"body": "intruso"}, format="json") if method == "post" else api.get(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        assert world.ticket_a.subject.encode() not in response.content
    assert not Message.objects.filter(body_text="intruso").exists()


def test_internal_notes_never_reach_customers(world):
    agent = world.client_for(world.agent1)
    agent.post(f"/api/v1/tickets/{world.ticket_a.pk}/messages/", {"body": "Secreto interno", "internal": True}, format="json")
    customer = world.client_for(world.customer_a.user)
    messages = customer.get(f"/api/v1/tickets/{world.ticket_a.pk}/messages/").json()["results"]
    assert [m["kind"] for m in messages] == ["public"]
    assert b"Secreto interno" not in customer.get(f"/api/v1/tickets/{world.ticket_a.pk}/messages/").content
    assert customer.post(f"/api/v1/tickets/{world.ticket_a.pk}/messages/", {"body": "x", "internal": True}, format="json").status_code == 403


def test_agent_only_custom_fields_are_hidden_from_customers(world):
    CustomField.objects.create(key="riesgo", label="Riesgo", kind="choice", choices=["bajo", "alto"], agent_only=True)
    CustomField.objects.create(key="dominio", label="Dominio", kind="text")
    agent = world.client_for(world.agent1)
    response = agent.patch(f"/api/v1/tickets/{world.ticket_a.pk}/", {"custom_fields": {"riesgo": "alto", "dominio": "tienda-a.mx"}}, format="json")
    assert response.json()["custom_fields"] == {"riesgo": "alto", "dominio": "tienda-a.mx"}
    customer = world.client_for(world.customer_a.user)
    assert customer.get(f"/api/v1/tickets/{world.ticket_a.pk}/").json()["custom_fields"] == {"dominio": "tienda-a.mx"}
    denied = customer.patch(f"/api/v1/tickets/{world.ticket_a.pk}/", {"custom_fields": {"riesgo": "bajo"}}, format="json")
    assert denied.status_code == 400
    world.ticket_a.refresh_from_db()
    assert world.ticket_a.custom_fields["riesgo"] == "alto"


def test_custom_field_values_are_validated(world):
    CustomField.objects.create(key="monto", label="Monto", kind="number")
    CustomField.objects.create(key="vence", label="Vence", kind="date")
    agent = world.client_for(world.agent1)
    response = agent.patch(f"/api/v1/tickets/{world.ticket_a.pk}/", {"custom_fields": {"monto": "diez", "vence": "31/12/2026", "nada": 1}}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]["custom_fields"]) == {"monto", "vence", "nada"}
    ok = agent.patch(f"/api/v1/tickets/{world.ticket_a.pk}/", {"custom_fields": {"monto": "1500.50", "vence": "2026-12-31"}}, format="json")
    assert ok.json()["custom_fields"] == {"monto": 1500.5, "vence": "2026-12-31"}


def test_update_records_history_with_old_and_new_values(world):
    agent = world.client_for(world.agent1)
    agent.patch(f"/api/v1/tickets/{world.ticket_a.pk}/", {"priority": "urgent", "assignee": world.agent1.pk}, format="json")
    events = agent.get(f"/api/v1/tickets/{world.ticket_a.pk}/events/").json()["results"]
    changes = {(e["field"], e["old_value"], e["new_value"]) for e in events if e["actor"] and e["actor"]["id"] == world.agent1.pk}
    assert ("priority", "normal", "urgent") in changes
    assert ("status", "new", "open") in changes
    assert ("assignee", "", f"{world.agent1.pk}:{world.agent1}") in changes


def test_assignee_must_belong_to_the_team(world):
    agent = world.client_for(world.agent1)
    response = agent.patch(f"/api/v1/tickets/{world.ticket_a.pk}/", {"assignee": world.agent2.pk}, format="json")
    assert response.status_code == 400
    assert "assignee" in response.json()["error"]["fields"]


def test_merge_moves_messages_and_points_to_survivor(world):
    other = ticket_create(actor=world.customer_a.user, subject="Repetido", body="mismo problema")
    admin = world.client_for(world.admin)
    response = admin.post(f"/api/v1/tickets/{other.pk}/merge/", {"target": world.ticket_a.pk}, format="json")
    assert response.status_code == 200, response.content
    other.refresh_from_db()
    assert (other.status, other.merged_into_id) == ("merged", world.ticket_a.pk)
    assert Message.objects.filter(ticket=other).count() == 0
    assert Message.objects.filter(ticket=world.ticket_a, body_text="mismo problema").exists()
    again = admin.post(f"/api/v1/tickets/{other.pk}/merge/", {"target": world.ticket_a.pk}, format="json")
    assert again.status_code == 409


def test_agent_outside_team_cannot_merge_into_invisible_ticket(world):
    mine = ticket_create(actor=world.agent2, subject="Del equipo 2", body="x", requester=world.customer_b, team=world.team2)
    api = world.client_for(world.agent2)
    response = api.post(f"/api/v1/tickets/{mine.pk}/merge/", {"target": world.ticket_a.pk}, format="json")
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.status == "new" and Message.objects.filter(ticket=mine).count() == 1


def test_parent_cannot_be_solved_while_child_is_open(world):
    child = ticket_create(actor=world.agent1, subject="Hijo", body="x", requester=world.customer_a, team=world.team1)
    api = world.client_for(world.agent1)
    assert api.post(f"/api/v1/tickets/{world.ticket_a.pk}/links/", {"target": child.pk, "kind": "parent"}, format="json").status_code == 201
    blocked = api.patch(f"/api/v1/tickets/{world.ticket_a.pk}/", {"status": "solved"}, format="json")
    assert blocked.status_code == 409
    assert f"#{child.number}" in blocked.json()["error"]["message"]
    assert api.patch(f"/api/v1/tickets/{child.pk}/", {"status": "solved", "outcome": "solved"}, format="json").status_code == 200
    assert api.patch(f"/api/v1/tickets/{world.ticket_a.pk}/", {"status": "solved", "outcome": "solved"},
                     format="json").status_code == 200
    cycle = api.post(f"/api/v1/tickets/{child.pk}/links/", {"target": world.ticket_a.pk, "kind": "parent"}, format="json")
    assert cycle.status_code == 409
    assert TicketLink.objects.count() == 1


def test_refer_adds_collaborator_keeps_owner_and_notifies_after_commit(world, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "atiende.core.mail.OutboxBackend"  # the embedded default's outbox
    api = world.client_for(world.agent1)
    api.patch(f"/api/v1/tickets/{world.ticket_a.pk}/", {"assignee": world.agent1.pk}, format="json")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api.post(f"/api/v1/tickets/{world.ticket_a.pk}/refer/", {"collaborator": world.supervisor.pk, "note": "Necesito tu visto bueno"}, format="json")
    assert response.status_code == 201, response.content
    assert len(callbacks) == 3  # the referral mail, and the live events for the ticket page and the inbox
    world.ticket_a.refresh_from_db()
    assert world.ticket_a.assignee_id == world.agent1.pk
    assert world.ticket_a.collaborators.filter(pk=world.supervisor.pk).exists()
    mail = list(OutboxMessage.objects.all())
    assert [m.to for m in mail] == [[world.supervisor.email]]
    assert f"#{world.ticket_a.number}" in mail[0].subject and "Necesito tu visto bueno" in mail[0].body
    assert "Auto-Submitted: auto-generated" in mail[0].raw


def test_bulk_update_checks_every_ticket_and_changes_nothing_on_denial(world):
    api = world.client_for(world.agent1)
    response = api.post("/api/v1/tickets/bulk/", {"ids": [world.ticket_a.pk, world.ticket_b.pk], "changes": {"priority": "low"}}, format="json")
    assert response.status_code == 404
    assert set(Ticket.objects.values_list("priority", flat=True)) == {"normal"}
    ok = world.client_for(world.supervisor).post("/api/v1/tickets/bulk/", {"ids": [world.ticket_a.pk, world.ticket_b.pk], "changes": {"priority": "low"}}, format="json")
    assert ok.status_code == 200
    assert set(Ticket.objects.values_list("priority", flat=True)) == {"low"}


def test_list_filters(world):
    api = world.client_for(world.admin)
    def ids(query):
        return sorted(t["id"] for t in api.get(f"/api/v1/tickets/?{query}").json()["results"])
    assert ids(f"team={world.team1.pk}") == [world.ticket_a.pk]
    assert ids(f"requester={world.customer_b.pk}") == [world.ticket_b.pk]
    assert ids(f"organization={world.org_a.pk}") == [world.ticket_a.pk]
    assert ids("status=new,open") == sorted([world.ticket_a.pk, world.ticket_b.pk])
    assert ids("status=solved") == []
    assert ids("assignee=none") == sorted([world.ticket_a.pk, world.ticket_b.pk])
    assert api.get("/api/v1/tickets/?status=bogus").status_code == 400
    assert api.get("/api/v1/tickets/?team=abc").status_code == 400
    assert api.get("/api/v1/tickets/?updated_since=ayer").status_code == 400


def test_cursor_pagination_walks_every_ticket_once(world):
    for i in range(7):
        ticket_create(actor=world.agent1, subject=f"Caso {i}", body="x", requester=world.customer_a)
    api = world.client_for(world.admin)
    seen, url = [], "/api/v1/tickets/?page_size=3"
    while url:
        page = api.get(url).json()
        seen += [t["id"] for t in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(Ticket.objects.values_list("id", flat=True))
    assert len(seen) == 9
    assert api.get("/api/v1/tickets/?cursor=%%%").status_code == 400


def test_list_query_count_is_constant(world, django_assert_num_queries):
    for i in range(10):
        ticket_create(actor=world.agent1, subject=f"Caso {i}", body="x", requester=world.customer_a, team=world.team1, tags=["a", "b"])
    api = world.client_for(world.agent1)
    api.get("/api/v1/me/")  # the token's first use records it; later uses do not write
    # token+user, agent's teams, tickets with their relations, tags prefetch, their satisfaction answers
    with django_assert_num_queries(5):
        response = api.get(f"/api/v1/tickets/?team={world.team1.pk}&status=new")
    assert len(response.json()["results"]) == 11  # ten new ones and ticket A


def test_messages_query_count_is_constant(world, django_assert_num_queries):
    from atiende.tickets.services import message_create

    for i in range(15):
        message_create(actor=world.agent1, ticket=world.ticket_a, body=f"respuesta {i}",
                       uploads=[SimpleUploadedFile(f"{i}.txt", b"x")] if i % 5 == 0 else ())
    api = world.client_for(world.agent1)
    api.get("/api/v1/me/")
    # token+user, agent's teams, ticket, messages with authors, attachments, deliveries, emails sent
    with django_assert_num_queries(7):
        response = api.get(f"/api/v1/tickets/{world.ticket_a.pk}/messages/")
    assert len(response.json()["results"]) == 17  # first message, referral note, fifteen replies


def test_attachment_upload_limits_and_sniffing(world, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    api = world.client_for(world.customer_a.user)
    big = SimpleUploadedFile("grande.pdf", b"%PDF-1.4" + b"0" * 2000)
    response = api.post(f"/api/v1/tickets/{world.ticket_a.pk}/messages/", {"body": "adjunto", "attachments": [big]}, format="multipart")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "attachment_too_large"
    assert not Message.objects.filter(body_text="adjunto").exists()
    disguised = SimpleUploadedFile("\u200b../../foto.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", content_type="image/png")
    ok = api.post(f"/api/v1/tickets/{world.ticket_a.pk}/messages/", {"body": "adjunto", "attachments": [disguised]}, format="multipart")
    assert ok.status_code == 201, ok.content
    attachment = ok.json()["attachments"][0]
    assert (attachment["filename"], attachment["content_type"]) == ("foto.png", "image/svg+xml")
    download = api.get(attachment["url"])
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]


def test_history_events_are_written_for_creation(world):
    assert TicketEvent.objects.filter(ticket=world.ticket_a, field="created").count() == 1
    assert Identity.objects.filter(kind="email").count() == 4


@pytest.mark.parametrize("ordering", ["-updated_at", "updated_at", "-number", "created_at"])
def test_cursor_pagination_with_tied_timestamps(world, ordering):
    from datetime import UTC, datetime

    from atiende.core.clock import frozen_at

    with frozen_at(datetime(2026, 3, 2, 16, 0, tzinfo=UTC)):
        for i in range(8):
            ticket_create(actor=world.agent1, subject=f"Empate {i}", body="x", requester=world.customer_a)
    api = world.client_for(world.admin)
    seen, url = [], f"/api/v1/tickets/?page_size=3&ordering={ordering}"
    while url:
        page = api.get(url).json()
        seen += [t["id"] for t in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == Ticket.objects.count() == 10


def test_ticket_resource_matches_its_documented_schema(world):
    from atiende.tickets.serializers import TicketSerializer

    body = world.client_for(world.agent1).get(f"/api/v1/tickets/{world.ticket_a.pk}/").json()
    assert list(body) == list(TicketSerializer().fields)


def test_customer_list_query_count_includes_hidden_field_lookup(world, django_assert_num_queries):
    api = world.client_for(world.customer_a.user)
    api.get("/api/v1/me/")
    # token+user, customer record, tickets with relations, tags prefetch, agent-only field keys
    with django_assert_num_queries(5):
        assert len(api.get("/api/v1/tickets/").json()["results"]) == 1


def test_agent_gets_created_ticket_back_even_when_routed_elsewhere(world, django_assert_max_num_queries):
    api = world.client_for(world.agent1)
    api.get("/api/v1/me/")
    # 13: the SLA policy lookup (no policy in this world, so no clocks are written); 14: the
    # requester's profile locked, so a merge committing meanwhile is followed to its survivor
    # 15: routing (settings.TICKET_HOOKS) reads whether the team assigns automatically;
    # 16-22: the search index (four reads: ticket, messages, tags, addresses; three writes on
    # SQLite's FTS5, one on PostgreSQL); 23: the metric record's "created" (settings.TICKET_HOOKS);
    # 24: the resource's satisfaction answers (settings.TICKET_RESOURCE_PARTS); and nine for the
    # ticket's report row, rewritten from its event record as each event is written
    # (metrics.TicketFact, decision 0043: the row, the ticket, its events, outcome and SLA clocks
    # read; an update, else an insert; a savepoint around it).
    with django_assert_max_num_queries(24 + 9):
        response = api.post("/api/v1/tickets/", {"subject": "Para especialistas", "body": "x", "requester": "ana@tienda-a.mx",
                                                 "team": world.team2.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["team"] == {"id": world.team2.pk, "name": world.team2.name}
    assert response.json()["organization"] == {"id": world.org_a.pk, "name": world.org_a.name}
    assert api.get(f"/api/v1/tickets/{response.json()['id']}/").status_code == 404


def test_bulk_update_with_an_unknown_id_changes_nothing(world):
    api = world.client_for(world.admin)
    response = api.post("/api/v1/tickets/bulk/", {"ids": [world.ticket_a.pk, 987654], "changes": {"priority": "urgent"}}, format="json")
    assert response.status_code == 404
    assert set(Ticket.objects.values_list("priority", flat=True)) == {"normal"}

"""Saving, previewing and applying macros: through the ticket services, all or nothing."""

from __future__ import annotations

import pytest

from atiende.accounts.models import Team
from atiende.core.exceptions import Conflict, Forbidden, Invalid, NotFound
from atiende.macros.models import Macro
from atiende.macros.services import (
    macro_apply,
    macro_bulk_apply,
    macro_create,
    macro_preview,
    reply_language,
)
from atiende.tickets.models import Message, Tag, Ticket, TicketEvent
from atiende.tickets.services import ticket_update

REPLY = {"es-MX": "Hola {{ customer.first_name }}, revisamos el #{{ ticket.number }}.",
         "en": "Hi {{ customer.first_name }}, we checked #{{ ticket.number }}."}


@pytest.fixture
def tags(db):
    return [Tag.objects.create(name=n) for n in ("dns", "nuevo")]


def team_macro(world, **extra):
    return macro_create(actor=world.supervisor, name="DNS pendiente", team=world.team1, reply=REPLY,
                        note="Aplicada por {{ agent.first_name }}", actions={
                            "status": "pending_customer", "priority": "high", "add_tags": ["dns"],
                            "remove_tags": ["nuevo"], **extra})


def test_apply_replies_as_the_agent_in_the_customers_language_notes_and_changes(world, tags):
    ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"tags": ["nuevo"]})
    world.customer_a.language = "en-US"
    world.customer_a.save()
    result = macro_apply(actor=world.agent1, ticket=world.ticket_a, macro=team_macro(world))
    ticket = Ticket.objects.get(pk=world.ticket_a.pk)
    assert result.reply.body_text == f"Hi Ana, we checked #{ticket.number}."
    assert result.reply.author_user == world.agent1 and result.reply.kind == "public"
    assert result.note.body_text == "Aplicada por Ulises" and result.note.kind == "internal"
    assert (ticket.status, ticket.priority) == ("pending_customer", "high")
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["dns"]
    assert TicketEvent.objects.filter(ticket=ticket, actor=world.agent1, field="priority").count() == 1
    macro = Macro.objects.get()
    assert macro.usage_count == 1 and macro.last_used_at is not None


def test_reply_language_falls_back():
    assert reply_language(["es-mx", "en"], "es") == "es-mx"
    assert reply_language(["es-mx", "en"], "en_GB") == "en"
    assert reply_language(["es-mx", "en"], "fr") == "es-mx"  # the site's language
    assert reply_language(["en"], "") == "en"
    assert reply_language([], "en") == ""


def test_unknown_variables_are_a_400_naming_the_field(world):
    with pytest.raises(Invalid) as caught:
        macro_create(actor=world.agent1, name="Mala", reply={"en": "Hi {{ ticket.__class__ }}"})
    assert caught.value.fields == {"reply.en": "Unknown variable “ticket.__class__”."}
    with pytest.raises(Invalid) as caught:
        macro_create(actor=world.agent1, name="Mala", note="{% load static %}")
    assert list(caught.value.fields) == ["note"]
    with pytest.raises(Invalid) as caught:
        macro_create(actor=world.agent1, name="Mala", actions={"status": "merged"})
    assert list(caught.value.fields) == ["actions.status"]
    assert not Macro.objects.exists()


def test_a_deleted_team_or_tag_is_a_clear_error_and_nothing_is_applied(world, tags):
    gone = Team.objects.create(name="Efímero")
    macro = team_macro(world, team=gone.pk)
    gone.delete()
    before = Message.objects.filter(ticket=world.ticket_a).count()
    with pytest.raises(Invalid) as caught:
        macro_apply(actor=world.agent1, ticket=world.ticket_a, macro=macro)
    assert caught.value.code == "macro_stale" and list(caught.value.fields) == ["actions.team"]
    macro.actions = {"add_tags": ["dns"]}
    macro.save()
    tags[0].delete()
    with pytest.raises(Invalid) as caught:
        macro_preview(actor=world.agent1, ticket=world.ticket_a, macro=macro)
    assert "“dns” no longer exists" in str(caught.value.message)
    assert Message.objects.filter(ticket=world.ticket_a).count() == before
    assert Macro.objects.get().usage_count == 0


def test_a_refused_part_rolls_back_the_reply_and_note(world, tags):
    macro = team_macro(world, assignee=world.agent2.pk)  # agent 2 is not in team 1
    before = Message.objects.filter(ticket=world.ticket_a).count()
    with pytest.raises(Invalid):
        macro_apply(actor=world.agent1, ticket=world.ticket_a, macro=macro)
    assert Message.objects.filter(ticket=world.ticket_a).count() == before
    assert Ticket.objects.get(pk=world.ticket_a.pk).status != "pending_customer"


def test_visibility_personal_team_and_admin(world, tags):
    mine = macro_create(actor=world.agent2, name="Mía", reply={"es-mx": "Hola"})
    team1 = team_macro(world)
    with pytest.raises(NotFound):  # someone else's personal macro
        macro_apply(actor=world.agent1, ticket=world.ticket_a, macro=mine)
    with pytest.raises(NotFound):  # another team's macro
        macro_apply(actor=world.agent2, ticket=world.ticket_b, macro=team1)
    with pytest.raises(Forbidden):
        macro_create(actor=world.agent1, name="Equipo", team=world.team1, reply={"en": "x"})
    with pytest.raises(Forbidden):
        macro_create(actor=world.collaborator, name="Colabora", reply={"en": "x"})
    with pytest.raises(NotFound):  # agent 2 sees not ticket A, whatever the macro
        macro_apply(actor=world.agent2, ticket=world.ticket_a, macro=mine)
    assert macro_preview(actor=world.admin, ticket=world.ticket_a, macro=mine).reply == "Hola"


def test_a_closed_ticket_takes_nothing(world):
    macro = macro_create(actor=world.agent1, name="Cerrar", reply={"en": "Bye"}, actions={"priority": "low"})
    ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"status": "closed"})
    with pytest.raises(Conflict):
        macro_apply(actor=world.agent1, ticket=world.ticket_a, macro=macro)
    assert Macro.objects.get().usage_count == 0


def test_bulk_applies_actions_only_all_or_nothing(world, tags):
    macro = team_macro(world)
    ticket_update(actor=world.admin, ticket=world.ticket_b, changes={"team": world.team1})
    before = Message.objects.count()
    macro_bulk_apply(actor=world.agent1, ticket_ids=[world.ticket_a.pk, world.ticket_b.pk], macro=macro)
    assert Message.objects.count() == before
    assert set(Ticket.objects.values_list("priority", flat=True)) == {"high"}
    assert Macro.objects.get().usage_count == 2
    ticket_update(actor=world.admin, ticket=world.ticket_b, changes={"team": world.team2, "priority": "low"})
    with pytest.raises(NotFound):
        macro_bulk_apply(actor=world.agent1, ticket_ids=[world.ticket_a.pk, world.ticket_b.pk], macro=macro)
    assert Ticket.objects.get(pk=world.ticket_b.pk).priority == "low"


def test_api_create_preview_apply_and_errors(world, tags):
    api = world.client_for(world.agent1)
    created = api.post("/api/v1/macros/", {"name": "Pedir captura", "reply": REPLY, "actions": {"assignee": "me"}},
                       format="json")
    assert created.status_code == 201, created.content
    macro = created.json()
    assert macro["scope"] == "personal" and macro["reply"]["es-mx"].startswith("Hola")
    preview = api.post(f"/api/v1/macros/{macro['id']}/preview/", {"ticket": world.ticket_a.pk}, format="json").json()
    assert preview["reply"] == f"Hola Ana, revisamos el #{world.ticket_a.number}."
    assert preview["changes"] == {"assignee": world.agent1.pk}
    assert Message.objects.filter(body_text=preview["reply"]).count() == 0
    applied = api.post(f"/api/v1/macros/{macro['id']}/apply/", {"ticket": world.ticket_a.pk}, format="json")
    assert applied.status_code == 200 and Ticket.objects.get(pk=world.ticket_a.pk).assignee == world.agent1
    bad = api.patch(f"/api/v1/macros/{macro['id']}/", {"reply": {"en": "{{ nope }}"}}, format="json")
    assert bad.status_code == 400 and "reply.en" in bad.json()["error"]["fields"]
    assert world.client_for(world.agent2).get(f"/api/v1/macros/{macro['id']}/").status_code == 404
    assert api.post(f"/api/v1/macros/{macro['id']}/apply/", {"ticket": "x"}, format="json").status_code == 400
    assert api.delete(f"/api/v1/macros/{macro['id']}/").status_code == 204


def test_inbox_bulk_applies_a_macros_actions(world, tags, client):
    macro = team_macro(world)
    client.force_login(world.agent1, backend="atiende.accounts.backends.EmailBackend")
    page = client.get("/bandeja/")
    assert "DNS pendiente" in page.content.decode()
    response = client.post("/bandeja/acciones/", {"ticket": [str(world.ticket_a.pk)], "action": "macro",
                                                  "macro": str(macro.pk), "query": ""})
    assert response.status_code == 302
    assert Ticket.objects.get(pk=world.ticket_a.pk).priority == "high"
    refused = client.post("/bandeja/acciones/", {"ticket": [str(world.ticket_a.pk)], "action": "macro",
                                                 "macro": "999999", "query": ""})
    assert refused.status_code == 400 and "Elige una macro." in refused.content.decode()


def test_composer_picker_preview_and_apply(world, tags, client):
    macro = team_macro(world)
    client.force_login(world.agent1, backend="atiende.accounts.backends.EmailBackend")
    number = world.ticket_a.number
    page = client.get(f"/tickets/{number}/").content.decode()
    assert f'hx-get="/bandeja/macros/elegir/{number}/"' in page and 'data-shortcut="m"' in page
    picker = client.get(f"/bandeja/macros/elegir/{number}/").content.decode()
    assert "DNS pendiente" in picker
    preview = client.get(f"/bandeja/macros/{macro.pk}/vista-previa/{number}/").content.decode()
    assert f"Hola Ana, revisamos el #{number}." in preview and "Estado: <strong>En espera del cliente</strong>" in preview and "dns" in preview
    applied = client.post(f"/bandeja/macros/{macro.pk}/aplicar/{number}/", {"body": "Hola Ana, editado.", "kind": "public"},
                          HTTP_HX_REQUEST="true")
    assert applied.status_code == 204 and applied["HX-Redirect"] == f"/tickets/{number}/"
    assert Message.objects.filter(ticket=world.ticket_a, body_text="Hola Ana, editado.", kind="public").count() == 1
    assert Ticket.objects.get(pk=world.ticket_a.pk).status == "pending_customer"
    ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"status": "closed"})
    refused = client.post(f"/bandeja/macros/{macro.pk}/aplicar/{number}/", {"body": "Otra"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 409 and "No se aplicó nada." in refused.content.decode()
    client.force_login(world.agent2, backend="atiende.accounts.backends.EmailBackend")
    assert client.get(f"/bandeja/macros/{macro.pk}/vista-previa/{world.ticket_b.number}/").status_code == 404
    assert client.post(f"/bandeja/macros/{macro.pk}/aplicar/{world.ticket_b.number}/", {"body": "x"}).status_code == 404

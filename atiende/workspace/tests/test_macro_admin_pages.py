"""The macros page and editor: personal macros for agents, team macros for supervisors and
administrators, the preview of variables, bad input beside its field, and the refusals."""

from __future__ import annotations

from atiende.macros.models import Macro
from atiende.macros.services import macro_create
from atiende.tickets.models import Tag

MACROS = "/bandeja/macros/"


def macro_data(**overrides) -> dict:
    data = {"name": "Saludo", "scope": "personal", "reply_es_mx": "Hola {{ customer.first_name }}, va el #{{ ticket.number }}.",
            "reply_en": "", "note": "", "status": "", "priority": "high", "type": "", "assignee": "me",
            "add_tags": "", "remove_tags": "", "action": "save"}
    data.update(overrides)
    return data


def test_an_agent_previews_creates_edits_and_deletes_a_personal_macro(world, page_client):
    page = page_client(world.agent1)
    assert page.get(MACROS).status_code == 200
    assert page.get(f"{MACROS}nueva/").status_code == 200
    preview = page.post(f"{MACROS}nueva/", macro_data(action="preview", preview_ticket=str(world.ticket_a.number)))
    assert preview.status_code == 200
    first_name = world.customer_a.name.split()[0]
    assert f"Hola {first_name}, va el #{world.ticket_a.number}." in preview.content.decode()
    assert not Macro.objects.exists()
    created = page.post(f"{MACROS}nueva/", macro_data())
    assert created.status_code == 302 and created["Location"] == MACROS
    macro = Macro.objects.get()
    assert (macro.owner_id, macro.team_id, macro.actions) == (world.agent1.pk, None, {"priority": "high", "assignee": "me"})
    assert macro.replies == {"es-mx": "Hola {{ customer.first_name }}, va el #{{ ticket.number }}."}
    listed = page.get(MACROS).content.decode()
    assert "Saludo" in listed and f'href="{MACROS}{macro.pk}/"' in listed
    edit = f"{MACROS}{macro.pk}/"
    assert page.get(edit).status_code == 200
    assert page.post(edit, macro_data(name="Saludo corto", reply_en="Hi", priority="", assignee="")).status_code == 302
    macro.refresh_from_db()
    assert (macro.name, macro.replies["en"], macro.actions) == ("Saludo corto", "Hi", {})
    assert page.post(f"{edit}borrar/").status_code == 302
    assert not Macro.objects.exists()


def test_bad_macro_input_is_shown_beside_its_field_and_nothing_is_saved(world, page_client):
    page = page_client(world.agent1)
    unknown = page.post(f"{MACROS}nueva/", macro_data(reply_es_mx="Hola {{ customer.password }}"))
    assert unknown.status_code == 400 and 'id="id_reply_es_mx_error"' in unknown.content.decode()
    preview = page.post(f"{MACROS}nueva/", macro_data(reply_es_mx="{% debug %}", action="preview"))
    assert preview.status_code == 400 and 'id="id_reply_es_mx_error"' in preview.content.decode()
    no_tag = page.post(f"{MACROS}nueva/", macro_data(add_tags="no-existe"))
    assert no_tag.status_code == 400 and 'id="id_add_tags_error"' in no_tag.content.decode()
    empty = page.post(f"{MACROS}nueva/", macro_data(reply_es_mx="", priority="", assignee=""))
    assert empty.status_code == 400
    not_seen = page.post(f"{MACROS}nueva/", macro_data(action="preview", preview_ticket=str(world.ticket_b.number)))
    assert not_seen.status_code == 400 and 'id="id_preview_ticket_error"' in not_seen.content.decode()
    assert not Macro.objects.exists()
    Tag.objects.create(name="vip")
    assert page.post(f"{MACROS}nueva/", macro_data(add_tags="vip")).status_code == 302
    twice = page.post(f"{MACROS}nueva/", macro_data(add_tags="vip"))
    assert twice.status_code == 409 and Macro.objects.count() == 1
    assert page.get(f"{MACROS}999999/").status_code == 404


def test_team_macros_are_for_supervisors_and_admins_and_others_personal_ones_stay_hidden(world, page_client):
    agent = page_client(world.agent1)
    refused = agent.post(f"{MACROS}nueva/", macro_data(scope=f"team:{world.team1.pk}"))
    assert refused.status_code == 400 and not Macro.objects.exists()
    supervisor = page_client(world.supervisor)
    created = supervisor.post(f"{MACROS}nueva/", macro_data(name="Del equipo", scope=f"team:{world.team1.pk}"))
    assert created.status_code == 302
    team_macro = Macro.objects.get(team=world.team1)
    moved = supervisor.post(f"{MACROS}{team_macro.pk}/", macro_data(name="Del equipo", scope=f"team:{world.team2.pk}"))
    assert moved.status_code == 302 and Macro.objects.get(pk=team_macro.pk).team_id == world.team2.pk
    mine = macro_create(actor=world.agent1, name="Mía secreta", note="Nota")
    # Agent 1 uses team macros of their teams but does not change them; agent 2 never sees agent 1's.
    macro_create(actor=world.admin, name="Equipo uno", team=world.team1, note="Nota")
    listed = agent.get(MACROS).content.decode()
    assert "Equipo uno" in listed and "Mía secreta" in listed
    team_one = Macro.objects.get(name="Equipo uno")
    assert agent.get(f"{MACROS}{team_one.pk}/").status_code == 404
    assert agent.post(f"{MACROS}{team_one.pk}/borrar/").status_code == 404
    other = page_client(world.agent2)
    assert "Mía secreta" not in other.get(MACROS).content.decode()
    assert other.get(f"{MACROS}{mine.pk}/").status_code == 404
    assert other.post(f"{MACROS}{mine.pk}/borrar/").status_code == 404
    assert page_client(world.collaborator).get(MACROS).status_code == 404
    assert page_client(world.customer_a.user).get(MACROS).status_code == 302
    assert page_client().post(f"{MACROS}{mine.pk}/borrar/").status_code == 302
    assert Macro.objects.filter(pk__in=[mine.pk, team_one.pk]).count() == 2
    # A supervisor cannot turn a personal macro into a team's (the choice is not offered).
    assert supervisor.get(f"{MACROS}{mine.pk}/").status_code == 404
    # The usage count shows on the list.
    Macro.objects.filter(pk=mine.pk).update(usage_count=7)
    assert "<td>7</td>" in agent.get(MACROS).content.decode()

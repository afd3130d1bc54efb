"""Routing's configuration pages: rules (create, edit, reorder, delete), teams, agents, skills,
with their refusals (agents, customers, anonymous visitors) and bad input."""

from __future__ import annotations

from atiende.accounts.models import Team
from atiende.routing.models import (
    AgentProfile,
    AgentSkill,
    AssignmentMode,
    RoutingRule,
    Skill,
    TeamRouting,
)
from atiende.sla.models import Calendar
from atiende.tickets.models import Ticket
from atiende.tickets.services import ticket_create

RULES = "/bandeja/enrutamiento/"


def rule_data(world, **overrides) -> dict:
    data = {"name": "Inglés a nivel 2", "active": "on", "team": str(world.team2.pk), "languages": ["en"],
            "channels": ["email", "portal"], "keywords": "invoice, factura", "min_level": "1"}
    data.update(overrides)
    return data


def test_a_rule_is_created_edited_moved_and_deleted_and_routes_new_tickets(world, page_client):
    page = page_client(world.supervisor)
    assert page.get(RULES).status_code == 200
    assert page.get(f"{RULES}reglas/nueva/").status_code == 200
    created = page.post(f"{RULES}reglas/nueva/", rule_data(world))
    assert created.status_code == 302 and created["Location"] == RULES
    rule = RoutingRule.objects.get()
    assert (rule.team_id, rule.languages, rule.channels, rule.keywords) == (
        world.team2.pk, ["en"], ["email", "portal"], ["invoice", "factura"])
    second = page.post(f"{RULES}reglas/nueva/", rule_data(world, name="Todo lo demás", languages=[], channels=[],
                                                          keywords="", team=str(world.team1.pk)))
    assert second.status_code == 302
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["Inglés a nivel 2", "Todo lo demás"]
    # Edit: only Spanish now.
    url = f"{RULES}reglas/{rule.pk}/"
    assert "Inglés a nivel 2" in page.get(url).content.decode()
    assert page.post(url, rule_data(world, languages=["es"], keywords="")).status_code == 302
    rule.refresh_from_db()
    assert (rule.languages, rule.keywords) == (["es"], [])
    # Reorder: the second first.
    last = RoutingRule.objects.get(name="Todo lo demás")
    assert page.post(f"{RULES}reglas/{last.pk}/mover/", {"direction": "up"}).status_code == 302
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["Todo lo demás", "Inglés a nivel 2"]
    assert page.post(f"{RULES}reglas/{last.pk}/mover/", {"direction": "sideways"}).status_code == 302
    assert list(RoutingRule.objects.values_list("position", flat=True)) == [10, 20]
    # The rules route: a ticket with no team goes to the first matching rule's team.
    ticket = ticket_create(actor=world.customer_a.user, subject="Hola", body="¿Me ayudan?")
    assert Ticket.objects.get(pk=ticket.pk).team_id == world.team1.pk
    assert page.post(f"{RULES}reglas/{last.pk}/borrar/").status_code == 302
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["Inglés a nivel 2"]


def test_bad_rule_input_is_shown_next_to_its_field_and_nothing_is_saved(world, page_client):
    page = page_client(world.admin)
    missing = page.post(f"{RULES}reglas/nueva/", rule_data(world, team="", name=""))
    assert missing.status_code == 400
    body = missing.content.decode()
    assert 'id="id_team_error"' in body and 'id="id_name_error"' in body
    for bad in ({"languages": ["fr"]}, {"team": "99999999999999999999"}, {"min_level": "9"},
                {"field_value": "oro", "field_key": ""}):
        response = page.post(f"{RULES}reglas/nueva/", rule_data(world, **bad))
        assert response.status_code == 400, bad
    assert not RoutingRule.objects.exists()
    assert page.get(f"{RULES}reglas/999999/").status_code == 404
    assert page.post(f"{RULES}reglas/999999/borrar/").status_code == 404
    assert page.get(f"{RULES}reglas/9999999999999999999999/").status_code == 404


def test_agents_customers_and_visitors_are_refused_and_change_nothing(world, page_client):
    rule = RoutingRule.objects.create(name="Regla secreta", team=world.team1)
    pages = [RULES, f"{RULES}reglas/nueva/", f"{RULES}reglas/{rule.pk}/", f"{RULES}equipos/",
             f"{RULES}equipos/{world.team1.pk}/", f"{RULES}agentes/", f"{RULES}agentes/{world.agent1.pk}/",
             f"{RULES}habilidades/"]
    for user in (world.agent1, world.collaborator):
        page = page_client(user)
        for url in pages:
            response = page.get(url)
            assert response.status_code == 404 and b"Regla secreta" not in response.content, (url, user)
        assert page.post(f"{RULES}reglas/{rule.pk}/borrar/").status_code == 404
        assert page.post(f"{RULES}equipos/{world.team1.pk}/", {"mode": "round_robin", "tier": "1"}).status_code == 404
    assert page_client(world.customer_a.user).get(RULES).status_code == 302
    anonymous = page_client().post(f"{RULES}reglas/{rule.pk}/borrar/")
    assert anonymous.status_code == 302 and "/cuenta/entrar/" in anonymous["Location"]
    assert RoutingRule.objects.filter(pk=rule.pk).exists() and not TeamRouting.objects.exists()
    assert 'href="/bandeja/enrutamiento/"' not in page_client(world.agent1).get("/bandeja/").content.decode()
    assert 'href="/bandeja/enrutamiento/"' in page_client(world.supervisor).get("/bandeja/").content.decode()


def test_a_team_gets_its_mode_tier_and_next_tier_and_a_loop_is_refused(world, page_client):
    page = page_client(world.admin)
    assert page.get(f"{RULES}equipos/").status_code == 200
    url = f"{RULES}equipos/{world.team1.pk}/"
    assert page.get(url).status_code == 200
    office = Calendar.objects.order_by("pk").first()
    saved = page.post(url, {"mode": "least_load", "tier": "1", "escalation_team": str(world.team2.pk),
                            "calendar": str(office.pk)})
    assert saved.status_code == 302
    config = TeamRouting.objects.get(team=world.team1)
    assert (config.mode, config.tier, config.calendar_id) == (AssignmentMode.LEAST_LOAD, 1, office.pk)
    assert Team.objects.get(pk=world.team1.pk).escalation_team_id == world.team2.pk
    loop = page.post(f"{RULES}equipos/{world.team2.pk}/", {"mode": "manual", "tier": "2",
                                                          "escalation_team": str(world.team1.pk)})
    assert loop.status_code == 400 and 'id="id_escalation_team_error"' in loop.content.decode()
    assert Team.objects.get(pk=world.team2.pk).escalation_team_id is None
    assert not TeamRouting.objects.filter(team=world.team2).exists()
    itself = page.post(url, {"mode": "manual", "tier": "1", "escalation_team": str(world.team1.pk)})
    assert itself.status_code == 400  # not among the choices
    assert page.post(url, {"mode": "nonsense", "tier": "7"}).status_code == 400
    assert page.get(f"{RULES}equipos/999999/").status_code == 404


def test_an_agents_capacity_shift_and_skill_levels_are_set_and_removed(world, page_client):
    page = page_client(world.supervisor)
    english = Skill.objects.create(kind="language", name="Inglés")
    billing = Skill.objects.create(kind="product", name="Facturación")
    url = f"{RULES}agentes/{world.agent1.pk}/"
    assert page.get(f"{RULES}agentes/").status_code == 200
    assert page.get(url).status_code == 200
    saved = page.post(url, {"capacity": "3", "shift": "", f"level_{english.pk}": "4", f"level_{billing.pk}": ""})
    assert saved.status_code == 302
    assert AgentProfile.objects.get(agent=world.agent1).capacity == 3
    assert dict(AgentSkill.objects.filter(agent=world.agent1).values_list("skill_id", "level")) == {english.pk: 4}
    assert page.post(url, {"capacity": "3", f"level_{english.pk}": ""}).status_code == 302
    assert not AgentSkill.objects.filter(agent=world.agent1).exists()
    bad = page.post(url, {"capacity": "0", f"level_{english.pk}": "6"})
    assert bad.status_code == 400
    assert 'id="id_capacity_error"' in bad.content.decode()
    assert AgentProfile.objects.get(agent=world.agent1).capacity == 3
    # Customers and collaborators are not routed agents.
    assert page.get(f"{RULES}agentes/{world.collaborator.pk}/").status_code == 404
    assert page.get(f"{RULES}agentes/{world.customer_a.user.pk}/").status_code == 404


def test_skills_are_added_renamed_and_deleted_and_a_duplicate_is_refused(world, page_client):
    page = page_client(world.admin)
    skills = f"{RULES}habilidades/"
    assert page.post(skills, {"kind": "language", "name": "Inglés"}).status_code == 302
    skill = Skill.objects.get()
    duplicate = page.post(skills, {"kind": "language", "name": "Inglés"})
    assert duplicate.status_code == 409 and Skill.objects.count() == 1
    assert page.post(skills, {"kind": "magic", "name": "x"}).status_code == 400
    assert "Inglés" in page.get(skills).content.decode()
    assert page.post(f"{skills}{skill.pk}/", {"kind": "language", "name": "English"}).status_code == 302
    assert Skill.objects.get().name == "English"
    assert page.post(f"{skills}{skill.pk}/borrar/").status_code == 302
    assert not Skill.objects.exists()
    assert page.get(f"{skills}{skill.pk}/").status_code == 404


def test_the_list_pages_cost_the_same_queries_for_one_row_or_many(world, page_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from atiende.accounts.models import Role
    from atiende.accounts.services import agent_create, team_create
    from atiende.macros.services import macro_create

    page = page_client(world.admin)
    skill = Skill.objects.create(kind="language", name="Inglés")
    urls = [RULES, f"{RULES}equipos/", f"{RULES}agentes/", f"{RULES}habilidades/", "/bandeja/macros/"]

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert page.get(url).status_code == 200
            found.append(len(queries))
        return found

    def add(n: int) -> None:
        team = team_create(actor=world.admin, name=f"Equipo {n}")
        agent = agent_create(email=f"a{n}@example.mx", name=f"Agente {n}", role=Role.AGENT, password="x" * 12,
                             teams=[team])
        AgentSkill.objects.create(agent=agent, skill=skill, level=2)
        RoutingRule.objects.create(name=f"Regla {n}", team=team, skill=skill)
        Skill.objects.create(kind="other", name=f"Habilidad {n}")
        macro_create(actor=world.admin, name=f"Macro {n}", team=team, note="Nota")
        macro_create(actor=agent, name=f"Mía {n}", note="Nota")

    add(0)
    counts()  # the first request warms per-process caches (branding)
    one = counts()
    for n in range(1, 4):
        add(n)
    assert counts() == one


def test_the_configuration_forms_refuse_a_post_without_the_csrf_token(world):
    from django.test import Client

    from atiende.macros.services import macro_create
    from atiende.webhooks.models import Subscription
    from atiende.webhooks.services import subscription_create

    rule = RoutingRule.objects.create(name="Regla", team=world.team1)
    macro = macro_create(actor=world.admin, name="Macro", note="Nota")
    hook = subscription_create(actor=world.admin, url="https://hooks.example.mx/", events=["ticket.created"],
                               secret="s" * 20)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.admin)
    form = browser.get(f"{RULES}reglas/{rule.pk}/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in form
    for url in (f"{RULES}reglas/{rule.pk}/borrar/", f"/bandeja/macros/{macro.pk}/borrar/",
                f"/bandeja/webhooks/{hook.pk}/borrar/", f"{RULES}habilidades/"):
        assert browser.post(url, {"kind": "other", "name": "x"}).status_code == 403, url
    assert RoutingRule.objects.filter(pk=rule.pk).exists() and Subscription.objects.filter(pk=hook.pk).exists()
    assert not Skill.objects.exists() and macro.__class__.objects.filter(pk=macro.pk).exists()

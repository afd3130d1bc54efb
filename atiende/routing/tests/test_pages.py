"""The workspace pages: escalate and consult from a ticket, answer, set one's availability."""

from __future__ import annotations

from django.test import Client

from atiende.routing.models import AgentProfile, Availability, Consultation
from atiende.tickets.models import Message, Ticket


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="atiende.accounts.backends.EmailBackend")
    return client


def test_the_ticket_page_links_to_the_tier_page_which_consults_and_prefills_the_promise(world):
    page = signed_in(world.agent1)
    assert 'id="action-tier"' in page.get(f"/tickets/{world.ticket_a.number}/").content.decode()
    url = f"/bandeja/tickets/{world.ticket_a.number}/nivel/"
    assert page.get(url).status_code == 200
    asked = page.post(url, {"action": "consult", "question": "¿Cómo?", "asked": f"team:{world.team2.pk}", "minutes": "60"})
    assert asked.status_code == 200 and 'name="body"' in asked.content.decode()
    assert Consultation.objects.filter(ticket=world.ticket_a, asked_team=world.team2).count() == 1
    sent = page.post(url, {"action": "promise", "body": "Le respondo mañana a las 10:00."})
    assert sent.status_code == 302
    assert Message.objects.filter(ticket=world.ticket_a, kind="public", body_text__startswith="Le respondo").exists()
    # The asked team answers from its page.
    answer_page = signed_in(world.agent2)
    assert "¿Cómo?" in answer_page.get("/bandeja/consultas/").content.decode()
    consultation = Consultation.objects.get()
    assert answer_page.post("/bandeja/consultas/", {"consultation": str(consultation.pk), "answer": "Así."}).status_code == 302
    assert Message.objects.filter(ticket=world.ticket_a, kind="internal", body_text__contains="Así.").exists()


def test_escalating_from_the_page_hands_the_ticket_over_and_refusals_say_why(world):
    page = signed_in(world.agent1)
    url = f"/bandeja/tickets/{world.ticket_a.number}/nivel/"
    refused = page.post(url, {"action": "escalate", "reason": "No sé"})
    assert refused.status_code == 409 and Ticket.objects.get(pk=world.ticket_a.pk).team_id == world.team1.pk
    world.team1.escalation_team = world.team2
    world.team1.save()
    assert page.post(url, {"action": "escalate", "reason": "No sé"}).status_code == 302
    assert Ticket.objects.get(pk=world.ticket_a.pk).team_id == world.team2.pk
    assert signed_in(world.agent2).get(f"/bandeja/tickets/{world.ticket_b.number}/nivel/").status_code == 200
    assert signed_in(world.customer_a.user).get(url).status_code == 302


def test_an_agent_sets_their_availability(world):
    page = signed_in(world.agent1)
    assert page.post("/bandeja/disponibilidad/", {"availability": "online"}).status_code == 302
    assert AgentProfile.objects.get(agent=world.agent1).availability == Availability.ONLINE
    page.post("/bandeja/disponibilidad/", {"availability": "nonsense"})
    assert AgentProfile.objects.get(agent=world.agent1).availability == Availability.ONLINE


def test_supervisors_see_the_consultations_counted_on_their_page(world):
    from atiende.routing.services import consultation_answer, consultation_open

    asked = consultation_open(actor=world.agent1, ticket=world.ticket_a, question="¿Quién ve el DNS?", team=world.team2)
    consultation_open(actor=world.agent1, ticket=world.ticket_a, question="¿Y la factura?", team=world.team2)
    consultation_answer(actor=world.agent2, consultation_id=asked.pk, answer="Soporte de dominios.")
    supervisor_page = signed_in(world.supervisor).get("/bandeja/consultas/").content.decode()
    assert "Last 30 days: 2 consultations opened, 1 answered, 1 of them by their deadline." in supervisor_page
    assert "Last 30 days" not in signed_in(world.agent2).get("/bandeja/consultas/").content.decode()

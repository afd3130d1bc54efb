"""Escalation by hand and the "no sé" consultations, through the API and the scheduler's scan."""

from __future__ import annotations

from datetime import UTC, datetime

from django.core import mail

from atiende.core import clock
from atiende.routing.models import Consultation, Escalation, TeamRouting, Tier
from atiende.routing.selectors import consultation_counts
from atiende.routing.services import consultation_scan
from atiende.sla.models import Calendar
from atiende.tickets.models import Message, Ticket

MONDAY_10 = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # 10:00 in Mexico City


def test_escalation_hands_the_ticket_to_the_next_tier_with_its_reason(world):
    world.team1.escalation_team = world.team2
    world.team1.save()
    TeamRouting.objects.update_or_create(team=world.team2, defaults={"tier": Tier.SECOND})
    api = world.client_for(world.agent1)
    response = api.post(f"/api/v1/tickets/{world.ticket_a.pk}/escalate/", {"reason": "Requiere acceso al DNS"},
                        format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"ticket": world.ticket_a.pk, "team": world.team2.pk, "tier": 2, "assignee": None}
    ticket = Ticket.objects.get(pk=world.ticket_a.pk)
    assert ticket.team_id == world.team2.pk
    assert Escalation.objects.get().reason == "Requiere acceso al DNS"
    assert ticket.events.filter(field="team", actor=world.agent1).count() == 1
    assert Message.objects.filter(ticket=ticket, kind="internal", body_text__contains="Requiere acceso al DNS").exists()
    # Team 2 has no next tier: 409, nothing changes.
    again = world.client_for(world.agent2).post(f"/api/v1/tickets/{ticket.pk}/escalate/", {"reason": "x"}, format="json")
    assert again.status_code == 409
    assert Escalation.objects.count() == 1


def test_escalation_needs_a_reason_and_a_ticket_the_agent_may_change(world):
    world.team1.escalation_team = world.team2
    world.team1.save()
    url = f"/api/v1/tickets/{world.ticket_a.pk}/escalate/"
    assert world.client_for(world.agent1).post(url, {"reason": "  "}, format="json").status_code == 400
    assert world.client_for(world.agent2).post(url, {"reason": "y"}, format="json").status_code == 404
    assert world.client_for(world.customer_a.user).post(url, {"reason": "y"}, format="json").status_code in (403, 404)
    assert Ticket.objects.get(pk=world.ticket_a.pk).team_id == world.team1.pk


def test_a_consultation_is_due_in_business_hours_reminded_breached_and_answered_into_the_ticket(
        world, django_capture_on_commit_callbacks):
    office = Calendar.objects.create(name="Oficina", hours={d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")})
    TeamRouting.objects.update_or_create(team=world.team2, defaults={"calendar": office})
    api = world.client_for(world.agent1)
    with clock.frozen_at(MONDAY_10), django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/tickets/{world.ticket_a.pk}/consultations/",
                            {"question": "¿Cómo se reinicia el DNS?", "team": world.team2.pk, "minutes": 600}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    # 600 business minutes from Monday 10:00 with 9-hour days: Tuesday 11:00 local (17:00 UTC).
    assert datetime.fromisoformat(body["due_at"]) == datetime(2026, 12, 8, 17, 0, tzinfo=UTC)
    assert datetime.fromisoformat(body["promise_at"]) == datetime(2026, 12, 8, 18, 0, tzinfo=UTC)
    assert [m.to for m in mail.outbox] == [[world.agent2.email]]
    listed = api.get(f"/api/v1/tickets/{world.ticket_a.pk}/consultations/").json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]
    # Customers never see consultations.
    assert world.client_for(world.customer_a.user).get(
        f"/api/v1/tickets/{world.ticket_a.pk}/consultations/").status_code in (403, 404)

    # Three quarters of 600 minutes: Tuesday 08:30 UTC-6 is closed, so the reminder falls at Tuesday 09:00 local
    # plus what remains; before it nothing happens, after it one reminder, once.
    early = consultation_scan(now=datetime(2026, 12, 7, 23, 0, tzinfo=UTC))
    assert (early.reminded, early.breached) == (0, 0)
    reminded = consultation_scan(now=datetime(2026, 12, 8, 16, 0, tzinfo=UTC))
    assert (reminded.reminded, reminded.breached) == (1, 0)
    assert consultation_scan(now=datetime(2026, 12, 8, 16, 0, tzinfo=UTC)).reminded == 0
    late = consultation_scan(now=datetime(2026, 12, 8, 17, 1, tzinfo=UTC))
    assert (late.reminded, late.breached) == (0, 1)
    assert Message.objects.filter(ticket=world.ticket_a, body_text__contains="is overdue").count() == 1

    answer_url = f"/api/v1/consultations/{body['id']}/answer/"
    assert world.client_for(world.agent1).post(answer_url, {"answer": "yo no"}, format="json").status_code == 403
    with clock.frozen_at(datetime(2026, 12, 8, 18, 0, tzinfo=UTC)):  # an hour late
        answered = world.client_for(world.agent2).post(answer_url, {"answer": "Con rndc reload."}, format="json")
    assert answered.status_code == 200, answered.content
    note = Message.objects.filter(ticket=world.ticket_a, body_text__contains="Con rndc reload.").get()
    assert (note.kind, note.author_user_id) == ("internal", world.agent2.pk)
    assert world.client_for(world.agent2).post(answer_url, {"answer": "otra"}, format="json").status_code == 409
    counts = consultation_counts(user=world.admin, start=MONDAY_10, end=datetime(2026, 12, 9, tzinfo=UTC))
    assert (counts.opened, counts.answered, counts.answered_in_time) == (1, 1, 0)
    assert Consultation.objects.get().breached_at is not None


def test_consultation_input_is_checked(world):
    url = f"/api/v1/tickets/{world.ticket_a.pk}/consultations/"
    api = world.client_for(world.agent1)
    assert api.post(url, {"question": "x"}, format="json").status_code == 400  # nobody asked
    assert api.post(url, {"question": "x", "team": world.team2.pk, "agent": world.agent2.pk}, format="json").status_code == 400
    assert api.post(url, {"question": "x", "team": 999999}, format="json").json()["error"]["fields"].keys() >= {"team"}
    assert api.post(url, {"question": "x", "agent": world.agent1.pk}, format="json").status_code == 400  # oneself
    assert world.client_for(world.agent2).post(url, {"question": "x", "team": world.team1.pk},
                                                format="json").status_code == 404
    assert Consultation.objects.count() == 0

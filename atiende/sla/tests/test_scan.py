"""The periodic scan: warnings, breaches, their actions, once each."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from atiende.accounts.models import Role
from atiende.accounts.services import agent_create
from atiende.core.clock import frozen_at
from atiende.sla.models import Clock, Metric
from atiende.sla.services.policies import policy_create
from atiende.sla.services.scan import sla_scan
from atiende.tickets.models import TicketEvent
from atiende.tickets.services import ticket_create

pytestmark = pytest.mark.django_db
START = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # a Wednesday; the 24/7 calendar ignores it anyway


def open_ticket(world, **extra):
    with frozen_at(START):
        return ticket_create(actor=world.agent1, subject="Correo rebota", body="Desde hoy", requester=world.customer_a,
                             team=world.team1, assignee=world.agent1, **extra)


def scan_at(minutes: int, capture):
    with frozen_at(START + timedelta(minutes=minutes)), capture(execute=True):
        return sla_scan()


def test_warning_then_breach_each_once_with_mail_to_owner_and_team_supervisor(
    world, always, django_capture_on_commit_callbacks
):
    team_lead = agent_create(email="lider@example.mx", name="Lía Líder", role=Role.SUPERVISOR, password="x" * 12)
    world.team1.members.add(team_lead)
    policy_create(actor=world.admin, name="Rápida", targets={"first_response": {"minutes": 60, "calendar": always.pk}})
    ticket = open_ticket(world)

    assert (scan_at(44, django_capture_on_commit_callbacks).warned, len(mail.outbox)) == (0, 0)
    result = scan_at(45, django_capture_on_commit_callbacks)
    assert (result.warned, result.breached) == (1, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["lider@example.mx", "uno@example.mx"]
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-generated"
    assert scan_at(50, django_capture_on_commit_callbacks).warned == 0  # warned once only

    result = scan_at(61, django_capture_on_commit_callbacks)
    assert (result.warned, result.breached) == (0, 1)
    clock = Clock.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE)
    assert clock.breached_at == START + timedelta(minutes=60)
    assert len(mail.outbox) == 4 and "SLA" in mail.outbox[-1].subject
    assert scan_at(90, django_capture_on_commit_callbacks).breached == 0
    fields = list(TicketEvent.objects.filter(ticket=ticket, field__startswith="sla_").values_list("field", "new_value"))
    assert fields == [("sla_warning", "first_response"), ("sla_breach", "first_response")]


def test_breach_escalates_to_next_tier_and_raises_priority(world, always, django_capture_on_commit_callbacks):
    world.team1.escalation_team = world.team2
    world.team1.save()
    policy_create(
        actor=world.admin, name="Escalar", targets={"first_response": {"minutes": 30, "calendar": always.pk}},
        actions={"escalate_on_breach": True, "raise_priority_on_breach": True, "notify_on_breach": False,
                 "warn_at_percent": None},
    )
    ticket = open_ticket(world, priority="normal")
    result = scan_at(31, django_capture_on_commit_callbacks)
    assert (result.warned, result.breached, len(mail.outbox)) == (0, 1, 0)
    ticket.refresh_from_db()
    # agent1 is not in the specialists' team, so the ticket waits for them unassigned.
    assert (ticket.team, ticket.assignee, ticket.priority) == (world.team2, None, "high")
    changes = set(TicketEvent.objects.filter(ticket=ticket, note="sla_breach").values_list("field", flat=True))
    assert changes == {"team", "assignee", "priority"}


def test_paused_and_met_clocks_are_never_flagged(world, always, django_capture_on_commit_callbacks):
    from atiende.tickets.services import message_create, ticket_update

    policy_create(actor=world.admin, name="Rápida", targets={
        "first_response": {"minutes": 60, "calendar": always.pk}, "resolution": {"minutes": 120, "calendar": always.pk},
    })
    ticket = open_ticket(world)
    with frozen_at(START + timedelta(minutes=10)):
        message_create(actor=world.agent1, ticket=ticket, body="¿Nos confirmas el dominio?")
        ticket_update(actor=world.agent1, ticket=ticket, changes={"status": "pending_customer"})
    result = scan_at(24 * 60, django_capture_on_commit_callbacks)
    assert (result.warned, result.breached) == (0, 0)

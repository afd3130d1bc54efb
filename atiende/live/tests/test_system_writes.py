"""Changes the product makes on its own reach open pages like anyone's: the SLA breach escalation
goes through the ticket service, so the broadcast that pages and inboxes rely on follows it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from atiende.accounts.services import system_actor
from atiende.core.clock import frozen_at
from atiende.sla.models import Calendar
from atiende.sla.services.policies import policy_create
from atiende.sla.services.scan import sla_scan
from atiende.tickets.models import Ticket, TicketEvent
from atiende.tickets.services import ticket_create

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
START = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)


def test_the_sla_escalation_reaches_the_open_ticket_page_and_the_next_tiers_inbox(world, socket_for):
    world.team1.escalation_team = world.team2
    world.team1.save()
    always = Calendar.objects.get(name="24/7")
    policy_create(
        actor=world.admin, name="Escalar", targets={"first_response": {"minutes": 30, "calendar": always.pk}},
        actions={"escalate_on_breach": True, "raise_priority_on_breach": True, "notify_on_breach": False,
                 "warn_at_percent": None},
    )
    with frozen_at(START):
        ticket = ticket_create(actor=world.agent1, subject="Correo rebota", body="Desde hoy", requester=world.customer_a,
                               team=world.team1, assignee=world.agent1)
    page = socket_for(f"/ws/tickets/{ticket.pk}/", user=world.supervisor)
    next_tier = socket_for("/ws/inbox/", user=world.agent2)  # team 2: the ticket was not theirs before

    def scan_after_the_deadline():
        with frozen_at(START + timedelta(minutes=31)):
            return sla_scan()

    async def scenario():
        await page.connect()
        await page.receive_json_from()  # presence
        await next_tier.connect()
        assert await next_tier.receive_json_from() == {"type": "ready"}

        result = await database_sync_to_async(scan_after_the_deadline)()

        assert result.breached == 1
        assert await page.receive_json_from() == {"type": "ticket.updated", "mine": False}
        assert await next_tier.receive_json_from() == {"type": "ticket.changed", "ticket_ids": [ticket.pk]}
        await page.disconnect()
        await next_tier.disconnect()

    async_to_sync(scenario)()
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.team, ticket.assignee, ticket.priority) == (world.team2, None, "high")
    sla = system_actor("sla")
    assert set(TicketEvent.objects.filter(ticket=ticket, note="sla_breach").values_list("field", "actor")) == {
        ("team", sla.pk), ("assignee", sla.pk), ("priority", sla.pk)
    }

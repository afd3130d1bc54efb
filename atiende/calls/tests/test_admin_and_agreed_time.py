"""A telephony system added in the admin shows its token once; the agreed time of a call back
leaves the SLA summary when the ticket is solved and comes back when it reopens."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from atiende.calls.models import TelephonySystem
from atiende.calls.selectors import system_for_token, token_hash
from atiende.core import clock
from atiende.tickets.services import channel_ticket_create, ticket_update

pytestmark = pytest.mark.django_db


def test_an_admin_adds_a_telephony_system_and_sees_its_token_once(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.admin, backend="atiende.accounts.backends.EmailBackend")
    response = client.post("/admin/calls/telephonysystem/add/", {"name": "Conmutador", "active": "on"}, follow=True)
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    token = next(text.rsplit(" ", 1)[-1] for text in shown if "will not be shown again" in text)
    system = TelephonySystem.objects.get()
    assert system.token_hash == token_hash(token) and system_for_token(token) == system
    page = client.get(f"/admin/calls/telephonysystem/{system.pk}/change/")
    assert token.encode() not in page.content


def test_the_agreed_time_counts_only_while_the_ticket_is_unresolved(world):
    due = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
    with clock.frozen_at(datetime(2026, 12, 3, 16, 0, tzinfo=UTC)):
        ticket, _message = channel_ticket_create(requester=world.customer_a, subject="Llamada", body="Llámame",
                                                 channel="phone", acknowledge=False, agreed_at=due)
        assert ticket.sla_due_at == due
        ticket = ticket_update(actor=world.admin, ticket=ticket, changes={"status": "solved"}, details={"outcome": "solved"})
        ticket.refresh_from_db()
        assert (ticket.agreed_at, ticket.sla_due_at) == (due, None)
        ticket = ticket_update(actor=world.admin, ticket=ticket, changes={"status": "open"})
        ticket.refresh_from_db()
        assert ticket.sla_due_at == due

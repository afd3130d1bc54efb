"""SLA through the seam: it is the first ticket-hooks subscriber, it tells the others of warnings
and breaches, its escalation is a change by its named system actor, and the bulk import path
starts its clocks through the hooks too."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import translation

from atiende.accounts.services import system_actor
from atiende.core.clock import frozen_at
from atiende.customers.models import Customer
from atiende.sla.models import Clock, Metric
from atiende.sla.services.policies import policy_create
from atiende.sla.services.scan import sla_scan
from atiende.tickets import hooks
from atiende.tickets.models import Channel
from atiende.tickets.selectors import event_text
from atiende.tickets.services import ticket_create
from atiende.tickets.services.imports import IncomingTicket, channel_tickets_import

pytestmark = pytest.mark.django_db
START = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
HEARD: list[tuple] = []


class Listener(hooks.TicketHooks):
    """A subscriber after SLA: what it sees of SLA's events and the tickets they concern."""

    def ticket_created(self, ticket, *, actor, message):
        HEARD.append(("created", ticket.number, ticket.sla_due_at))

    def sla_warning(self, ticket, *, metric):
        HEARD.append(("warning", ticket.number, metric, ticket.team.name))

    def sla_breached(self, ticket, *, metric):
        HEARD.append(("breached", ticket.number, metric, ticket.team.name, ticket.priority))


@pytest.fixture
def heard(settings):
    HEARD.clear()
    settings.TICKET_HOOKS = ["atiende.sla.hooks.SlaHooks", f"{__name__}.Listener"]
    return HEARD


def test_sla_is_the_first_subscriber_in_the_settings():
    from django.conf import settings

    assert settings.TICKET_HOOKS[0] == "atiende.sla.hooks.SlaHooks"


def test_later_subscribers_hear_warnings_then_breaches_after_the_escalation(world, always, heard):
    world.team1.escalation_team = world.team2
    world.team1.save()
    policy_create(
        actor=world.admin, name="Escalar", targets={"first_response": {"minutes": 60, "calendar": always.pk}},
        actions={"escalate_on_breach": True, "raise_priority_on_breach": True, "notify_on_breach": False,
                 "notify_on_warning": False, "warn_at_percent": 75},
    )
    with frozen_at(START):
        ticket = ticket_create(actor=world.agent1, subject="Correo rebota", body="Desde hoy", requester=world.customer_a,
                               team=world.team1)
    # SLA ran first: the deadline is on the ticket when the next subscriber looks.
    assert heard == [("created", ticket.number, START + timedelta(minutes=60))]
    heard.clear()

    with frozen_at(START + timedelta(minutes=45)):
        sla_scan()
    assert heard == [("warning", ticket.number, Metric.FIRST_RESPONSE, world.team1.name)]
    heard.clear()
    with frozen_at(START + timedelta(minutes=61)):
        sla_scan()
        sla_scan()  # once only
    assert heard == [("breached", ticket.number, Metric.FIRST_RESPONSE, world.team2.name, "high")]


def test_the_escalation_is_the_sla_actors_change_and_history_names_it_in_the_readers_language(
    world, always, django_capture_on_commit_callbacks
):
    world.team1.escalation_team = world.team2
    world.team1.save()
    policy_create(
        actor=world.admin, name="Escalar", targets={"first_response": {"minutes": 30, "calendar": always.pk}},
        actions={"escalate_on_breach": True, "raise_priority_on_breach": False, "notify_on_breach": False,
                 "warn_at_percent": None},
    )
    with frozen_at(START):
        ticket = ticket_create(actor=world.agent1, subject="Correo rebota", body="Desde hoy", requester=world.customer_a,
                               team=world.team1)
    with frozen_at(START + timedelta(minutes=31)), django_capture_on_commit_callbacks(execute=True):
        sla_scan()
    event = ticket.events.select_related("actor").get(field="team")
    assert (event.actor, event.note) == (system_actor("sla"), "sla_breach")
    with translation.override("en"):
        assert event_text(event) == f"SLA rules moved the ticket to the team {world.team2.name}. (after a missed SLA target)"

    agent = Client()
    agent.force_login(world.admin)
    events = agent.get(f"/api/v1/tickets/{ticket.pk}/events/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    escalation = next(e for e in events if e["field"] == "team")
    assert escalation["actor"] == {"id": system_actor("sla").pk, "name": "SLA rules", "kind": "system"}
    created = next(e for e in events if e["field"] == "created")
    assert created["actor"] == {"id": world.agent1.pk, "name": world.agent1.name, "kind": "agent"}


def test_imported_tickets_start_their_clocks_through_the_hooks(world, always, heard):
    policy_create(actor=world.admin, name="Correo", targets={"first_response": {"minutes": 60, "calendar": always.pk}})
    customer = Customer.objects.get(pk=world.customer_a.pk)
    with frozen_at(START):
        messages = channel_tickets_import(
            [IncomingTicket(requester=customer, subject="Uno", body="a"), IncomingTicket(requester=customer, subject="Dos", body="b")],
            channel=Channel.EMAIL, acknowledge=False,
        )
    tickets = [message.ticket for message in messages]
    assert [Clock.objects.filter(ticket=t, metric=Metric.FIRST_RESPONSE).count() for t in tickets] == [1, 1]
    # SLA does the batch itself; the listener, which does not, hears each as a created ticket.
    assert heard == [("created", t.number, START + timedelta(minutes=60)) for t in tickets]

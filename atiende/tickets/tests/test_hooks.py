"""Ticket hooks (atiende/tickets/hooks.py): the services call subscribers in settings order,
inside the change's transaction, with what changed; the system actor passes the staff checks."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate

from atiende.accounts.permissions import is_staff_agent, sees_all_tickets
from atiende.accounts.services import system_actor
from atiende.tickets import hooks
from atiende.tickets.models import Ticket
from atiende.tickets.services import message_create, ticket_create, ticket_update

pytestmark = pytest.mark.django_db

CALLS: list[tuple] = []


class First(hooks.TicketHooks):
    def ticket_created(self, ticket, *, actor, message):
        CALLS.append(("first", "created", ticket.number, message.body_text))

    def message_added(self, message, *, actor):
        CALLS.append(("first", "message", message.body_text))

    def ticket_changed(self, ticket, *, actor, changes):
        CALLS.append(("first", "changed", [field for field, _old, _new in changes]))

    def ticket_solved(self, ticket, *, actor):
        CALLS.append(("first", "solved", actor.name))


class Second(hooks.TicketHooks):
    def ticket_created(self, ticket, *, actor, message):
        CALLS.append(("second", "created", ticket.number, message.body_text))


class Refusing(hooks.TicketHooks):
    def ticket_created(self, ticket, *, actor, message):
        raise RuntimeError("no")


@pytest.fixture
def recorded(settings, world):
    CALLS.clear()
    settings.TICKET_HOOKS = [f"{__name__}.First", f"{__name__}.Second"]
    yield CALLS


def test_subscribers_are_called_in_settings_order_with_what_changed(recorded, world):
    ticket = ticket_create(actor=world.admin, subject="Sin correo", body="No me llega nada", requester=world.customer_a)
    assert recorded == [("first", "created", ticket.number, "No me llega nada"),
                        ("second", "created", ticket.number, "No me llega nada")]
    recorded.clear()
    message_create(actor=world.admin, ticket=ticket, body="Ya lo revisamos")
    assert recorded == [("first", "changed", ["status"]), ("first", "message", "Ya lo revisamos")]
    recorded.clear()
    ticket_update(actor=world.admin, ticket=ticket, changes={"priority": "high", "status": "solved"})
    assert recorded == [("first", "changed", ["priority", "status"]), ("first", "solved", world.admin.name)]


def test_a_subscriber_that_raises_aborts_the_change(settings, world):
    settings.TICKET_HOOKS = [f"{__name__}.Refusing"]
    before = Ticket.objects.count()
    with pytest.raises(RuntimeError):
        ticket_create(actor=world.admin, subject="Sin correo", body="No me llega nada", requester=world.customer_a)
    assert Ticket.objects.count() == before


def test_the_system_actor_works_tickets_but_never_signs_in(world):
    robot = system_actor("automation")
    assert system_actor("automation").pk == robot.pk  # one row per part
    assert is_staff_agent(robot) and sees_all_tickets(robot) and not robot.is_agent
    ticket = ticket_create(actor=world.admin, subject="Sin correo", body="No me llega nada", requester=world.customer_a)
    ticket_update(actor=robot, ticket=ticket, changes={"priority": "urgent"})
    assert ticket.events.filter(field="priority", actor=robot).exists()
    robot.set_password("una-clave-larga-y-buena")
    robot.save()
    assert authenticate(email=robot.email, password="una-clave-larga-y-buena") is None
    with pytest.raises(ValueError):
        system_actor("nadie")

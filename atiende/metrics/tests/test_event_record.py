"""The event record, written through the ticket hooks: what is recorded, its durations in
calendar and business time, who is credited, and that nothing changes it afterwards."""

from datetime import timedelta

import pytest

from atiende.accounts.services import system_actor
from atiende.core.clock import frozen_at
from atiende.metrics.models import MetricEvent
from atiende.metrics.selectors import histories
from atiende.sla.models import Calendar
from atiende.sla.services.policies import policy_create
from atiende.sla.tests.conftest import cdmx
from atiende.tickets.models import Message
from atiende.tickets.services import message_create, ticket_create, ticket_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_policy(world):
    office = Calendar.objects.get(name="Horario de oficina (CDMX)")
    return policy_create(actor=world.admin, name="Oficina", position=1, targets={
        "first_response": {"minutes": 60, "calendar": office.pk}, "resolution": {"minutes": 960, "calendar": office.pk}})


def events(ticket):
    return list(MetricEvent.objects.filter(ticket=ticket).values_list("kind", "episode"))


def test_a_ticket_life_in_the_record(world, office_policy):
    # Monday 2 Nov 2026, 17:00 in Mexico City; the office is open 9–14 and 15–18 on weekdays.
    with frozen_at(cdmx(2, 17)):
        ticket = ticket_create(actor=world.customer_a.user, subject="Sin servicio", body="No hay internet")
    with frozen_at(cdmx(3, 10)):  # 17 h later in calendar time, 2 h of office time
        message_create(actor=world.agent1, ticket=ticket, body="Reinicie el módem, por favor.")
    with frozen_at(cdmx(3, 11)):
        message_create(actor=world.customer_a.user, ticket=ticket, body="Ya lo reinicié y sigue igual.")
    with frozen_at(cdmx(3, 11, 30)):
        message_create(actor=world.agent1, ticket=ticket, body="Le enviamos un técnico.")
        message_create(actor=world.agent1, ticket=ticket, body="Nota interna", internal=True)
    with frozen_at(cdmx(3, 12)):
        ticket_update(actor=world.agent1, ticket=ticket, changes={"status": "solved"}, details={"outcome": "solved"})
    with frozen_at(cdmx(4, 9)):
        message_create(actor=world.customer_a.user, ticket=ticket, body="Volvió a fallar.")
    kinds = events(ticket)
    # A reply's status change is recorded before the reply itself (same instant).
    assert kinds == [("created", 0), ("status_changed", 0), ("first_reply", 0), ("customer_reply", 0), ("reply", 0),
                     ("status_changed", 0), ("solved", 1), ("status_changed", 1), ("reopened", 1),
                     ("customer_reply", 1)]
    first = MetricEvent.objects.get(ticket=ticket, kind="first_reply")
    assert (first.calendar_seconds, first.business_seconds, first.agent) == (17 * 3600, 2 * 3600, world.agent1)
    reply = MetricEvent.objects.get(ticket=ticket, kind="reply")
    assert (reply.calendar_seconds, reply.business_seconds) == (30 * 60, 30 * 60)  # from the customer's message
    solved = MetricEvent.objects.get(ticket=ticket, kind="solved")
    assert (solved.episode, solved.outcome, solved.calendar_seconds, solved.business_seconds) == (
        1, "solved", 19 * 3600, 4 * 3600)
    reopened = MetricEvent.objects.get(ticket=ticket, kind="reopened")
    # Tuesday 12:00 to Wednesday 9:00: the office hours 12–14 and 15–18.
    assert (reopened.episode, reopened.calendar_seconds, reopened.business_seconds) == (1, 21 * 3600, 5 * 3600)
    assert [fact.kind for fact in histories([ticket.pk])[ticket.pk]] == [kind for kind, _e in kinds]


def test_without_a_calendar_only_calendar_time(world):
    ticket = world.ticket_b
    with frozen_at(ticket.created_at + timedelta(minutes=5)):
        message_create(actor=world.agent2, ticket=ticket, body="Hola")
    first = MetricEvent.objects.get(ticket=ticket, kind="first_reply")
    assert (first.calendar_seconds, first.business_seconds) == (300, None)


def test_automatic_replies_and_system_actors_are_no_agents_work(world):
    ticket = world.ticket_b
    robot = system_actor("automation")
    message_create(actor=robot, ticket=ticket, body="Recibimos su solicitud.")
    assert Message.objects.filter(ticket=ticket, author_user=robot).exists()
    assert not MetricEvent.objects.filter(ticket=ticket, kind__in=["first_reply", "reply"]).exists()
    ticket_update(actor=robot, ticket=ticket, changes={"status": "solved"})
    solved = MetricEvent.objects.get(ticket=ticket, kind="solved")
    assert (solved.automatic, solved.agent, solved.outcome) == (True, None, "")
    message_create(actor=world.agent2, ticket=ticket, body="Aquí estoy")
    assert MetricEvent.objects.filter(ticket=ticket, kind="first_reply", agent=world.agent2).count() == 1


def test_the_record_is_never_changed(world):
    event = MetricEvent.objects.filter(ticket=world.ticket_a).first()
    event.kind = "solved"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        MetricEvent.objects.filter(ticket=world.ticket_a).update(kind="solved")
    with pytest.raises(TypeError):
        MetricEvent.objects.filter(ticket=world.ticket_a).delete()
    with pytest.raises(TypeError):
        event.delete()
    assert MetricEvent.objects.get(pk=event.pk).kind == "created"

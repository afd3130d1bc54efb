"""Agents copied on a ticket's messages: recorded once, confirmed or dismissed by staff."""

import pytest

from atiende.core.exceptions import Conflict, NotFound
from atiende.tickets.models import CopiedAgent, TicketEvent
from atiende.tickets.services import (
    ticket_copied_agent_confirm,
    ticket_copied_agent_dismiss,
    ticket_copied_agents_record,
    ticket_create,
    ticket_merge,
    ticket_update,
)

pytestmark = pytest.mark.django_db


def copy(world, *agents, sender=None):
    return ticket_copied_agents_record(ticket=world.ticket_a, agents=list(agents), message=None,
                                       copied_by="ana@tienda-a.mx", sender=sender)


def test_each_agent_is_asked_about_once_and_collaborators_never(world):
    assert copy(world, world.agent2, world.collaborator, world.agent2) == []
    copy(world, world.agent2)
    assert list(CopiedAgent.objects.values_list("agent", "state")) == [(world.agent2.pk, "pending")]
    event = TicketEvent.objects.get(ticket=world.ticket_a, field="copied")
    assert (event.actor, event.new_value) == (None, "Diana Dos")


def test_a_staff_sender_of_the_ticket_adds_them_at_once(world):
    assert copy(world, world.agent2, sender=world.agent1) == [world.agent2]
    assert not CopiedAgent.objects.exists() and world.ticket_a.collaborators.filter(pk=world.agent2.pk).exists()


def test_a_closed_ticket_can_still_dismiss_but_not_add(world):
    copy(world, world.agent2)
    copied = CopiedAgent.objects.get()
    ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"status": "closed"})
    with pytest.raises(Conflict):
        ticket_copied_agent_confirm(actor=world.agent1, ticket=world.ticket_a, copied_id=copied.pk)
    assert ticket_copied_agent_dismiss(actor=world.agent1, ticket=world.ticket_a, copied_id=copied.pk).state == "dismissed"


def test_an_agent_no_longer_active_cannot_be_added(world):
    copy(world, world.agent2)
    world.agent2.is_active = False
    world.agent2.save(update_fields=["is_active"])
    with pytest.raises(Conflict) as refused:
        ticket_copied_agent_confirm(actor=world.agent1, ticket=world.ticket_a, copied_id=CopiedAgent.objects.get().pk)
    assert refused.value.code == "copied_agent_inactive"


@pytest.mark.parametrize("copied_id", [0, -1, "1", None, 2**70, True])
def test_ids_that_are_not_a_copy_of_this_ticket(world, copied_id):
    copy(world, world.agent2)
    with pytest.raises(NotFound):
        ticket_copied_agent_confirm(actor=world.admin, ticket=world.ticket_b, copied_id=CopiedAgent.objects.get().pk)
    with pytest.raises(NotFound):
        ticket_copied_agent_confirm(actor=world.admin, ticket=world.ticket_a, copied_id=copied_id)


def test_pending_copies_follow_the_conversation_when_the_ticket_is_merged(world):
    copy(world, world.agent2, world.supervisor)
    survivor = ticket_create(actor=world.customer_a.user, subject="Otra vez el dominio", body="Sigue sin abrir")
    ticket_copied_agents_record(ticket=survivor, agents=[world.supervisor], message=None, copied_by="ana@tienda-a.mx")
    ticket_merge(actor=world.admin, source=world.ticket_a, target=survivor)
    assert sorted(CopiedAgent.objects.values_list("ticket", "agent")) == sorted(
        [(survivor.pk, world.agent2.pk), (survivor.pk, world.supervisor.pk), (world.ticket_a.pk, world.supervisor.pk)]
    )
    moved = CopiedAgent.objects.get(ticket=survivor, agent=world.agent2)
    assert ticket_copied_agent_confirm(actor=world.admin, ticket=survivor, copied_id=moved.pk).state == "confirmed"

"""Workspace writes: saved views belong to their owner; bulk actions are all or nothing."""

from __future__ import annotations

import pytest
from django.utils import translation

from atiende.core.exceptions import Conflict, Forbidden, Invalid, NotFound
from atiende.tickets.models import Message, Ticket, TicketEvent
from atiende.tickets.selectors import tag_names_by_ticket
from atiende.tickets.services import ticket_update
from atiende.workspace.models import SavedView
from atiende.workspace.params import InboxFilters
from atiende.workspace.services import (
    MAX_SAVED_VIEWS,
    inbox_bulk_apply,
    saved_view_create,
    saved_view_delete,
    saved_view_rename,
)

pytestmark = pytest.mark.django_db


# --- saved views --------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def english():
    """The messages below are compared in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield

def test_a_saved_view_stores_its_filters_and_order(world):
    filters = InboxFilters(statuses=("open",), team="mine", tag="vip")

    view = saved_view_create(owner=world.agent1, name="  Mis   VIP ", filters=filters, ordering="sla")

    view.refresh_from_db()
    assert (view.owner, view.name, view.ordering) == (world.agent1, "Mis VIP", "sla")
    assert view.filters == {"status": ["open"], "team": ["mine"], "tag": ["vip"]}


def test_saved_view_names_are_checked(world):
    saved_view_create(owner=world.agent1, name="Urgentes", filters=InboxFilters(), ordering="updated")

    with pytest.raises(Conflict):
        saved_view_create(owner=world.agent1, name="Urgentes", filters=InboxFilters(), ordering="updated")
    with pytest.raises(Invalid):
        saved_view_create(owner=world.agent1, name="   ", filters=InboxFilters(), ordering="updated")
    with pytest.raises(Invalid):
        saved_view_create(owner=world.agent1, name="x" * 81, filters=InboxFilters(), ordering="updated")
    with pytest.raises(Invalid):
        saved_view_create(owner=world.agent1, name="Otra", filters=InboxFilters(), ordering="random")
    # Another agent may use the same name: names are per owner.
    saved_view_create(owner=world.agent2, name="Urgentes", filters=InboxFilters(), ordering="updated")
    assert SavedView.objects.count() == 2


def test_customers_have_no_saved_views(world):
    with pytest.raises(Forbidden):
        saved_view_create(owner=world.customer_a.user, name="Mías", filters=InboxFilters(), ordering="updated")


def test_there_is_a_limit_of_views_per_agent(world):
    SavedView.objects.bulk_create(SavedView(owner=world.agent1, name=f"Vista {i}") for i in range(MAX_SAVED_VIEWS))

    with pytest.raises(Invalid):
        saved_view_create(owner=world.agent1, name="Una más", filters=InboxFilters(), ordering="updated")


def test_only_the_owner_renames_or_deletes_a_view(world):
    view = saved_view_create(owner=world.agent1, name="Mía", filters=InboxFilters(), ordering="updated")

    for actor in (world.agent2, world.admin, world.customer_a.user):
        with pytest.raises(NotFound):
            saved_view_rename(actor=actor, view_id=view.pk, name="Robada")
        with pytest.raises(NotFound):
            saved_view_delete(actor=actor, view_id=view.pk)
    view.refresh_from_db()
    assert view.name == "Mía"

    assert saved_view_rename(actor=world.agent1, view_id=view.pk, name="Renombrada").name == "Renombrada"
    saved_view_delete(actor=world.agent1, view_id=view.pk)
    assert not SavedView.objects.exists()
    with pytest.raises(NotFound):
        saved_view_delete(actor=world.agent1, view_id=10**30)  # no overflow on impossible ids


# --- bulk actions -------------------------------------------------------------------------------

def snapshot() -> list[tuple]:
    return list(Ticket.objects.order_by("pk").values_list("pk", "status", "priority", "assignee_id", "merged_into_id", "updated_at"))


def test_assign_status_and_priority_change_every_selected_ticket(world, make_tickets):
    one, two = make_tickets(2)
    ids = [one.pk, two.pk]

    inbox_bulk_apply(actor=world.agent1, ticket_ids=ids, action="assign", value="me")
    assert set(Ticket.objects.filter(pk__in=ids).values_list("assignee_id", "status")) == {(world.agent1.pk, "open")}
    inbox_bulk_apply(actor=world.agent1, ticket_ids=ids, action="status", value="pending_customer")
    inbox_bulk_apply(actor=world.agent1, ticket_ids=ids, action="priority", value="high")
    assert set(Ticket.objects.filter(pk__in=ids).values_list("status", "priority")) == {("pending_customer", "high")}
    inbox_bulk_apply(actor=world.agent1, ticket_ids=ids, action="assign", value="none")
    assert set(Ticket.objects.filter(pk__in=ids).values_list("assignee_id", flat=True)) == {None}
    # Each change is in the tickets' history, as if made one by one.
    assert TicketEvent.objects.filter(ticket_id__in=ids, field="priority").count() == 2


def test_add_tag_keeps_each_tickets_own_tags(world, make_tickets):
    one, two = make_tickets(2)
    ticket_update(actor=world.admin, ticket=one, changes={"tags": ["factura"]})

    inbox_bulk_apply(actor=world.agent1, ticket_ids=[one.pk, two.pk], action="tag", value="  VIP ")

    assert tag_names_by_ticket([one, two]) == {one.pk: ["factura", "vip"], two.pk: ["vip"]}


def test_merge_the_selected_into_the_one_kept(world, make_tickets):
    one, two, three = make_tickets(3)

    outcome = inbox_bulk_apply(actor=world.agent1, ticket_ids=[one.pk, two.pk, three.pk], action="merge", value=str(two.pk))

    assert outcome.target.pk == two.pk
    assert dict(Ticket.objects.filter(pk__in=[one.pk, three.pk]).values_list("pk", "merged_into_id")) == {
        one.pk: two.pk, three.pk: two.pk
    }
    assert Message.objects.filter(ticket=two, body_text="Texto").count() == 3


def test_merge_needs_a_kept_ticket_among_the_selected(world, make_tickets):
    one, two = make_tickets(2)
    before = snapshot()

    for value in ("", str(world.ticket_a.pk), "abc"):
        with pytest.raises(Invalid):
            inbox_bulk_apply(actor=world.agent1, ticket_ids=[one.pk, two.pk], action="merge", value=value)
    with pytest.raises(Invalid):
        inbox_bulk_apply(actor=world.agent1, ticket_ids=[one.pk], action="merge", value=str(one.pk))
    assert snapshot() == before


def test_a_ticket_the_agent_cannot_see_stops_the_batch_unnamed(world, make_tickets):
    one, two = make_tickets(2)
    before = snapshot()

    with pytest.raises(NotFound) as refused:
        inbox_bulk_apply(actor=world.agent1, ticket_ids=[one.pk, two.pk, world.ticket_b.pk], action="priority", value="urgent")

    assert str(world.ticket_b.number) not in str(refused.value.message or "")
    assert snapshot() == before


def test_a_ticket_the_agent_may_see_but_not_change_is_named(world):
    before = snapshot()

    with pytest.raises(Forbidden) as refused:  # referred to the collaborator: read and note only
        inbox_bulk_apply(actor=world.collaborator, ticket_ids=[world.ticket_a.pk], action="tag", value="dns")

    assert refused.value.message == f"You may not change ticket #{world.ticket_a.number}."
    assert snapshot() == before and tag_names_by_ticket([world.ticket_a])[world.ticket_a.pk] == []


def test_a_closed_ticket_stops_the_batch_and_is_named(world, make_tickets):
    one, closed = make_tickets(2)
    ticket_update(actor=world.admin, ticket=closed, changes={"status": "closed"})
    before = snapshot()

    with pytest.raises(Conflict) as refused:
        inbox_bulk_apply(actor=world.agent1, ticket_ids=[one.pk, closed.pk], action="priority", value="high")

    assert refused.value.message == f"Ticket #{closed.number} is closed or merged and cannot be changed."
    assert snapshot() == before


def test_bad_bulk_input_changes_nothing(world, make_tickets):
    one, = make_tickets(1)
    before = snapshot()
    cases = [
        ([], "status", "open"), ([one.pk], "status", "merged"), ([one.pk], "status", "bogus"),
        ([one.pk], "priority", "p0"), ([one.pk], "tag", "   "), ([one.pk], "tag", "a,b"),
        ([one.pk], "assign", "x"), ([one.pk], "assign", str(world.agent2.pk)),  # agent 2 is not in team 1
        ([one.pk], "explode", ""), (list(range(1, 102)), "status", "open"),
    ]
    for ids, action, value in cases:
        with pytest.raises((Invalid, NotFound)):
            inbox_bulk_apply(actor=world.agent1, ticket_ids=ids, action=action, value=value)
    assert snapshot() == before

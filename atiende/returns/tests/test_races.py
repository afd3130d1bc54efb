"""Two agents moving the same RMA at once: the row is locked (`select_for_update`), so exactly one
step is taken and the other agent gets the allowed next states. Real on PostgreSQL; SQLite
serializes writers anyway, so there it only shows the outcome."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from datetime import date

import pytest
from django.db import connection, transaction

from atiende.assets.services import asset_create, product_create
from atiende.returns.models import Rma, RmaEvent
from atiende.returns.services import rma_open, rma_transition
from atiende.tickets.models import Ticket
from tests.concurrency import race

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@contextmanager
def ticket_held(ticket_id: int, seconds: float = 0.6):
    """On PostgreSQL, another connection holds the ticket row for `seconds` from now."""
    if connection.vendor != "postgresql":
        yield
        return
    taken = threading.Event()

    def hold() -> None:
        from django.db import connection as own

        try:
            with transaction.atomic():
                Ticket.objects.select_for_update().get(pk=ticket_id)
                taken.set()
                time.sleep(seconds)
        finally:
            own.close()

    holder = threading.Thread(target=hold)
    holder.start()
    taken.wait(5)
    yield
    holder.join()




@pytest.fixture
def rma(world):
    router = product_create(actor=world.admin, name="Router", kind="device", warranty_months=600 // 50)
    asset = asset_create(actor=world.admin, product=router, customer=world.customer_a, identifier="SN-R1",
                         purchased_on=date.today())
    return rma_open(actor=world.agent1, ticket=world.ticket_a, assets=[asset.pk], reason="No enciende",
                    return_method="courier_pickup")


@pytest.mark.parametrize(("before", "targets"), [([], ("approved", "approved")),
                                                 (["approved", "received", "diagnosed"], ("repaired", "refunded"))])
def test_two_agents_moving_one_rma_one_wins(world, rma, before, targets):
    for step in before:
        rma = rma_transition(actor=world.agent1, rma=rma, to=step)
    first, second = targets
    with ticket_held(world.ticket_a.pk):
        outcomes = race(lambda: rma_transition(actor=world.agent1, rma=rma, to=first),
                        lambda: rma_transition(actor=world.supervisor, rma=rma, to=second))
    assert outcomes.count("ok") == 1
    if connection.vendor == "postgresql":
        assert sorted(outcomes) == ["ok", "transition_not_allowed"]
    moved = Rma.objects.get(pk=rma.pk)
    assert moved.state in targets
    assert list(RmaEvent.objects.filter(rma=rma, kind="transition").values_list("to_state", flat=True)) == [
        *before, moved.state]

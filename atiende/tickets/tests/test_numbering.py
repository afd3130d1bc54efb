"""Ticket numbers are sequential and unique even when many are created at once."""

import threading

import pytest
from django.db import connection

from atiende.tickets.models import Ticket
from atiende.tickets.services import ticket_create


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_creation_gives_unique_sequential_numbers(world):
    errors: list[Exception] = []

    def create(worker: int) -> None:
        try:
            for i in range(5):
                ticket_create(actor=world.customer_a.user, subject=f"Hilo {worker}-{i}", body="x")
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Ticket.objects.filter(subject__startswith="Hilo").values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 40
    assert numbers == list(range(numbers[0], numbers[0] + 40))
    assert numbers[0] == world.ticket_b.number + 1

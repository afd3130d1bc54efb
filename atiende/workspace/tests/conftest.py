"""Fixtures for the workspace tests: signed-in page clients and tickets made through the services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from atiende.core import clock
from atiende.tickets.models import Ticket
from atiende.tickets.services import ticket_create

START = datetime(2024, 3, 4, 15, 0, tzinfo=UTC)  # before the fixture's own tickets (created "now")


@pytest.fixture
def page_client() -> Callable[..., Client]:
    """`page_client(user)`: a browser-like client with a signed-in session (pages use sessions)."""

    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def make_tickets(world) -> Callable[..., list[Ticket]]:
    """`make_tickets(n, **fields)`: n tickets by customer A created by the admin through
    `ticket_create`, one minute apart from START (or all at `at=` to make ties), team 1 unless
    told otherwise."""

    def make(n: int, *, at: datetime | None = None, team=None, subject: str = "Pedido", **fields) -> list[Ticket]:
        made = []
        for i in range(n):
            when = at or START + timedelta(minutes=len(made_so_far) + i)
            with clock.frozen_at(when):
                made.append(ticket_create(
                    actor=world.admin, subject=f"{subject} {i}", body="Texto", requester=world.customer_a,
                    team=team if team is not None else world.team1, **fields,
                ))
        made_so_far.extend(made)
        return made

    made_so_far: list[Ticket] = []
    return make

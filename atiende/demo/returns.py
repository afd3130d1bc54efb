"""The demo's returns and repairs, once, through the returns services: Grupo MercaZona's office
router in repair under its extended warranty (received and diagnosed), and Gabriel's old router,
out of warranty, with a quote waiting for his answer in the portal.

Its own guard (any RMA), so a database that had the demo before RMAs existed gets them on the
next `atiende demo`, and a second run creates nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db import transaction

from atiende.accounts.models import User
from atiende.assets.models import Asset
from atiende.core import clock
from atiende.customers.models import Customer
from atiende.returns.models import Rma
from atiende.returns.services import rma_open, rma_transition
from atiende.tickets.models import Channel, Ticket
from atiende.tickets.services import ticket_create
from atiende.tickets.status import behaviour

# (requester's email, asset identifier, subject and first message if a ticket must be opened)
IN_REPAIR = ("cliente2@demo.atiende.mx", "RTX6-MZ-88213", "El router de la oficina se reinicia solo",
             "Desde el lunes el router se reinicia cada media hora y nos quedamos sin red.")
QUOTED = ("gabriel.ortiz@demo.atiende.mx", "RTX6-GO-10457", "Mi router ya no enciende",
          "Se fue la luz y el router ya no prende; la luz de encendido no se ilumina.")


def _ticket(email: str, subject: str, body: str, at: datetime) -> Ticket:
    """The requester's latest ticket that still takes messages, or a new one."""
    customer = Customer.objects.get(identities__kind="email", identities__value=email)
    for ticket in Ticket.objects.filter(requester=customer).order_by("-id")[:20]:
        if not behaviour(ticket.status).is_terminal:
            return ticket
    with clock.frozen_at(at):
        return ticket_create(actor=customer.user, subject=subject, body=body, channel=Channel.PORTAL)


def _after(ticket: Ticket, now: datetime, *, parts: int) -> Iterator[datetime]:
    """Instants evenly between the ticket's last change (at most 6 days back) and `now`, excluded."""
    start = max(ticket.updated_at, now - timedelta(days=6))
    return (start + (now - start) * k / parts for k in range(1, parts))


def load_demo_rmas(*, actor: User, now: datetime | None = None) -> int:
    """Create the demo RMAs unless there are RMAs already; returns how many."""
    now = now or clock.now()
    with transaction.atomic():
        if Rma.objects.exists() or not Asset.objects.filter(identifier=IN_REPAIR[1]).exists():
            return 0
        email, identifier, subject, body = IN_REPAIR
        ticket = _ticket(email, subject, body, now - timedelta(days=6))
        at = _after(ticket, now, parts=5)  # the steps come after the ticket's last change, before the load
        asset = Asset.objects.get(identifier=identifier)
        with clock.frozen_at(next(at)):
            rma = rma_open(actor=actor, ticket=ticket, assets=[asset.pk], return_method="courier_pickup",
                           reason="Se reinicia cada media hora; el cliente ya cambió el cable de corriente.")
        for step, note in (("approved", ""), ("received", ""),
                           ("diagnosed", "La fuente de poder está dañada; la cambiamos sin costo.")):
            with clock.frozen_at(next(at)):
                rma = rma_transition(actor=actor, rma=rma, to=step, note=note)
        email, identifier, subject, body = QUOTED
        ticket = _ticket(email, subject, body, now - timedelta(hours=30))
        asset = Asset.objects.get(identifier=identifier)
        with clock.frozen_at(next(_after(ticket, now, parts=2))):
            rma_open(actor=actor, ticket=ticket, assets=[asset.pk], return_method="drop_off", coverage="paid",
                     quote_amount="1450.00", reason="No enciende después de un apagón; la garantía ya terminó.")
        return 2

"""The demo's goodwill credits, once, through the credits services and with the default limits:
the supervisor's 350 MXN credit to Rosa for a late first answer (within her limit: approved, Rosa
told on her ticket), and her 6,500 MXN refund request for Grupo MercaZona after the router
outage (above a supervisor's 5,000: waiting for an admin on the approvals page).

Its own guard (any credit), so a database that had the demo before credits gets them on the next
`atiende demo`, and a second run creates nothing."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from atiende.accounts.models import User
from atiende.core import clock
from atiende.credits.models import Credit
from atiende.credits.services import credit_offer
from atiende.customers.models import Customer
from atiende.tickets.models import Ticket
from atiende.tickets.status import behaviour

SUPERVISOR = "supervisora@demo.atiende.mx"
# (requester's email, kind, amount, reason)
OFFERS = (
    ("cliente@demo.atiende.mx", "credit", "350.00",
     "La primera respuesta llegó después del tiempo prometido en su plan."),
    ("cliente2@demo.atiende.mx", "refund_request", "6500.00",
     "El router de la oficina estuvo fallando una semana; reembolso proporcional del mes."),
)


def _open_ticket(email: str) -> Ticket | None:
    """The requester's latest open ticket (a notice on it changes no status), else the latest that
    still takes messages."""
    customer = Customer.objects.filter(identities__kind="email", identities__value=email).first()
    tickets = list(Ticket.objects.filter(requester=customer).order_by("-id")[:20])
    live = [t for t in tickets if not behaviour(t.status).is_terminal]
    return next((t for t in live if t.status == "open"), live[0] if live else None)


def load_demo_credits(*, now: datetime | None = None) -> int:
    """Create the demo credits unless there are credits already; returns how many."""
    now = now or clock.now()
    with transaction.atomic():
        supervisor = User.objects.filter(email=SUPERVISOR).first()
        if Credit.objects.exists() or supervisor is None:
            return 0
        made = 0
        for email, kind, amount, reason in OFFERS:
            ticket = _open_ticket(email)
            if ticket is None:
                continue
            with clock.frozen_at(ticket.updated_at + (now - ticket.updated_at) / 2):  # after its last change, before the load
                credit_offer(actor=supervisor, ticket=ticket, kind=kind, amount=amount, reason=reason)
            made += 1
        return made

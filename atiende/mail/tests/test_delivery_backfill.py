"""The data migration that gives every reply's email sent before the channel port its delivery."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from atiende.customers.services import customer_create
from atiende.mail.models import DeliveryStatus as EmailStatus
from atiende.mail.models import OutboundEmail
from atiende.tickets.models import Delivery, DeliveryStatus, Message
from atiende.tickets.services import channel_ticket_create

BEFORE = [("mail", "0003_outbound_email_delivery")]
AFTER = [("mail", "0004_outbound_email_deliveries_backfill")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_replies_emailed_before_the_port_get_their_delivery_and_acknowledgements_do_not():
    _migrate(BEFORE)  # only data changes between the two: today's models fit both
    try:
        customer = customer_create(name="Lupita", identities={"email": "lupita@abarrotes.mx"})
        ticket, first = channel_ticket_create(requester=customer, subject="Correo", body="No llega", channel="email",
                                              acknowledge=False)
        reply = Message.objects.create(ticket=ticket, kind="public", author_kind="agent", channel="api", body_text="Hola")
        failed = Message.objects.create(ticket=ticket, kind="public", author_kind="agent", channel="api", body_text="Otra")
        sent = OutboundEmail.objects.create(ticket=ticket, message=reply, header_id="a@nopal.mx", subject="s",
                                            status=EmailStatus.SENT, attempts=1)
        lost = OutboundEmail.objects.create(ticket=ticket, message=failed, header_id="b@nopal.mx", subject="s",
                                            status=EmailStatus.FAILED, attempts=5, last_error="SMTPException: 550")
        ack = OutboundEmail.objects.create(ticket=ticket, header_id="c@nopal.mx", subject="s", status=EmailStatus.SENT)
    finally:
        _migrate(AFTER)
    sent.refresh_from_db()
    lost.refresh_from_db()
    ack.refresh_from_db()
    assert ack.delivery_id is None and Delivery.objects.count() == 2
    assert Delivery.objects.filter(message=first).count() == 0
    done, broken = Delivery.objects.get(pk=sent.delivery_id), Delivery.objects.get(pk=lost.delivery_id)
    assert (done.message_id, done.channel, done.status, done.external_id) == (reply.pk, "email", DeliveryStatus.SENT,
                                                                             "a@nopal.mx")
    assert (broken.message_id, broken.status, broken.attempts, broken.failure_reason) == (
        failed.pk, DeliveryStatus.FAILED, 5, "SMTPException: 550")

"""The channel port's outbound half: a public agent reply is delivered by the adapter registered
for its ticket's channel, with a Delivery per message that the timeline shows and retries use.

A test adapter stands in for a channel that has no app yet (WhatsApp): registered here exactly as
an app's `ready()` would, it proves a non-mail ticket is answered through the port and never by
email; the mail adapter (registered by MailConfig) keeps email tickets as they were."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.core import mail
from django.test import Client

from atiende.customers.services import customer_create
from atiende.mail.models import DeliveryStatus as EmailStatus
from atiende.mail.models import OutboundEmail
from atiende.tickets import channels
from atiende.tickets.models import Channel, Delivery, DeliveryStatus, Ticket
from atiende.tickets.notifications import acknowledgement_send
from atiende.tickets.services import (
    channel_ticket_create,
    delivery_attempt,
    delivery_status_record,
    message_create,
    ticket_create,
)
from atiende.tickets.services.deliveries import MAX_ATTEMPTS

pytestmark = pytest.mark.django_db


@dataclass
class FakeWhatsApp:
    """An adapter as a channel app writes one; `failing` makes its sends fail (not for good)."""

    channel: str = Channel.WHATSAPP.value
    serves: frozenset = frozenset({Channel.WHATSAPP.value})
    prefetch: tuple = ()
    failing: str = ""
    refused: bool = False  # the network error an HTTP client raises, not wrapped by the adapter
    sent: list = field(default_factory=list)
    acknowledged: list = field(default_factory=list)
    requeued: list = field(default_factory=list)

    def reaches(self, ticket):
        return True

    def prepare(self, delivery):
        return ""

    def deliver(self, delivery):
        if self.refused:
            raise ConnectionRefusedError(111, "Connection refused")
        if self.failing:
            raise channels.DeliveryFailed(self.failing)
        self.sent.append((delivery.message.ticket_id, delivery.message.body_text))
        return f"wamid.{delivery.pk}"

    def requeue(self, delivery):
        self.requeued.append(delivery.pk)

    def acknowledge(self, ticket, notice):
        self.acknowledged.append((ticket.pk, notice.subject))
        return True

    def describe(self, message):
        return {}

    def original_exists(self):
        from django.db.models import Exists, OuterRef

        return Exists(Delivery.objects.filter(pk=OuterRef("pk"), external_id="never"))

    def original(self, message):
        return None


@pytest.fixture
def whatsapp():
    # The whatsapp app registers the real adapter: the fake stands in for it during the test.
    real = channels.adapter_for("whatsapp")
    if real is not None:
        channels.unregister_adapter(real)
    adapter = FakeWhatsApp()
    channels.register_adapter(adapter)
    yield adapter
    channels.unregister_adapter(adapter)
    if real is not None:
        channels.register_adapter(real)


@pytest.fixture
def whatsapp_ticket(world) -> Ticket:
    # The customer also has an email address: the port must still never email them.
    customer = customer_create(name="Rosa Méndez", identities={"email": "rosa@papeleria.mx", "phone": "+52 33 1234 5678"})
    return ticket_create(actor=world.agent1, subject="Pedido por WhatsApp", body="¿Ya salió mi pedido?",
                         requester=customer, channel=Channel.WHATSAPP, team=world.team1)


def test_a_whatsapp_reply_is_delivered_by_its_adapter_and_never_by_email(
    world, whatsapp, whatsapp_ticket, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_create(actor=world.agent1, ticket=whatsapp_ticket, body="Sí, sale hoy en la tarde.")
    delivery = Delivery.objects.get(message=reply)
    assert (delivery.channel, delivery.status, delivery.attempts) == ("whatsapp", DeliveryStatus.SENT, 1)
    assert delivery.external_id == f"wamid.{delivery.pk}" and delivery.sent_at is not None
    assert whatsapp.sent == [(whatsapp_ticket.pk, "Sí, sale hoy en la tarde.")]
    assert not OutboundEmail.objects.filter(ticket=whatsapp_ticket).exists() and mail.outbox == []


def test_internal_notes_and_customer_messages_get_no_delivery(world, whatsapp, whatsapp_ticket,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message_create(actor=world.agent1, ticket=whatsapp_ticket, body="Nota", internal=True)
    assert not Delivery.objects.filter(message__ticket=whatsapp_ticket).exists() and whatsapp.sent == []


def test_a_new_whatsapp_request_is_acknowledged_on_whatsapp_not_by_email(
    whatsapp, django_capture_on_commit_callbacks
):
    customer = customer_create(name="Rosa Méndez", identities={"email": "rosa@papeleria.mx"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket, _message = channel_ticket_create(requester=customer, subject="Factura", body="Necesito mi factura",
                                                 channel=Channel.WHATSAPP)
    assert whatsapp.acknowledged == [(ticket.pk, f"[{ticket.reference}] Recibimos tu solicitud: Factura")]
    assert mail.outbox == []


def test_a_channel_without_an_adapter_gets_no_acknowledgement_and_no_reply_by_email(
    world, django_capture_on_commit_callbacks
):
    # No WhatsApp app yet: the customer's email address must not be used behind their back.
    customer = customer_create(name="Rosa Méndez", identities={"email": "rosa@papeleria.mx"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket, _message = channel_ticket_create(requester=customer, subject="Hola", body="Hola",
                                                 channel=Channel.WHATSAPP)
        message_create(actor=world.admin, ticket=ticket, body="Le escribimos pronto")
    assert mail.outbox == [] and acknowledgement_send(ticket_id=ticket.pk) is False
    assert not Delivery.objects.filter(message__ticket=ticket).exists()
    assert not OutboundEmail.objects.filter(ticket=ticket).exists()


def test_a_written_reply_to_a_caller_goes_to_their_email(world, django_capture_on_commit_callbacks):
    """Phone is served by mail: a call is logged, and the agent's written reply reaches the caller
    at their email address (nowhere would be worse), with its delivery."""
    caller = customer_create(name="Don Chema", identities={"email": "chema@taller.mx", "phone": "+52 55 1234 5678"})
    ticket = ticket_create(actor=world.agent1, subject="Llamada", body="Llamó", requester=caller, channel="phone")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_create(actor=world.agent1, ticket=ticket, body="Le devolvimos la llamada")
    assert [m.to for m in mail.outbox] == [["chema@taller.mx"]]
    assert Delivery.objects.get(message=reply).status == DeliveryStatus.SENT


def test_delivery_lifecycle_queued_failed_then_retried_and_sent(
    world, whatsapp, whatsapp_ticket, django_capture_on_commit_callbacks
):
    whatsapp.failing = "HTTP 503 from the Graph API"
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_create(actor=world.agent1, ticket=whatsapp_ticket, body="Ya va")
    delivery = Delivery.objects.get(message=reply)
    assert (delivery.status, delivery.attempts, delivery.failure_reason) == (
        DeliveryStatus.QUEUED, 1, "HTTP 503 from the Graph API")
    for _attempt in range(MAX_ATTEMPTS - 1):
        delivery_attempt(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS)
    assert delivery.failed_at is not None and delivery_attempt(delivery.pk) == "sent"  # failed for good: left alone
    delivery.refresh_from_db()
    assert delivery.attempts == MAX_ATTEMPTS

    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(world.agent1, backend="atiende.accounts.backends.EmailBackend")
    html = page.get(f"/tickets/{whatsapp_ticket.number}/").content.decode()
    assert f'class="delivery delivery-failed" data-delivery-id="{delivery.pk}"' in html
    assert "Could not be sent via WhatsApp: HTTP 503 from the Graph API" in html

    whatsapp.failing = ""
    agent = world.client_for(world.agent1)
    with django_capture_on_commit_callbacks(execute=True):
        answer = agent.post(f"/api/v1/deliveries/{delivery.pk}/retry/")
    assert answer.status_code == 200 and answer.json()["status"] == "queued" and answer.json()["attempts"] == 0
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.failure_reason) == (DeliveryStatus.SENT, 1, "")
    assert whatsapp.requeued == [delivery.pk] and whatsapp.sent == [(whatsapp_ticket.pk, "Ya va")]
    assert agent.post(f"/api/v1/deliveries/{delivery.pk}/retry/").status_code == 409  # went out already

    rows = agent.get(f"/api/v1/tickets/{whatsapp_ticket.pk}/messages/").json()["results"]
    assert rows[-1]["deliveries"][0]["status"] == "sent" and rows[-1]["emails"] == []
    assert rows[-1]["deliveries"][0]["external_id"] == f"wamid.{delivery.pk}"


def test_a_network_error_the_adapter_lets_through_is_a_failed_attempt_not_a_lost_delivery(
    world, whatsapp, whatsapp_ticket, django_capture_on_commit_callbacks
):
    whatsapp.refused = True
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_create(actor=world.agent1, ticket=whatsapp_ticket, body="Ya va")
    delivery = Delivery.objects.get(message=reply)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.QUEUED, 1)
    assert delivery.failure_reason == "ConnectionRefusedError: [Errno 111] Connection refused"


def test_only_agents_who_may_edit_the_ticket_retry_a_delivery(world, whatsapp, whatsapp_ticket):
    whatsapp.failing = "boom"
    reply = message_create(actor=world.agent1, ticket=whatsapp_ticket, body="Ya va")  # not committed: stays queued
    delivery = Delivery.objects.get(message=reply)
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, failure_reason="boom")
    customer = whatsapp_ticket.requester
    customer_client = Client()
    assert customer_client.post(f"/api/v1/deliveries/{delivery.pk}/retry/").status_code in (401, 403)
    assert world.client_for(world.agent2).post(f"/api/v1/deliveries/{delivery.pk}/retry/").status_code == 404
    assert world.client_for(world.collaborator).post(f"/api/v1/deliveries/{delivery.pk}/retry/").status_code == 404
    # The requester sees the ticket but cannot act on it (as for the email retry).
    assert world.client_for(customer.user).post(f"/api/v1/deliveries/{delivery.pk}/retry/").status_code == 403
    assert world.client_for(world.agent1).post("/api/v1/deliveries/999999/retry/").status_code == 404
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and whatsapp.requeued == []


def test_receipts_move_a_delivery_forward_only(world, whatsapp, whatsapp_ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_create(actor=world.agent1, ticket=whatsapp_ticket, body="Listo")
    delivery = Delivery.objects.get(message=reply)
    wamid = delivery.external_id
    delivery_status_record(channel="whatsapp", external_id=wamid, status="read")
    delivery_status_record(channel="whatsapp", external_id=wamid, status="delivered")  # late: ignored
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.READ and delivery.read_at is not None and delivery.delivered_at is None
    assert delivery_status_record(channel="whatsapp", external_id="wamid.unknown", status="read") is None
    assert delivery_status_record(channel="telegram", external_id=wamid, status="failed") is None
    delivery_status_record(channel="whatsapp", external_id=wamid, status="failed", reason="131047 re-engagement")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.failure_reason) == (DeliveryStatus.FAILED, "131047 re-engagement")


def test_an_email_ticket_is_answered_by_email_with_its_delivery_in_step(
    world, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    customer = customer_create(name="Lupita", identities={"email": "lupita@abarrotes.mx"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket, _message = channel_ticket_create(requester=customer, subject="Correo", body="No llega",
                                                 channel=Channel.EMAIL)
        reply = message_create(actor=world.agent1, ticket=ticket, body="Revisamos su MX")
    assert [m.to for m in mail.outbox] == [["lupita@abarrotes.mx"], ["lupita@abarrotes.mx"]]  # acknowledgement, reply
    email = OutboundEmail.objects.get(message=reply)
    delivery = Delivery.objects.get(message=reply)
    assert email.delivery_id == delivery.pk and email.status == EmailStatus.SENT
    assert (delivery.channel, delivery.status, delivery.external_id) == ("email", DeliveryStatus.SENT, email.header_id)
    # The old endpoint stays: a sent email is a 409 there too.
    assert world.client_for(world.admin).post(f"/api/v1/emails/{email.pk}/retry/").status_code == 409


def test_the_email_retry_endpoint_retries_through_the_delivery(world, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    customer = customer_create(name="Lupita", identities={"email": "lupita@abarrotes.mx"})
    ticket, _message = channel_ticket_create(requester=customer, subject="Correo", body="No llega",
                                             channel=Channel.EMAIL, acknowledge=False, team=world.team1)
    reply = message_create(actor=world.agent1, ticket=ticket, body="Revisamos su MX")  # not committed: queued
    email = OutboundEmail.objects.get(message=reply)
    OutboundEmail.objects.filter(pk=email.pk).update(status=EmailStatus.FAILED, last_error="SMTPException: 550")
    Delivery.objects.filter(pk=email.delivery_id).update(status=DeliveryStatus.FAILED, failure_reason="550")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = world.client_for(world.agent1).post(f"/api/v1/emails/{email.pk}/retry/")
    assert answer.status_code == 200 and answer.json()["status"] == "queued"
    email.refresh_from_db()
    delivery = Delivery.objects.get(pk=email.delivery_id)
    assert email.status == EmailStatus.SENT and delivery.status == DeliveryStatus.SENT and len(mail.outbox) == 1


def test_registering_a_second_adapter_for_a_served_channel_is_refused(whatsapp):
    class Other(FakeWhatsApp):
        pass

    with pytest.raises(RuntimeError):
        channels.register_adapter(Other())
    assert channels.adapter_for("whatsapp") is whatsapp


def test_admins_see_failed_deliveries_and_retry_them_from_the_admin(
    world, whatsapp, whatsapp_ticket, django_capture_on_commit_callbacks
):
    whatsapp.failing = "(#131047) Re-engagement message"
    reply = message_create(actor=world.agent1, ticket=whatsapp_ticket, body="Ya va")
    delivery = Delivery.objects.get(message=reply)
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, failure_reason=whatsapp.failing)
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(world.admin, backend="atiende.accounts.backends.EmailBackend")
    listing = browser.get("/admin/tickets/delivery/?status__exact=failed").content.decode()
    assert "(#131047) Re-engagement message" in listing and str(whatsapp_ticket) in listing
    assert browser.post(f"/admin/tickets/delivery/{delivery.pk}/change/", {"status": "sent"}).status_code == 403

    whatsapp.failing = ""
    with django_capture_on_commit_callbacks(execute=True):
        answer = browser.post("/admin/tickets/delivery/", {"action": "retry", "_selected_action": [delivery.pk]},
                              follow=True)
    assert "Deliveries queued again: 1." in answer.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and whatsapp.sent == [(whatsapp_ticket.pk, "Ya va")]

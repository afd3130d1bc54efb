"""Agents' replies leave by SMTP (a real aiosmtpd on loopback) and the customer's answer threads back."""

from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from atiende.mail import outbound
from atiende.mail.models import DeliveryStatus, OutboundEmail
from atiende.mail.services import Outcome, ingest
from atiende.mail.tokens import read_token
from atiende.tickets.models import Ticket
from atiende.tickets.services import message_create, ticket_refer

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings, smtp_server, smtp_outbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.MAIL_SUPPORT_ADDRESS = "soporte@nopal.mx"
    return smtp_outbox


def customer_writes(subject="No me llegan correos", body="Desde el lunes no recibo nada.", **headers) -> Ticket:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "Lupita Ramírez <lupita@abarrotes.mx>", "soporte@nopal.mx", subject
    message["Message-ID"] = headers.pop("message_id", make_msgid(domain="abarrotes.mx"))
    for name, value in headers.items():
        message[name] = value
    message.set_content(body)
    return Ticket.objects.get(pk=ingest(message.as_bytes(), source="file").ticket_id)


def sent_to_customer(smtp) -> EmailMessage:
    return message_from_bytes(smtp[-1].raw, policy=policy.default)


def test_reply_is_threaded_signed_quoted_and_goes_to_the_requester_only(
    world, smtp, django_capture_on_commit_callbacks
):
    world.team1.email_signature = "Equipo de Soporte\nNopal Hosting"
    world.team1.save()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = customer_writes(message_id="<pregunta-1@abarrotes.mx>")
    Ticket.objects.filter(pk=ticket.pk).update(team=world.team1)
    ticket.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_refer(actor=world.admin, ticket=ticket, collaborator=world.collaborator, note="¿Lo revisas?")
        message_create(actor=world.agent1, ticket=ticket, body="Ya revisamos su MX; intente de nuevo.",
                       uploads=[SimpleUploadedFile("diagnostico.txt", b"MX ok\n", "text/plain")])
    email = OutboundEmail.objects.get(ticket=ticket, message__isnull=False)
    assert email.status == DeliveryStatus.SENT and email.attempts == 1
    captured = smtp[-1]
    assert sorted(captured.rcpt_tos) == ["colabora@example.mx", "lupita@abarrotes.mx"]
    sent = sent_to_customer(smtp)
    assert sent["To"] == "lupita@abarrotes.mx" and sent["Cc"] is None and sent["Bcc"] is None
    assert sent["Subject"] == f"[{ticket.reference}] No me llegan correos"
    assert sent["Message-ID"] == f"<{email.header_id}>"
    assert sent["In-Reply-To"] == "<pregunta-1@abarrotes.mx>"
    token = read_token(sent["Reply-To"].addresses[0].username.split("+", 1)[1])
    assert (token.ticket_id, token.person, token.person_id) == (ticket.pk, "c", ticket.requester_id)
    text = sent.get_body(("plain",)).get_content()
    assert "Ya revisamos su MX" in text and "Equipo de Soporte" in text and "> Desde el lunes no recibo nada." in text
    assert "<blockquote>" in sent.get_body(("html",)).get_content()
    assert [part.get_filename() for part in sent.iter_attachments()] == ["diagnostico.txt"]

    answer = EmailMessage()
    answer["From"], answer["To"] = "lupita@abarrotes.mx", sent["Reply-To"]
    answer["Subject"], answer["Message-ID"] = "Re: " + sent["Subject"], make_msgid(domain="abarrotes.mx")
    answer["In-Reply-To"] = sent["Message-ID"]
    answer.set_content("¡Ya funciona, gracias!")
    result = ingest(answer.as_bytes(), source="file")
    assert (result.outcome, result.ticket_id) == (Outcome.REPLY, ticket.pk)


def test_a_failing_server_leaves_the_reason_on_the_ticket_and_a_retry_sends_it(
    world, smtp, settings, django_capture_on_commit_callbacks
):
    ticket = customer_writes()
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 9  # discard port: nothing listens, the connection is refused
    with django_capture_on_commit_callbacks(execute=True):
        message_create(actor=world.agent1, ticket=ticket, body="Respuesta")
    email = OutboundEmail.objects.get(ticket=ticket)
    assert (email.status, email.attempts) == (DeliveryStatus.QUEUED, 1) and "Connection" in email.last_error
    for _attempt in range(outbound.MAX_ATTEMPTS - 1):
        outbound.deliver(email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (DeliveryStatus.FAILED, outbound.MAX_ATTEMPTS)
    settings.EMAIL_PORT = working_port
    with django_capture_on_commit_callbacks(execute=True):
        outbound.retry(email)
    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT and len(smtp) == 1


def test_header_values_never_carry_line_breaks_from_user_input(world, smtp, django_capture_on_commit_callbacks):
    ticket = customer_writes()
    world.team1.name = "Soporte\r\nBcc: intruso@evil.mx"
    world.team1.save()
    Ticket.objects.filter(pk=ticket.pk).update(team=world.team1)
    with django_capture_on_commit_callbacks(execute=True):
        message_create(actor=world.admin, ticket=ticket, body="Hola")
    assert smtp[-1].rcpt_tos == ["lupita@abarrotes.mx"]
    assert b"intruso" not in smtp[-1].raw.split(b"\r\n\r\n", 1)[0].replace(b"Soporte Bcc: intruso", b"")


def test_internal_notes_and_undeliverable_requesters_send_nothing(world, smtp, django_capture_on_commit_callbacks):
    ticket = customer_writes()
    ticket.requester.identities.update(undeliverable=True)
    with django_capture_on_commit_callbacks(execute=True):
        message_create(actor=world.agent1, ticket=ticket, body="Nota", internal=True)
        message_create(actor=world.agent1, ticket=ticket, body="Respuesta")
    email = OutboundEmail.objects.get(ticket=ticket)
    assert email.status == DeliveryStatus.FAILED and email.last_error and smtp == []


def test_agents_see_delivery_on_messages_retry_failures_and_read_originals(world, smtp, settings):
    ticket = customer_writes()
    Ticket.objects.filter(pk=ticket.pk).update(team=world.team1)  # out of agent 2's sight
    settings.EMAIL_PORT = 9  # refused
    message_create(actor=world.agent1, ticket=ticket, body="Respuesta")
    email = OutboundEmail.objects.get(ticket=ticket)
    OutboundEmail.objects.filter(pk=email.pk).update(status=DeliveryStatus.FAILED, last_error="SMTPException: 550")
    agent, customer = world.client_for(world.agent1), world.client_for(ticket.requester.user)
    rows = agent.get(f"/api/v1/tickets/{ticket.pk}/messages/").json()["results"]
    assert rows[-1]["emails"][0]["status"] == "failed" and rows[-1]["emails"][0]["last_error"] == "SMTPException: 550"
    assert all(row["emails"] is None for row in customer.get(f"/api/v1/tickets/{ticket.pk}/messages/").json()["results"])
    assert customer.post(f"/api/v1/emails/{email.pk}/retry/").status_code == 403  # sees the ticket, cannot act
    assert world.client_for(world.agent2).post(f"/api/v1/emails/{email.pk}/retry/").status_code == 404
    assert agent.post(f"/api/v1/emails/{email.pk}/retry/").json()["status"] == "queued"
    first = rows[0]["id"]
    original = agent.get(f"/api/v1/messages/{first}/original/")
    assert original.status_code == 200 and original["Content-Type"] == "message/rfc822"
    assert b"Desde el lunes" in b"".join(original.streaming_content)
    assert customer.get(f"/api/v1/messages/{first}/original/").status_code == 404


def test_the_acknowledgement_threads_and_the_customers_answer_comes_back(smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = customer_writes(message_id="<pregunta-9@abarrotes.mx>")
    ack = sent_to_customer(smtp)
    assert ack["Auto-Submitted"] == "auto-replied" and ack["In-Reply-To"] == "<pregunta-9@abarrotes.mx>"
    assert OutboundEmail.objects.get(ticket=ticket, message__isnull=True).status == DeliveryStatus.SENT
    answer = EmailMessage()
    answer["From"], answer["To"], answer["Subject"] = "lupita@abarrotes.mx", ack["Reply-To"], "Olvidé decirles"
    answer["Message-ID"], answer["In-Reply-To"] = make_msgid(domain="abarrotes.mx"), ack["Message-ID"]
    answer.set_content("También falla el webmail.")
    assert ingest(answer.as_bytes(), source="file").ticket_id == ticket.pk
    from atiende.tickets.notifications import acknowledgement_send

    assert acknowledgement_send(ticket_id=ticket.pk) is False and len(smtp) == 1  # sent once only


def test_requesters_without_email_get_no_email_and_no_failure(world, smtp, django_capture_on_commit_callbacks):
    from atiende.customers.services import customer_create
    from atiende.tickets.services import ticket_create

    caller = customer_create(name="Don Chema", identities={"phone": "+52 55 1234 5678"})
    ticket = ticket_create(actor=world.agent1, subject="Llamada", body="Llamó por su factura", requester=caller,
                           channel="phone")
    with django_capture_on_commit_callbacks(execute=True):
        message_create(actor=world.agent1, ticket=ticket, body="Le devolvimos la llamada")
    assert not OutboundEmail.objects.filter(ticket=ticket).exists() and smtp == []

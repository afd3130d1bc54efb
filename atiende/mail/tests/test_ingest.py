"""Ingestion: new tickets, threading, duplicates, automatic mail, agents' replies, quarantine."""

from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core import mail

from atiende.accounts.services import system_actor
from atiende.customers.models import Identity
from atiende.mail.models import InboundMessage, OutboundEmail, QuarantinedMessage
from atiende.mail.services import Outcome, ingest, quarantine_retry
from atiende.mail.tokens import Person, make_token, reply_address
from atiende.tickets.models import AuthorKind, Message, Ticket, TicketLink
from atiende.tickets.services import ticket_update

pytestmark = pytest.mark.django_db


def email(*, sender="Lupita Ramírez <lupita@abarrotes.mx>", to="soporte@nopal.mx", subject="Mi dominio no resuelve",
          body="Hola, desde ayer mi dominio abarrotes.mx no abre.", **headers) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Message-ID"] = headers.pop("message_id", make_msgid(domain="abarrotes.mx"))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def test_new_message_opens_a_ticket_for_a_new_customer_and_acknowledges_it(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest(email(), source="file")
    assert result.outcome == Outcome.NEW_TICKET
    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert (ticket.subject, ticket.channel, ticket.requester.name) == ("Mi dominio no resuelve", "email", "Lupita Ramírez")
    assert "abarrotes.mx no abre" in ticket.messages.get().body_text
    record = InboundMessage.objects.get()
    assert record.ticket == ticket and record.raw.read().startswith(b"From:")
    assert mail.outbox[-1].to == ["lupita@abarrotes.mx"] and f"[{ticket.reference}]" in mail.outbox[-1].subject


def test_the_same_message_twice_creates_nothing_twice():
    raw = email()
    assert ingest(raw, source="imap").outcome == Outcome.NEW_TICKET
    assert ingest(raw, source="file").outcome == Outcome.DUPLICATE
    assert (Ticket.objects.count(), Message.objects.count(), InboundMessage.objects.count()) == (1, 1, 1)


def test_a_message_without_message_id_is_deduplicated_by_its_bytes():
    raw = email().replace(b"Message-ID:", b"X-Old-ID:")
    assert ingest(raw, source="file").outcome == Outcome.NEW_TICKET
    assert ingest(raw, source="file").outcome == Outcome.DUPLICATE
    assert InboundMessage.objects.get().key.startswith("sha256:")


def test_replies_thread_by_headers_reference_and_subject_and_keep_only_the_new_part():
    first_id = make_msgid(domain="abarrotes.mx")
    ticket_id = ingest(email(message_id=first_id), source="file").ticket_id
    quoted = "Ya quedó, gracias.\n\nEl lun, 3 nov 2025 a las 10:00, Soporte <soporte@nopal.mx> escribió:\n> Revise sus DNS\n"
    by_header = ingest(email(subject="Re: Mi dominio no resuelve", body=quoted, In_Reply_To=first_id), source="file")
    ticket = Ticket.objects.get(pk=ticket_id)
    by_number = ingest(email(subject=f"Otra cosa [{ticket.reference}]", body="Y otra duda"), source="file")
    by_subject = ingest(email(subject="RE: Mi dominio no resuelve", body="¿Siguen ahí?"), source="file")
    assert [r.ticket_id for r in (by_header, by_number, by_subject)] == [ticket_id] * 3
    assert ticket.messages.order_by("id")[1].body_text == "Ya quedó, gracias."
    same_subject_no_reply = ingest(email(subject="Mi dominio no resuelve"), source="file")
    assert same_subject_no_reply.outcome == Outcome.NEW_TICKET


def test_reference_of_someone_elses_ticket_does_not_thread():
    ticket_id = ingest(email(), source="file").ticket_id
    ticket = Ticket.objects.get(pk=ticket_id)
    other = ingest(email(sender="intruso@otro.mx", subject=f"Hola [{ticket.reference}]"), source="file")
    assert other.outcome == Outcome.NEW_TICKET and other.ticket_id != ticket_id


def test_only_a_signed_token_makes_a_reply_an_agents(world):
    ticket_id = ingest(email(), source="file").ticket_id
    token = make_token(ticket_id, Person.AGENT, world.agent1.pk)
    ingest(email(sender="uno@example.mx", to=reply_address("soporte@nopal.mx", token), body="Revisamos sus DNS."),
           source="file")
    # Claiming the agent's address without the token is the agent's address writing as a customer.
    ingest(email(sender="uno@example.mx", subject="Re: Mi dominio no resuelve", body="Soy el agente, créanme",
                 In_Reply_To=InboundMessage.objects.first().header_id), source="file")
    forged = reply_address("soporte@nopal.mx", token[:-1] + ("a" if token[-1] != "a" else "b"))
    ingest(email(sender="x@evil.mx", to=forged, body="Token falso"), source="file")
    authors = list(Message.objects.filter(ticket_id=ticket_id).order_by("id").values_list("author_kind", "author_user"))
    assert authors[1] == (AuthorKind.AGENT, world.agent1.pk)
    assert authors[2][0] == AuthorKind.CUSTOMER
    assert Message.objects.filter(body_text="Token falso", ticket_id=ticket_id).count() == 0


def test_auto_reply_is_kept_as_a_note_and_never_answered(django_capture_on_commit_callbacks):
    first_id = make_msgid(domain="abarrotes.mx")
    with django_capture_on_commit_callbacks(execute=True):
        ticket_id = ingest(email(message_id=first_id), source="file").ticket_id
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest(email(subject="Respuesta automática: Mi dominio", body="Estoy de vacaciones",
                              Auto_Submitted="auto-replied", In_Reply_To=first_id), source="file")
    assert (result.outcome, result.ticket_id) == (Outcome.AUTOMATIC, ticket_id)
    note = Message.objects.filter(ticket_id=ticket_id).order_by("id").last()
    assert (note.kind, note.author_kind) == ("internal", AuthorKind.SYSTEM) and "vacaciones" in note.body_text
    assert len(mail.outbox) == sent and Ticket.objects.count() == 1


def test_permanent_bounce_marks_the_address_and_tells_the_agent():
    ticket_id = ingest(email(), source="file").ticket_id
    OutboundEmail.objects.create(ticket_id=ticket_id, header_id="respuesta-1@nopal.mx", subject="x",
                                 recipients=["lupita@abarrotes.mx"])
    bounce = (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.nopal.mx>\r\nTo: soporte@nopal.mx\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <rebote-1@mx.nopal.mx>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
        b"--B\r\nContent-Type: text/plain\r\n\r\nNo se pudo entregar.\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.nopal.mx\r\n\r\n"
        b"Final-Recipient: rfc822; lupita@abarrotes.mx\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        b"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <respuesta-1@nopal.mx>\r\n\r\n--B--\r\n"
    )
    result = ingest(bounce, source="file")
    assert (result.outcome, result.ticket_id, Ticket.objects.count()) == (Outcome.AUTOMATIC, ticket_id, 1)
    assert Identity.objects.get(value="lupita@abarrotes.mx").undeliverable
    note = Message.objects.filter(ticket_id=ticket_id, kind="internal").get()
    assert "lupita@abarrotes.mx" in note.body_text and "5.1.1" in note.body_text


def test_answer_to_a_closed_ticket_opens_a_linked_follow_up(world):
    first_id = make_msgid(domain="abarrotes.mx")
    ticket = Ticket.objects.get(pk=ingest(email(message_id=first_id), source="file").ticket_id)
    ticket_update(actor=world.admin, ticket=ticket, changes={"status": "closed"})
    result = ingest(email(subject="Re: Mi dominio no resuelve", body="Volvió a fallar", In_Reply_To=first_id), source="file")
    assert result.outcome == Outcome.NEW_TICKET and result.ticket_id != ticket.pk
    assert TicketLink.objects.filter(source=ticket, target_id=result.ticket_id).exists()


def test_the_follow_up_link_is_the_mail_actors_change_in_both_histories(world):
    first_id = make_msgid(domain="abarrotes.mx")
    ticket = Ticket.objects.get(pk=ingest(email(message_id=first_id), source="file").ticket_id)
    ticket_update(actor=world.admin, ticket=ticket, changes={"status": "closed"})
    follow_up = Ticket.objects.get(pk=ingest(email(body="Volvió a fallar", In_Reply_To=first_id), source="file").ticket_id)
    robot = system_actor("mail")
    assert list(ticket.events.filter(field="related_to").values_list("actor", "new_value")) == [
        (robot.pk, follow_up.reference)
    ]
    assert list(follow_up.events.filter(field="related_to").values_list("actor", "new_value")) == [
        (robot.pk, ticket.reference)
    ]


def test_unreadable_message_is_quarantined_whole_and_can_be_retried():
    result = ingest(b"\x00\x01 esto no es un correo", source="http")
    assert result.outcome == Outcome.QUARANTINED
    item = QuarantinedMessage.objects.get()
    assert item.raw.read() == b"\x00\x01 esto no es un correo" and item.code == "not_email"
    assert quarantine_retry(item).outcome == Outcome.QUARANTINED
    assert QuarantinedMessage.objects.count() == 1 and item.retried_at is not None


def test_auto_acknowledgements_are_capped_per_sender(django_capture_on_commit_callbacks, settings):
    settings.MAIL_AUTO_REPLIES_PER_HOUR = 2
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            ingest(email(subject=f"Caso {n}"), source="file")
    assert Ticket.objects.count() == 4 and len(mail.outbox) == 2


def test_cc_is_recorded_and_copied_agents_wait_for_an_agent_to_confirm_them(world):
    result = ingest(email(Cc="Ulises <UNO@example.mx>, vecina@abarrotes.mx"), source="file")
    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert list(ticket.collaborators.all()) == []
    assert list(ticket.copied_agents.values_list("agent", "state", "copied_by")) == [
        (world.agent1.pk, "pending", "lupita@abarrotes.mx"),
    ]
    assert InboundMessage.objects.get().cc == ["UNO@example.mx", "vecina@abarrotes.mx"]


def test_imports_can_take_mail_in_without_answering_anyone(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest(email(), source="file", answer=False)
    assert result.outcome == Outcome.NEW_TICKET and mail.outbox == []

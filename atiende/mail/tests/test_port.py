"""Mail on the channel port: the receipt each email leaves, dedup across the paths (one at a
time, bulk, concurrent copies), one acknowledgement per ticket, and the receipts migration."""

from __future__ import annotations

import threading
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from atiende.customers.services import customer_create
from atiende.mail.bulk import ingest_many
from atiende.mail.models import InboundMessage, OutboundEmail
from atiende.mail.services import Outcome, ingest
from atiende.tickets.models import ChannelReceipt, InboundOutcome, Message, Ticket, TicketLink
from atiende.tickets.services import channel_ticket_create, ticket_update

from .test_ingest import email

pytestmark = pytest.mark.django_db


def receipts() -> list[tuple]:
    return list(ChannelReceipt.objects.order_by("id").values_list("channel", "external_id", "outcome", "ticket_id",
                                                                  "message_id"))


def test_an_email_and_its_reply_leave_the_ports_receipts_with_their_results():
    first_id, answer_id = make_msgid(domain="abarrotes.mx"), make_msgid(domain="abarrotes.mx")
    new = ingest(email(message_id=first_id), source="file")
    reply = ingest(email(subject="Re: Mi dominio no resuelve", body="Sigue igual", message_id=answer_id,
                         In_Reply_To=first_id), source="file")
    assert (new.outcome, reply.outcome, reply.ticket_id) == (Outcome.NEW_TICKET, Outcome.REPLY, new.ticket_id)
    first, second = Message.objects.order_by("id")
    first_key, answer_key = first_id.strip("<>"), answer_id.strip("<>")
    assert receipts() == [("email", first_key, "new_ticket", new.ticket_id, first.pk),
                          ("email", answer_key, "reply", new.ticket_id, second.pk)]
    assert list(InboundMessage.objects.order_by("id").values_list("key", "kind", "message_id")) == [
        (first_key, "new_ticket", first.pk), (answer_key, "reply", second.pk)]


def test_the_bulk_path_and_one_at_a_time_find_each_others_receipts():
    bulk_raw, single_raw = email(), email(subject="Otro caso")
    assert ingest_many([bulk_raw], source="file") == {Outcome.NEW_TICKET: 1}
    assert ingest(bulk_raw, source="imap").outcome == Outcome.DUPLICATE
    assert ingest(single_raw, source="imap").outcome == Outcome.NEW_TICKET
    assert ingest_many([single_raw, bulk_raw], source="file") == {Outcome.DUPLICATE: 2}
    assert (Ticket.objects.count(), Message.objects.count(), InboundMessage.objects.count()) == (2, 2, 2)
    assert [row[2] for row in receipts()] == ["new_ticket", "new_ticket"]


def test_a_new_ticket_is_acknowledged_once_and_a_reply_not_at_all(django_capture_on_commit_callbacks):
    first_id = make_msgid(domain="abarrotes.mx")
    with django_capture_on_commit_callbacks(execute=True):
        ticket_id = ingest(email(message_id=first_id), source="imap").ticket_id
    assert len(mail.outbox) == 1 and OutboundEmail.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        ingest(email(subject="Re: Mi dominio no resuelve", body="Gracias", In_Reply_To=first_id), source="imap")
    assert len(mail.outbox) == 1 and Ticket.objects.get(pk=ticket_id).messages.count() == 2


def test_a_follow_up_of_a_closed_ticket_is_acknowledged_once_and_keeps_the_whole_message(
        world, django_capture_on_commit_callbacks):
    first_id = make_msgid(domain="abarrotes.mx")
    ticket = Ticket.objects.get(pk=ingest(email(message_id=first_id), source="file", answer=False).ticket_id)
    ticket_update(actor=world.admin, ticket=ticket, changes={"status": "closed"})
    quoted = "Volvió a fallar.\n\nEl lun, 3 nov 2025 a las 10:00, Soporte <soporte@nopal.mx> escribió:\n> Revise sus DNS\n"
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest(email(subject="Re: Mi dominio no resuelve", body=quoted, In_Reply_To=first_id), source="imap")
    follow_up = Ticket.objects.get(pk=result.ticket_id)
    assert (result.outcome, ChannelReceipt.objects.get(ticket=follow_up).outcome) == (Outcome.NEW_TICKET,
                                                                                       InboundOutcome.FOLLOW_UP)
    assert TicketLink.objects.filter(source=ticket, target=follow_up, kind="related").exists()
    assert "Revise sus DNS" in follow_up.messages.get().body_text
    assert len(mail.outbox) == 1 and f"[{follow_up.reference}]" in mail.outbox[0].subject


def test_an_email_with_more_files_than_a_chat_message_may_carry_keeps_them_all():
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "lupita@abarrotes.mx", "soporte@nopal.mx", "Escaneos"
    message["Message-ID"] = make_msgid(domain="abarrotes.mx")
    message.set_content("Le mando las 25 páginas.")
    for page in range(25):
        message.add_attachment(f"página {page}".encode(), maintype="text", subtype="plain", filename=f"p{page}.txt")
    result = ingest(message.as_bytes(), source="imap")
    assert result.outcome == Outcome.NEW_TICKET
    assert Ticket.objects.get(pk=result.ticket_id).messages.get().attachments.count() == 25


def test_an_agents_signed_answer_is_theirs_through_the_port(world):
    from atiende.mail.tokens import Person, make_token, reply_address

    ticket_id = ingest(email(), source="file").ticket_id
    token = make_token(ticket_id=ticket_id, person=Person.AGENT, person_id=world.agent1.pk)
    result = ingest(email(sender=world.agent1.email, to=reply_address("soporte@nopal.mx", token),
                          subject="Re: Mi dominio no resuelve", body="Ya lo revisé"), source="file")
    message = Message.objects.get(pk=ChannelReceipt.objects.get(outcome="reply").message_id)
    assert (result.outcome, result.ticket_id) == (Outcome.REPLY, ticket_id)
    assert (message.author_kind, message.author_user) == ("agent", world.agent1)


def test_an_automatic_mail_fetched_twice_leaves_one_note():
    first_id = make_msgid(domain="abarrotes.mx")
    ticket_id = ingest(email(message_id=first_id), source="file").ticket_id
    out_of_office = email(subject="Fuera de la oficina", body="Regreso el lunes", Auto_Submitted="auto-replied",
                          In_Reply_To=first_id)
    assert ingest(out_of_office, source="imap").outcome == Outcome.AUTOMATIC
    assert ingest(out_of_office, source="imap").outcome == Outcome.DUPLICATE
    note = Message.objects.get(ticket_id=ticket_id, kind="internal")
    assert receipts()[-1][2:] == ("note", ticket_id, note.pk)
    assert InboundMessage.objects.filter(kind="automatic").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_copies_of_one_email_create_one_ticket():
    """Two IMAP workers and the HTTP endpoint get the same email at once: one stores it, the
    others wait on the port's receipt row, fail it, and find it taken in."""
    raw, outcomes, errors = email(), [], []
    start = threading.Barrier(4)

    def deliver() -> None:
        try:
            start.wait()
            outcomes.append(ingest(raw, source="imap").outcome)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=deliver) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert sorted(outcomes) == [Outcome.DUPLICATE] * 3 + [Outcome.NEW_TICKET]
    assert (Ticket.objects.count(), Message.objects.count(), InboundMessage.objects.count(),
            ChannelReceipt.objects.count()) == (1, 1, 1, 1)


BEFORE = [("mail", "0005_inbound_key_to_channel_receipt")]
AFTER = [("mail", "0006_inbound_keys_copied_to_receipts")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_emails_taken_in_before_the_port_get_their_receipts():
    _migrate(BEFORE)  # only data changes between the two: today's models fit both
    try:
        customer = customer_create(name="Lupita", identities={"email": "lupita@abarrotes.mx"})
        ticket, first = channel_ticket_create(requester=customer, subject="Correo", body="No llega", channel="email",
                                              acknowledge=False)
        new = InboundMessage.objects.create(key="1@abarrotes.mx", source="imap", kind="new_ticket", ticket=ticket,
                                            message=first)
        bounce = InboundMessage.objects.create(key="sha256:ab12", source="imap", kind="bounce")
    finally:
        _migrate(AFTER)
    assert receipts() == [("email", "1@abarrotes.mx", "new_ticket", ticket.pk, first.pk),
                          ("email", "sha256:ab12", "note", None, None)]
    assert ChannelReceipt.objects.get(external_id="1@abarrotes.mx").received_at == new.received_at
    assert ingest(email(message_id="<1@abarrotes.mx>"), source="imap").outcome == Outcome.DUPLICATE
    _migrate(BEFORE)
    try:
        assert ChannelReceipt.objects.count() == 0 and InboundMessage.objects.count() == 2
    finally:
        _migrate(AFTER)
    assert bounce.pk

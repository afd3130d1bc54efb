"""The inbound side of the channel port: dedup, identities, threading, files, atomicity."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.utils import translation

from atiende.core.exceptions import Invalid, TooLarge
from atiende.customers.models import Customer, Identity
from atiende.customers.services import customer_create
from atiende.tickets.inbound import Inbound, InboundFile, SenderIdentity
from atiende.tickets.models import (
    Attachment,
    AuthorKind,
    ChannelReceipt,
    ChannelThread,
    InboundOutcome,
    Message,
    Ticket,
    TicketLink,
)
from atiende.tickets.services import inbound_note, inbound_receive, ticket_merge, ticket_update

pytestmark = pytest.mark.django_db

LUPITA = SenderIdentity(kind="whatsapp", value="5215512345678", name="Lupita Ramírez Núñez")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def whatsapp(external_id: str = "wamid.HBgMNTIxNTUxMjM0NTY3OBUCABIYFjNFQjA", *, text: str = "Hola, ¿me ayudan con mi pedido?",
             sender: SenderIdentity = LUPITA, thread_key: str = "5215512345678", **fields) -> Inbound:
    return Inbound(channel="whatsapp", external_id=external_id, sender=sender, thread_key=thread_key, text=text,
                   received_at=datetime(2026, 12, 6, 9, 30, tzinfo=UTC), **fields)


def counts() -> tuple[int, int, int, int, int]:
    return (Ticket.objects.count(), Message.objects.count(), Customer.objects.count(), ChannelReceipt.objects.count(),
            ChannelThread.objects.count())


# --- a new conversation, and the same message twice -------------------------------------------------

def test_a_first_message_opens_a_ticket_for_a_new_customer_named_as_the_channel_shows_them():
    result = inbound_receive(whatsapp())
    assert (result.outcome, result.duplicate) == (InboundOutcome.NEW_TICKET, False)
    ticket = Ticket.objects.get(pk=result.ticket_id)
    message = Message.objects.get(pk=result.message_id)
    assert (ticket.channel, ticket.subject, ticket.status) == ("whatsapp", "Hola, ¿me ayudan con mi pedido?", "new")
    assert ticket.requester.name == "Lupita Ramírez Núñez" and ticket.requester.user is None
    assert list(ticket.requester.identities.values_list("kind", "value")) == [("whatsapp", "+525512345678")]
    assert (message.author_kind, message.author_customer, message.channel) == (AuthorKind.CUSTOMER, ticket.requester,
                                                                                "whatsapp")
    receipt = ChannelReceipt.objects.get()
    assert (receipt.channel, receipt.external_id, receipt.ticket, receipt.message, receipt.received_at) == (
        "whatsapp", "wamid.HBgMNTIxNTUxMjM0NTY3OBUCABIYFjNFQjA", ticket, message, datetime(2026, 12, 6, 9, 30, tzinfo=UTC))


def test_the_same_message_twice_returns_the_first_result_and_creates_nothing():
    first = inbound_receive(whatsapp())
    before = counts()
    again = inbound_receive(whatsapp(text="otro texto, mismo id"))
    assert (again.outcome, again.ticket_id, again.message_id, again.duplicate) == (
        first.outcome, first.ticket_id, first.message_id, True)
    assert counts() == before == (1, 1, 1, 1, 1)
    unreadable = InboundFile("x", object())  # a retry is answered before its files are read
    assert inbound_receive(whatsapp(files=(unreadable,))) == again


def test_the_same_external_id_on_another_channel_is_another_message():
    inbound_receive(whatsapp(external_id="42"))
    telegram = Inbound(channel="telegram", external_id="42", sender=SenderIdentity("telegram", "777000111"),
                       thread_key="777000111", text="Hola")
    assert inbound_receive(telegram).duplicate is False
    assert ChannelReceipt.objects.count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_copies_of_one_message_create_one_ticket():
    """Meta retries while the first delivery is still being stored: both workers race; one
    stores it, the other waits on the receipt row and gets the first result back."""
    results, errors = [], []
    start = threading.Barrier(4)

    def deliver() -> None:
        try:
            start.wait()
            results.append(inbound_receive(whatsapp()))
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
    assert counts() == (1, 1, 1, 1, 1)
    assert sorted(result.duplicate for result in results) == [False, True, True, True]
    assert {(result.ticket_id, result.message_id) for result in results} == {(Ticket.objects.get().pk,
                                                                              Message.objects.get().pk)}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_first_messages_of_one_conversation_share_one_ticket():
    """Different messages of a new conversation from a known customer arrive together: the
    first opens the ticket, the others wait on its thread row and join it."""
    customer_create(name="Lupita", identities={"whatsapp": "+525512345678"})
    errors = []
    start = threading.Barrier(3)

    def deliver(n: int) -> None:
        try:
            start.wait()
            inbound_receive(whatsapp(external_id=f"wamid.{n}", text=f"Mensaje {n}"))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=deliver, args=(n,)) for n in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert counts() == (1, 3, 1, 3, 1)


# --- who wrote it -------------------------------------------------------------------------------

def test_whatsapp_finds_the_customer_an_agent_recorded_by_phone_as_people_write_it():
    known = customer_create(name="Lupita", identities={"phone": "+52 55 1234 5678", "email": "lupita@abarrotes.mx"})
    result = inbound_receive(whatsapp())
    assert Ticket.objects.get(pk=result.ticket_id).requester == known
    assert Customer.objects.count() == 1 and known.name == "Lupita"
    assert set(known.identities.values_list("kind", "value")) == {
        ("phone", "+525512345678"), ("whatsapp", "+525512345678"), ("email", "lupita@abarrotes.mx")}


@pytest.mark.parametrize("written", ["5215512345678", "+52 1 55 1234 5678", "+52 55 1234 5678", "55 1234 5678",
                                     "(55) 1234-5678", "+525512345678"])
def test_every_way_of_writing_a_mexican_mobile_finds_the_same_customer(written):
    first = inbound_receive(whatsapp())
    call = Inbound(channel="phone", external_id="llamada-1", sender=SenderIdentity("phone", written), text="Llamó")
    assert Ticket.objects.get(pk=inbound_receive(call).ticket_id).requester_id == (
        Ticket.objects.get(pk=first.ticket_id).requester_id)
    assert Customer.objects.count() == 1


def test_telegram_and_chat_visitors_are_customers_too():
    telegram = inbound_receive(Inbound(channel="telegram", external_id="update-1", thread_key="chat-99",
                                       sender=SenderIdentity("telegram", "987654321", "José Peña"), text="Buenas"))
    chat = inbound_receive(Inbound(channel="chat", external_id="c-1", thread_key="sesion-1",
                                   sender=SenderIdentity("chat", "v_8f3a2c", ""), text="¿Tienen envío a Mérida?"))
    assert Ticket.objects.get(pk=telegram.ticket_id).requester.name == "José Peña"
    visitor = Ticket.objects.get(pk=chat.ticket_id).requester
    assert (visitor.name, list(visitor.identities.values_list("kind", "value"))) == ("v_8f3a2c", [("chat", "v_8f3a2c")])


# --- threading ----------------------------------------------------------------------------------

def test_the_same_thread_key_goes_to_the_same_ticket_and_reopens_it_when_solved(world):
    ticket_id = inbound_receive(whatsapp(external_id="w1")).ticket_id
    reply = inbound_receive(whatsapp(external_id="w2", text="Ya revisé y sigue igual"))
    assert (reply.outcome, reply.ticket_id) == (InboundOutcome.REPLY, ticket_id)
    ticket = Ticket.objects.get(pk=ticket_id)
    ticket_update(actor=world.admin, ticket=ticket, changes={"status": "solved"}, details={"outcome": "solved"})
    reopened = inbound_receive(whatsapp(external_id="w3", text="Otra vez falló"))
    assert (reopened.outcome, reopened.ticket_id) == (InboundOutcome.REPLY, ticket_id)
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.messages.count() == 3


def test_a_message_to_a_closed_conversation_opens_a_linked_follow_up_that_the_conversation_continues_on(world):
    ticket = Ticket.objects.get(pk=inbound_receive(whatsapp(external_id="w1")).ticket_id)
    ticket_update(actor=world.admin, ticket=ticket, changes={"team": world.team1.pk})
    ticket_update(actor=world.admin, ticket=ticket, changes={"status": "closed"})
    follow_up = inbound_receive(whatsapp(external_id="w2", text="Volvió a fallar"))
    assert follow_up.outcome == InboundOutcome.FOLLOW_UP and follow_up.ticket_id != ticket.pk
    assert TicketLink.objects.filter(source=ticket, target_id=follow_up.ticket_id, kind="related").exists()
    assert Ticket.objects.get(pk=follow_up.ticket_id).team == world.team1
    after = inbound_receive(whatsapp(external_id="w3", text="¿Me oyen?"))
    assert (after.outcome, after.ticket_id) == (InboundOutcome.REPLY, follow_up.ticket_id)
    assert ChannelThread.objects.get().ticket_id == follow_up.ticket_id


def test_a_message_to_a_merged_conversation_follows_the_merge(world):
    source = Ticket.objects.get(pk=inbound_receive(whatsapp(external_id="w1")).ticket_id)
    target = Ticket.objects.get(pk=inbound_receive(whatsapp(external_id="w2", thread_key="otro")).ticket_id)
    ticket_merge(actor=world.admin, source=source, target=target)
    result = inbound_receive(whatsapp(external_id="w3", text="Sigo esperando"))
    assert (result.outcome, result.ticket_id) == (InboundOutcome.REPLY, target.pk)
    assert ChannelThread.objects.get(thread_key="5215512345678").ticket_id == target.pk


# --- a ticket the adapter proved (mail's threading) ----------------------------------------------

def email_inbound(external_id: str, *, text: str = "Sigue sin llegar mi pedido", **fields) -> Inbound:
    return Inbound(channel="email", external_id=external_id, text=text, subject="Pedido 1042",
                   sender=SenderIdentity("email", "Lupita@Abarrotes.mx", "Lupita Ramírez"), **fields)


def test_a_proven_ticket_takes_the_message_and_follows_merges_and_closures(world):
    first = inbound_receive(email_inbound("m1@abarrotes.mx"))
    ticket = Ticket.objects.get(pk=first.ticket_id)
    assert ticket.requester.user is not None  # email customers keep their login (customer_get_or_create_by_email)
    answer = inbound_receive(email_inbound("m2@abarrotes.mx", ticket_id=ticket.pk))
    assert (answer.outcome, answer.ticket_id) == (InboundOutcome.REPLY, ticket.pk)
    other = Ticket.objects.get(pk=inbound_receive(email_inbound("m3@abarrotes.mx", text="Otra cosa")).ticket_id)
    ticket_merge(actor=world.admin, source=ticket, target=other)
    merged = inbound_receive(email_inbound("m4@abarrotes.mx", ticket_id=ticket.pk))
    assert (merged.outcome, merged.ticket_id) == (InboundOutcome.REPLY, other.pk)
    ticket_update(actor=world.admin, ticket=other, changes={"team": world.team1.pk})
    ticket_update(actor=world.admin, ticket=other, changes={"status": "closed"})
    follow_up = inbound_receive(email_inbound("m5@abarrotes.mx", ticket_id=ticket.pk))
    assert follow_up.outcome == InboundOutcome.FOLLOW_UP and Ticket.objects.get(pk=follow_up.ticket_id).team == world.team1
    assert TicketLink.objects.filter(source=other, target_id=follow_up.ticket_id, kind="related").exists()
    gone = inbound_receive(email_inbound("m6@abarrotes.mx", ticket_id=987654))
    assert gone.outcome == InboundOutcome.NEW_TICKET and ChannelThread.objects.count() == 0


def test_an_agent_the_adapter_proved_answers_as_themselves_and_a_new_ticket_stays_the_customers(world):
    ticket_id = inbound_receive(email_inbound("m1@abarrotes.mx")).ticket_id
    answer = inbound_receive(email_inbound("m2@abarrotes.mx", ticket_id=ticket_id, agent_id=world.agent1.pk))
    message = Message.objects.get(pk=answer.message_id)
    assert (message.author_kind, message.author_user) == (AuthorKind.AGENT, world.agent1)
    new = Message.objects.get(pk=inbound_receive(email_inbound("m3@abarrotes.mx", agent_id=world.agent1.pk)).message_id)
    assert message.ticket_id == ticket_id and new.author_kind == AuthorKind.CUSTOMER


def test_an_unverified_sender_opens_a_new_ticket_whatever_it_claims_to_answer():
    ticket_id = inbound_receive(whatsapp(external_id="w1")).ticket_id
    claimed = inbound_receive(whatsapp(external_id="w2", unverified_sender=True))
    hinted = inbound_receive(whatsapp(external_id="w3", thread_key="", ticket_id=ticket_id, unverified_sender=True))
    assert len({claimed.ticket_id, hinted.ticket_id, ticket_id}) == 3
    assert [Message.objects.get(pk=r.message_id).unverified_sender for r in (claimed, hinted)] == [True, True]
    assert ChannelThread.objects.get().ticket_id == ticket_id


def test_tickets_the_port_opens_are_acknowledged_once_unless_the_adapter_says_not(django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        first = inbound_receive(email_inbound("m1@abarrotes.mx"))
        inbound_receive(email_inbound("m2@abarrotes.mx", ticket_id=first.ticket_id))
        inbound_receive(email_inbound("m1@abarrotes.mx"))  # a retry
        inbound_receive(email_inbound("m3@abarrotes.mx", text="Nada de respuesta", acknowledge=False))
    ticket = Ticket.objects.get(pk=first.ticket_id)
    assert [message.to for message in mail.outbox] == [["lupita@abarrotes.mx"]]
    assert f"[{ticket.reference}]" in mail.outbox[0].subject


def test_a_note_is_taken_in_once_on_an_open_ticket_and_only_recorded_otherwise(world):
    ticket_id = inbound_receive(email_inbound("m1@abarrotes.mx")).ticket_id
    note = inbound_note(channel="email", external_id="bounce-1", ticket_id=ticket_id, text="Automatic mail received")
    assert (note.outcome, note.ticket_id, note.duplicate) == (InboundOutcome.NOTE, ticket_id, False)
    assert Message.objects.get(pk=note.message_id).kind == "internal"
    assert inbound_note(channel="email", external_id="bounce-1", ticket_id=ticket_id, text="x").duplicate
    ticket_update(actor=world.admin, ticket=Ticket.objects.get(pk=ticket_id), changes={"status": "closed"})
    closed = inbound_note(channel="email", external_id="bounce-2", ticket_id=ticket_id, text="x")
    nowhere = inbound_note(channel="email", external_id="bounce-3", ticket_id=None, text="x")
    assert [(r.outcome, r.ticket_id, r.message_id) for r in (closed, nowhere)] == [("note", None, None)] * 2
    assert Message.objects.filter(kind="internal", ticket_id=ticket_id).count() == 1
    with pytest.raises(Invalid):
        inbound_note(channel="portal", external_id="x", ticket_id=None, text="x")


def test_without_a_thread_key_every_message_is_a_new_ticket():
    first = inbound_receive(whatsapp(external_id="call-1", thread_key=""))
    second = inbound_receive(whatsapp(external_id="call-2", thread_key=""))
    assert first.ticket_id != second.ticket_id and ChannelThread.objects.count() == 0


def test_a_long_first_line_becomes_a_short_subject():
    text = "Buenas tardes, les escribo porque el pedido que hice la semana pasada todavía no llega a Querétaro\nGracias"
    ticket = Ticket.objects.get(pk=inbound_receive(whatsapp(text=text)).ticket_id)
    assert ticket.subject == "Buenas tardes, les escribo porque el pedido que hice la semana pasada todavía no…"


# --- files --------------------------------------------------------------------------------------

def test_files_are_stored_with_their_sniffed_type_also_without_text():
    inbound = whatsapp(text="", files=(InboundFile("foto del ticket.png", PNG, "image/jpeg", size=len(PNG)),
                                       InboundFile("notas.txt", io.BytesIO(b"sin acentos y con ellos: a\xc3\xb1o"))))
    with translation.override("en"):
        result = inbound_receive(inbound)
    message = Message.objects.get(pk=result.message_id)
    assert message.body_text == "(This message had no text.)"
    assert Ticket.objects.get(pk=result.ticket_id).subject == "Message with attachments"
    assert list(message.attachments.order_by("id").values_list("filename", "content_type", "size")) == [
        ("foto del ticket.png", "image/png", len(PNG)), ("notas.txt", "text/plain", 29)]


def test_a_file_over_the_cap_is_refused_and_nothing_is_stored(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = io.BytesIO(b"\x00" * (1024 * 1024 + 1))
    with pytest.raises(TooLarge):
        inbound_receive(whatsapp(files=(InboundFile("video.mp4", big, "video/mp4"),)))
    assert counts() == (0, 0, 0, 0, 0) and Attachment.objects.count() == 0


def test_a_file_shorter_than_announced_is_refused():
    with pytest.raises(Invalid) as error:
        inbound_receive(whatsapp(files=(InboundFile("recibo.pdf", b"%PDF-1.4 cortado", size=90_000),)))
    assert set(error.value.fields) == {"files"} and counts() == (0, 0, 0, 0, 0)


# --- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("inbound", "field"), [
    (whatsapp(text="   "), "text"),
    (Inbound(channel="fax", external_id="1", sender=LUPITA, text="x"), "channel"),
    (Inbound(channel="portal", external_id="1", sender=LUPITA, text="x"), "channel"),
    (whatsapp(external_id=""), "external_id"),
    (whatsapp(external_id="x" * 256), "external_id"),
    (whatsapp(thread_key="a\x00b"), "thread_key"),
    (whatsapp(sender=SenderIdentity("whatsapp", "12")), "sender"),
    (whatsapp(sender=SenderIdentity("fax", "5512345678")), "sender"),
    (whatsapp(sender=SenderIdentity("chat", "<script>")), "sender"),
    (whatsapp(sender=SenderIdentity("email", "no es correo")), "sender"),
    (Inbound(channel="whatsapp", external_id="1", sender=LUPITA, text="x", received_at=datetime(2026, 1, 1)),
     "received_at"),
    (whatsapp(files=(InboundFile("x", object()),)), "files"),
], ids=["empty", "unknown-channel", "portal-is-not-a-channel", "no-id", "long-id", "nul-key", "bad-phone",
        "unknown-kind", "bad-visitor", "bad-email", "naive-time", "not-a-file"])
def test_bad_input_is_invalid_and_stores_nothing(inbound, field):
    with pytest.raises(Invalid) as error:
        inbound_receive(inbound)
    assert set(error.value.fields) == {field}
    assert counts() == (0, 0, 0, 0, 0)


def test_an_error_after_the_receipt_and_the_new_customer_rolls_everything_back():
    """A one-megabyte message is refused by the ticket core once the receipt and the customer are
    written: all of it goes, and the channel's retry (with a shorter text) is taken in."""
    with pytest.raises(Invalid) as error, translation.override("en"):
        inbound_receive(whatsapp(text="ñ" * 1_000_001))
    assert error.value.fields == {"body": "The message is too long."}
    assert counts() == (0, 0, 0, 0, 0) and Identity.objects.count() == 0
    assert inbound_receive(whatsapp(text="Perdón, era muy largo")).duplicate is False


def test_admins_see_receipts_and_threads_and_cannot_change_or_delete_them():
    from django.test import Client

    from atiende.accounts.models import Role
    from atiende.accounts.services import agent_create

    inbound_receive(whatsapp())
    admin = agent_create(email="admin@nopal.mx", name="Ada Admin", role=Role.ADMIN, password="x" * 12, language="en")
    browser = Client()
    browser.force_login(admin, backend="atiende.accounts.backends.EmailBackend")
    receipt, thread = ChannelReceipt.objects.get(), ChannelThread.objects.get()
    assert "wamid.HBgMNTIxNTUxMjM0NTY3OBUCABIYFjNFQjA" in browser.get("/admin/tickets/channelreceipt/").content.decode()
    assert "5215512345678" in browser.get("/admin/tickets/channelthread/").content.decode()
    assert browser.post(f"/admin/tickets/channelreceipt/{receipt.pk}/delete/", {"post": "yes"}).status_code == 403
    assert browser.post(f"/admin/tickets/channelthread/{thread.pk}/change/", {"thread_key": "x"}).status_code == 403
    assert counts() == (1, 1, 1, 1, 1) and ChannelThread.objects.get().thread_key == "5215512345678"

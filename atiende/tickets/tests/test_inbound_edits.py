"""A customer's edit of a message on their channel: new words on the message, the old ones kept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.utils import translation

from atiende.core.exceptions import Invalid
from atiende.tickets.inbound import Inbound, SenderIdentity
from atiende.tickets.models import Message, MessageRevision, Ticket, TicketEvent
from atiende.tickets.selectors import event_text
from atiende.tickets.services import inbound_receive
from atiende.tickets.services.inbound_edits import EDITED, STALE, UNCHANGED, UNKNOWN, inbound_edit

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)


def _received(text: str = "Mi pedido es el 1234") -> Message:
    result = inbound_receive(Inbound(channel="chat", external_id="visita-1:m1", thread_key="visita-1",
                                     sender=SenderIdentity("chat", "visita-1", "Lupita"), text=text, received_at=T0))
    return Message.objects.get(pk=result.message_id)


def test_an_edit_keeps_the_old_words_and_the_history_quotes_them():
    message = _received()
    status_before = message.ticket.status
    result = inbound_edit(channel="chat", external_id="visita-1:m1", text="Mi pedido es el 12345",
                          edited_at=datetime(2026, 12, 6, 9, 31, tzinfo=UTC))
    assert (result.outcome, result.message_id, result.ticket_id) == (EDITED, message.pk, message.ticket_id)
    message.refresh_from_db()
    assert message.body_text == "Mi pedido es el 12345"
    assert list(message.revisions.values_list("body_text", flat=True)) == ["Mi pedido es el 1234"]
    event = TicketEvent.objects.get(ticket=message.ticket, field="message_edited")
    with translation.override("en"):
        assert event_text(event) == "The customer edited a message on their channel. It said: “Mi pedido es el 1234”"
    assert Ticket.objects.get(pk=message.ticket_id).status == status_before


def test_the_same_words_again_or_an_older_edit_change_nothing():
    _received()
    later = datetime(2026, 12, 6, 9, 40, tzinfo=UTC)
    assert inbound_edit(channel="chat", external_id="visita-1:m1", text="Versión 2", edited_at=later).outcome == EDITED
    assert inbound_edit(channel="chat", external_id="visita-1:m1", text="Versión 2", edited_at=later).outcome == UNCHANGED
    older = inbound_edit(channel="chat", external_id="visita-1:m1", text="Versión 1½",
                         edited_at=datetime(2026, 12, 6, 9, 35, tzinfo=UTC))
    assert older.outcome == STALE
    assert MessageRevision.objects.count() == 1
    assert Message.objects.get().body_text == "Versión 2"


def test_an_edit_of_a_message_never_taken_in_is_unknown():
    assert inbound_edit(channel="chat", external_id="nunca", text="hola").outcome == UNKNOWN
    _received()
    assert inbound_edit(channel="whatsapp", external_id="visita-1:m1", text="otro canal").outcome == UNKNOWN
    assert MessageRevision.objects.count() == 0


@pytest.mark.parametrize(("fields"), [
    {"channel": "portal", "text": "x"}, {"channel": "chat", "text": "   "},
    {"channel": "chat", "text": "x", "edited_at": datetime(2026, 12, 6, 9, 31)},
])
def test_bad_edits_are_refused_and_nothing_changes(fields):
    _received()
    with pytest.raises(Invalid):
        inbound_edit(external_id="visita-1:m1", **fields)
    assert Message.objects.get().body_text == "Mi pedido es el 1234"
    assert MessageRevision.objects.count() == 0


def test_the_timeline_marks_an_edited_message(world):
    message = _received()
    inbound_edit(channel="chat", external_id="visita-1:m1", text="Corregido")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.admin, backend="atiende.accounts.backends.EmailBackend")
    page = client.get(f"/tickets/{message.ticket.number}/")
    assert page.status_code == 200, page.status_code
    assert page.content.count(b'class="kind-label kind-edited"') == 1

"""One drain job per burst of webhook posts: every stored event is taken in once, in order, and
an event that cannot be taken in now neither blocks the others nor is lost."""

from __future__ import annotations

import json

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import translation

from atiende.core import clock
from atiende.tickets.models import Attachment, Channel, Message
from atiende.whatsapp.models import EventState, WebhookEvent
from atiende.whatsapp.services import DRAIN_PENDING, MEDIA_ATTEMPTS, events_drain

from .conftest import envelope, media_message, post, text_message

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _post_text(number, wamid: str, wa_id: str, text: str):
    assert post(Client(), number, envelope(messages=[text_message(wamid, wa_id, text)])).status_code == 200


def test_a_burst_of_posts_queues_one_drain_that_takes_in_every_event(number, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        for n in range(3):
            _post_text(number, f"wamid.B{n}", f"52155100000{n:02d}", f"hola {n}")
    assert len(queued) == 1 and WebhookEvent.objects.filter(state=EventState.RECEIVED).count() == 3
    for callback in queued:
        callback()
    assert set(WebhookEvent.objects.values_list("state", flat=True)) == {EventState.PROCESSED}
    assert sorted(Message.objects.filter(ticket__channel=Channel.WHATSAPP).values_list("body_text", flat=True)) == [
        "hola 0", "hola 1", "hola 2"]
    assert caches["default"].get(DRAIN_PENDING) is None


def test_an_event_stored_once_a_drain_began_queues_the_next_drain(number, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as first:
        _post_text(number, "wamid.D1", "5215510000001", "uno")
    assert events_drain() == 1  # the queued job's body, run here
    with django_capture_on_commit_callbacks(execute=False) as second:
        _post_text(number, "wamid.D2", "5215510000002", "dos")
    assert len(first) == len(second) == 1
    second[0]()
    assert not WebhookEvent.objects.exclude(state=EventState.PROCESSED).exists()


def test_a_file_that_may_come_later_is_tried_again_by_a_later_drain(number, graph, django_capture_on_commit_callbacks):
    graph.media["7"] = {"content": PDF, "mime_type": "application/pdf", "cut": 20}
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        post(Client(), number, envelope(messages=[media_message("wamid.CUT", "5215510000003", "document", "7",
                                                                filename="contrato.pdf", caption="Firmado")]))
        _post_text(number, "wamid.AFTER", "5215510000004", "después")  # not held up by the file
    event = WebhookEvent.objects.get(body__contains="wamid.CUT")
    assert (event.state, event.attempts) == (EventState.WAITING, 1) and "wamid.CUT" in event.error
    assert Message.objects.filter(body_text="después").exists()
    fetched = len(graph.gets)
    events_drain()
    assert len(graph.gets) == fetched  # not due yet: a minute after the first attempt
    graph.media["7"].pop("cut")
    with clock.frozen_at(event.retry_at):
        assert events_drain() == 1
    event.refresh_from_db()
    assert event.state == EventState.PROCESSED
    assert Attachment.objects.get(message__body_text="Firmado").size == len(PDF)


def test_a_file_that_keeps_failing_goes_in_with_a_note_on_the_last_attempt(number, graph,
                                                                            django_capture_on_commit_callbacks):
    graph.media["8"] = {"content": PDF, "mime_type": "application/pdf", "cut": 20}
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        post(Client(), number, envelope(messages=[media_message("wamid.CUT2", "5215510000006", "document", "8",
                                                                filename="contrato.pdf")]))
    event = WebhookEvent.objects.get()
    delays = []
    while event.state == EventState.WAITING:
        delays.append(event.retry_at)
        with translation.override("en"), clock.frozen_at(event.retry_at):
            events_drain()
        event.refresh_from_db()
    assert event.state == EventState.PROCESSED and len(delays) == MEDIA_ATTEMPTS - 1
    steps = [(b - a).total_seconds() / 60 for a, b in zip(delays, delays[1:], strict=False)]
    assert steps == [2, 4, 8, 16]
    message = Message.objects.get(ticket__channel=Channel.WHATSAPP)
    assert message.body_text == "[Document: contrato.pdf] The file could not be fetched: the download was incomplete."


def test_an_event_that_cannot_be_read_is_failed_and_the_drain_goes_on(number):
    broken = WebhookEvent.objects.create(number=number, body="{}", body_sha256="0" * 64)
    good = envelope(messages=[text_message("wamid.OK", "5215510000005", "sigo aquí")])
    WebhookEvent.objects.create(number=number, body=json.dumps(good), body_sha256="1" * 64)
    assert events_drain() == 2
    broken.refresh_from_db()
    assert broken.state == EventState.FAILED and broken.error
    assert Message.objects.filter(body_text="sigo aquí").exists()

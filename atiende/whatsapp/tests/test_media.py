"""Media by id: fetched from the configured Graph API host only, size-capped, through the same
attachment rules; a file that cannot be fetched never loses its message. Locations and contact
cards become text."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from atiende.tickets.models import Attachment, Channel, ChannelReceipt, Message
from atiende.whatsapp import graph as graph_api
from atiende.whatsapp.models import EventState, WebhookEvent
from atiende.whatsapp.services import MediaRetry, event_process
from atiende.whatsapp.tasks import process_event

from .conftest import ACCESS_TOKEN, envelope, media_message, post

pytestmark = pytest.mark.django_db

WA_ID = "5215512345678"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
OGG = b"OggS\x00\x02" + b"\x00" * 200


def _receive(number, item, callbacks):
    # Processing runs in the language active after the request (English asked for here).
    with callbacks(execute=True):
        assert post(Client(HTTP_ACCEPT_LANGUAGE="en"), number, envelope(messages=[item])).status_code == 200
    return Message.objects.get(ticket__channel=Channel.WHATSAPP)


def test_an_image_is_fetched_by_id_with_the_token_and_its_caption_is_the_text(number, graph, django_capture_on_commit_callbacks):
    graph.media["1041263707459843"] = {"content": PNG, "mime_type": "image/png"}
    message = _receive(number, media_message("wamid.IMG", WA_ID, "image", "1041263707459843", mime_type="image/png",
                                             caption="Así llegó la caja, señorita"), django_capture_on_commit_callbacks)
    assert message.body_text == "Así llegó la caja, señorita"
    attachment = Attachment.objects.get(message=message)
    assert (attachment.filename, attachment.content_type, attachment.size) == ("image.png", "image/png", len(PNG))
    assert attachment.file.read() == PNG
    assert [g["path"] for g in graph.gets] == ["/v21.0/1041263707459843", "/media/1041263707459843"]
    assert all(g["headers"]["Authorization"] == f"Bearer {ACCESS_TOKEN}" for g in graph.gets)


def test_a_document_keeps_its_name_and_the_type_is_sniffed_not_believed(number, graph, django_capture_on_commit_callbacks):
    graph.media["2"] = {"content": PDF, "mime_type": "image/jpeg"}  # the claimed type is ignored
    message = _receive(number, media_message("wamid.DOC", WA_ID, "document", "2", mime_type="application/pdf",
                                             filename="Factura María.pdf"), django_capture_on_commit_callbacks)
    attachment = Attachment.objects.get(message=message)
    assert (attachment.filename, attachment.content_type) == ("Factura María.pdf", "application/pdf")
    assert message.body_text == "(This message had no text.)"


def test_a_voice_note_is_stored_as_audio(number, graph, django_capture_on_commit_callbacks):
    graph.media["3"] = {"content": OGG, "mime_type": "audio/ogg; codecs=opus"}
    message = _receive(number, media_message("wamid.VOZ", WA_ID, "audio", "3", mime_type="audio/ogg; codecs=opus",
                                             voice=True), django_capture_on_commit_callbacks)
    attachment = Attachment.objects.get(message=message)
    assert attachment.size == len(OGG)
    assert attachment.filename.startswith("audio.")


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
    "http://10.0.0.5/media/4",                   # a private address
    "http://127.0.0.1:1/media/4",                # this machine, another port
    "https://lookaside.example.com/media/4",     # another host
    "file:///etc/passwd",
])
def test_a_media_url_off_the_api_host_is_refused_and_the_message_kept(number, graph, url,
                                                                      django_capture_on_commit_callbacks):
    graph.media["4"] = {"content": PNG, "mime_type": "image/png", "url": url}
    message = _receive(number, media_message("wamid.SSRF", WA_ID, "image", "4", caption="Mire la foto"),
                       django_capture_on_commit_callbacks)
    assert message.body_text == ("Mire la foto\n\n[Image] The file could not be fetched: "
                                 "the media address is not on the WhatsApp API's host.")
    assert not Attachment.objects.exists()
    assert [g["path"] for g in graph.gets] == ["/v21.0/4"]  # nothing else was called
    assert WebhookEvent.objects.get().state == EventState.PROCESSED


def test_a_media_id_that_is_not_digits_is_never_put_in_a_url(number, graph, django_capture_on_commit_callbacks):
    message = _receive(number, media_message("wamid.ID", WA_ID, "image", "../../me/accounts"),
                       django_capture_on_commit_callbacks)
    assert "the media id is not valid" in message.body_text
    assert graph.gets == []


def test_media_announced_over_the_cap_is_not_downloaded(number, graph, settings, django_capture_on_commit_callbacks):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    graph.media["5"] = {"content": PNG, "mime_type": "image/png", "file_size": 30 * 1024 * 1024}
    message = _receive(number, media_message("wamid.BIG", WA_ID, "image", "5", caption="Video del daño"),
                       django_capture_on_commit_callbacks)
    assert message.body_text == ("Video del daño\n\n[Image] The file could not be fetched: "
                                 "it is larger than the 1 MB allowed.")
    assert [g["path"] for g in graph.gets] == ["/v21.0/5"]
    assert not Attachment.objects.exists()


def test_a_download_past_the_cap_stops_even_when_meta_announced_less(number, graph, settings,
                                                                    django_capture_on_commit_callbacks):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    graph.media["6"] = {"content": PNG + b"\x00" * (2 * 1024 * 1024), "mime_type": "image/png", "file_size": 100}
    message = _receive(number, media_message("wamid.BIG2", WA_ID, "image", "6"), django_capture_on_commit_callbacks)
    assert message.body_text == "[Image] The file could not be fetched: it is larger than the 1 MB allowed."
    assert not Attachment.objects.exists()


def test_a_truncated_download_is_tried_again_then_kept_with_a_note(number, graph, django_capture_on_commit_callbacks):
    graph.media["7"] = {"content": PDF, "mime_type": "application/pdf", "cut": 20}
    item = media_message("wamid.CUT", WA_ID, "document", "7", filename="contrato.pdf", caption="Firmado")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=False):
        post(Client(), number, envelope(messages=[item]))
    event = WebhookEvent.objects.get()
    with translation.override("en"), pytest.raises(MediaRetry):
        event_process(event.pk, final=False)
    event.refresh_from_db()
    assert event.state == EventState.RECEIVED
    assert "wamid.CUT: the download was incomplete" in event.error
    assert not ChannelReceipt.objects.exists()  # not stored as lost: the task tries again
    graph.media["7"].pop("cut")
    with translation.override("en"):
        event_process(event.pk, final=False)  # it came whole this time
    message = Message.objects.get(ticket__channel=Channel.WHATSAPP)
    assert message.body_text == "Firmado"
    assert Attachment.objects.get(message=message).size == len(PDF)


def test_a_download_that_keeps_failing_is_taken_in_on_the_last_attempt(number, graph, django_capture_on_commit_callbacks):
    graph.media["8"] = {"content": PDF, "mime_type": "application/pdf", "cut": 20}
    item = media_message("wamid.CUT2", WA_ID, "document", "8", filename="contrato.pdf")
    with django_capture_on_commit_callbacks(execute=False):
        post(Client(), number, envelope(messages=[item]))
    event_id = WebhookEvent.objects.get().pk
    with translation.override("en"):  # the task's last attempt (earlier ones: the test above)
        process_event.apply(kwargs={"event_id": event_id}, retries=process_event.max_retries)
    message = Message.objects.get(ticket__channel=Channel.WHATSAPP)
    assert message.body_text == "[Document: contrato.pdf] The file could not be fetched: the download was incomplete."
    assert WebhookEvent.objects.get().state == EventState.PROCESSED
    assert len([g for g in graph.gets if g["path"] == "/v21.0/8"]) == 1


def test_a_size_different_from_the_announced_one_is_incomplete(number, graph):
    graph.media["9"] = {"content": PDF, "mime_type": "application/pdf", "file_size": len(PDF) + 1}
    with pytest.raises(graph_api.MediaUnavailable) as caught:
        graph_api.media_fetch(number, "9")
    assert caught.value.transient


@pytest.mark.parametrize(("status", "transient"), [(404, False), (401, False), (500, True), (429, True)])
def test_graph_errors_on_the_metadata(number, graph, status, transient):
    graph.media["10"] = {"content": PNG, "status": status}
    with pytest.raises(graph_api.MediaUnavailable) as caught:
        graph_api.media_fetch(number, "10")
    assert caught.value.transient is transient


# --- locations and contacts ---------------------------------------------------------------------

def test_a_location_becomes_text_with_a_map_link(number, django_capture_on_commit_callbacks):
    item = {"from": WA_ID, "id": "wamid.LOC", "timestamp": "1765000000", "type": "location",
            "location": {"latitude": 19.4326018, "longitude": -99.1332049, "name": "Catedral Metropolitana",
                         "address": "Plaza de la Constitución s/n, Centro, Cuauhtémoc, CDMX"}}
    message = _receive(number, item, django_capture_on_commit_callbacks)
    assert message.body_text == (
        "[Location]\nCatedral Metropolitana\nPlaza de la Constitución s/n, Centro, Cuauhtémoc, CDMX\n"
        "19.4326018, -99.1332049\nhttps://www.google.com/maps/search/?api=1&query=19.4326018,-99.1332049")


def test_a_location_with_coordinates_that_are_not_numbers_has_no_link(number, django_capture_on_commit_callbacks):
    item = {"from": WA_ID, "id": "wamid.LOC2", "timestamp": "1765000000", "type": "location",
            "location": {"latitude": "javascript:alert(1)", "longitude": 500, "name": "Casa"}}
    assert _receive(number, item, django_capture_on_commit_callbacks).body_text == "[Location]\nCasa"


def test_contacts_become_text_with_names_phones_and_emails(number, django_capture_on_commit_callbacks):
    item = {"from": WA_ID, "id": "wamid.VCARD", "timestamp": "1765000000", "type": "contacts", "contacts": [
        {"name": {"formatted_name": "Ana Gómez", "first_name": "Ana"},
         "phones": [{"phone": "+52 33 1234 5678", "wa_id": "5213312345678", "type": "CELL"},
                    {"phone": "+52 33 8765 4321", "type": "WORK"}],
         "emails": [{"email": "ana.gomez@ejemplo.mx", "type": "WORK"}]},
        {"name": {"formatted_name": "Óscar Núñez"}, "phones": [{"phone": "+52 55 1111 2222"}]},
    ]}
    assert _receive(number, item, django_capture_on_commit_callbacks).body_text == (
        "[Contact] Ana Gómez\nPhone: +52 33 1234 5678, +52 33 8765 4321\nEmail: ana.gomez@ejemplo.mx\n\n"
        "[Contact] Óscar Núñez\nPhone: +52 55 1111 2222")


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://graph.facebook.com/v21.0/media/1", True),
    ("https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1&ext=1", True),
    ("https://LOOKASIDE.fbsbx.com:443/x", True),
    ("http://lookaside.fbsbx.com/x", False),
    ("https://lookaside.fbsbx.com:8443/x", False),
    ("https://user@lookaside.fbsbx.com/x", False),
    ("https://lookaside.fbsbx.com.evil.example/x", False),
    ("https://graph.facebook.com:8443/x", False),
    ("http://127.0.0.1/x", False),
    ("https://[::1]/x", False),
    ("gopher://graph.facebook.com/x", False),
])
def test_which_media_addresses_are_followed(url, allowed):
    assert graph_api.media_url_allowed(url, "https://graph.facebook.com/v21.0") is allowed

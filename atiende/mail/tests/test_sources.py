"""Two of the sources feeding `ingest`: `atiende mail ingest PATH...` and the HTTP endpoint."""

from __future__ import annotations

import io
import os
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from atiende.mail.management.commands import mail as mail_command
from atiende.mail.models import InboundMessage, QuarantinedMessage
from atiende.mail.services import Outcome, ingest
from atiende.tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db

GARBAGE = b"\x00\x01 esto no es un correo \xff\xfe"


def email(number: int, *, subject: str | None = None, sender: str = "Lupita <lupita@abarrotes.mx>",
          in_reply_to: int | None = None, automatic: bool = False) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = sender, "soporte@nopal.mx"
    message["Subject"] = subject or f"Pedido {number} no llega"
    message["Message-ID"] = f"<{number}@abarrotes.mx>"
    if in_reply_to is not None:
        message["In-Reply-To"] = f"<{in_reply_to}@abarrotes.mx>"
    if automatic:
        message["Auto-Submitted"] = "auto-replied"
    message.set_content(f"¿Dónde está mi pedido {number}?")
    return message.as_bytes()


def run_ingest(*paths: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("mail", "ingest", *map(str, paths), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def summary(out: str) -> list[str]:
    return [line for line in out.splitlines() if ":" in line and "per second" not in line]


def counts(new=0, replies=0, duplicates=0, automatic=0, quarantined=0) -> list[str]:
    return [f"New tickets: {new}", f"Replies: {replies}", f"Duplicates skipped: {duplicates}",
            f"Automatic mail recorded: {automatic}", f"Quarantined: {quarantined}"]


def mbox(*messages: bytes) -> bytes:
    return b"".join(b"From lupita@abarrotes.mx Mon Nov  3 10:00:00 2025\n" + raw.replace(b"\r\n", b"\n") + b"\n"
                    for raw in messages)


# --- atiende mail ingest ---------------------------------------------------------------------------

def test_eml_files_and_a_folder_of_them_are_taken_in_in_name_order(tmp_path):
    (tmp_path / "uno.eml").write_bytes(email(1))
    folder = tmp_path / "exportados"
    folder.mkdir()
    (folder / "b-respuesta.EML").write_bytes(email(2, subject="Re: Pedido 1 no llega", in_reply_to=1))
    (folder / "a-nuevo.eml").write_bytes(email(3))
    (folder / "c-basura.eml").write_bytes(GARBAGE)
    (folder / "notas.txt").write_bytes(email(4))  # not an .eml: left alone

    out, err = run_ingest(tmp_path / "uno.eml", folder)

    assert summary(out)[:5] == counts(new=2, replies=1, quarantined=1)
    assert "4 messages in" in out and "Quarantined emails" in out and err == ""
    first = Ticket.objects.get(subject="Pedido 1 no llega")
    assert list(first.messages.order_by("id").values_list("body_text", flat=True)) == [
        "¿Dónde está mi pedido 1?", "¿Dónde está mi pedido 2?"]
    assert list(Ticket.objects.values_list("subject", flat=True).order_by("id")) == [
        "Pedido 1 no llega", "Pedido 3 no llega"]
    assert set(InboundMessage.objects.values_list("source", flat=True)) == {"file"}
    assert QuarantinedMessage.objects.get().raw.read() == GARBAGE


def test_an_mbox_file_and_an_eml_that_starts_with_from_are_read_as_mbox(tmp_path):
    box = tmp_path / "exportado.mbox"
    box.write_bytes(mbox(email(1), email(2, automatic=True), email(1)))
    single = tmp_path / "guardado.eml"  # some clients save one message with its mbox "From " line
    single.write_bytes(mbox(email(3)))

    out, _err = run_ingest(box, single)

    assert summary(out) == counts(new=2, duplicates=1, automatic=1)
    assert InboundMessage.objects.get(key="2@abarrotes.mx").kind == "automatic"
    assert InboundMessage.objects.get(key="3@abarrotes.mx").raw.read().startswith(b"From: Lupita")


def test_a_maildir_is_read_from_cur_and_new_in_delivery_order_and_tmp_is_ignored(tmp_path):
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "new" / "1762185602.M1P7Q3.mx1").write_bytes(email(3, subject="Re: Pedido 1 no llega", in_reply_to=2))
    (maildir / "cur" / "1762185601.M1P7Q2.mx1:2,S").write_bytes(email(2, subject="Re: Pedido 1 no llega", in_reply_to=1))
    (maildir / "cur" / "1762185600.M1P7Q1.mx1:2,S").write_bytes(email(1))
    (maildir / "tmp" / "1762185603.M1P7Q4.mx1").write_bytes(email(4))  # still being delivered

    out, _err = run_ingest(maildir)

    assert summary(out) == counts(new=1, replies=2)
    assert Ticket.objects.get().messages.count() == 3
    assert (maildir / "new" / "1762185602.M1P7Q3.mx1").exists()  # the source is not changed


def test_running_the_same_import_again_creates_nothing(tmp_path):
    (tmp_path / "a.eml").write_bytes(email(1))
    (tmp_path / "b.eml").write_bytes(email(2, subject="Re: Pedido 1 no llega", in_reply_to=1))
    run_ingest(tmp_path)

    out, _err = run_ingest(tmp_path)

    assert summary(out) == counts(duplicates=2)
    assert (Ticket.objects.count(), Message.objects.count(), InboundMessage.objects.count()) == (1, 2, 2)


def test_a_missing_path_stops_before_anything_is_taken_in(tmp_path):
    (tmp_path / "a.eml").write_bytes(email(1))

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("mail", "ingest", str(tmp_path / "a.eml"), str(tmp_path / "no-existe"),
                     stdout=io.StringIO(), stderr=io.StringIO())

    assert str(raised.value) == f"{tmp_path / 'no-existe'} does not exist."
    assert raised.value.returncode == 1
    assert InboundMessage.objects.count() == 0


def test_a_message_that_vanished_is_reported_and_the_rest_taken_in(tmp_path):
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "new" / "1.M1P1Q1.mx1").write_bytes(email(1))
    os.symlink(tmp_path / "borrado", maildir / "new" / "2.M1P1Q2.mx1")  # deleted since delivery
    (maildir / "new" / "3.M1P1Q3.mx1").write_bytes(email(3))
    out, err = io.StringIO(), io.StringIO()

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("mail", "ingest", str(maildir), stdout=out, stderr=err)

    assert str(raised.value) == "1 file could not be read (see above); everything else was taken in."
    assert err.getvalue() == f"Could not read {maildir} 2.M1P1Q2.mx1: No such file or directory\n"
    assert summary(out.getvalue()) == [*counts(new=2), "Files that could not be read: 1"]


def test_progress_goes_to_stderr(tmp_path, monkeypatch):
    monkeypatch.setattr(mail_command, "PROGRESS_EVERY", 2)
    (tmp_path / "todo.mbox").write_bytes(mbox(*(email(n) for n in range(5))))

    out, err = run_ingest(tmp_path / "todo.mbox")

    assert err == "5 messages so far…\n"  # reported as each batch commits
    assert summary(out) == counts(new=5)


# --- POST /api/v1/mail/inbound/ --------------------------------------------------------------------

URL = "/api/v1/mail/inbound/"
SECRET = "s3creto-compartido-con-el-mta"


@pytest.fixture
def inbound(settings):
    settings.MAIL_INBOUND_SECRET = SECRET
    client = Client(enforce_csrf_checks=True)  # a machine has no CSRF token and needs none

    def post(raw: bytes, *, secret: str | None = SECRET, content_type: str = "message/rfc822"):
        headers = {"Accept-Language": "en"}  # the messages asserted below are the English ones
        if secret is not None:
            headers["X-Atiende-Mail-Secret"] = secret
        return client.post(URL, data=raw, content_type=content_type, headers=headers)

    return post


def test_the_endpoint_does_not_exist_while_no_secret_is_set(inbound, settings):
    settings.MAIL_INBOUND_SECRET = ""

    response = inbound(email(1), secret="")

    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    assert InboundMessage.objects.count() == 0


@pytest.mark.parametrize("secret", [None, "", "otro-secreto", SECRET + "x"])
def test_a_wrong_or_missing_secret_is_refused(inbound, secret):
    response = inbound(email(1), secret=secret)

    assert response.status_code == 401
    assert response.json()["error"] == {"code": "authentication_failed", "fields": {},
                                        "message": "The mail secret is missing or not valid."}
    assert (InboundMessage.objects.count(), QuarantinedMessage.objects.count()) == (0, 0)


def test_a_message_becomes_a_ticket_and_a_second_delivery_changes_nothing(inbound):
    first = inbound(email(1))
    ticket = Ticket.objects.get()
    again = inbound(email(1), content_type="application/octet-stream")

    assert (first.status_code, first.json()) == (200, {"outcome": Outcome.NEW_TICKET, "ticket_id": ticket.pk})
    assert (again.status_code, again.json()) == (200, {"outcome": Outcome.DUPLICATE, "ticket_id": None})
    assert ticket.subject == "Pedido 1 no llega" and ticket.channel == "email"
    assert InboundMessage.objects.get().source == "http"
    assert (Ticket.objects.count(), Message.objects.count()) == (1, 1)


def test_a_reply_threads_onto_its_ticket(inbound):
    ticket_id = inbound(email(1)).json()["ticket_id"]

    reply = inbound(email(2, subject="Re: Pedido 1 no llega", in_reply_to=1), content_type="text/plain")

    assert reply.json() == {"outcome": Outcome.REPLY, "ticket_id": ticket_id}


def test_what_is_not_an_email_is_kept_in_quarantine_and_acknowledged(inbound):
    response = inbound(GARBAGE, content_type="application/octet-stream")

    assert (response.status_code, response.json()) == (200, {"outcome": Outcome.QUARANTINED, "ticket_id": None})
    item = QuarantinedMessage.objects.get()
    assert (item.source, item.size, item.raw.read()) == ("http", len(GARBAGE), GARBAGE)


def test_a_message_over_the_limit_is_refused_with_413_and_not_stored(inbound, settings):
    settings.MAIL_MAX_MESSAGE_BYTES = 1024 * 1024
    raw = email(1).replace(b"?", b"?" + b"x" * (1024 * 1024))

    response = inbound(raw)

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "message_too_large"
    assert response.json()["error"]["message"] == "The message is larger than the 1 MB allowed."
    assert (InboundMessage.objects.count(), QuarantinedMessage.objects.count()) == (0, 0)


@pytest.mark.parametrize("content_type", ["application/json", "multipart/form-data; boundary=x"])
def test_a_parsed_form_of_a_message_is_not_accepted(inbound, content_type):
    response = inbound(b'{"from": "lupita@abarrotes.mx"}', content_type=content_type)

    assert (response.status_code, response.json()["error"]["code"]) == (415, "unsupported_media_type")


def test_an_empty_body_is_a_bad_request(inbound):
    response = inbound(b"")

    assert (response.status_code, response.json()["error"]["code"]) == (400, "empty_message")


def five_mb_message() -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "lupita@abarrotes.mx", "soporte@nopal.mx", "Fotos"
    message["Message-ID"] = "<fotos@abarrotes.mx>"
    message.set_content("Les mando las fotos del paquete dañado.")
    message.add_attachment(os.urandom(3_800_000), maintype="image", subtype="jpeg", filename="caja.jpg")
    raw = message.as_bytes()
    assert 5_000_000 < len(raw) < 5_500_000
    return raw


def test_the_view_reads_a_5_mb_message_beyond_the_ordinary_request_limit(inbound, settings):
    # What the view does once the request reaches it: read the stream, not `request.body`
    # (which refuses anything over DATA_UPLOAD_MAX_MEMORY_SIZE, 2 MB).
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if not name.endswith("RequestTooBigMiddleware")]

    response = inbound(five_mb_message())

    assert (response.status_code, response.json()["outcome"]) == (200, Outcome.NEW_TICKET)
    assert Ticket.objects.get().messages.get().attachments.get().size == 3_800_000


def test_a_5_mb_message_is_taken_in_through_the_whole_stack(inbound):
    response = inbound(five_mb_message())

    assert response.status_code == 200


# --- the admin's view of what came in ----------------------------------------------------------------

@pytest.fixture
def admin_browser():
    from atiende.accounts.models import Role
    from atiende.accounts.services import agent_create

    admin = agent_create(email="admin@nopal.mx", name="Ada Admin", role=Role.ADMIN, password="x" * 12, language="en")
    client = Client()
    client.force_login(admin, backend="atiende.accounts.backends.EmailBackend")
    return client


def test_the_admin_shows_a_quarantined_message_as_escaped_text(admin_browser):
    ingest(b"Subject: <script>alert(1)</script>\r\n\r\nsin remitente", source="http")
    item = QuarantinedMessage.objects.get()

    listing = admin_browser.get("/admin/mail/quarantinedmessage/")
    page = admin_browser.get(f"/admin/mail/quarantinedmessage/{item.pk}/change/").content.decode()

    assert listing.status_code == 200 and "<td class=\"field-code\">no_sender</td>" in listing.content.decode()
    assert "Subject: &lt;script&gt;alert(1)&lt;/script&gt;<br><br>sin remitente" in page
    assert "<script>alert(1)" not in page


def test_retrying_from_the_admin_takes_in_what_now_fits_and_keeps_the_rest(admin_browser, settings):
    settings.MAIL_MAX_MESSAGE_BYTES = 100
    ingest(email(1), source="file")  # too large for the limit of the day
    ingest(GARBAGE, source="file")
    settings.MAIL_MAX_MESSAGE_BYTES = 1024 * 1024

    response = admin_browser.post("/admin/mail/quarantinedmessage/", {
        "action": "retry", "_selected_action": list(QuarantinedMessage.objects.values_list("pk", flat=True)),
    }, follow=True)

    notes = [str(note) for note in response.context["messages"]]
    assert notes == ["1 message was taken in.", "1 message is still in quarantine; its reason shows in the list."]
    assert list(QuarantinedMessage.objects.order_by("pk").values_list("code", "released")) == [
        ("too_large", True), ("not_email", False)]
    assert Ticket.objects.get().subject == "Pedido 1 no llega"


def test_received_mail_can_be_searched_but_not_changed_or_deleted(admin_browser):
    ingest(email(1), source="file")
    record = InboundMessage.objects.get()

    found = admin_browser.get("/admin/mail/inboundmessage/", {"q": "abarrotes"}).content.decode()
    page = admin_browser.get(f"/admin/mail/inboundmessage/{record.pk}/change/").content.decode()

    assert "Pedido 1 no llega" in found and 'value="delete_selected"' not in found
    assert "Pedido 1 no llega" in page and 'name="_save"' not in page
    assert admin_browser.get(f"/admin/mail/inboundmessage/{record.pk}/delete/").status_code == 403
    assert admin_browser.get("/admin/mail/mailbox/").status_code == 200

"""Imports in bulk give what one-by-one ingestion gives, a batch per transaction."""

import os
import stat
from email.message import EmailMessage
from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage, default_storage

from atiende.mail.bulk import ingest_many
from atiende.mail.models import InboundMessage, QuarantinedMessage
from atiende.mail.services import Outcome
from atiende.sla.models import Calendar, Clock
from atiende.sla.services.policies import policy_create
from atiende.tickets.models import Attachment, ChannelReceipt, Message, Ticket
from atiende.tickets.services.imports import save_new_file

pytestmark = pytest.mark.django_db


def email(n: int, *, sender: str = "", subject: str = "", replying_to: int | None = None, cc: str = "",
          attachment: bool = False, html: bool = False) -> bytes:
    message = EmailMessage()
    message["From"] = sender or f"Cliente {n} <cliente{n}@correo.mx>"
    message["To"], message["Message-ID"] = "soporte@nopal.mx", f"<m{n}@correo.mx>"
    if replying_to is not None:
        message["In-Reply-To"] = f"<m{replying_to}@correo.mx>"
    message["Subject"] = f"Re: Caso {replying_to}" if replying_to is not None else (subject or f"Caso {n}")
    if cc:
        message["Cc"] = cc
    message.set_content(f"Texto {n}\n\nEl lun, 3 nov 2025 a las 10:00, Soporte escribió:\n> anterior\n")
    if html:
        message.add_alternative(f"<p>Texto <b>{n}</b></p>", subtype="html")
    if attachment:
        message.add_attachment(b"\x89PNG\r\n\x1a\n" + bytes(200), maintype="image", subtype="png", filename=f"captura {n}.png")
    return message.as_bytes()


def mixed() -> list[bytes]:
    return [
        email(1), email(2, attachment=True, html=True), email(3, replying_to=1), email(4, replying_to=2),
        email(5, cc="vecina@correo.mx"), email(6, replying_to=5), email(7, subject="Urgente [#99999]"),
        b"garbage without headers", email(1), email(8, subject="Re: algo viejo"),
        email(9, sender="MAILER-DAEMON@mx.correo.mx", subject="Undelivered Mail Returned to Sender"),
        email(10, replying_to=3),
    ]


def structure() -> list[tuple]:
    """Every ticket as (subject, requester, [message texts]) plus counts of what else is stored."""
    tickets = [
        (t.subject, t.requester.identities.get().value, list(t.messages.order_by("id").values_list("body_text", flat=True)))
        for t in Ticket.objects.order_by("number")
    ]
    return [tickets, InboundMessage.objects.count(), QuarantinedMessage.objects.count(), Attachment.objects.count()]


def test_bulk_import_equals_one_by_one_ingestion():
    from atiende.mail.services import ingest

    one_by_one = [ingest(raw, source="file", answer=False).outcome for raw in mixed()]
    expected = structure()
    Ticket.objects.all().delete()
    for model in (InboundMessage, QuarantinedMessage, ChannelReceipt):
        model.objects.all().delete()
    counts = ingest_many(mixed(), source="file", batch=5)
    assert counts == {outcome: one_by_one.count(outcome) for outcome in set(one_by_one)}
    assert structure() == expected
    assert counts[Outcome.DUPLICATE] == 1 and counts[Outcome.QUARANTINED] == 1


def test_running_an_import_twice_creates_nothing_twice():
    raws = [email(n) for n in range(20)] + [email(20 + n, replying_to=n) for n in range(5)]
    first = ingest_many(raws, source="file", batch=7)
    again = ingest_many(raws, source="file", batch=7)
    assert (first[Outcome.NEW_TICKET], first[Outcome.REPLY]) == (20, 5)
    assert again == {Outcome.DUPLICATE: 25}
    assert (Ticket.objects.count(), Message.objects.count()) == (20, 25)


def test_bulk_tickets_get_their_sla_clocks(world):
    always = Calendar.objects.get(name="24/7")
    policy_create(actor=world.admin, name="Rápida", targets={"first_response": {"minutes": 60, "calendar": always.pk}})
    ingest_many([email(1), email(2), email(3, replying_to=1)], source="file")
    imported = Ticket.objects.filter(channel="email")
    assert imported.count() == 2 and Clock.objects.filter(ticket__in=imported).count() == 2
    assert Message.objects.filter(ticket__in=imported).count() == 3  # the reply went one at a time


def test_a_reply_to_a_reply_in_the_same_batch_joins_the_first_ticket():
    counts = ingest_many([email(1), email(2, replying_to=1), email(3, replying_to=2)], source="file")
    assert (counts[Outcome.NEW_TICKET], counts[Outcome.REPLY]) == (1, 2)
    assert Ticket.objects.get().messages.count() == 3


def test_imported_files_are_stored_as_the_storage_stores_them(settings):
    # Written by save_new_file, never by the storage's own save, yet just as the storage would.
    with mock.patch.object(FileSystemStorage, "save", side_effect=AssertionError("the slow way")):
        ingest_many([email(1), email(2, attachment=True)], source="file")
    record = InboundMessage.objects.get(key="m1@correo.mx")
    attachment = Attachment.objects.get()
    assert record.raw.name.startswith("mail/") and record.raw.read() == email(1)
    assert attachment.file.name.startswith("attachments/")
    assert attachment.file.read() == b"\x89PNG\r\n\x1a\n" + bytes(200)
    for name in (record.raw.name, attachment.file.name):
        assert stat.S_IMODE(os.stat(default_storage.path(name)).st_mode) == settings.FILE_UPLOAD_PERMISSIONS
    # A name already taken goes through the storage's own save, which finds another.
    taken = InboundMessage(key="x")
    taken_name = record.raw.name
    InboundMessage.raw.field.generate_filename = lambda instance, filename: taken_name
    try:
        save_new_file(taken, "raw", "message.eml", b"other")
    finally:
        del InboundMessage.raw.field.generate_filename
    assert taken.raw.name != taken_name and taken.raw.read() == b"other"
    assert record.raw.open("rb").read() == email(1)


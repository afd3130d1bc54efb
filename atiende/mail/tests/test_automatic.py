"""classify: automatic mail is recognised, and a person's message never is."""

from __future__ import annotations

import pytest
from django.utils import translation

from atiende.mail.automatic import Automatic, AutomaticKind, classify
from atiende.mail.bounces import (
    Bounce,
    BounceRecipient,
    original_message_id_from_text,
    recipients_from_delivery_status,
    recipients_from_text,
)
from atiende.mail.parsing import parse_message

from .corpus import sample


def parsed(*headers: str, body: str = "Hola, ¿me ayudan con mi dominio?", subject: str = "Ayuda"):
    lines = ["From: Ana Cliente <ana@tienda-a.mx>", "To: soporte@nopal.mx", f"Subject: {subject}"]
    raw = ("\r\n".join([*lines, *headers]) + "\r\n\r\n" + body + "\r\n").encode("utf-8")
    return parse_message(raw)


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Auto-Submitted: auto-replied", AutomaticKind.AUTO_REPLY),
        ("Auto-Submitted: Auto-Replied (vacation)", AutomaticKind.AUTO_REPLY),
        ("Auto-Submitted: auto-generated", AutomaticKind.AUTO_GENERATED),
        ("Auto-Submitted: auto-notified; owner-email=x@y.mx", AutomaticKind.AUTO_GENERATED),
        ("Precedence: bulk", AutomaticKind.BULK),
        ("Precedence: junk", AutomaticKind.BULK),
        ("Precedence: list", AutomaticKind.LIST),
        ("Precedence: auto_reply", AutomaticKind.AUTO_REPLY),
        ("X-Autoreply: yes", AutomaticKind.AUTO_REPLY),
        ("X-Autorespond: Gracias por escribir", AutomaticKind.AUTO_REPLY),
        ("X-Auto-Response-Suppress: All", AutomaticKind.AUTO_GENERATED),
        ("X-Loop: soporte@otrohelpdesk.mx", AutomaticKind.LOOP),
        ("List-Id: Clientes <clientes.lists.nopal.mx>", AutomaticKind.LIST),
        ("List-Unsubscribe: <mailto:baja@promo.mx>", AutomaticKind.LIST),
        ("Return-Path: <>", AutomaticKind.AUTO_GENERATED),
    ],
)
def test_headers_mark_automatic_mail_and_are_quoted_as_the_reason(header, kind):
    assert classify(parsed(header)) == Automatic(kind, header)


def test_read_receipts_are_automatic():
    report = "multipart/report; report-type=disposition-notification"
    result = classify(parsed(f"Content-Type: {report}; boundary=x"))
    assert result == Automatic(AutomaticKind.AUTO_GENERATED, f"Content-Type: {report}")


@pytest.mark.parametrize(
    "headers",
    [
        [],
        ["Auto-Submitted: no"],
        ["Auto-Submitted:"],
        ["X-Auto-Response-Suppress:"],
        ["Precedence: first-class"],
        ["Return-Path: <ana@tienda-a.mx>"],
        ["Disposition-Notification-To: ana@tienda-a.mx"],  # asks for a read receipt; a person
    ],
)
def test_a_persons_message_is_not_automatic(headers):
    assert classify(parsed(*headers)) is None


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        # Customers of a hosting company write about bounces, and forward them.
        ("Correo devuelto al enviar a Gmail", "Cuando le escribo a mi proveedor me lo regresa."),
        ("RV: Undelivered Mail Returned to Sender", "Me llegó: <juan@x.mx>: User unknown 5.1.1"),
        ("Fwd: Delivery Status Notification (Failure)", "Address not found. 550 5.1.1 No account"),
        ("Error de entrega", "No puedo entregar los pedidos a tiempo, ¿pueden ampliar el plan?"),
    ],
)
def test_customers_writing_about_bounces_are_not_bounces(subject, body):
    assert classify(parsed(subject=subject, body=body)) is None


def test_mailer_daemon_sender_is_a_bounce_even_without_a_report():
    result = classify(parse_message(
        b"From: MAILER-DAEMON@mx.tienda-a.mx\r\nTo: soporte@nopal.mx\r\n"
        b"Subject: failure notice\r\n\r\n"
        b"Hi. This is the qmail-send program at mx.tienda-a.mx.\r\n"
        b"I'm afraid I wasn't able to deliver your message to the following addresses.\r\n"
        b"This is a permanent error; I've given up. Sorry it didn't work out.\r\n\r\n"
        b"<juan@tienda-a.mx>:\r\nSorry, no mailbox here by that name. (#5.1.1)\r\n\r\n"
        b"--- Below this line is a copy of the message.\r\n\r\n"
        b"Return-Path: <soporte@nopal.mx>\r\nMessage-ID: <ticket-9.reply-1@nopal.mx>\r\n"
        b"To: juan@tienda-a.mx\r\n"
    ))
    assert result == Automatic(
        AutomaticKind.BOUNCE,
        "From: MAILER-DAEMON@mx.tienda-a.mx",
        Bounce((BounceRecipient("juan@tienda-a.mx", "5.1.1"),), "ticket-9.reply-1@nopal.mx"),
    )
    assert result.bounce is not None and result.bounce.permanent


def test_postmaster_without_failure_wording_is_automatic_but_not_a_bounce():
    raw = b"From: postmaster@tienda-a.mx\r\nSubject: Aviso\r\n\r\nMantenimiento el domingo.\r\n"
    result = classify(parse_message(raw))
    assert result == Automatic(AutomaticKind.AUTO_GENERATED, "From: postmaster@tienda-a.mx")


def test_spanish_out_of_office_sample():
    assert classify(parse_message(sample("out_of_office_es.eml"))) == Automatic(
        AutomaticKind.AUTO_REPLY, "Auto-Submitted: auto-replied"
    )


def test_outlook_auto_reply_subject_without_headers():
    subject = "Respuesta automática: [#1271] Renovación"
    result = classify(parsed(subject=subject, body="Estoy de vacaciones."))
    assert result == Automatic(AutomaticKind.AUTO_REPLY, f"Subject: {subject}")


def test_dsn_bounce_sample_gives_recipients_statuses_and_the_original_message():
    result = classify(parse_message(sample("bounce_dsn_es.eml")))
    assert result is not None and result.kind == AutomaticKind.BOUNCE
    assert result.reason == "Content-Type: multipart/report; report-type=delivery-status"
    assert result.by_wording is False
    assert result.bounce == Bounce(
        (
            BounceRecipient(
                "cliente.inexistente@tienda-a.mx", "5.1.1", "failed",
                "550 5.1.1 <cliente.inexistente@tienda-a.mx>: Recipient address rejected: "
                "User unknown in virtual mailbox table",
            ),
            BounceRecipient("lleno@tienda-a.mx", "4.2.2", "delayed", "452 4.2.2 Mailbox full"),
        ),
        "ticket-1234.ack@nopal.mx",
    )
    assert [r.permanent for r in result.bounce.recipients] == [True, False]
    assert result.bounce.permanent


def test_exim_failed_recipients_header_names_the_addresses():
    result = classify(parse_message(
        b"From: Mail Delivery System <Mailer-Daemon@mx.example.mx>\r\nTo: soporte@nopal.mx\r\n"
        b"X-Failed-Recipients: nadie@tienda-a.mx\r\n"
        b"Subject: Mail delivery failed: returning message to sender\r\n\r\n"
        b"This message was created automatically by mail delivery software.\r\n\r\n"
        b"A message that you sent could not be delivered to one or more of its\r\nrecipients. "
        b"This is a permanent error. The following address(es) failed:\r\n\r\n"
        b"  nadie@tienda-a.mx\r\n"
        b"    SMTP error from remote mail server after RCPT TO:<nadie@tienda-a.mx>:\r\n"
        b"    550 5.1.1 <nadie@tienda-a.mx>: Recipient address rejected\r\n"
    ))
    assert result is not None
    assert result.kind == AutomaticKind.BOUNCE
    assert result.reason == "X-Failed-Recipients: nadie@tienda-a.mx"
    assert result.bounce == Bounce((BounceRecipient("nadie@tienda-a.mx", "5.1.1"),), None)


def test_failure_notice_from_a_persons_address_is_marked_as_read_from_the_wording():
    result = classify(parsed(
        subject="Delivery Failure",
        body="Could not deliver message to the following recipient(s):\n\n"
             "Failed Recipient: juan@tienda-a.mx\nReason: Remote host said: 550 unknown user",
    ))
    assert result is not None
    assert (result.kind, result.by_wording) == (AutomaticKind.BOUNCE, True)
    assert result.bounce == Bounce((BounceRecipient("juan@tienda-a.mx", "550"),), None)


def test_delivery_status_fields():
    text = (
        "Reporting-MTA: dns; mx.nopal.mx\n\n"
        "Original-Recipient: rfc822;Juan@Tienda-A.mx\nFinal-Recipient: rfc822;juan@buzon.interno\n"
        "Action: failed\nStatus: 5.2.2 (mailbox full)\n\n"
        "Final-Recipient: rfc822; <ana@tienda-a.mx>\nAction: delayed\n"
        "Diagnostic-Code: smtp; 451 4.4.1 timeout\n\n"
        "Final-Recipient: RFC822; SMTP=beto@tienda-a.mx\nAction: failure\n"
        "Status: 553 Exceeded maximum size\n\n"
        "Final-Recipient: x400; /G=Juan/S=Perez/\nAction: failed\nStatus: 5.0.0\n"
    )
    assert recipients_from_delivery_status(text) == [
        BounceRecipient("juan@tienda-a.mx", "5.2.2", "failed"),  # the address we sent to
        BounceRecipient("ana@tienda-a.mx", "4.4.1", "delayed", "451 4.4.1 timeout"),
        BounceRecipient("beto@tienda-a.mx", "553", "failure"),
    ]


def test_recipients_from_free_text_skip_daemons_and_ourselves_and_version_numbers():
    notice = (
        "Mailman 2.0.12 at lists.nopal.mx\n"
        "Your message to <ana@tienda-a.mx> could not be delivered.\n"
        "postmaster@tienda-a.mx says: 550 5.1.1 mailbox unavailable\n"
        "Reply to soporte@nopal.mx for help.\n"  # our address, as the notice quotes it
        "------ This is a copy of the message, including all the headers. ------\n"
        "To: otro@tienda-a.mx\nMessage-ID: <abc@nopal.mx>\n"
    )
    found = recipients_from_text(notice, exclude={"Soporte+Kq2@nopal.mx"})
    assert found == [BounceRecipient("ana@tienda-a.mx", "5.1.1")]
    assert original_message_id_from_text(notice) == "abc@nopal.mx"


@pytest.mark.parametrize(
    ("wording", "status"),
    [
        ("This is a permanent error; I've given up.", "5.0.0"),
        ("Message delayed, we will keep trying for 5 days.", "4.0.0"),
        ("Something happened.", ""),
    ],
)
def test_status_class_from_wording_when_no_code_is_given(wording, status):
    assert recipients_from_text(f"<ana@tienda-a.mx>:\n{wording}\n", exclude=set()) == [
        BounceRecipient("ana@tienda-a.mx", status)
    ]


def test_kinds_have_translated_labels():
    with translation.override("en"):
        assert [str(kind.label) for kind in AutomaticKind] == [
            "Delivery failure report", "Automatic reply", "Automatically generated", "Mailing list",
            "Bulk mail", "Mail loop",
        ]
    assert {kind.value for kind in AutomaticKind} == {
        "bounce", "auto_reply", "auto_generated", "list", "bulk", "loop",
    }

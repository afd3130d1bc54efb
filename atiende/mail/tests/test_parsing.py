"""parse_message on byte-exact Spanish samples and on hand-made edge cases (no database)."""

from __future__ import annotations

import email
import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from email import policy

import pytest
from django.utils import translation

from atiende.mail import parsing
from atiende.mail.charsets import decode_text
from atiende.mail.headers import Mailbox, decode_words, message_ids, parse_date
from atiende.mail.htmltext import html_to_text
from atiende.mail.inline import rewrite_cid_sources
from atiende.mail.parsing import Quarantine, parse_message

from .corpus import SAMPLES, sample

CDMX = timezone(timedelta(hours=-6))
NOT_EMAIL = "This is not an email message: it has no headers."
NESTED_PART = b'Content-Type: multipart/mixed; boundary="%d"\r\n\r\n--%d\r\n'


def message(*header_lines: str, body: bytes = b"hola\r\n") -> bytes:
    return ("\r\n".join(header_lines) + "\r\n\r\n").encode("utf-8") + body


def test_windows_1252_body_and_iso_8859_1_subject():
    raw = sample("windows1252_body.eml")
    parsed = parse_message(raw)
    assert parsed.subject == "¿Dónde está mi factura?"
    assert (parsed.from_name, parsed.from_address) == ("María López", "Maria.Lopez@tienda-a.mx")
    assert parsed.to == (Mailbox("Soporte Nopal", "soporte@nopal.mx"),)
    assert parsed.message_id == "20251103100000.4321@tienda-a.mx"
    assert parsed.date == datetime(2025, 11, 3, 10, 0, tzinfo=CDMX)
    assert parsed.text == (
        "Buenos días:\n\n¿Dónde está mi factura de octubre? Pagué $1,500 con la tarjeta de mi "
        "compañía.\nEl año pasado me llegó sin problema. “Urgente” — gracias, €5 de propina.\n\n"
        "María Ñúñez López"
    )
    assert parsed.html == ""
    assert parsed.attachments == ()
    assert parsed.content_hash == hashlib.sha256(raw).hexdigest()
    assert parsed.header("x-mailer") == "Microsoft Outlook 16.0"


def test_raw_8bit_utf8_headers_as_some_smtp_clients_send_them():
    parsed = parse_message(sample("raw_utf8_subject.eml"))
    assert parsed.subject == "Señal intermitente en Querétaro — ¿qué pasó?"
    assert parsed.from_name == "José Ñúñez"
    assert parsed.cc == (
        Mailbox("Pérez, Ana", "ana.perez@cliente-b.mx"), Mailbox("", "beto@cliente-b.mx"),
    )
    assert parsed.in_reply_to == "ticket-77.a1b2@nopal.mx"
    assert parsed.references == ("ticket-77.0000@nopal.mx", "ticket-77.a1b2@nopal.mx")
    assert parsed.thread_ids == ("ticket-77.a1b2@nopal.mx", "ticket-77.0000@nopal.mx")
    assert parsed.text == (
        "Desde ayer la señal se cae cada 10 minutos en Querétaro.\n¿Pueden revisar?"
    )


def test_mislabelled_and_unknown_charsets():
    parsed = parse_message(sample("mislabelled_charsets.eml"))
    assert parsed.subject == "Cotización de dominio"  # =?unknown-8bit?Q?Cotizaci=F3n…?=
    assert parsed.message_id is None
    assert parsed.date == datetime(2025, 11, 5, 12, 0, tzinfo=UTC)
    # charset="uft-8", then ISO-8859-1 that really is Windows-1252 (curly quotes).
    assert parsed.text == (
        "Hola, quiero cotizar el dominio tienda-a.com.mx por un año.\n\nEl “plan básico” está bien."
    )


def test_attachment_names_rfc2231_rfc2047_and_path_traversal():
    parsed = parse_message(sample("attachment_names.eml"))
    assert parsed.text == "Les envío las facturas."
    assert [(a.filename, a.content_type, a.size) for a in parsed.attachments] == [
        ("factura décembre.pdf", "application/pdf", 54),
        ("passwd", "text/plain", 31),  # filename="../../etc/passwd"
        ("cotización 2025.xls", "application/vnd.ms-excel", 24),  # name="=?UTF-8?Q?…?="
        ("boot.ini", "application/octet-stream", 3),  # RFC 2231 continuation with ..\..\
        ("htaccess", "application/octet-stream", 13),  # no hidden files
    ]
    assert parsed.attachments[0].content.startswith(b"%PDF-1.4\n")
    assert all(not a.is_inline and a.content_id is None for a in parsed.attachments)
    assert parsed.oversized_attachments == ()


def test_attachments_over_the_limit_are_dropped_and_named():
    parsed = parse_message(sample("attachment_names.eml"), max_attachment_bytes=30)
    kept = [attachment.filename for attachment in parsed.attachments]
    assert kept == ["cotización 2025.xls", "boot.ini", "htaccess"]
    assert parsed.oversized_attachments == ("factura décembre.pdf", "passwd")


def test_inline_cid_image_kept_with_its_content_id_and_html_sanitized():
    parsed = parse_message(sample("inline_cid_image.eml"))
    (image,) = parsed.attachments
    assert (image.filename, image.content_type, image.content_id, image.is_inline) == (
        "captura.png", "image/png", "captura.png@01DC4F2A", True,
    )
    assert image.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert '<img src="cid:captura.png@01DC4F2A" alt="captura.png" width="1">' in parsed.html
    for dropped in ("<script", "alert(1)", "onclick", "javascript:", "<style", "color:red"):
        assert dropped not in parsed.html
    assert parsed.text == "Les mando la captura del error:\n[image: captura.png]"  # the text part


def test_cid_sources_point_at_stored_attachments():
    parsed = parse_message(sample("inline_cid_image.eml"))
    urls = {"CAPTURA.png@01dc4f2a": "/adjuntos/9/captura.png?a=1&b=2"}  # case differs
    html = rewrite_cid_sources(parsed.html, urls)
    assert '<img src="/adjuntos/9/captura.png?a=1&amp;b=2" alt="captura.png" width="1">' in html
    assert rewrite_cid_sources(parsed.html, {}) == parsed.html
    assert rewrite_cid_sources('<img src="cid:a%40b">', {"a@b": "/x"}) == '<img src="/x">'


def test_html_only_message_gets_a_text_version_with_quotes_marked():
    parsed = parse_message(sample("reply_gmail_html_es.eml"))
    assert parsed.text == (
        "Ya funciona, ¡gracias!\n\n"
        "El lun, 3 nov 2025 a las 10:00, Soporte Nopal (<soporte@nopal.mx>) escribió:\n"
        "> Hola Juan:\n> Ya corregimos el registro DNS."
    )
    assert "<blockquote>Hola Juan:<br>Ya corregimos el registro DNS.</blockquote>" in parsed.html


def test_multipart_without_boundary_keeps_its_text_where_the_stdlib_raises():
    raw = sample("broken_boundary_es.eml")
    stdlib = email.message_from_bytes(raw, policy=policy.default)
    with pytest.raises(KeyError):
        stdlib.get_content()
    parsed = parse_message(raw)
    assert parsed.text == "No puedo entrar al panel desde la actualización. ¿Me ayudan?"
    assert parsed.defects == ("MultipartInvariantViolationDefect", "NoBoundaryInMultipartDefect")


def test_delivery_report_parts_are_exposed_for_bounce_detection():
    parsed = parse_message(sample("bounce_dsn_es.eml"))
    assert (parsed.content_type, parsed.report_type) == ("multipart/report", "delivery-status")
    assert parsed.enclosed_message_id == "ticket-1234.ack@nopal.mx"
    recipient_block = "Final-Recipient: rfc822; cliente.inexistente@tienda-a.mx\nAction: failed\n"
    assert recipient_block + "Status: 5.1.1\n" in parsed.delivery_status
    assert parsed.text.startswith("No se ha podido entregar el mensaje a cliente.inexistente@")
    assert parsed.attachments == ()


def test_forwarded_message_is_an_eml_attachment_named_after_its_subject():
    inner = message(
        "From: a@b.mx", "Subject: Factura 123", "Message-ID: <inner@b.mx>", body=b"adentro\r\n"
    )
    raw = message(
        "From: c@d.mx", "Subject: Fwd: Factura 123", "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="b"',
        body=b"--b\r\nContent-Type: text/plain\r\n\r\nmira esto\r\n"
        b"--b\r\nContent-Type: message/rfc822\r\n\r\n" + inner + b"\r\n--b--\r\n",
    )
    parsed = parse_message(raw)
    assert parsed.text == "mira esto"  # the enclosed body is not mixed into ours
    (attachment,) = parsed.attachments
    assert (attachment.filename, attachment.content_type) == ("Factura 123.eml", "message/rfc822")
    assert b"Subject: Factura 123" in attachment.content
    assert parsed.enclosed_message_id == "inner@b.mx"


def test_sender_falls_back_to_sender_header_and_may_be_empty():
    assert parse_message(message("Sender: Bot <bot@x.mx>", "Subject: s")).from_address == "bot@x.mx"
    parsed = parse_message(message("From: Postmaster <>", "Subject: s"))
    assert (parsed.from_address, parsed.from_name) == ("", "")


def test_reply_token_case_survives_and_domains_are_lower_cased():
    parsed = parse_message(message("From: Ana <Ana@Tienda-A.MX>", "To: soporte+Kq2Zx@Nopal.MX"))
    assert parsed.from_address == "Ana@tienda-a.mx"
    assert parsed.to == (Mailbox("", "soporte+Kq2Zx@nopal.mx"),)


def test_nul_and_lone_surrogates_never_reach_the_database():
    parsed = parse_message(message("From: a@b.mx", "Subject: a\x00b", body=b"uno\x00dos\r\n"))
    assert (parsed.subject, parsed.text) == ("ab", "unodos")
    utf7 = message("From: a@b.mx", "Content-Type: text/plain; charset=utf-7", body=b"+2AA-x")
    assert parse_message(utf7).text == "\ufffdx"  # UTF-7 can encode a lone surrogate


@pytest.mark.parametrize(
    ("raw", "code", "reason"),
    [
        (b"", "empty", "The message is empty."),
        (b" \r\n\r\n", "empty", "The message is empty."),
        (b"solo texto, sin encabezados\r\n", "not_email", NOT_EMAIL),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "not_email", NOT_EMAIL),
        (
            b"From: a@b.mx\r\n" + b"".join(NESTED_PART % (i, i) for i in range(60)),
            "too_complex",
            "The message has more nested parts than any real email.",
        ),
    ],
    ids=["empty", "blank", "no-headers", "outlook-msg-file", "nested-60-deep"],
)
def test_unreadable_input_raises_quarantine_with_a_reason(raw, code, reason):
    with pytest.raises(Quarantine) as caught:
        parse_message(raw)
    with translation.override("en"):
        assert (caught.value.code, caught.value.reason) == (code, reason)


def test_quarantine_reason_is_translated():
    with translation.override("es-mx"):
        reason = Quarantine("empty").reason
    assert isinstance(reason, str) and reason
    with pytest.raises(ValueError):
        Quarantine("no-such-code")


def test_leading_blank_lines_from_a_pipe_are_ignored():
    parsed = parse_message(b"\r\n\r\nFrom: a@b.mx\r\nSubject: hola\r\n\r\ncuerpo\r\n")
    assert (parsed.from_address, parsed.subject, parsed.text) == ("a@b.mx", "hola", "cuerpo")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<a@b.mx>", ("a@b.mx",)),
        ("a@b.mx", ("a@b.mx",)),
        (" <a@b.mx>\r\n <c@d.mx> <a@b.mx>", ("a@b.mx", "c@d.mx")),
        ("<a@b.mx> (comentario)", ("a@b.mx",)),
        ("", ()),
        (None, ()),
        ("<" + "x" * 1000 + ">", ()),
    ],
)
def test_message_ids_are_normalized_without_angle_brackets(value, expected):
    assert message_ids(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mon, 3 Nov 2025 10:00:00 -0600", datetime(2025, 11, 3, 10, 0, tzinfo=CDMX)),
        ("Mon, 3 Nov 2025 16:00:00 -0000", datetime(2025, 11, 3, 16, 0, tzinfo=UTC)),
        ("3 Nov 2025 16:00 GMT", datetime(2025, 11, 3, 16, 0, tzinfo=UTC)),
        ("ayer en la tarde", None),
        ("Mon, 99 Nov 2025 10:00:00 -0600", None),
        (None, None),
    ],
)
def test_dates_are_aware_or_none(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        ("ñandú".encode(), "utf-8", "ñandú"),
        ("ñandú".encode(), "uft-8", "ñandú"),
        ("ñandú".encode(), "iso-8859-1", "ñandú"),  # UTF-8 labelled Latin-1
        ("ñandú".encode(), "us-ascii", "ñandú"),
        ("“¿sí?”".encode("cp1252"), "iso-8859-1", "“¿sí?”"),
        ("¿sí?".encode("cp1252"), "utf-8", "¿sí?"),  # Latin-1 labelled UTF-8
        ("café".encode("cp1252"), "unknown-8bit", "café"),
        ("café".encode("cp1252"), "x-no-such-charset", "café"),
        ("café".encode("cp1252"), "base64", "café"),  # a bytes codec is not a charset
        ("café".encode("cp1252"), "punycode", "café"),  # nor a Python-only (slow) codec
        (b"a\\u00f1o", "unicode_escape", "a\\u00f1o"),
        ("café".encode("cp1252"), None, "café"),
        ("こんにちは".encode("iso-2022-jp"), "iso-2022-jp", "こんにちは"),
        (("Привет, как дела? " * 8).encode("koi8-r"), "koi8-r", "Привет, как дела? " * 8),
        (b"\x81\x8d", "windows-1252", "\ufffd\ufffd"),
    ],
)
def test_decode_text_trusts_labels_then_our_prior(data, declared, expected):
    assert decode_text(data, declared) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=?utf-8?B?w6k=?= =?utf-8?B?w6k=?=", "éé"),
        ("=?utf-8?Q?=C3?= =?utf-8?Q?=A9?=", "é"),  # one character split over two words
        ("Re: =?iso-8859-1?Q?se=F1al?= ca\u00edda", "Re: señal caída"),
        ("=?x-unknown?Q?caf=E9?=", "café"),
        ("=?utf-8?B?w6k?=", "é"),  # missing base64 padding
        ("=?utf-8?B?!!!?=", ""),  # nothing decodable: no text, no exception
        ("=?utf-8*es?Q?a=C3=B1o?=", "año"),  # RFC 2231 language suffix
        ("sin codificar", "sin codificar"),
    ],
)
def test_encoded_words(value, expected):
    assert decode_words(value) == expected


def test_html_to_text_keeps_structure_and_drops_code():
    html = (
        "<html><head><title>t</title><style>p{}</style></head><body>"
        "<p>Hola&nbsp;Juan,</p><ul><li>uno</li><li>dos</li></ul>"
        '<p>Ver <a href="https://nopal.mx/estado">el estado</a>.</p>'
        "<blockquote>cita<blockquote>más<br>adentro</blockquote></blockquote>"
        "<script>alert(1)</script><pre>  a\n  b</pre></body></html>"
    )
    assert html_to_text(html) == (
        "Hola Juan,\n- uno\n- dos\nVer el estado <https://nopal.mx/estado>.\n> cita\n> > más\n"
        "> > adentro\n  a\n  b"
    )


@pytest.mark.parametrize("name", sorted(path.name for path in SAMPLES.glob("*.eml")))
def test_the_compat32_fallback_reads_samples_like_the_modern_policy(name, monkeypatch):
    modern = parse_message(sample(name))
    monkeypatch.setattr(parsing, "PARSER_POLICIES", (policy.compat32,))
    fallback = parse_message(sample(name))
    assert replace(fallback, defects=()) == replace(modern, defects=())


def test_a_crash_in_the_modern_policy_falls_back_to_compat32(monkeypatch):
    def broken_build(msg, digest, limit):
        if msg.policy is parsing.MODERN_POLICY:
            raise IndexError("the modern header parser crashed")
        return real_build(msg, digest, limit)

    real_build = parsing._build
    monkeypatch.setattr(parsing, "_build", broken_build)
    assert parse_message(sample("windows1252_body.eml")).subject == "¿Dónde está mi factura?"


def test_a_crash_in_both_policies_is_quarantined_with_the_cause(monkeypatch):
    def broken_build(msg, digest, limit):
        raise IndexError("boom")

    monkeypatch.setattr(parsing, "_build", broken_build)
    with pytest.raises(Quarantine) as caught:
        parse_message(sample("windows1252_body.eml"))
    assert (caught.value.code, caught.value.detail) == ("unreadable", "IndexError: boom")


def _from_a_sender(n: int, sender: int) -> bytes:
    return message(f"From: Cliente {sender} <cliente{sender}@correo.example.mx>", "To: soporte@nopal.mx",
                   f"Subject: Pedido {n}", f"Message-ID: <{n}.unico@correo.example.mx>",
                   f"Date: Mon, 7 Dec 2026 10:{n % 60:02d}:00 -0600")


def test_a_long_lived_process_remembers_few_headers_and_none_that_never_come_back():
    """A web worker taking mail for hours: its header cache stays small, and a Message-ID (new in
    every message) never takes a place in it (it grew a megabyte a minute before)."""
    factory = parsing.MODERN_POLICY.header_factory
    factory.forget()
    for n in range(1200):
        parse_message(_from_a_sender(n, sender=n))
    remembered = factory._remembered.cache_info()
    assert remembered.currsize == remembered.maxsize == factory.REMEMBERED
    assert factory._this_message.cache_info().currsize <= 64


def test_an_import_remembers_each_senders_from_across_messages_and_forgets_after():
    factory = parsing.MODERN_POLICY.header_factory
    factory.forget()
    with parsing.remembering_headers(size=4096):
        for n in range(1500):
            parse_message(_from_a_sender(n, sender=n % 500))  # 500 senders, three messages each
        during = factory._remembered.cache_info()
    assert during.hits >= 2 * 500  # each sender's From parsed once, then found
    assert during.currsize < 1500  # no Message-ID, Date or Subject among them
    after = factory._remembered.cache_info()
    assert (after.currsize, after.maxsize) == (0, factory.REMEMBERED)

"""The test servers themselves: SMTP capture, Dovecot round trip, and the CI rule."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from django.core.mail import EmailMessage, get_connection

from . import conftest, servers


def test_smtp_server_captures_what_django_sends(smtp_server, smtp_outbox):
    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host=smtp_server.host,
        port=smtp_server.port, username="", password="", use_tls=False, use_ssl=False, timeout=5,
    )
    email = EmailMessage(
        subject="Tu ticket #1234", body="Hola, Ana: ya revisamos tu pedido.",
        from_email="soporte@atiende.mx", to=["ana@tienda-a.mx"], bcc=["archivo@atiende.mx"],
        connection=connection,
    )

    assert email.send() == 1

    assert len(smtp_outbox) == 1
    captured = smtp_outbox[0]
    assert captured.mail_from == "soporte@atiende.mx"
    assert captured.rcpt_tos == ["ana@tienda-a.mx", "archivo@atiende.mx"]
    parsed = message_from_bytes(captured.raw, policy=policy.default)
    assert (parsed["Subject"], parsed["To"], parsed["Bcc"]) == ("Tu ticket #1234", "ana@tienda-a.mx", None)
    assert parsed.get_content() == "Hola, Ana: ya revisamos tu pedido.\r\n"  # CRLF, as on the wire


def test_smtp_outbox_starts_empty_for_each_test(smtp_outbox):
    assert smtp_outbox == []


def test_dovecot_stores_a_message_byte_for_byte(dovecot, imap_folder):
    raw = b"Subject: =?utf-8?q?Acentos_=C3=A1?=\r\n\r\nL\xc3\xadnea con UTF-8 sin declarar\r\n"
    uid = dovecot.append(imap_folder, raw)

    with dovecot.connect() as client:
        client.select_folder(imap_folder, readonly=True)
        assert client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"] == raw


def test_a_missing_dovecot_is_reported_as_unavailable(monkeypatch):
    monkeypatch.setattr(servers.shutil, "which", lambda *args, **kwargs: None)

    with pytest.raises(servers.ServerUnavailable):
        servers.start_dovecot()


@pytest.mark.parametrize(
    ("ci", "outcome"), [("true", pytest.fail.Exception), (None, pytest.skip.Exception)]
)
def test_a_missing_server_fails_in_ci_and_skips_elsewhere(monkeypatch, ci, outcome):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)

    with pytest.raises(outcome):
        conftest.unavailable("dovecot is not installed")

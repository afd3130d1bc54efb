"""IMAP fetching against a real Dovecot: at least once, in order, and only over TLS."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.utils import translation

from atiende.mail.imap import MailboxError, MailboxSettings, poll, wait_for_new

from .servers import UTF8_PASSWORD, UTF8_USER, DovecotServer, free_port

REPO = Path(__file__).resolve().parents[3]


def message(number: int) -> bytes:
    return (
        f"From: Ana <ana@tienda-a.mx>\r\nTo: soporte@atiende.mx\r\n"
        f"Message-ID: <{number}@tienda-a.mx>\r\nSubject: Pedido {number}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    ).encode() + f"¿Dónde está mi pedido {number}?\r\n".encode()


def collect(into: list[tuple[int, bytes]]):
    return lambda uid, raw: into.append((uid, raw))


def refuse(uid: int, raw: bytes) -> None:
    raise AssertionError(f"message {uid} was fetched again")


def flags(dovecot: DovecotServer, folder: str, uid: int) -> tuple[bytes, ...]:
    with dovecot.connect() as client:
        client.select_folder(folder, readonly=True)
        return client.get_flags([uid])[uid]


def test_poll_hands_over_unseen_messages_oldest_first_and_then_flags_them_seen(
    dovecot, imap_folder, mailbox
):
    dovecot.append(imap_folder, message(0), flags=(b"\\Seen",))
    uids = [dovecot.append(imap_folder, message(number)) for number in (1, 2, 3)]
    received: list[tuple[int, bytes]] = []

    result = poll(mailbox, collect(received))

    assert received == [(uids[0], message(1)), (uids[1], message(2)), (uids[2], message(3))]
    assert (result.handled, result.failed, result.more) == (uids, [], False)
    assert result.uidnext == uids[-1] + 1
    assert [b"\\Seen" in flags(dovecot, imap_folder, uid) for uid in uids] == [True] * 3
    assert poll(mailbox, refuse).handled == []


def test_poll_takes_at_most_a_batch_and_says_more_are_waiting(dovecot, imap_folder, mailbox):
    uids = [dovecot.append(imap_folder, message(number)) for number in (1, 2, 3)]

    first = poll(mailbox, collect([]), batch=2)
    second = poll(mailbox, collect([]), batch=2)

    assert (first.handled, first.more) == (uids[:2], True)
    assert (second.handled, second.more) == (uids[2:], False)


def test_a_message_is_still_unseen_while_it_is_handled(dovecot, imap_folder, mailbox):
    uid = dovecot.append(imap_folder, message(1))
    seen_during_handle: list[bool] = []

    poll(mailbox, lambda uid, raw: seen_during_handle.append(
        b"\\Seen" in flags(dovecot, imap_folder, uid)))

    assert seen_during_handle == [False]
    assert b"\\Seen" in flags(dovecot, imap_folder, uid)


def test_a_failed_handle_leaves_the_message_for_the_next_poll(dovecot, imap_folder, mailbox):
    uids = [dovecot.append(imap_folder, message(number)) for number in (1, 2, 3)]
    broken = RuntimeError("database is locked")

    def handle(uid: int, raw: bytes) -> None:
        if uid == uids[1]:
            raise broken

    result = poll(mailbox, handle)
    still_unseen = b"\\Seen" not in flags(dovecot, imap_folder, uids[1])
    retried: list[tuple[int, bytes]] = []
    again = poll(mailbox, collect(retried))

    assert result.handled == [uids[0], uids[2]]
    assert [(failure.uid, failure.error) for failure in result.failed] == [(uids[1], broken)]
    assert still_unseen
    assert retried == [(uids[1], message(2))]
    assert (again.handled, again.failed) == ([uids[1]], [])


# A bare Django (translations work, no project apps) keeps the child's start-up short.
CRASHING_WORKER = """
import json, os, sys
import django
from django.conf import settings
settings.configure(USE_I18N=True)
django.setup()
from atiende.mail.imap import MailboxSettings, poll

def die_before_committing(uid, raw):
    print(uid, len(raw), flush=True)
    os._exit(17)

poll(MailboxSettings(**json.loads(sys.argv[1])), die_before_committing)
"""


def test_a_worker_killed_between_fetch_and_commit_loses_nothing(dovecot, imap_folder, mailbox):
    uid = dovecot.append(imap_folder, message(1))

    crashed = subprocess.run(
        [sys.executable, "-c", CRASHING_WORKER, json.dumps(dataclasses.asdict(mailbox))],
        cwd=REPO, capture_output=True, text=True, timeout=30,
    )
    received: list[tuple[int, bytes]] = []
    after = poll(mailbox, collect(received))

    assert (crashed.returncode, crashed.stdout) == (17, f"{uid} {len(message(1))}\n"), crashed.stderr
    assert received == [(uid, message(1))]
    assert after.handled == [uid]
    assert poll(mailbox, refuse).handled == []


def test_starttls_is_used_on_a_plaintext_port_that_offers_it(dovecot, imap_folder, mailbox):
    uid = dovecot.append(imap_folder, message(1))
    starttls = dataclasses.replace(mailbox, port=dovecot.starttls_port, security="starttls")

    assert poll(starttls, collect([])).handled == [uid]


def test_a_server_without_starttls_gets_no_password(dovecot_plaintext):
    settings = MailboxSettings(
        host=dovecot_plaintext.host, port=dovecot_plaintext.port, username=dovecot_plaintext.user,
        password=dovecot_plaintext.password, security="starttls", timeout=5,
    )
    closed_before = dovecot_plaintext.log().count(NO_AUTH)

    with translation.override("en"), pytest.raises(MailboxError) as raised:
        poll(settings, refuse)

    assert raised.value.code == "starttls_unavailable"
    assert raised.value.message == (
        f"The mail server 127.0.0.1:{settings.port} does not offer STARTTLS, so the password "
        "would travel unencrypted; use an encrypted port or enable TLS on the server."
    )
    log = wait_for_log(dovecot_plaintext, NO_AUTH, more_than=closed_before)
    assert "Login:" not in log and "auth failed" not in log
    dovecot_plaintext.connect().logout()  # the server would have taken the password in clear


def test_implicit_tls_to_a_plaintext_port_fails(dovecot_plaintext):
    settings = MailboxSettings(
        host=dovecot_plaintext.host, port=dovecot_plaintext.port, username=dovecot_plaintext.user,
        password=dovecot_plaintext.password, security="ssl", timeout=5,
    )

    with pytest.raises(MailboxError) as raised:
        poll(settings, refuse)

    assert raised.value.code == "tls_failed"


def test_a_certificate_nobody_trusts_is_refused(mailbox):
    with pytest.raises(MailboxError) as raised:
        poll(dataclasses.replace(mailbox, ca_file=None), refuse)

    assert raised.value.code == "tls_failed"
    assert "self-signed certificate" in str(raised.value)


def test_a_wrong_password_is_a_mailbox_error(mailbox):
    with translation.override("en"), pytest.raises(MailboxError) as raised:
        poll(dataclasses.replace(mailbox, password="incorrecta"), refuse)

    assert raised.value.code == "auth_failed"
    assert raised.value.message == (
        "The mail server did not accept the username soporte and its password: "
        "[AUTHENTICATIONFAILED] Authentication failed."
    )


def test_a_password_beyond_ascii_logs_in(dovecot, mailbox):
    other = dataclasses.replace(mailbox, username=UTF8_USER, password=UTF8_PASSWORD, folder="INBOX")
    uid = dovecot.append_as(UTF8_USER, UTF8_PASSWORD, "INBOX", message(1))

    assert poll(other, collect([])).handled == [uid]


def test_a_closed_port_is_a_mailbox_error(mailbox):
    with pytest.raises(MailboxError) as raised:
        poll(dataclasses.replace(mailbox, port=free_port()), refuse)

    assert raised.value.code == "connection_failed"


def test_a_missing_folder_is_a_mailbox_error(mailbox):
    with pytest.raises(MailboxError) as raised:
        poll(dataclasses.replace(mailbox, folder="NoExiste"), refuse)

    assert raised.value.code == "folder_unavailable"


def test_plaintext_cannot_even_be_configured():
    with pytest.raises(ValueError):
        MailboxSettings(host="imap.example.mx", port=143, username="u", password="p",
                        security="none")  # type: ignore[arg-type]


def test_idle_returns_soon_after_a_delivery(dovecot, imap_folder, mailbox):
    known = poll(mailbox, refuse).uidnext
    delivery = threading.Timer(0.5, dovecot.append, (imap_folder, message(1)))
    started = time.monotonic()
    delivery.start()
    try:
        arrived = wait_for_new(mailbox, timeout=10, known_uidnext=known)
    finally:
        delivery.join()

    assert arrived is True
    assert 0.4 < time.monotonic() - started < 3


def test_idle_returns_at_once_for_mail_delivered_since_the_last_poll(dovecot, imap_folder, mailbox):
    known = poll(mailbox, refuse).uidnext
    dovecot.append(imap_folder, message(1))
    started = time.monotonic()

    assert wait_for_new(mailbox, timeout=10, known_uidnext=known) is True
    assert time.monotonic() - started < 2


def test_idle_gives_up_after_the_timeout(mailbox):
    started = time.monotonic()

    assert wait_for_new(mailbox, timeout=0.5) is False
    assert 0.5 <= time.monotonic() - started < 2.5


NO_AUTH = "no auth attempts"  # how Dovecot logs a connection closed before any login


def wait_for_log(server: DovecotServer, text: str, *, more_than: int) -> str:
    """The log once `text` appears in it more than `more_than` times (Dovecot logs slightly late)."""
    deadline = time.monotonic() + 5
    while (log := server.log()).count(text) <= more_than and time.monotonic() < deadline:
        time.sleep(0.05)
    assert log.count(text) > more_than, log
    return log

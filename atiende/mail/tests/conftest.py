"""Fixtures for the email channel: real IMAP and SMTP servers on 127.0.0.1, one of each per run.

As with Redis and PostgreSQL, a missing server skips its tests on a laptop but fails the run
in CI (CI=true), where `.ci/run` installs Dovecot.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from typing import NoReturn

import pytest

from atiende.mail.imap import MailboxSettings

from .servers import (
    CapturedMail,
    DovecotServer,
    ServerUnavailable,
    SmtpServer,
    start_dovecot,
    start_smtp_server,
)

_folder_numbers = itertools.count(1)


def unavailable(reason: str) -> NoReturn:
    """Skip the test, or fail it in CI, where every server must be present."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; it is required in CI", pytrace=False)
    pytest.skip(reason)


def _dovecot(*, tls: bool) -> Iterator[DovecotServer]:
    try:
        server = start_dovecot(tls=tls)
    except ServerUnavailable as exc:
        unavailable(str(exc))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    """Dovecot offering IMAPS on `port` and STARTTLS on `starttls_port`, one user."""
    yield from _dovecot(tls=True)


@pytest.fixture(scope="session")
def dovecot_plaintext() -> Iterator[DovecotServer]:
    """Dovecot with no TLS at all, to show that our client refuses it."""
    yield from _dovecot(tls=False)


@pytest.fixture
def imap_folder(dovecot: DovecotServer) -> str:
    """A new, empty folder on `dovecot` for one test, so tests never see each other's mail."""
    folder = f"Prueba{next(_folder_numbers)}"
    dovecot.create_folder(folder)
    return folder


@pytest.fixture
def mailbox(dovecot: DovecotServer, imap_folder: str) -> MailboxSettings:
    """Settings for reading `imap_folder` over IMAPS, trusting the test CA."""
    return MailboxSettings(
        host=dovecot.host, port=dovecot.port, username=dovecot.user, password=dovecot.password,
        folder=imap_folder, security="ssl", ca_file=dovecot.ca_file, timeout=10,
    )


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    """An aiosmtpd server that accepts everything and keeps it in `messages`."""
    server = start_smtp_server()
    yield server
    server.stop()


@pytest.fixture
def smtp_outbox(smtp_server: SmtpServer) -> Iterator[list[CapturedMail]]:
    """The messages `smtp_server` received during this test, oldest first."""
    smtp_server.messages.clear()
    yield smtp_server.messages
    smtp_server.messages.clear()

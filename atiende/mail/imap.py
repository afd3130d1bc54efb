"""Fetching mail from an IMAP folder, at least once and never in plaintext.

A message is fetched with BODY.PEEK[] (which leaves it unseen) and flagged \\Seen only after the
caller's handler has returned, so a crash or a failed commit in between means the next poll
fetches it again; the handler deduplicates (by Message-ID) for the rare repeat.
"""

from __future__ import annotations

import re
import ssl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.translation import gettext as _
from imapclient import SEEN, IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

Security = Literal["ssl", "starttls"]
SECURITY_CHOICES: tuple[Security, ...] = ("ssl", "starttls")

# RFC 2177: a server may drop a client idle for 30 minutes, so IDLE never waits longer than this.
MAX_IDLE_SECONDS = 25 * 60


@dataclass(frozen=True)
class MailboxSettings:
    """Where to read mail. `security` is "ssl" (implicit TLS, usually port 993) or "starttls"
    (usually 143); there is no plaintext option. `ca_file` replaces the system's trusted CAs."""

    host: str
    port: int
    username: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    security: Security = "ssl"
    ca_file: str | None = None
    timeout: float = 30.0  # seconds for connecting and for each server reply

    def __post_init__(self) -> None:
        if self.security not in SECURITY_CHOICES:
            raise ValueError(f"security must be one of {SECURITY_CHOICES}, not {self.security!r}")


class MailboxError(Exception):
    """The mailbox could not be read. `code` is stable for programs; the message is translated."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class HandleFailure:
    uid: int
    error: Exception


@dataclass
class PollResult:
    uidvalidity: int | None
    uidnext: int | None  # the folder's UIDNEXT when polled; pass it to wait_for_new
    handled: list[int] = field(default_factory=list)  # UIDs handled and flagged \Seen
    failed: list[HandleFailure] = field(default_factory=list)  # left unseen for the next poll
    more: bool = False  # more unseen messages than `batch` were waiting: poll again now


MessageHandler = Callable[[int, bytes], None]


def poll(settings: MailboxSettings, handle: MessageHandler, *, batch: int = 50) -> PollResult:
    """Call `handle(uid, raw)` for up to `batch` unseen messages, oldest first.

    `handle` must commit what it needs before returning: the message is flagged \\Seen right
    after. If it raises, the error is recorded, the message stays unseen and the next one is
    handled. Raises MailboxError when the server cannot be used.
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    with _session(settings) as client:
        selected = _select(client, settings)
        unseen = sorted(client.search(["UNSEEN"]))
        result = PollResult(
            uidvalidity=selected.get(b"UIDVALIDITY"),
            uidnext=selected.get(b"UIDNEXT"),
            more=len(unseen) > batch,
        )
        for uid in unseen[:batch]:
            raw = _fetch_raw(client, uid)
            if raw is None:
                continue  # expunged by another client since the search
            try:
                handle(uid, raw)
            except Exception as exc:  # the caller did not commit: leave it for the next poll
                result.failed.append(HandleFailure(uid, exc))
                continue
            client.add_flags([uid], [SEEN], silent=True)
            result.handled.append(uid)
    return result


def wait_for_new(
    settings: MailboxSettings, timeout: float, *, known_uidnext: int | None = None
) -> bool:
    """Block until a message arrives in the folder (True) or `timeout` seconds pass (False).

    Uses IDLE when the server offers it, and otherwise just sleeps. Pass `known_uidnext` (from
    the last PollResult) so that mail delivered since that poll returns at once instead of
    waiting for the next delivery. Raises MailboxError when the server cannot be used.
    """
    timeout = min(timeout, MAX_IDLE_SECONDS)
    with _session(settings) as client:
        uidnext = _select(client, settings).get(b"UIDNEXT")
        if known_uidnext is not None and uidnext is not None and uidnext > known_uidnext:
            return True
        if client.has_capability("IDLE"):
            return _idle(client, timeout)
    time.sleep(timeout)
    return False


def _idle(client: IMAPClient, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    arrived = False
    client.idle()
    while not arrived and (remaining := deadline - time.monotonic()) > 0:
        responses = client.idle_check(timeout=remaining)
        if not responses:
            break  # timed out, or the server hung up (then DONE below raises)
        arrived = any(_announces_mail(response) for response in responses)
    _, late = client.idle_done()
    return arrived or any(_announces_mail(response) for response in late)


def _announces_mail(response: tuple[Any, ...]) -> bool:
    # "* 12 EXISTS" is how a server reports a new message in the selected folder.
    return len(response) >= 2 and response[1] == b"EXISTS"


def _fetch_raw(client: IMAPClient, uid: int) -> bytes | None:
    # One message at a time keeps memory flat however large the batch's messages are.
    data = client.fetch([uid], ["BODY.PEEK[]"])
    return data.get(uid, {}).get(b"BODY[]")


def _select(client: IMAPClient, settings: MailboxSettings) -> dict[bytes, Any]:
    try:
        return client.select_folder(settings.folder)
    except IMAPClientAbortError:
        raise  # the connection broke: reported by _session
    except IMAPClientError as exc:
        raise MailboxError(
            "folder_unavailable",
            _('Could not open the folder "%(folder)s" on the mail server: %(reason)s')
            % {"folder": settings.folder, "reason": _reason(exc)},
        ) from exc


@contextmanager
def _session(settings: MailboxSettings) -> Iterator[IMAPClient]:
    """A logged-in client over TLS; network and protocol failures become MailboxError."""
    where = {"host": settings.host, "port": settings.port}
    context = ssl.create_default_context(cafile=settings.ca_file)
    try:
        client = IMAPClient(
            settings.host, settings.port, ssl=settings.security == "ssl",
            ssl_context=context, timeout=settings.timeout,
        )
    except ssl.SSLError as exc:
        raise _tls_error(exc, where) from exc
    except OSError as exc:
        raise MailboxError(
            "connection_failed",
            _("Could not connect to the mail server %(host)s:%(port)s: %(reason)s")
            % {**where, "reason": exc.strerror or exc},
        ) from exc
    clean = False
    try:
        if settings.security == "starttls":
            _starttls(client, context, where)
        _login(client, settings)
        yield client
        clean = True
    except ssl.SSLError as exc:
        raise _tls_error(exc, where) from exc
    except (OSError, IMAPClientAbortError) as exc:
        raise MailboxError(
            "connection_lost",
            _("The connection to the mail server %(host)s:%(port)s was lost: %(reason)s")
            % {**where, "reason": _reason(exc)},
        ) from exc
    except IMAPClientError as exc:
        raise MailboxError(
            "server_error",
            _("The mail server answered with an error: %(reason)s") % {"reason": _reason(exc)},
        ) from exc
    finally:
        _close(client, clean=clean)


def _starttls(client: IMAPClient, context: ssl.SSLContext, where: dict[str, Any]) -> None:
    # Checked here, before anything else is sent: never fall back to plaintext.
    if not client.has_capability("STARTTLS"):
        raise MailboxError(
            "starttls_unavailable",
            _("The mail server %(host)s:%(port)s does not offer STARTTLS, so the password "
              "would travel unencrypted; use an encrypted port or enable TLS on the server.")
            % where,
        )
    try:
        client.starttls(context)
    except IMAPClientAbortError:
        raise
    except IMAPClientError as exc:
        raise _tls_error(exc, where) from exc


def _login(client: IMAPClient, settings: MailboxSettings) -> None:
    try:
        if settings.password.isascii():
            client.login(settings.username, settings.password)
        else:
            # LOGIN only carries ASCII; AUTHENTICATE PLAIN carries UTF-8 (RFC 4616).
            client.plain_login(settings.username, settings.password)
    except LoginError as exc:
        raise MailboxError(
            "auth_failed",
            _("The mail server did not accept the username %(username)s and its password: "
              "%(reason)s") % {"username": settings.username, "reason": _reason(exc)},
        ) from exc


def _tls_error(exc: Exception, where: dict[str, Any]) -> MailboxError:
    reason = getattr(exc, "verify_message", None) or getattr(exc, "reason", None) or _reason(exc)
    return MailboxError(
        "tls_failed",
        _("Could not set up an encrypted (TLS) connection to %(host)s:%(port)s: %(reason)s")
        % {**where, "reason": reason},
    )


def _reason(exc: Exception) -> str:
    # imaplib quotes the server's own words as a bytes literal: b'[AUTHENTICATIONFAILED] ...'
    text = str(exc)
    quoted = re.fullmatch(r"b'(.*)'", text)
    return quoted.group(1) if quoted else text


def _close(client: IMAPClient, *, clean: bool) -> None:
    # After a failure the connection may be unusable: drop it rather than wait for LOGOUT.
    try:
        if clean:
            client.logout()
        else:
            client.shutdown()
    except (OSError, IMAPClientError):
        pass

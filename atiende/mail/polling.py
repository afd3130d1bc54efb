"""Reading the admin's IMAP mailboxes into tickets: at least once from IMAP, once into the database.

`imap.poll` flags a message \\Seen only after our handler returns, and the handler returns only
after `ingest` has committed the message's ticket or reply (ingest runs in its own transaction,
so this must never be called inside `transaction.atomic`). A crash in between leaves the
message unseen; the next poll fetches it again and ingest recognises it by its key.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import Counter
from dataclasses import dataclass, field

from django.db import close_old_connections
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atiende.core import clock

from .imap import MailboxError, MailboxSettings, PollResult, poll, wait_for_new
from .models import Mailbox
from .services import IngestResult, ingest

logger = logging.getLogger(__name__)

# One scheduled run takes at most BATCH * ROUNDS messages per mailbox; the rest waits a minute.
BATCH = 50
ROUNDS = 20
IDLE_SECONDS = 25 * 60  # RFC 2177: servers may drop an IDLE after 30 minutes
RETRY_SECONDS = 60


@dataclass
class MailboxPollReport:
    """What one poll of one mailbox did. `error` is empty when the server could be read."""

    mailbox_id: int
    outcomes: Counter[str] = field(default_factory=Counter)  # services.Outcome -> messages
    failed: int = 0  # messages whose ingestion raised: still unseen, taken again next time
    failure: str = ""  # why the first of those failed
    more: bool = False  # unseen messages were left for the next run
    error: str = ""  # why the mailbox could not be read (translated)
    error_code: str = ""  # MailboxError.code, or "unexpected"
    uidnext: int | None = None  # the folder's next UID at the last read: IDLE waits from there


def mailbox_settings(mailbox: Mailbox) -> MailboxSettings:
    """The connection settings of a Mailbox row, its password read from the environment.

    Raises MailboxError("password_missing") when the variable is not set or empty. The server's
    certificate is checked against the system's CAs, or those in the file SSL_CERT_FILE names.
    """
    password = os.environ.get(mailbox.password_env, "")
    if not password:
        raise MailboxError(
            "password_missing",
            _("The environment variable %(name)s, which should hold the password of this mailbox, "
              "is not set.") % {"name": mailbox.password_env},
        )
    return MailboxSettings(
        host=mailbox.host, port=mailbox.port, username=mailbox.username, password=password,
        folder=mailbox.folder or "INBOX", security=mailbox.security,  # type: ignore[arg-type]
    )


def mailbox_poll(*, mailbox: Mailbox, batch: int = BATCH, rounds: int = ROUNDS) -> MailboxPollReport:
    """Take in the mailbox's unseen messages and record the result on the row.

    `last_polled_at` is when the server was last read successfully; `last_error` says why the
    last attempt failed (empty when it did not). Never raises MailboxError. Call it outside
    any transaction: each message must be committed before the server is told it was seen.
    """
    report = MailboxPollReport(mailbox_id=mailbox.pk)

    def handle(uid: int, raw: bytes) -> None:
        result: IngestResult = ingest(raw, source="imap", mailbox=mailbox)
        report.outcomes[result.outcome] += 1

    try:
        settings = mailbox_settings(mailbox)
        for _round in range(rounds):
            result = poll(settings, handle, batch=batch)
            _note_failures(mailbox, report, result)
            report.more, report.uidnext = result.more, result.uidnext
            if not result.more or result.failed:
                break  # failures would only be fetched again at once: leave them to the next run
    except MailboxError as exc:
        report.error, report.error_code = exc.message, exc.code
        _record(mailbox, last_error=exc.message)
        return report
    _record(mailbox, last_error=_failures_text(report), last_polled_at=clock.now())
    return report


def mailboxes_poll(*, batch: int = BATCH, rounds: int = ROUNDS) -> list[MailboxPollReport]:
    """Poll every active mailbox once; one broken mailbox never stops the others."""
    reports = []
    for mailbox in Mailbox.objects.filter(active=True).order_by("pk"):
        try:
            reports.append(mailbox_poll(mailbox=mailbox, batch=batch, rounds=rounds))
        except Exception as exc:  # a bug or a database outage for this one: log it, go on
            logger.exception("Polling mailbox %s failed", mailbox.pk)
            message = _("Reading this mailbox failed unexpectedly: %(reason)s") % {"reason": exc}
            reports.append(MailboxPollReport(mailbox_id=mailbox.pk, error=message, error_code="unexpected"))
            try:
                _record(mailbox, last_error=message)
            except Exception:
                logger.exception("Could not record the error of mailbox %s", mailbox.pk)
    return reports


def _note_failures(mailbox: Mailbox, report: MailboxPollReport, result: PollResult) -> None:
    for failure in result.failed:
        logger.error("Mailbox %s: message UID %s could not be taken in", mailbox.pk, failure.uid,
                     exc_info=failure.error)
    report.failed += len(result.failed)
    if result.failed and not report.failure:
        report.failure = str(result.failed[0].error)


def _failures_text(report: MailboxPollReport) -> str:
    if not report.failed:
        return ""
    return ngettext(
        "%(count)s message could not be taken in and stays unread for the next poll: %(reason)s",
        "%(count)s messages could not be taken in and stay unread for the next poll: %(reason)s",
        report.failed,
    ) % {"count": report.failed, "reason": report.failure}


def _record(mailbox: Mailbox, **values: object) -> None:
    # update(), not save(): an admin's edit of the row while we polled is not overwritten.
    Mailbox.objects.filter(pk=mailbox.pk).update(**values)
    for name, value in values.items():
        setattr(mailbox, name, value)


def mailbox_watch(*, mailbox: Mailbox, stopping: threading.Event, idle_seconds: float = IDLE_SECONDS) -> None:
    """Read the mailbox as mail arrives, until `stopping` is set: poll, then wait with IDLE
    (where the server offers it) for the next delivery, and again. The scheduled poll stays
    the fall-back; both may run at once, since a message is taken in once whoever reads it.
    Errors are recorded on the mailbox and retried after a pause."""
    while not stopping.is_set():
        report = mailbox_poll(mailbox=mailbox)
        try:
            if report.error:
                raise MailboxError(report.error_code, report.error)
            if not report.more:
                wait_for_new(mailbox_settings(mailbox), idle_seconds, known_uidnext=report.uidnext)
        except MailboxError as exc:
            _record(mailbox, last_error=exc.message)
            stopping.wait(RETRY_SECONDS)
        finally:
            close_old_connections()  # a long-lived loop must not keep a broken connection

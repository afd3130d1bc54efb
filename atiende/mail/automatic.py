"""Recognising automatic mail (bounces, auto-replies, lists, loops) so it is never answered.

`classify` looks at headers first (RFC 3834 and the de-facto ones), then at the shape of
delivery reports, and only then at wording; wording alone never makes a message from a person
automatic, because customers of a hosting company write about bounced mail all the time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from .bounces import (
    ADDRESS,
    Bounce,
    BounceRecipient,
    is_daemon_address,
    original_message_id_from_text,
    recipients_from_delivery_status,
    recipients_from_text,
)
from .parsing import ParsedMessage

__all__ = ["Automatic", "AutomaticKind", "Bounce", "BounceRecipient", "classify"]

DAEMON_NAMES = re.compile(
    r"(?i)mail ?delivery (?:sub)?system|mail delivery service|mailer.?daemon|postmaster"
    r"|delivery subsystem|sistema de entrega"
)
BOUNCE_SUBJECT = re.compile(
    r"(?i)undeliver|delivery (?:status notification|failure|failed|has failed|problem|report"
    r"|notification|error|warning)|mail delivery fail|returned (?:mail|to sender)|failure notice"
    r"|failure delivery|failed mail|mail failed|non-?deliver|not delivered|could not be delivered"
    r"|mail (?:system )?error|delayed mail|message delayed|returning (?:message )?to sender"
    r"|no (?:se )?(?:pudo|puede) entregar|no entregad|error de entrega|estado de (?:la )?entrega"
    r"|devuelto al remitente|correo devuelto|fallo (?:en la|de) entrega|entrega fallida"
    r"|non remis|unzustellbar|non recens"
)
BOUNCE_TEXT = re.compile(
    r"(?i)could not (?:be )?deliver|couldn't be delivered|undeliverable|delivery (?:has )?failed"
    r"|permanent(?:ly)? (?:error|failure|fatal)|user unknown|unknown user|no such user"
    r"|mailbox (?:unavailable|is full|full)|recipient address rejected|unable to deliver"
    r"|message was not (?:delivered|accepted)|not yet been delivered|has been postponed"
    r"|will continue to try|returned because|returning (?:message )?to sender|failed addresses"
    r"|no (?:se )?(?:ha )?(?:pudo|puede|podido) (?:ser )?entregar|no fue entregado|buz[oó]n lleno"
    r"|destinatario (?:no existe|desconocido)|direcci[oó]n no (?:existe|encontrada)"
    r"|no se ha encontrado la direcci[oó]n|\b[45]\.[0-7]\.\d{1,3}\b"
)
FORWARD_PREFIX = re.compile(r"(?i)^\s*(?:fwd?|rv|reenv(?:iar|iado)?|tr|wg)\s*:")
AUTO_REPLY_SUBJECT = re.compile(
    r"(?i)^\s*(?:respuesta autom[aá]tica|automatic reply|auto-?reply|autoreply|auto response"
    r"|out of (?:the )?office(?: reply)?|fuera de (?:la )?oficina|r[ée]ponse automatique)\s*:"
)
PRECEDENCE_KINDS = {"bulk": "bulk", "junk": "bulk", "list": "list", "auto_reply": "auto_reply"}
MAX_EVIDENCE = 200
TEXT_SCAN_LIMIT = 5000  # failure notices say so near the top


class AutomaticKind(models.TextChoices):
    BOUNCE = "bounce", _("Delivery failure report")
    AUTO_REPLY = "auto_reply", _("Automatic reply")
    AUTO_GENERATED = "auto_generated", _("Automatically generated")
    LIST = "list", _("Mailing list")
    BULK = "bulk", _("Bulk mail")
    LOOP = "loop", _("Mail loop")


@dataclass(frozen=True)
class Automatic:
    kind: AutomaticKind
    reason: str  # the evidence quoted from the message ("Precedence: bulk"); not translated
    bounce: Bounce | None = None  # for kind BOUNCE
    # True when only the wording says so (a person's address, no report structure or header):
    # never answer it automatically, but a caller may still show it to agents.
    by_wording: bool = False


def classify(parsed: ParsedMessage) -> Automatic | None:
    """Why `parsed` is automatic mail, or None when a person wrote it."""
    return (
        _bounce(parsed)
        or _read_receipt(parsed)
        or _by_headers(parsed)
        or _by_subject(parsed)
    )


def _bounce(parsed: ParsedMessage) -> Automatic | None:
    evidence = _bounce_evidence(parsed)
    if evidence is None:
        if not _daemon_sender(parsed):
            return None
        return Automatic(AutomaticKind.AUTO_GENERATED, _evidence("From", _sender_label(parsed)))
    reason, by_wording = evidence
    return Automatic(AutomaticKind.BOUNCE, reason, _bounce_details(parsed), by_wording)


def _bounce_evidence(parsed: ParsedMessage) -> tuple[str, bool] | None:
    """(reason, by_wording) when `parsed` is a delivery failure report."""
    if parsed.report_type == "delivery-status" or parsed.delivery_status:
        return "Content-Type: multipart/report; report-type=delivery-status", False
    failed = parsed.header("x-failed-recipients")
    if failed:
        return _evidence("X-Failed-Recipients", failed), False
    bounce_subject = bool(BOUNCE_SUBJECT.search(parsed.subject))
    # MAILER-DAEMON sends nothing but delivery reports; a postmaster may be a person.
    daemon = is_daemon_address(parsed.from_address, postmaster=False)
    if daemon:
        return _evidence("From", _sender_label(parsed)), False
    daemon_like, null_sender = _daemon_sender(parsed), _null_sender(parsed)
    if not (bounce_subject or daemon_like or null_sender):
        return None  # the wording alone decides nothing: most mail ends here, text unread
    bounce_words = BOUNCE_TEXT.search(parsed.text[:TEXT_SCAN_LIMIT]) is not None
    if (daemon_like or null_sender) and (bounce_subject or bounce_words):
        return (_evidence("From", _sender_label(parsed)) if daemon_like else _evidence("Return-Path", "<>")), False
    # From a person's address: the subject and the text must both read as a failure notice, and
    # it must not be a customer forwarding one they received.
    if bounce_subject and bounce_words and not FORWARD_PREFIX.match(parsed.subject):
        return _evidence("Subject", parsed.subject), True
    return None


def _bounce_details(parsed: ParsedMessage) -> Bounce:
    recipients = recipients_from_delivery_status(parsed.delivery_status)
    if not recipients:
        recipients = recipients_from_text(parsed.text, exclude=_own_addresses(parsed))
        # Exim names the failed addresses in a header: trust it over our reading of the text.
        header = parsed.header("x-failed-recipients") or ""
        named = dict.fromkeys(address.lower() for address in ADDRESS.findall(header))
        if named:
            read = {recipient.address: recipient for recipient in recipients}
            recipients = [read.get(address) or BounceRecipient(address, "") for address in named]
    original = parsed.enclosed_message_id or original_message_id_from_text(parsed.text)
    return Bounce(tuple(recipients), original)


def _read_receipt(parsed: ParsedMessage) -> Automatic | None:
    if parsed.report_type == "disposition-notification":
        return Automatic(
            AutomaticKind.AUTO_GENERATED,
            "Content-Type: multipart/report; report-type=disposition-notification",
        )
    return None


def _by_headers(parsed: ParsedMessage) -> Automatic | None:
    if parsed.header("x-loop") is not None:
        return Automatic(AutomaticKind.LOOP, _evidence("X-Loop", parsed.header("x-loop") or ""))
    submitted = (parsed.header("auto-submitted") or "").strip()
    token = re.split(r"[\s;(]", submitted.lower(), maxsplit=1)[0]
    if token and token != "no":
        kind = AutomaticKind.AUTO_REPLY if token == "auto-replied" else AutomaticKind.AUTO_GENERATED
        return Automatic(kind, _evidence("Auto-Submitted", submitted))
    for name in ("X-Autoreply", "X-Autorespond"):
        if (parsed.header(name) or "").strip():
            return Automatic(AutomaticKind.AUTO_REPLY, _evidence(name, parsed.header(name) or ""))
    suppress = (parsed.header("x-auto-response-suppress") or "").strip()
    if suppress:
        evidence = _evidence("X-Auto-Response-Suppress", suppress)
        return Automatic(AutomaticKind.AUTO_GENERATED, evidence)
    for name in ("Precedence", "X-Precedence"):
        value = (parsed.header(name) or "").strip()
        kind = PRECEDENCE_KINDS.get(value.lower())
        if kind:
            return Automatic(AutomaticKind(kind), _evidence(name, value))
    for name in ("List-Id", "List-Unsubscribe"):
        if (parsed.header(name) or "").strip():
            return Automatic(AutomaticKind.LIST, _evidence(name, parsed.header(name) or ""))
    if _null_sender(parsed):
        return Automatic(AutomaticKind.AUTO_GENERATED, _evidence("Return-Path", "<>"))
    return None


def _by_subject(parsed: ParsedMessage) -> Automatic | None:
    # The prefixes Outlook and other clients put on the replies they send by themselves.
    if AUTO_REPLY_SUBJECT.match(parsed.subject):
        return Automatic(AutomaticKind.AUTO_REPLY, _evidence("Subject", parsed.subject))
    return None


def _daemon_sender(parsed: ParsedMessage) -> bool:
    if parsed.from_address and is_daemon_address(parsed.from_address):
        return True
    return bool(DAEMON_NAMES.search(parsed.from_name))


def _null_sender(parsed: ParsedMessage) -> bool:
    """An empty envelope sender (Return-Path: <>), or a From header with no address in it."""
    return_path = parsed.header("return-path")
    if return_path is not None and return_path.strip().strip("<>").strip() == "":
        return True
    return parsed.header("from") is not None and not parsed.from_address and bool(
        re.search(r"<\s*>", parsed.header("from") or "")
    )


def _own_addresses(parsed: ParsedMessage) -> set[str]:
    # The notice names its own sender and us (the recipient); neither is the failed address.
    return {parsed.from_address.lower(), *(box.address.lower() for box in parsed.to)} - {""}


def _sender_label(parsed: ParsedMessage) -> str:
    return parsed.header("from") or parsed.from_address


def _evidence(name: str, value: str) -> str:
    return f"{name}: {' '.join(value.split())}"[:MAX_EVIDENCE]

"""Reading delivery failure reports: who failed, with what status, and which message bounced.

Standard reports (RFC 3464 `message/delivery-status`) are read field by field; the many
servers that send free text instead get a best-effort reading of that text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .headers import message_ids

# RFC 3463: class.subject.detail. In free text only failure classes count, so that version
# numbers such as "2.0.12" are not read as statuses.
ENHANCED_STATUS = re.compile(r"\b[245]\.[0-7]\.\d{1,3}\b")
FAILURE_STATUS = re.compile(r"\b[45]\.[0-7]\.\d{1,3}\b")
BASIC_STATUS = re.compile(r"(?<![\d.])[245]\d\d(?=[ \-])")
# Bounded repetitions (RFC 5321 lengths) keep matching linear: with "+" a long line without
# an "@" costs quadratic time, and the text of a bounce is whatever its sender wanted.
ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,10}")
MAILER_DAEMONS = {
    "mailer-daemon", "mailer_daemon", "mailerdaemon", "mail-daemon", "maildaemon", "mdaemon",
}
DAEMON_LOCAL_PARTS = MAILER_DAEMONS | {"postmaster"}
# Exchange writes "SMTP=user@example.com"; some reports keep the "rfc822;" type.
ADDRESS_TYPE_PREFIX = re.compile(r"^(?:smtp|rfc822)[=:;]", re.IGNORECASE)
# Where the failure notice ends and the copy of the original message starts.
ORIGINAL_FOLLOWS = re.compile(
    r"(?im)^(?:[ \t]{0,10}[-=_*]{2,80}.{0,80}?(?:copy of|original|below this line"
    r"|returned message|undelivered message|message follows|mensaje original|copia del mensaje)"
    r"|(?:received|return-path|message-id|dkim-signature):[ \t])"
)
# Failure notices are short; what follows is the returned message, which we do not scan.
MAX_NOTICE_CHARACTERS = 20_000
PERMANENT_WORDS = re.compile(
    r"(?i)permanent(?:ly)? (?:error|failure|fatal)|fatal error|user unknown|no such user"
    r"|error permanente|fallo permanente|no existe"
)
TEMPORARY_WORDS = re.compile(
    r"(?i)\bdelayed\b|will (?:retry|keep trying|continue)|not yet been delivered|temporar"
    r"|still trying|retrasad|temporal|seguir[aá] intentando"
)
ORIGINAL_MESSAGE_ID = re.compile(r"(?im)^[ \t>]*message-id:[ \t]*(<[^<>\s]+>)")


@dataclass(frozen=True)
class BounceRecipient:
    address: str
    status: str  # "5.1.1"; a bare SMTP code ("550") from free text; "" when unknown
    action: str = ""  # RFC 3464 action: "failed", "delayed", "delivered"…; "" when unknown
    diagnostic: str = ""

    @property
    def permanent(self) -> bool:
        return self.status.startswith("5")


@dataclass(frozen=True)
class Bounce:
    recipients: tuple[BounceRecipient, ...]
    original_message_id: str | None  # the message that could not be delivered, without <>

    @property
    def permanent(self) -> bool:
        return any(recipient.permanent for recipient in self.recipients)


def recipients_from_delivery_status(text: str) -> list[BounceRecipient]:
    """The per-recipient blocks of an RFC 3464 report (blocks are separated by blank lines)."""
    result: list[BounceRecipient] = []
    for fields in _blocks(text):
        # The address we sent to is the original one; servers rewrite the final one.
        address = _address_field(fields.get("original-recipient", "")) or _address_field(
            fields.get("final-recipient", "")
        )
        if not address:
            continue
        diagnostic = _after_type(fields.get("diagnostic-code", ""))
        status = _status_in(fields.get("status", ""), ENHANCED_STATUS) or _status_in(diagnostic)
        action = fields.get("action", "").split(" ", 1)[0].lower()
        result.append(BounceRecipient(address, status, action, diagnostic[:500]))
    return _unique(result)


def recipients_from_text(text: str, *, exclude: set[str]) -> list[BounceRecipient]:
    """Failed addresses named in a free-text failure notice, with any status near each.

    `exclude` holds our own and the notice's addresses (compared without +tags).
    """
    notice = _notice_part(text)
    lines = notice.splitlines()
    excluded = {_without_tag(address.lower()) for address in exclude}
    found: list[BounceRecipient] = []
    for index, line in enumerate(lines):
        for match in ADDRESS.finditer(line):
            address = clean_address(match.group())
            if not address or _without_tag(address) in excluded or is_daemon_address(address):
                continue
            nearby = "\n".join(lines[index:index + 4])
            found.append(BounceRecipient(address, _status_in(nearby)))
    found = _unique(found)
    shared_status = _status_in(notice) or _status_from_words(notice)
    return [
        recipient if recipient.status else BounceRecipient(recipient.address, shared_status)
        for recipient in found
    ]


def original_message_id_from_text(text: str) -> str | None:
    """The Message-ID of the copy of the original message that free-text notices include."""
    match = ORIGINAL_MESSAGE_ID.search(text)
    if not match:
        return None
    ids = message_ids(match.group(1))
    return ids[0] if ids else None


def is_daemon_address(address: str, *, postmaster: bool = True) -> bool:
    local_part = address.split("@", 1)[0].lower()
    return local_part in (DAEMON_LOCAL_PARTS if postmaster else MAILER_DAEMONS)


def clean_address(found: str) -> str:
    address = ADDRESS_TYPE_PREFIX.sub("", found.strip("'\".")).lower()
    return address if "@" in address else ""


def _without_tag(address: str) -> str:
    # soporte+token@ and soporte@ are the same mailbox: notices quote either.
    local, _, domain = address.partition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def _blocks(text: str) -> list[dict[str, str]]:
    blocks: list[dict[str, str]] = []
    for chunk in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")):
        fields: dict[str, str] = {}
        name = ""
        for line in chunk.split("\n"):
            if line[:1] in {" ", "\t"} and name:
                fields[name] += " " + line.strip()
            elif ":" in line:
                name, value = line.split(":", 1)
                name = name.strip().lower()
                fields.setdefault(name, value.strip())
        if fields:
            blocks.append(fields)
    return blocks


def _after_type(value: str) -> str:
    # "rfc822; user@example.com", "smtp; 550 5.1.1 User unknown": the type is not needed.
    return value.split(";", 1)[1].strip() if ";" in value else value.strip()


def _address_field(value: str) -> str:
    match = ADDRESS.search(_after_type(value))
    return clean_address(match.group()) if match else ""


def _status_in(text: str, enhanced: re.Pattern[str] = FAILURE_STATUS) -> str:
    """An enhanced status code in `text`, else a basic SMTP reply code, else ""."""
    found = enhanced.search(text) or BASIC_STATUS.search(text)
    return found.group().strip() if found else ""


def _status_from_words(text: str) -> str:
    # "X.0.0" is RFC 3463's "other or undefined status" of that class.
    if TEMPORARY_WORDS.search(text):
        return "4.0.0"
    if PERMANENT_WORDS.search(text):
        return "5.0.0"
    return ""


def _notice_part(text: str) -> str:
    text = text[:MAX_NOTICE_CHARACTERS]
    match = ORIGINAL_FOLLOWS.search(text)
    return text[: match.start()] if match else text


def _unique(recipients: list[BounceRecipient]) -> list[BounceRecipient]:
    by_address: dict[str, BounceRecipient] = {}
    for recipient in recipients:
        known = by_address.get(recipient.address)
        if known is None or (not known.status and recipient.status):
            by_address[recipient.address] = recipient
    return list(by_address.values())

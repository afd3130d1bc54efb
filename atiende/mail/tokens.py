"""Signed reply addresses: `soporte+<token>@example.mx` names the ticket and who was written to.

A token is `t<ticket>-<a|c><person>-<signature>`: ticket and person ids in base 36, `a` for an
agent (a user id), `c` for a customer (a customer id), and 13 characters of an HMAC-SHA256 over
the rest (65 bits: not guessable). Everything is lower case because some mail systems lower-case
the local part. Only a valid token attributes a reply to an agent: a message that merely claims
an agent's From address is stored as coming from its real sender.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

SIGNATURE_CHARS = 13
TOKEN = re.compile(r"^t([0-9a-z]{1,13})-([ac])([0-9a-z]{1,13})-([a-z2-7]{13})$")


class Person:
    AGENT = "a"
    CUSTOMER = "c"


@dataclass(frozen=True)
class ReplyToken:
    ticket_id: int
    person: str  # Person.AGENT or Person.CUSTOMER
    person_id: int


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def _signature(payload: str) -> str:
    key = hashlib.sha256(b"atiende.mail.reply-token:" + settings.SECRET_KEY.encode()).digest()
    digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:SIGNATURE_CHARS]


def make_token(ticket_id: int, person: str, person_id: int) -> str:
    payload = f"t{_base36(ticket_id)}-{person}{_base36(person_id)}"
    return f"{payload}-{_signature(payload)}"


def read_token(token: str) -> ReplyToken | None:
    """The token's contents when its signature is valid, else None."""
    match = TOKEN.match(token.lower())
    if match is None:
        return None
    ticket, person, person_id, signature = match.groups()
    payload = f"t{ticket}-{person}{person_id}"
    if not hmac.compare_digest(_signature(payload), signature):
        return None
    return ReplyToken(int(ticket, 36), person, int(person_id, 36))


def reply_address(support_address: str, token: str) -> str:
    local, _, domain = support_address.partition("@")
    return f"{local}+{token}@{domain}"


def token_in(addresses: Iterable[str], support_address: str | None = None) -> ReplyToken | None:
    """The first valid token found in `local+token@domain` among the addresses."""
    support_local = support_address.partition("@")[0].lower() if support_address else None
    for address in addresses:
        local = address.rpartition("@")[0]
        base, plus, tag = local.partition("+")
        if not plus or (support_local and base.lower() != support_local):
            continue
        found = read_token(tag)
        if found is not None:
            return found
    return None

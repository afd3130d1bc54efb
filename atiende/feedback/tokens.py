"""Signed survey links: the token names the survey; it expires 30 days after the survey was sent
(checked against the survey's `sent_at` with the injectable clock, so tests need no patching).
CSAT and NPS links are signed with different salts: one kind's token never opens the other."""

from __future__ import annotations

import uuid

from django.core import signing

SALT = "atiende.feedback.survey"
NPS_SALT = "atiende.feedback.nps"


def make_token(public_id: uuid.UUID, *, salt: str = SALT) -> str:
    return signing.Signer(salt=salt).sign(public_id.hex)


def read_token(token: str, *, salt: str = SALT) -> uuid.UUID | None:
    """The survey's public id, or None when the token was not made by us."""
    try:
        return uuid.UUID(hex=signing.Signer(salt=salt).unsign(str(token)))
    except (signing.BadSignature, ValueError):
        return None

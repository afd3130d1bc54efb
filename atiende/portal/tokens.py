"""Signed one-time links for the portal: sign in by email, confirm a sign-up.

A sign-in token carries the user, when it was issued and a digest of the account's state
(last sign-in, password hash, email, active flag). Using it signs the person in, which moves
`last_login`, so the same link never works twice; a password change or a deactivation also
kills it. A sign-up token names a PendingSignup row and its random nonce; confirming deletes the
row. Both are signed with SECRET_KEY (django.core.signing) under their own salt, and age is
measured with atiende.core.clock so tests can pin time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing

from atiende.accounts.models import User

SIGN_IN_SALT = "atiende.portal.sign-in-link"
SIGNUP_SALT = "atiende.portal.signup-link"
SIGN_IN_LIFETIME = timedelta(minutes=15)
SIGNUP_LIFETIME = timedelta(hours=24)


def account_state(user: User) -> str:
    last = user.last_login.isoformat() if user.last_login else ""
    raw = f"{user.pk}|{last}|{user.password}|{user.email}|{int(user.is_active)}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def sign_in_token(user: User, now: datetime) -> str:
    return signing.dumps({"u": user.pk, "t": int(now.timestamp()), "s": account_state(user)}, salt=SIGN_IN_SALT)


@dataclass(frozen=True)
class SignInClaim:
    user_id: int
    issued: int
    state: str


def read_sign_in_token(token: str, now: datetime) -> SignInClaim | None:
    """The claim when the signature is good and the link not older than 15 minutes."""
    data = _loads(token, SIGN_IN_SALT)
    try:
        claim = SignInClaim(user_id=int(data["u"]), issued=int(data["t"]), state=str(data["s"]))
    except (KeyError, TypeError, ValueError):
        return None
    age = now.timestamp() - claim.issued
    return claim if 0 <= age <= SIGN_IN_LIFETIME.total_seconds() else None


def signup_token(pending_id: int, nonce: str) -> str:
    return signing.dumps({"p": pending_id, "n": nonce}, salt=SIGNUP_SALT)


def read_signup_token(token: str) -> tuple[int, str] | None:
    data = _loads(token, SIGNUP_SALT)
    try:
        return int(data["p"]), str(data["n"])
    except (KeyError, TypeError, ValueError):
        return None


def _loads(token: str, salt: str) -> dict:
    try:
        data = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return {}
    return data if isinstance(data, dict) else {}

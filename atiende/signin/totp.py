"""TOTP arithmetic and the enrolment QR code: pure, no ORM (RFC 6238 through django-otp's oath)."""

from __future__ import annotations

import base64
import binascii
import io
from urllib.parse import quote, urlencode

import segno
from django_otp.oath import TOTP
from django_otp.util import random_hex

STEP = 30
DIGITS = 6
TOLERANCE = 1  # the code before and after the current one: phones whose clock is a little off


def new_key() -> str:
    """20 random bytes, hex (the length RFC 4226 recommends for SHA-1)."""
    return random_hex(20)


def base32_secret(key_hex: str) -> str:
    """The secret as apps take it when typed in by hand."""
    return base64.b32encode(binascii.unhexlify(key_hex)).decode("ascii").rstrip("=")


def config_uri(*, key_hex: str, account: str, issuer: str) -> str:
    """The otpauth:// URI authenticator apps read from the QR code."""
    issuer = issuer.replace(":", "").strip() or "atiende"
    params = urlencode({"secret": base32_secret(key_hex), "issuer": issuer, "algorithm": "SHA1",
                        "digits": DIGITS, "period": STEP})
    return f"otpauth://totp/{quote(issuer)}:{quote(account)}?{params}"


def qr_svg(uri: str) -> str:
    """The QR code of `uri` as inline SVG markup (drawn here: no image service sees the secret)."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, border=2, xmldecl=False, svgns=True,
                                    title="QR", dark="#000", light="#fff")
    return buffer.getvalue().decode("utf-8")


def code_at(key_hex: str, timestamp: float) -> str:
    """The code an app shows at `timestamp` (tests compute real codes with this)."""
    totp = TOTP(binascii.unhexlify(key_hex), STEP, 0, DIGITS, 0)
    totp.time = timestamp
    return f"{totp.token():0{DIGITS}d}"


def matching_step(key_hex: str, code: str, *, timestamp: float, after_step: int) -> int | None:
    """The time step `code` belongs to (within TOLERANCE of `timestamp`, and later than
    `after_step`, so a code is accepted once), or None."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = TOTP(binascii.unhexlify(key_hex), STEP, 0, DIGITS, 0)
    totp.time = timestamp
    if totp.verify(int(code), TOLERANCE, after_step + 1):
        return totp.t()
    return None

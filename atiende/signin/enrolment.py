"""What an enrolment page shows: the QR code and the secret to type in by hand."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from atiende.accounts.models import User

from . import totp
from .models import TotpDevice


@dataclass
class Enrolment:
    qr_svg: SafeString
    secret: str


def enrolment_for(device: TotpDevice, user: User, *, issuer: str) -> Enrolment:
    uri = totp.config_uri(key_hex=device.key, account=user.email, issuer=issuer)
    secret = totp.base32_secret(device.key)
    # segno's SVG: markup we make from digits and fixed attributes, never user text.
    return Enrolment(qr_svg=mark_safe(totp.qr_svg(uri)),  # noqa: S308
                     secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)))

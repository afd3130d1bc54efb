"""The signature a receiver checks (pure): HMAC-SHA256 with the subscription's secret over
"<t>.<raw body>", sent as `X-Atiende-Signature: t=<unix seconds>,v1=<hex>`."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Atiende-Signature"
DELIVERY_HEADER = "X-Atiende-Delivery"
EVENT_HEADER = "X-Atiende-Event"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"

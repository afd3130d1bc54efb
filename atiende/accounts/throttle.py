"""Login throttling with atomic counters in the cache (Redis in production).

The counter is incremented *before* the password is checked, so N parallel guesses can never
get more than the limit: each one takes a numbered ticket and only the first `limit` proceed.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(scope: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"login-throttle:{scope}:{digest}"


def attempt_allowed(*, email: str, client_ip: str) -> bool:
    """Register one attempt; False when the email or the client address is over its limit."""
    limit, window = settings.LOGIN_THROTTLE_LIMIT, settings.LOGIN_THROTTLE_WINDOW
    allowed = True
    for key in (_key("email", email), _key("ip", client_ip)):
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)
            count = 1
        allowed = allowed and count <= limit
    return allowed


def reset(*, email: str) -> None:
    """A successful sign-in clears the per-email counter (the per-address one stays)."""
    cache.delete(_key("email", email))

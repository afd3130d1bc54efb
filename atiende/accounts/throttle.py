"""Sign-in throttling with atomic counters in the cache (Redis in production). See decision 0014.

Every way of proving a password (web and portal sign-in, Django admin, API token, later 2FA)
goes through `begin` before the check and `finish` after it. Three limits:

- **account and address** (strict): LOGIN_THROTTLE_LIMIT failures of one account from one
  client address in LOGIN_THROTTLE_WINDOW seconds, then that pair is refused until the window
  ends. A success clears it.
- **address** (failures only): LOGIN_THROTTLE_ADDRESS_LIMIT failures from one address, whatever
  the accounts, in the window. Successes do not count, so an office behind one NAT is not
  locked out by its own people signing in.
- **account** (growing delays, no lock): after LOGIN_THROTTLE_ACCOUNT_FREE failures of one
  account from addresses it has not signed in from, each further such attempt must wait
  LOGIN_THROTTLE_ACCOUNT_DELAY × 2^(k-1) seconds after the previous one (capped at
  LOGIN_THROTTLE_ACCOUNT_MAX_DELAY): a guesser spread over many addresses is slowed to a crawl.
  An address the account signed in from in the last LOGIN_THROTTLE_TRUSTED_DAYS skips this
  limit (not the first two), so the real user still gets in from home or the office while
  someone elsewhere guesses at their account.

Attempts are counted *before* the password is checked and given back afterwards when they did
not fail, so N parallel guesses can never get more than the limit. Counters are keyed by a
digest of the email as typed (normalized), whether or not an account has it: a refusal tells
nothing about which addresses exist.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from atiende.core import clock


class LoginThrottled(Exception):
    """Too many sign-in attempts; `retry_after` is in seconds."""

    def __init__(self, retry_after: int = 60):
        super().__init__(retry_after)
        self.retry_after = max(1, int(retry_after))


def client_ip(request) -> str:
    """The address limits are kept for. REMOTE_ADDR: behind a reverse proxy, configure it to set
    the real client's address there (no forwarded header is trusted by default)."""
    return request.META.get("REMOTE_ADDR", "")


def _digest(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _key(scope: str, *values: str) -> str:
    return f"login-throttle:{scope}:" + ":".join(_digest(v) for v in values)


def _take(key: str, window: int) -> int:
    """Increment a windowed counter and return its new value (the window starts at the first)."""
    if cache.add(key, 0, timeout=window):
        cache.set(f"{key}:until", time.time() + window, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        cache.set(f"{key}:until", time.time() + window, timeout=window)
        return 1


def _give_back(key: str) -> None:
    try:
        cache.decr(key)
    except ValueError:  # the window ended meanwhile
        pass


def _left(key: str, window: int) -> int:
    until = cache.get(f"{key}:until")
    return math.ceil(until - time.time()) if until else window


def _trusted(email: str, client_ip: str) -> bool:
    return bool(client_ip) and cache.get(_key("trusted", email, client_ip)) is not None


def account_delay(failures_over: int) -> int:
    """Seconds the k-th attempt past the free ones waits after the previous one."""
    base, cap = settings.LOGIN_THROTTLE_ACCOUNT_DELAY, settings.LOGIN_THROTTLE_ACCOUNT_MAX_DELAY
    return int(min(cap, base * 2 ** min(max(failures_over - 1, 0), 40)))


@dataclass
class Attempt:
    """An admitted attempt: hand it back to `finish` once the password was checked."""

    email: str
    client_ip: str
    counted: list[str]  # the counters this attempt incremented


def begin(*, email: str, client_ip: str) -> Attempt:
    """Admit one sign-in attempt or raise LoginThrottled (with how long to wait)."""
    window = settings.LOGIN_THROTTLE_WINDOW
    counted: list[str] = []
    try:
        address = _key("ip", client_ip)
        counted.append(address)
        if _take(address, window) > settings.LOGIN_THROTTLE_ADDRESS_LIMIT:
            raise LoginThrottled(_left(address, window))
        pair = _key("pair", email, client_ip)
        counted.append(pair)
        if _take(pair, window) > settings.LOGIN_THROTTLE_LIMIT:
            raise LoginThrottled(_left(pair, window))
        if not _trusted(email, client_ip):
            counted.append(_admit_for_account(email))
    except LoginThrottled:
        for key in counted:
            _give_back(key)
        raise
    return Attempt(email=email, client_ip=client_ip, counted=counted)


def _admit_for_account(email: str) -> str:
    """Count an attempt on the account; past the free ones, wait the growing delay (one at a time)."""
    account, window = _key("account", email), settings.LOGIN_THROTTLE_ACCOUNT_WINDOW
    taken = _take(account, window)
    last_key = f"{account}:last"
    try:
        over = taken - settings.LOGIN_THROTTLE_ACCOUNT_FREE
        if over > 0:
            lock = f"{account}:lock"
            if not cache.add(lock, 1, timeout=10):  # another attempt is being admitted right now
                raise LoginThrottled(account_delay(over))
            try:
                now = clock.now().timestamp()
                last = cache.get(last_key, now)  # unknown (parallel burst): count from now
                wait = last + account_delay(over) - now
                if wait > 0:
                    raise LoginThrottled(math.ceil(wait))
                cache.set(last_key, now, timeout=window)
            finally:
                cache.delete(lock)
        else:
            cache.set(last_key, clock.now().timestamp(), timeout=window)
    except LoginThrottled:
        _give_back(account)
        raise
    return account


def finish(attempt: Attempt, *, succeeded: bool) -> None:
    """After the check: a success gives back what counts failures only, clears the pair and
    trusts the address for this account."""
    if not succeeded:
        return
    for key in attempt.counted:
        if key.startswith("login-throttle:pair:"):
            cache.delete(key)
            cache.delete(f"{key}:until")
        else:
            _give_back(key)
    if attempt.client_ip:
        cache.set(_key("trusted", attempt.email, attempt.client_ip), 1,
                  timeout=settings.LOGIN_THROTTLE_TRUSTED_DAYS * 86400)


def request_allowed(*, email: str, client_ip: str) -> None:
    """Asking for mail (a sign-in link, a sign-up confirmation): raise LoginThrottled past the
    per-address limit, the per-(email, address) limit, or LOGIN_THROTTLE_LIMIT mails to one
    email in the window from anywhere. No password is checked, so the account delay does not
    apply; every request counts."""
    window = settings.LOGIN_THROTTLE_WINDOW
    limits = ((_key("ip", client_ip), settings.LOGIN_THROTTLE_ADDRESS_LIMIT),
              (_key("pair", email, client_ip), settings.LOGIN_THROTTLE_LIMIT),
              (_key("mail", email), settings.LOGIN_THROTTLE_LIMIT))
    counted: list[str] = []
    for key, limit in limits:
        counted.append(key)
        if _take(key, window) > limit:
            for taken in counted:
                _give_back(taken)
            raise LoginThrottled(_left(key, window))

"""Who has a ticket open and who is typing: short-lived entries in the Django cache.

The cache is Redis in production, so every web process sees the same entries, and locmem in the
embedded single process. One cache key per ticket holds its entries, keyed by connection (a
websocket's channel name, or a polling tab), so an agent with two tabs open stays present until
both leave. Each entry expires on its own (`expires`, `typing_until`, epoch seconds): a crashed
process or a closed laptop leaves nobody "viewing" for long. Writes take a short cache lock so
two agents arriving at once do not overwrite each other.

This module only stores; live.services decides what to record and live.selectors what to show.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypedDict

from django.core.cache import cache

from atiende.core import clock

# A websocket client says "still here" every 25 s and leaves explicitly when it closes.
SOCKET_SECONDS = 60
# A polling client asks every 5 s and may vanish without a word (a closed laptop).
POLL_SECONDS = 15
# A typing indicator lasts this long after the last keystroke the client reported.
TYPING_SECONDS = 6
# More connections than this on one ticket is abuse; the ones expiring first are dropped.
MAX_ENTRIES = 100

_LOCK_SECONDS = 2
_LOCK_ATTEMPTS = 40
_LOCK_WAIT = 0.005


class Entry(TypedDict):
    user_id: int
    name: str
    expires: float
    typing_until: float


Entries = dict[str, Entry]


def now() -> float:
    return clock.now().timestamp()


def entries_read(*, ticket_id: int) -> Entries:
    """The ticket's entries that have not expired."""
    return _alive(cache.get(_key(ticket_id)) or {}, now())


def entries_change(*, ticket_id: int, change: Callable[[Entries, float], None]) -> tuple[Entries, Entries]:
    """Apply `change(entries, now)` in place under the ticket's lock; returns (before, after)."""
    key = _key(ticket_id)
    with _locked(key):
        at = now()
        before = _alive(cache.get(key) or {}, at)
        after = {connection: Entry(**entry) for connection, entry in before.items()}
        change(after, at)
        if len(after) > MAX_ENTRIES:
            keep = sorted(after, key=lambda connection: after[connection]["expires"], reverse=True)[:MAX_ENTRIES]
            after = {connection: after[connection] for connection in keep}
        if after:
            cache.set(key, after, timeout=SOCKET_SECONDS + 5)
        else:
            cache.delete(key)
    return before, after


def _alive(entries: Entries, at: float) -> Entries:
    return {connection: entry for connection, entry in entries.items() if entry["expires"] > at}


def _key(ticket_id: int) -> str:
    return f"live:presence:{ticket_id}"


@contextmanager
def _locked(key: str) -> Iterator[None]:
    """A best-effort lock: after ~0.2 s the write goes ahead anyway (a stuck lock expires in 2 s,
    and the next heartbeat repairs an entry lost to a race)."""
    lock = f"{key}:lock"
    acquired = False
    for _attempt in range(_LOCK_ATTEMPTS):
        if cache.add(lock, 1, timeout=_LOCK_SECONDS):
            acquired = True
            break
        time.sleep(_LOCK_WAIT)
    try:
        yield
    finally:
        if acquired:
            cache.delete(lock)

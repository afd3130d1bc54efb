"""Which agents are at the chat queue right now: short-lived cache entries, one per agent.

The workspace's chat queue page (polled every few seconds) marks its agent available; an entry
lives AVAILABLE_SECONDS, so an agent who closed the page or the laptop stops counting soon. The
cache is Redis in production, shared by every process; locmem in the embedded single process."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache

AVAILABLE_SECONDS = 30


def _key(user_id: int) -> str:
    return f"chat:available:{user_id}"


def mark(user_id: int) -> None:
    cache.set(_key(user_id), 1, AVAILABLE_SECONDS)


def clear(user_id: int) -> None:
    cache.delete(_key(user_id))


def available(user_ids: Iterable[int]) -> set[int]:
    ids = list(user_ids)
    found = cache.get_many([_key(pk) for pk in ids])
    return {pk for pk in ids if _key(pk) in found}

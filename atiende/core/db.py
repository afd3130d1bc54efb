"""Database helpers shared by services."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .exceptions import Conflict

# Every database stores ids up to this; SQLite raises OverflowError past it (a 500, not a 400).
MAX_ID = 2**63 - 1


def in_chunks(ids: list[int], size: int = 2000) -> list[list[int]]:
    """`ids` in lists of at most `size`, for `pk__in` queries: by lists of ids rather than a
    subquery, whose plan PostgreSQL gets wrong right after a bulk import (stale statistics)."""
    return [ids[first:first + size] for first in range(0, len(ids), size)]


def is_id(value: object) -> bool:
    """A usable row id from outside: an int (not a bool) from 1 to MAX_ID."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


@contextlib.contextmanager
def unique_or_conflict(message: str | Promise, *, field: str = "name") -> Iterator[None]:
    """Run the block in a savepoint; a unique-constraint violation becomes a 409 naming `field`."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise Conflict(message, fields={field: _("Already in use.")}) from exc

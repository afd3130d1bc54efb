"""Retention kinds: the port through which each app says what of its data may be removed when old.

The rules (how long each kind is kept; none by default) and the pass that applies them live in
`privacy` (docs/decisions/0048-privacy-notice-and-retention.md). The data lives in apps on both
sides of `privacy` — tickets below it, mail and chat beside it — so the apps that own the rows
register a kind here (from their AppConfig.ready()) and `privacy` drives them without importing
any of them by name, as the channel port does for channels.

A kind answers three questions for a cutoff instant:
- `candidates(cutoff)`: the rows past the limit that still hold what the rule removes (a row
  already removed or anonymised is not a candidate: a second pass finds nothing, so the pass is
  idempotent);
- `describe(row)`: one line naming a row for the dry run's examples (no personal data: ids,
  numbers and dates only);
- `purge(ids, cutoff)`: remove or anonymise those rows (called inside a transaction, on at most
  one batch), returning the storage names of files to delete once that transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class RetentionKind:
    key: str
    label: Any  # a lazy translation
    help: Any  # what is removed and what stays, for the admin
    default_unit: str  # "days" or "years": how the admin's form offers it
    candidates: Callable[[datetime], QuerySet]
    describe: Callable[[Model], str]
    purge: Callable[[Sequence[int], datetime], list[str]]
    order: int = 100


KINDS: dict[str, RetentionKind] = {}


def register(kind: RetentionKind) -> None:
    KINDS[kind.key] = kind


def kinds() -> list[RetentionKind]:
    return sorted(KINDS.values(), key=lambda kind: (kind.order, kind.key))

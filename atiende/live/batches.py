"""One permission check per inbox event per process, however many agents' sockets it serves.

An inbox event reaches every agent's socket, and each must learn only the ticket ids its agent
may see now. Asked socket by socket that was three queries each on the one thread the consumers
share for the database: with 40 agents it took a third of a web worker's time under load
(docs/performance.md). Instead the sockets of a process that receive the same event within a few
milliseconds wait on one batch, answered by `selectors.visible_ticket_ids_by_user`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from channels.db import database_sync_to_async

from . import selectors

# How long a batch waits for the other sockets of this process: the layer hands one event to
# each of them in turn, microseconds to a few milliseconds apart.
GATHER_SECONDS = 0.01


@dataclass
class _Batch:
    ticket_ids: list[int]
    user_ids: set[int] = field(default_factory=set)
    answer: asyncio.Future | None = None


class InboxChecks:
    def __init__(self) -> None:
        self._gathering: dict[str, _Batch] = {}

    async def visible(self, *, event: dict, user_id: int) -> list[int] | None:
        """The ids of `event`'s tickets the user may see; None when they are no longer an agent."""
        key = event.get("event_id")
        if key is None:  # sent by a process running an older release during a deploy
            return await database_sync_to_async(selectors.visible_ticket_ids)(user_id=user_id, ticket_ids=event["ticket_ids"])
        batch = self._gathering.get(key)
        if batch is None:
            batch = self._gathering[key] = _Batch(ticket_ids=list(event["ticket_ids"]))
            batch.answer = asyncio.ensure_future(self._answer(key, batch))
        batch.user_ids.add(user_id)
        assert batch.answer is not None
        # shield: a socket closing while it waits must not cancel the others' answer
        return (await asyncio.shield(batch.answer))[user_id]

    async def _answer(self, key: str, batch: _Batch) -> dict[int, list[int] | None]:
        await asyncio.sleep(GATHER_SECONDS)
        del self._gathering[key]  # a socket that comes later starts a batch of its own
        return await database_sync_to_async(selectors.visible_ticket_ids_by_user)(
            user_ids=batch.user_ids, ticket_ids=batch.ticket_ids
        )


inbox_checks = InboxChecks()

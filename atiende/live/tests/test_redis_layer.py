"""On Redis, a consumer outlives a quiet spell: the layer waits for events in a BZPOPMIN that Redis
ends after `brpop_timeout` (5 s), and with redis-py 8's default read timeout (also 5 s) the read
gave up first, ending the consumer and its websocket (settings.base.redis_channel_layer)."""

from __future__ import annotations

import asyncio

import pytest
from channels_redis.core import RedisChannelLayer

from atiende.settings.base import redis_channel_layer


def test_a_quiet_channel_keeps_its_receive_waiting(redis_url):
    layer = RedisChannelLayer(**redis_channel_layer(redis_url)["CONFIG"])

    async def wait_quietly() -> None:
        channel = await layer.new_channel()
        try:
            # Longer than one block in Redis: the layer must start another, not fail.
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(layer.receive(channel), layer.brpop_timeout + 1.5)
        finally:
            await layer.close_pools()

    asyncio.run(wait_quietly())

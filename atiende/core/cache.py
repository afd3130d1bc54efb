"""Django's Redis cache with one connection pool per process instead of one per request.

Django keeps a cache object per thread and, under ASGI, per request context; its Redis client
makes its connection pool lazily on each object. Behind `atiende serve` every request therefore
opened a new Redis connection (and ran redis-py's health check on it) for its first cache call: a
third of the WhatsApp webhook's time went there (docs/performance.md). The pools are kept here,
by server URL and options, for the whole process."""

from __future__ import annotations

import threading

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_pools: dict[tuple, object] = {}
_lock = threading.Lock()


class SharedPoolClient(RedisCacheClient):
    def _get_connection_pool(self, write):
        index = self._get_connection_pool_index(write)
        key = (self._servers[index], repr(sorted(self._pool_options.items())))
        pool = _pools.get(key)
        if pool is None:
            with _lock:
                pool = _pools.get(key)
                if pool is None:
                    pool = _pools[key] = self._pool_class.from_url(self._servers[index], **self._pool_options)
        return pool


class SharedPoolRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedPoolClient


def count(key: str, *, window: int) -> int:
    """Add one to the counter `key` and return it; the counter lives `window` seconds from its
    first hit. On Redis one round trip (INCR and EXPIRE NX in a pipeline, Redis 7); elsewhere
    (the embedded default's memory cache) Django's add and incr."""
    from django.core.cache import caches

    cache = caches["default"]  # the backend itself: `django.core.cache.cache` is a proxy to it
    if isinstance(cache, SharedPoolRedisCache):
        full_key = cache.make_and_validate_key(key)
        pipe = cache._cache.get_client(full_key, write=True).pipeline(transaction=False)
        pipe.incr(full_key)
        pipe.expire(full_key, window, nx=True)
        return int(pipe.execute()[0])
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1

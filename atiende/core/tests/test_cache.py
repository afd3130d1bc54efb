"""The Redis cache keeps one connection pool per process (atiende/core/cache.py), and its counter
takes one round trip and expires with its window."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from django.core.cache import caches

from atiende.core import cache as shared


@pytest.fixture
def redis_cache(settings, redis_url):
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "atiende.core.cache.SharedPoolRedisCache",
                                                      "LOCATION": redis_url, "KEY_PREFIX": f"t{uuid.uuid4().hex}"}}
    yield caches["default"]
    caches["default"].clear()


def test_cache_objects_of_other_threads_share_one_connection_pool(redis_cache):
    redis_cache.set("a", 1)
    pools = []

    def other_thread():  # Django makes a new cache object here, as for each ASGI request
        other = caches["default"]
        assert other is not redis_cache and other.get("a") == 1
        pools.append(other._cache._get_connection_pool(True))

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert pools == [redis_cache._cache._get_connection_pool(True)]


def test_count_adds_one_and_expires_with_its_window(redis_cache):
    assert [shared.count("hits", window=1) for _ in range(3)] == [1, 2, 3]
    time.sleep(1.2)  # the window started at the first hit, not renewed by the others
    assert shared.count("hits", window=1) == 1


def test_count_on_the_memory_cache(settings):
    assert [shared.count("hits", window=60) for _ in range(2)] == [1, 2]


def test_count_on_redis_sends_only_incrby_and_expire(redis_cache, redis_url):
    """Through `django.core.cache.cache` (a proxy) the backend is found all the same: the
    counter is INCR and EXPIRE NX, not Django's SET NX, EXISTS and INCR."""
    import redis

    seen = []
    watcher = redis.Redis.from_url(redis_url, socket_timeout=2)
    with watcher.monitor() as monitor:
        shared.count("hits", window=60)
        try:
            for command in monitor.listen():
                if redis_cache.key_prefix in command["command"]:
                    seen.append(command["command"].split()[0].upper())
                    if seen[-1] == "EXPIRE":
                        break
        except redis.TimeoutError:
            pass
    assert seen == ["INCRBY", "EXPIRE"]

"""Two schedulers running the same schedule (two `atiende worker`s started alike) publish each
periodic job once per period, on a real Redis broker and cache."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import redis
from celery import Celery
from django.test import override_settings

from atiende.core.beat import OncePerPeriodScheduler, claim


@pytest.fixture
def shared_cache(redis_url):
    with override_settings(CACHES={"default": {"BACKEND": "atiende.core.cache.SharedPoolRedisCache",
                                               "LOCATION": redis_url}}):
        from django.core.cache import cache

        cache.clear()
        yield cache


def _published(app: Celery, queue: str) -> int:
    with app.connection_for_write() as connection:
        return connection.default_channel.client.llen(queue)


def test_two_schedulers_publish_each_period_once(redis_url, shared_cache, tmp_path):
    queue = f"beat-test-{uuid.uuid4().hex[:8]}"
    app = Celery("beat-test", broker=redis_url, set_as_current=False)
    app.conf.update(task_default_queue=queue, beat_schedule={"ping": {"task": "beat_test.ping", "schedule": 1.0}})
    schedulers = [OncePerPeriodScheduler(app=app, schedule_filename=str(tmp_path / f"s{n}")) for n in range(2)]
    started = time.time()
    stop = time.time() + 3.6

    def run(scheduler: OncePerPeriodScheduler) -> None:
        while time.time() < stop:
            scheduler.tick()
            time.sleep(0.05)

    threads = [threading.Thread(target=run, args=(s,)) for s in schedulers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    windows = int(stop // 1) - int(started // 1) + 1
    try:
        published = _published(app, queue)
        assert windows - 2 <= published <= windows, (published, windows)  # alone each would make ~`windows`
    finally:
        redis.Redis.from_url(redis_url).delete(queue)
        for scheduler in schedulers:
            scheduler.close()


def test_a_period_is_claimed_once_and_the_next_one_again(shared_cache):
    now = 1_000_000.0
    assert [claim("sla-scan", 30, now), claim("sla-scan", 30, now + 5)] == [True, False]
    assert claim("sla-scan", 30, now + 30) is True
    assert claim("time-rules", 30, now) is True  # each job has its own periods

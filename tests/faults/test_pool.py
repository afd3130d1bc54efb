"""The database pool recovers as soon as the database does, whatever the outage's length: its
own retries back off with a doubling delay and no ceiling, which after a long outage would keep
a worker failing requests for as long again (settings.base.postgres_pool_options)."""

from __future__ import annotations

import os
import time

import pytest
from psycopg_pool import ConnectionPool, PoolTimeout

from atiende.settings.base import postgres_pool_options

from .proxy import FaultProxy
from .stack import PG, psql

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs once, in the suite's first half")
OUTAGE_SECONDS = 8  # the pool's own retries come at 0, 1, 3, 7 and then 15 s


def test_a_pool_recovers_within_a_second_of_the_database_after_a_long_outage():
    try:
        psql("SELECT 1")
    except Exception as exc:  # noqa: BLE001 — no PostgreSQL: the same rule as the other fault tests
        if os.environ.get("CI") == "true":
            raise AssertionError(f"PostgreSQL is needed for this test: {exc}") from exc
        pytest.skip("PostgreSQL not reachable")
    proxy = FaultProxy("127.0.0.1", 5432)
    options = {**postgres_pool_options(), "min_size": 1, "timeout": 1}
    pool = ConnectionPool(f"{PG.rsplit(':', 1)[0]}:{proxy.port}/postgres", check=ConnectionPool.check_connection,
                          open=True, **options)
    try:
        pool.wait()
        proxy.cut()
        cut_at = time.monotonic()
        with pytest.raises(PoolTimeout), pool.connection() as conn:
            conn.execute("SELECT 1")
        time.sleep(OUTAGE_SECONDS - (time.monotonic() - cut_at))
        proxy.heal()
        healed_at = time.monotonic()
        with pool.connection(timeout=5) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        assert time.monotonic() - healed_at < 1.0
    finally:
        pool.close()
        proxy.close()

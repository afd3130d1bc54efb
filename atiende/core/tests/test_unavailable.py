"""A database that cannot be reached, or whose pool has no free connection, answers 503 with
Retry-After, so clients and load balancers come back; any other error stays a 500. The real
server's answer during a database outage is in tests/faults/test_faults.py."""

from __future__ import annotations

import os
import sqlite3

import psycopg
import pytest
from django import db
from django.test import RequestFactory
from psycopg_pool import ConnectionPool, PoolTimeout

from atiende.core.errors import RETRY_AFTER_SECONDS, database_unavailable, handler500

PG = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _as_django(error: Exception) -> db.OperationalError:
    """What django.db's error wrapper raises for a driver's error."""
    try:
        raise db.OperationalError(*error.args) from error
    except db.OperationalError as wrapped:
        return wrapped


def _pool_timeout() -> PoolTimeout:
    pool = ConnectionPool(PG, min_size=1, max_size=1, timeout=0.3, open=False)
    try:
        pool.open(wait=True, timeout=5)
    except PoolTimeout:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("PostgreSQL not reachable")
    try:
        with pool.connection(), pytest.raises(PoolTimeout) as caught, pool.connection():
            pass  # the only connection is taken: the second waits 0.3 s and gives up
        return caught.value
    finally:
        pool.close()


def _statement_timeout() -> psycopg.OperationalError:
    with psycopg.connect(PG, autocommit=True) as connection:
        connection.execute("SET statement_timeout = 10")
        with pytest.raises(psycopg.OperationalError) as caught:
            connection.execute("SELECT pg_sleep(1)")
    return caught.value


def test_an_exhausted_pool_is_unavailable_and_a_statement_error_is_not():
    assert database_unavailable(_as_django(_pool_timeout()))
    timed_out = _statement_timeout()
    assert timed_out.sqlstate == "57014"
    assert not database_unavailable(_as_django(timed_out))


def test_a_refused_connection_and_a_locked_sqlite_are_unavailable(tmp_path):
    with pytest.raises(psycopg.OperationalError) as refused:
        psycopg.connect("postgresql://postgres@127.0.0.1:1/postgres", connect_timeout=2)
    assert database_unavailable(_as_django(refused.value))

    path = tmp_path / "busy.sqlite3"
    holder, other = sqlite3.connect(path, timeout=0), sqlite3.connect(path, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    with pytest.raises(sqlite3.OperationalError) as locked:
        other.execute("SELECT 1 FROM sqlite_master")
    holder.rollback()
    assert database_unavailable(_as_django(locked.value))
    assert not database_unavailable(_as_django(sqlite3.OperationalError("no such table: tickets_ticket")))
    assert not database_unavailable(ValueError("a bug"))


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/tickets/", "/bandeja/"])
def test_the_error_handler_answers_503_with_retry_after_only_for_an_unavailable_database(path):
    request = RequestFactory().get(path)
    try:
        raise _as_django(_pool_timeout())
    except db.OperationalError:
        busy = handler500(request)
    try:
        raise ValueError("a bug")
    except ValueError:
        bug = handler500(request)
    assert (busy.status_code, busy["Retry-After"]) == (503, str(RETRY_AFTER_SECONDS))
    assert (bug.status_code, bug.has_header("Retry-After")) == (500, False)
    if path.startswith("/api/"):
        assert b'"service_unavailable"' in busy.content

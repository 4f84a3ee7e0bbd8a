"""The shared pool opener: a connection the server closed is replaced before use, without a round
trip per checkout; commits that need not wait for the WAL flush do not."""

from __future__ import annotations

import itertools

import psycopg
import pytest
from postgres_cluster import PostgresCluster, cut_connections

from storage.postgres_pool import Pool, open_pool

_databases = itertools.count(1)


async def _backend_pid(pool: Pool) -> int:
    async with pool.connection() as conn:
        cursor = await conn.execute("SELECT pg_backend_pid() AS pid")
        row = await cursor.fetchone()
    return int(row["pid"])


async def test_a_connection_the_server_closed_is_replaced(
    postgres_cluster: PostgresCluster,
) -> None:
    dsn = postgres_cluster.new_database(f"pool_{next(_databases)}")
    checked, unchecked = await open_pool(dsn, 1, check_connections=True), await open_pool(dsn, 1)
    try:
        first = await _backend_pid(checked)
        await _backend_pid(unchecked)
        assert cut_connections(dsn) == 2
        assert await _backend_pid(checked) != first  # replaced, and the statement ran
        with pytest.raises(psycopg.OperationalError):
            await _backend_pid(unchecked)  # what the check spares the statement
    finally:
        await checked.close()
        await unchecked.close()


async def test_commits_wait_for_the_flush_unless_told_not_to(postgres_cluster: PostgresCluster) -> None:
    """Set for the session, not inherited: the tests' cluster runs with synchronous_commit off."""
    dsn = postgres_cluster.new_database(f"pool_{next(_databases)}")
    waiting, not_waiting = await open_pool(dsn, 1), await open_pool(dsn, 1, wait_for_flush=False)
    try:
        for pool, expected in ((waiting, False), (not_waiting, True)):
            async with pool.connection() as conn:
                cursor = await conn.execute(
                    "SELECT setting, source FROM pg_settings WHERE name = 'synchronous_commit'"
                )
                row = await cursor.fetchone()
            assert row is not None
            assert (row["source"] == "session" and row["setting"] == "off") is expected
    finally:
        await waiting.close()
        await not_waiting.close()

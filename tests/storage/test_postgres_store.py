"""What only the PostgreSQL store does: a database that drops its connections or cannot hand one out
is reported as DatabaseUnavailable (a sentence for the user), and the store recovers by itself."""

from __future__ import annotations

import psycopg
import pytest
from postgres_cluster import PostgresCluster, cut_connections

import storage.postgres_store as postgres_store
from storage import PostgresStore
from storage.errors import DatabaseUnavailable

GUILD = 1


async def test_connections_cut_by_the_server_read_as_unavailable_then_recover(
    postgres_cluster: PostgresCluster,
) -> None:
    dsn = postgres_cluster.new_database("store_cut")
    store = await PostgresStore.open(dsn, pool_size=1)
    try:
        assert (await store.history(GUILD, limit=5)).rows == []
        assert cut_connections(dsn) == 1  # what a server restart does to the pool's connection
        with pytest.raises(DatabaseUnavailable, match="can't reach my database"):
            await store.history(GUILD, limit=5)
        assert (await store.history(GUILD, limit=5)).rows == []  # the pool replaced the broken connection
    finally:
        await store.close()


async def test_no_free_connection_in_time_reads_as_unavailable(
    postgres_cluster: PostgresCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres_store, "CONNECT_WAIT_S", 0.3)
    store = await PostgresStore.open(postgres_cluster.new_database("store_busy"), pool_size=1)
    try:
        async with store._read():  # holds the only connection
            with pytest.raises(DatabaseUnavailable):
                await store.history(GUILD, limit=5)
    finally:
        await store.close()


async def test_errors_about_a_statement_are_not_called_unreachable(postgres_cluster: PostgresCluster) -> None:
    store = await PostgresStore.open(postgres_cluster.new_database("store_sql_error"), pool_size=1)
    try:
        with pytest.raises(psycopg.errors.QueryCanceled):  # an OperationalError, about the statement
            async with store._read() as tx:
                await tx.execute("SET statement_timeout = 50")
                await tx.fetchall("SELECT pg_sleep(1)")
    finally:
        await store.close()


async def test_batched_rows_keep_every_awkward_value(postgres_cluster: PostgresCluster) -> None:
    """Batches travel as binary arrays: quotes, braces, backslashes, NUL bytes, empty values, 64-bit
    ids and a column of nothing but NULLs must all come back as they went in."""
    dsn = postgres_cluster.new_database("store_binary_rows")
    rows = [
        (2**62 + 3, 'a "quoted", {braced} \\ value', b"\x00\\x{}", True, None),
        (None, "", b"", False, None),
        (-1, "é ñ 漢", None, None, None),
    ]
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        await conn.execute("CREATE TABLE awkward (n bigint, t text, b bytea, f boolean, j jsonb)")
        tx = postgres_store.PostgresTx(conn)  # type: ignore[arg-type]
        await tx.insert_rows("awkward", ("n bigint", "t text", "b bytea", "f boolean", "j jsonb"), rows)
        cursor = await conn.execute("SELECT n, t, b, f, j FROM awkward")
        assert sorted(await cursor.fetchall(), key=lambda row: row[1]) == sorted(rows, key=lambda row: row[1])

"""The psycopg connection pool every PostgreSQL user in storage opens the same way: autocommit,
rows as dicts, opened before use so a wrong address fails at start-up rather than on a command."""

from __future__ import annotations

import select
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

Pool = AsyncConnectionPool[AsyncConnection[dict[str, Any]]]
OPEN_TIMEOUT_S = 30


async def check_when_signalled(conn: AsyncConnection[Any]) -> None:
    """A pool's `check`: test an idle connection with a round trip only when the server has sent it
    something since its last use. psycopg_pool's own check (`SELECT ''` on every checkout) doubles
    the round trips of one-statement users such as the job queue; but a connection the server closed
    (a restart's "terminating connection", or the end of the stream after a crash) always has input
    waiting, so only those pay for the round trip, which then fails and the pool replaces them."""
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLIN)
    if poller.poll(0):
        await AsyncConnectionPool.check_connection(conn)


async def commit_without_flush_wait(conn: AsyncConnection[Any]) -> None:
    """A pool's `configure` for writes that may be lost when PostgreSQL itself crashes (not on a
    restart, which flushes first), because doing them again is harmless: `synchronous_commit = off`,
    so a commit does not wait for the WAL to reach the disk (about 10 ms per commit on a VM's disk)."""
    await conn.execute("SET synchronous_commit TO off")


async def open_pool(
    dsn: str, size: int, *, check_connections: bool = False, wait_for_flush: bool = True
) -> Pool:
    """`check_connections`: a connection the server dropped (a restart) is replaced before use
    instead of failed on (`check_when_signalled`). `wait_for_flush=False`: see
    `commit_without_flush_wait`."""
    pool: Pool = AsyncConnectionPool(
        dsn,
        min_size=1,
        max_size=size,
        open=False,
        kwargs={"autocommit": True, "row_factory": dict_row},
        check=check_when_signalled if check_connections else None,
        configure=None if wait_for_flush else commit_without_flush_wait,
    )
    await pool.open(wait=True, timeout=OPEN_TIMEOUT_S)
    return pool

"""The psycopg connection pool every PostgreSQL user in storage opens the same way: autocommit,
rows as dicts, opened before use so a wrong address fails at start-up rather than on a command."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

Pool = AsyncConnectionPool[AsyncConnection[dict[str, Any]]]
OPEN_TIMEOUT_S = 30


async def open_pool(dsn: str, size: int, *, check_connections: bool = False) -> Pool:
    """`check_connections`: a connection the server dropped (a restart) is replaced before use
    instead of failed on, for one more round trip per statement."""
    pool: Pool = AsyncConnectionPool(
        dsn,
        min_size=1,
        max_size=size,
        open=False,
        kwargs={"autocommit": True, "row_factory": dict_row},
        check=AsyncConnectionPool.check_connection if check_connections else None,
    )
    await pool.open(wait=True, timeout=OPEN_TIMEOUT_S)
    return pool

"""The PostgreSQL store of the distributed mode: the same queries and answers as SqliteStore (both are
SqlStore), shared by every process of the bot through a psycopg 3 connection pool.

Full-text search is PostgreSQL's own: a GIN index over the words of titles and links plus the guild
and privacy lexemes, so one match also filters by who may see a brief.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime
from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg.types.json import Jsonb
from psycopg_pool import PoolTimeout

from storage.errors import DatabaseUnavailable
from storage.indexing import search_words
from storage.postgres_migrations import migrate
from storage.postgres_pool import Pool, open_pool
from storage.sql import Dialect, Row, Tx
from storage.sql_store import SqlStore

POOL_SIZE = 8
CONNECT_WAIT_S = 10.0  # for a free connection, or for the database to come back, before giving up
UNREACHABLE = "I can't reach my database right now. Please try again in a minute."
RECENT_SEARCH = 2000  # newest briefs a search walks before it asks the full-text index


def _placeholders(sql: str) -> str:
    """The shared queries use `?`; psycopg wants `%s` (none of our SQL has a literal ? or %)."""
    return sql.replace("?", "%s")


class PostgresTx(Tx):
    def __init__(self, conn: AsyncConnection[dict[str, Any]]) -> None:
        self._conn = conn
        self.dialect = POSTGRES

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        cursor = await self._conn.execute(_placeholders(sql), params)  # type: ignore[arg-type]
        return await cursor.fetchall() if cursor.description else []

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        cursor = await self._conn.execute(_placeholders(sql), params)  # type: ignore[arg-type]
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            async with self._conn.cursor() as cursor:
                await cursor.executemany(_placeholders(sql), rows)  # type: ignore[arg-type]

    async def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], conflict: str = ""
    ) -> None:
        if not rows:
            return
        names = ", ".join(column.split()[0] for column in columns)
        arrays = ", ".join(f"%b::{column.split(maxsplit=1)[1]}[]" for column in columns)
        await self._conn.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM unnest({arrays}) WITH ORDINALITY "
            f"AS batch({names}, row_order) ORDER BY row_order {conflict}",  # the given order: lock order
            [list(values) for values in zip(*rows, strict=True)],
        )


class PostgresDialect(Dialect):
    lock_rows = " FOR UPDATE"
    lock_rows_skip_locked = " FOR UPDATE SKIP LOCKED"

    def in_list(self, column: str, values: Sequence[Any]) -> tuple[str, Any]:
        return f"{column} = ANY(?)", list(values)

    def time_param(self, moment: datetime) -> Any:
        return moment

    def time_value(self, value: Any) -> datetime:
        return value  # type: ignore[no-any-return]  # TIMESTAMPTZ arrives as an aware datetime

    def json_param(self, value: Any) -> Any:
        return Jsonb(value)

    def json_value(self, value: Any) -> Any:
        return value  # JSONB arrives parsed

    def greatest(self, first: str, second: str) -> str:
        return f"GREATEST({first}, {second})"

    async def serialise(self, tx: Tx, lock: int, key: int) -> None:
        # A transaction-level advisory lock: released by COMMIT or ROLLBACK, so never left behind by a
        # crash. The two-int form keeps `lock` a namespace apart from the one-bigint locks elsewhere.
        await tx.execute(
            "SELECT pg_advisory_xact_lock(CAST(? AS INTEGER), CAST(? AS INTEGER))", (lock, key % 2**31)
        )

    async def next_ids(self, tx: Tx, table: str, count: int) -> list[int]:
        # Many writers: a block from the table's sequence, in one round trip.
        rows = await tx.fetchall(
            "SELECT nextval(pg_get_serial_sequence(?, 'id')) AS id FROM generate_series(1, ?)", (table, count)
        )
        return [row["id"] for row in rows]

    async def index_search(self, tx: Tx, rows: Sequence[tuple[int, str, str, str]]) -> None:
        if rows:
            await tx.execute(
                "INSERT INTO brief_search (brief_id, search) "
                "SELECT brief_id, to_tsvector('simple', words) FROM unnest(?::bigint[], ?::text[]) "
                "AS batch(brief_id, words)",
                (
                    [brief_id for brief_id, *_ in rows],
                    [
                        " ".join([*search_words(f"{title} {source}"), scope])
                        for _, title, source, scope in rows
                    ],
                ),
            )

    async def search(
        self, tx: Tx, guild: int, viewer_id: int | None, words: list[str], limit: int
    ) -> list[int]:
        """A GIN index cannot return matches newest first, and the planner, which cannot estimate how
        many briefs a query matches, would walk the whole table backwards for a rare word (300 ms at a
        million briefs). So: the newest RECENT_SEARCH briefs first, walked backwards (a common word
        fills the page there), then, if that page is short, the index's matches sorted (a rare word
        has few)."""
        scope = f"g{guild} & (pub" + (f" | u{viewer_id})" if viewer_id else ")")
        terms = " & ".join(f"{word}:*" for word in words)
        query = f"{scope} & ({terms})"
        recent = await tx.fetchall(
            "SELECT brief_id FROM (SELECT brief_id, search FROM brief_search ORDER BY brief_id DESC "
            "LIMIT ?) AS newest WHERE search @@ to_tsquery('simple', ?) ORDER BY brief_id DESC LIMIT ?",
            (RECENT_SEARCH, query, limit),
        )
        if len(recent) == limit:  # the newest matches of all: any other match is older than the window
            return [row["brief_id"] for row in recent]
        rows = await tx.fetchall(
            "SELECT brief_id FROM brief_search WHERE search @@ to_tsquery('simple', ?) "
            "ORDER BY brief_id + 0 DESC LIMIT ?",  # + 0: not the primary key's order, the GIN index
            (query, limit),
        )
        return [row["brief_id"] for row in rows]


POSTGRES = PostgresDialect()


class PostgresStore(SqlStore):
    dialect = POSTGRES

    def __init__(self, pool: Pool) -> None:
        super().__init__()
        self._pool = pool

    @classmethod
    async def open(cls, dsn: str, *, pool_size: int = POOL_SIZE) -> PostgresStore:
        """Connect and migrate (processes starting together migrate once: see postgres_migrations)."""
        pool = await open_pool(dsn, pool_size)
        try:
            async with pool.connection() as conn:
                await migrate(conn)
        except BaseException:
            await pool.close()
            raise
        return cls(pool)

    async def close(self) -> None:
        await self._pool.close()

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[Tx]:
        with _reachable():
            async with self._pool.connection(timeout=CONNECT_WAIT_S) as conn:
                yield PostgresTx(conn)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Tx]:
        with _reachable():
            async with self._pool.connection(timeout=CONNECT_WAIT_S) as conn, conn.transaction():
                yield PostgresTx(conn)


@contextmanager
def _reachable() -> Iterator[None]:
    """A database that is down or restarting becomes DatabaseUnavailable (a BriefError: the user reads
    a sentence, the poller tries again next round). Errors the server reports about a statement
    (a deadlock, a constraint) are left as they are."""
    try:
        yield
    except PoolTimeout as err:
        raise DatabaseUnavailable(UNREACHABLE) from err
    except psycopg.OperationalError as err:
        # No SQLSTATE: the connection failed on our side; class 08: connection exception; 57P: the
        # server is shutting down or starting up.
        if err.sqlstate is None or err.sqlstate.startswith(("08", "57P")):
            raise DatabaseUnavailable(UNREACHABLE) from err
        raise

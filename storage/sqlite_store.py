"""The SQLite store (the default, embedded mode): one aiosqlite connection, migrations on open.

One connection in autocommit mode. Writes run in an explicit `BEGIN IMMEDIATE` transaction guarded
by an asyncio lock, because all coroutines share the connection and an interleaved statement would
otherwise join (or be rolled back with) someone else's transaction. The queries are SqlStore's.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite

from storage.codec import iso, parse_iso, to_json
from storage.migrations import migrate
from storage.sql import Dialect, Row, Tx
from storage.sql_store import SqlStore

BUSY_TIMEOUT_MS = 5000


class SqliteTx(Tx):
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self.dialect = SQLITE

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(await self._conn.execute_fetchall(sql, tuple(params)))

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        cursor = await self._conn.execute(sql, tuple(params))
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            await self._conn.executemany(sql, rows)


class SqliteDialect(Dialect):
    ordered_join = "CROSS JOIN"  # SQLite's way to keep the planner on the given join order

    def in_list(self, column: str, values: Sequence[Any]) -> tuple[str, Any]:
        return f"{column} IN (SELECT value FROM json_each(?))", to_json(list(values))

    def time_param(self, moment: datetime) -> Any:
        return iso(moment)  # ISO-8601 UTC text sorts in time order

    def time_value(self, value: Any) -> datetime:
        return parse_iso(value)

    def json_param(self, value: Any) -> Any:
        return to_json(value)

    def json_value(self, value: Any) -> Any:
        return json.loads(value)

    def greatest(self, first: str, second: str) -> str:
        return f"MAX({first}, {second})"

    async def serialise(self, tx: Tx, lock: int, key: int) -> None:
        """Nothing to take: a write transaction (BEGIN IMMEDIATE) holds the database's only write lock
        from its start, against every process and every connection."""

    async def next_ids(self, tx: Tx, table: str, count: int) -> list[int]:
        # One writer at a time, inside its BEGIN IMMEDIATE transaction: MAX(id) cannot move under us.
        row = await tx.fetchone(f"SELECT COALESCE(MAX(id), 0) AS top FROM {table}")
        start = int(row["top"]) + 1 if row else 1
        return list(range(start, start + count))

    async def index_search(self, tx: Tx, rows: Sequence[tuple[int, str, str, str]]) -> None:
        await tx.executemany(
            "INSERT INTO brief_search (rowid, title, source, scope) VALUES (?, ?, ?, ?)", rows
        )

    async def search(
        self, tx: Tx, guild: int, viewer_id: int | None, words: list[str], limit: int
    ) -> list[int]:
        scope = f"scope:g{guild} AND (scope:pub" + (f" OR scope:u{viewer_id})" if viewer_id else ")")
        terms = " AND ".join(f'"{word}"*' for word in words)
        rows = await tx.fetchall(
            "SELECT rowid AS id FROM brief_search WHERE brief_search MATCH ? ORDER BY rowid DESC LIMIT ?",
            (f"{scope} AND {{title source}} : ({terms})", limit),
        )
        return [row["id"] for row in rows]


SQLITE = SqliteDialect()


class SqliteStore(SqlStore):
    dialect = SQLITE

    def __init__(self, conn: aiosqlite.Connection) -> None:
        super().__init__()
        self._conn = conn
        self._tx = SqliteTx(conn)
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> SqliteStore:
        """Open (creating folders and file as needed) and bring the schema up to date."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await _enable_wal(conn)
            await conn.execute("PRAGMA synchronous = NORMAL")  # durable enough with WAL, much faster
            await conn.execute("PRAGMA foreign_keys = OFF")  # see migrate()
            await migrate(conn, SqliteTx(conn))
            await conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            await conn.close()
            raise
        return cls(conn)

    async def close(self) -> None:
        await self._conn.close()

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[Tx]:
        yield self._tx

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Tx]:
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._tx
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")


async def _enable_wal(conn: aiosqlite.Connection) -> None:
    """Switch to WAL (persistent in the file, so this only changes something on a new database).

    SQLite answers a journal-mode change with "database is locked" at once, without the busy
    handler, while another connection is setting up the same new file; so retry for a while.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.02)

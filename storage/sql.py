"""What differs between SQLite and PostgreSQL, and nothing else: a transaction's statements and the
few spellings and types the two databases do not share.

The stores' queries are written once (sql_store.py, writes.py) with `?` placeholders and standard SQL
that both accept (`ON CONFLICT`, `RETURNING`, `TRUE`/`FALSE`, `CAST(? AS BIGINT)`); a `Dialect`
supplies the rest: list parameters, dates, JSON, id blocks, and full-text search, where each
database has its own engine.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

Row = Mapping[str, Any]


class Tx(ABC):
    """Statements on one connection (inside a transaction when opened by `SqlStore._transaction`)."""

    dialect: Dialect

    @abstractmethod
    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    @abstractmethod
    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; the number of rows it changed."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    async def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], conflict: str = ""
    ) -> None:
        """Insert `rows` in their order, as one statement where the database allows (PostgreSQL runs
        one statement per row of an `executemany`, a batch's cost by far). `columns` are
        "name type", the type in PostgreSQL's spelling; an upsert's rows must have distinct keys."""
        names = ", ".join(column.split()[0] for column in columns)
        places = ", ".join("?" for _ in columns)
        await self.executemany(f"INSERT INTO {table} ({names}) VALUES ({places}) {conflict}", rows)

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None


class Dialect(ABC):
    # A join the planner must not reorder (SQLite's CROSS JOIN; PostgreSQL plans joins well itself).
    ordered_join = "JOIN"
    # Appended to a SELECT that reads a row the transaction will rewrite (SQLite's writer lock is
    # the whole database already; PostgreSQL needs the row lock against a concurrent join).
    lock_rows = ""
    # Rows another transaction has locked are left out instead of waited for (PostgreSQL's SKIP
    # LOCKED: concurrent pollers each lease different feeds; SQLite has one writer anyway).
    lock_rows_skip_locked = ""

    @abstractmethod
    def in_list(self, column: str, values: Sequence[Any]) -> tuple[str, Any]:
        """`column` is one of `values`: the SQL (with one placeholder) and its parameter."""

    @abstractmethod
    def time_param(self, moment: datetime) -> Any: ...

    @abstractmethod
    def time_value(self, value: Any) -> datetime: ...

    @abstractmethod
    def json_param(self, value: Any) -> Any: ...

    @abstractmethod
    def json_value(self, value: Any) -> Any: ...

    @abstractmethod
    def greatest(self, first: str, second: str) -> str: ...

    @abstractmethod
    async def serialise(self, tx: Tx, lock: int, key: int) -> None:
        """Hold lock (`lock`, `key`) until the write transaction `tx` ends, against every process."""

    @abstractmethod
    async def next_ids(self, tx: Tx, table: str, count: int) -> list[int]:
        """A block of fresh ids for `table`, safe under this database's concurrency."""

    @abstractmethod
    async def index_search(self, tx: Tx, rows: Sequence[tuple[int, str, str, str]]) -> None:
        """(brief id, title, source, scope) into the full-text index."""

    @abstractmethod
    async def search(
        self, tx: Tx, guild: int, viewer_id: int | None, words: list[str], limit: int
    ) -> list[int]:
        """Ids of the guild's briefs the viewer may see whose title or source has a word starting with
        each of `words`, newest first (the scope lexemes of indexing.search_scope do the filtering)."""

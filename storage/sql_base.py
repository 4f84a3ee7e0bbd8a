"""What every part of the SQL store shares: its connections (given by each database's subclass), the
one-statement helpers, and the cache of prefix terms already written."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from storage.base import Store
from storage.codec import utc_now
from storage.sql import Dialect, Row, Tx
from storage.writes import WrittenNames

# (message id, brief id, channel id, thread id, time): a message that shows a brief.
RECORD_MESSAGE = (
    "INSERT INTO brief_messages (message_id, brief_id, channel_id, thread_id, created_at) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_id) DO UPDATE SET "
    "brief_id = excluded.brief_id, channel_id = excluded.channel_id, thread_id = excluded.thread_id"
)


class SqlBase(Store):
    dialect: Dialect

    def __init__(self) -> None:
        self._written_names = WrittenNames()

    @abstractmethod
    def _read(self) -> AbstractAsyncContextManager[Tx]:
        """A connection for reads."""

    @abstractmethod
    def _transaction(self) -> AbstractAsyncContextManager[Tx]:
        """A connection inside a transaction: committed on exit, rolled back on an error."""

    async def _fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        async with self._read() as tx:
            return await tx.fetchall(sql, params)

    async def _fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        async with self._read() as tx:
            return await tx.fetchone(sql, params)

    async def _write(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self._transaction() as tx:
            return await tx.execute(sql, params)

    def _now(self) -> Any:
        return self.dialect.time_param(utc_now())

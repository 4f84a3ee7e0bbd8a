"""The job queue's own table (distributed mode): each queued NLP call's arguments and, once a worker
ran it, its result, announced with NOTIFY in the same transaction that writes it.

procrastinate (service/jobs) owns the queue itself: its jobs only carry a call's key. The arguments
and results live here as bytea (pickles of the summarizer's dataclasses, up to a few hundred KB):
procrastinate's JSON job arguments would need them base64-encoded (a third larger) and its worker logs
every job's arguments, which would put whole articles in the log.

A row lives from the moment a call is queued until its caller takes the result (or gives up): a job
that runs again after its worker died finds the result already there, or no row at all, and does not
run twice. Rows a caller never took (it crashed) are pruned.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from psycopg import AsyncConnection

from storage.postgres_pool import Pool, open_pool

T = TypeVar("T")
DONE_CHANNEL = "briefbot_job_done"
_SCHEMA_LOCK = 0x6A6F6273  # "jobs": processes starting together create the schema once
_REAPER_LOCK = 0x72656170  # "reap": one process at a time retries stalled jobs
POOL_SIZE = 4

_SCHEMA = """
CREATE TABLE IF NOT EXISTS briefbot_job_calls (
    key UUID PRIMARY KEY,
    task TEXT NOT NULL,
    args BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    ok BOOLEAN,
    result BYTEA,
    finished_at TIMESTAMPTZ
)
"""


@dataclass(frozen=True)
class QueuedCall:
    task: str
    args: bytes


@dataclass(frozen=True)
class CallOutcome:
    ok: bool  # False: `payload` is the error the task raised
    payload: bytes


class JobCalls:
    """The calls table through a small psycopg 3 pool, plus one LISTEN connection per listener."""

    def __init__(self, dsn: str, pool: Pool) -> None:
        self._dsn = dsn
        self._pool = pool

    @classmethod
    async def open(cls, dsn: str, *, pool_size: int = POOL_SIZE, wait_for_flush: bool = True) -> JobCalls:
        """`wait_for_flush=False` for workers: a result lost in a database crash is computed again
        (its job is still there), and a caller's `take` flushes the result it read."""
        # Calls must keep working across a database restart: dropped connections are replaced.
        pool = await open_pool(dsn, pool_size, check_connections=True, wait_for_flush=wait_for_flush)
        return cls(dsn, pool)

    async def close(self) -> None:
        await self._pool.close()

    async def prepare(
        self, queue_installed: Callable[[], Awaitable[bool]], install_queue: Callable[[], Awaitable[None]]
    ) -> None:
        """Create this table, and the queue library's schema when it is missing, once however many
        processes start together (an advisory lock serialises them)."""
        async with self._pool.connection() as conn:
            await conn.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_LOCK,))
            try:
                if not await queue_installed():
                    await install_queue()
                await conn.execute(_SCHEMA)
            finally:
                await conn.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK,))

    # --- the caller's side ------------------------------------------------------------------------

    async def create(
        self, key: str, task: str, args: bytes, then: Callable[[AsyncConnection[Any]], Awaitable[T]]
    ) -> T:
        """Write the call, then `then(connection)` (the queue library's deferral of its job) on the same
        connection, in one pipeline: both statements travel in one round trip."""
        async with self._pool.connection() as conn, conn.pipeline():
            await conn.execute(
                "INSERT INTO briefbot_job_calls (key, task, args) VALUES (%s, %s, %s)", (key, task, args)
            )
            return await then(conn)

    async def take(self, keys: Sequence[str]) -> dict[str, CallOutcome]:
        """The results these calls have, by key, removing their rows; those without one are left out.
        One statement for all: results that finish together are taken together."""
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "DELETE FROM briefbot_job_calls WHERE key = ANY(%s::uuid[]) AND finished_at IS NOT NULL "
                "RETURNING key::text AS key, ok, result",
                (list(keys),),
            )
            return {row["key"]: CallOutcome(row["ok"], row["result"]) for row in await cursor.fetchall()}

    async def forget(self, keys: Sequence[str]) -> None:
        """The callers gave up: a job that has not run yet will find nothing to do."""
        if keys:
            async with self._pool.connection() as conn:
                await conn.execute(
                    "DELETE FROM briefbot_job_calls WHERE key = ANY(%s::uuid[])", (list(keys),)
                )

    async def finished_among(self, keys: Sequence[str]) -> list[str]:
        """Which of these calls have a result (after a lost LISTEN connection: missed notifications)."""
        if not keys:
            return []
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "SELECT key::text AS key FROM briefbot_job_calls "
                "WHERE key = ANY(%s::uuid[]) AND finished_at IS NOT NULL",
                (list(keys),),
            )
            return [row["key"] for row in await cursor.fetchall()]

    async def listen(self, on_listening: Callable[[], Awaitable[None]]) -> AsyncIterator[str]:
        """Keys of finished calls, as their results are written, on a connection of its own.

        `on_listening` runs once LISTEN is in place, so a caller can look for results written before.
        Ends with psycopg's OperationalError when the connection is lost.
        """
        conn = await AsyncConnection.connect(self._dsn, autocommit=True)
        try:
            await conn.execute(f"LISTEN {DONE_CHANNEL}")
            await on_listening()
            async for notification in conn.notifies():
                yield notification.payload
        finally:
            await conn.close()

    # --- the worker's side ------------------------------------------------------------------------

    async def pending(self, key: str) -> QueuedCall | None:
        """The call to run; None when it has a result already or nobody waits for it any more."""
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "SELECT task, args FROM briefbot_job_calls WHERE key = %s AND finished_at IS NULL", (key,)
            )
            row = await cursor.fetchone()
        return QueuedCall(row["task"], bytes(row["args"])) if row else None

    async def finish(self, key: str, *, ok: bool, payload: bytes) -> bool:
        """Write the result and NOTIFY its key in one statement (one transaction, one round trip);
        False when it had one already (or its caller gave up), so a result is written once."""
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "WITH done AS (UPDATE briefbot_job_calls SET ok = %s, result = %s, finished_at = now(), "
                "args = '' WHERE key = %s AND finished_at IS NULL RETURNING key) "
                "SELECT pg_notify(%s, key::text) FROM done",
                (ok, payload, key, DONE_CHANNEL),
            )
            return cursor.rowcount == 1

    async def prune(self, older_than_s: float) -> int:
        """Remove calls older than this: their callers stopped waiting long ago (or crashed)."""
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "DELETE FROM briefbot_job_calls WHERE created_at < now() - make_interval(secs => %s)",
                (older_than_s,),
            )
            return cursor.rowcount

    @asynccontextmanager
    async def reaper_turn(self) -> AsyncIterator[bool]:
        """True when this process holds the reaper lock for the block (no other one does)."""
        async with self._pool.connection() as conn:
            cursor = await conn.execute("SELECT pg_try_advisory_lock(%s) AS got", (_REAPER_LOCK,))
            row = await cursor.fetchone()
            got = bool(row and row["got"])
            try:
                yield got
            finally:
                if got:
                    await conn.execute("SELECT pg_advisory_unlock(%s)", (_REAPER_LOCK,))

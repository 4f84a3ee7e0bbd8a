"""The job queue's calls table on PostgreSQL: results written once and announced by NOTIFY, taken
once, withdrawn, pruned; the schema created once by processes starting together; one reaper at a time."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from postgres_cluster import PostgresCluster
from psycopg import AsyncConnection

from storage.job_calls import CallOutcome, JobCalls, QueuedCall

_databases = itertools.count(1)


async def _nothing_to_install() -> None:
    pass


async def _installed() -> bool:
    return True


async def _no_job(conn: AsyncConnection[Any]) -> None:
    """Stands in for the queue library's deferral where a test is about the table alone."""


@pytest.fixture
async def calls(postgres_cluster: PostgresCluster) -> AsyncIterator[JobCalls]:
    opened = await JobCalls.open(postgres_cluster.new_database(f"job_calls_{next(_databases)}"))
    await opened.prepare(_installed, _nothing_to_install)
    yield opened
    await opened.close()


async def test_a_result_is_written_once_announced_and_taken_once(calls: JobCalls) -> None:
    key = str(uuid.uuid4())
    await calls.create(key, "service.worker.brief_task", b"args", _no_job)
    assert await calls.pending(key) == QueuedCall("service.worker.brief_task", b"args")
    assert await calls.take([key]) == {}  # no result yet

    heard: asyncio.Queue[str] = asyncio.Queue()
    listening = asyncio.Event()

    async def on_listening() -> None:
        listening.set()

    async def listen() -> None:
        async for done in calls.listen(on_listening):
            await heard.put(done)

    listener = asyncio.create_task(listen())
    try:
        await asyncio.wait_for(listening.wait(), 10)
        assert await calls.finish(key, ok=True, payload=b"first")
        assert await asyncio.wait_for(heard.get(), 10) == key
        assert not await calls.finish(key, ok=True, payload=b"second")  # a retry's late result
        assert await calls.pending(key) is None  # a retried job finds it done and does not run
        assert await calls.finished_among([key, str(uuid.uuid4())]) == [key]
        assert await calls.take([key]) == {key: CallOutcome(True, b"first")}
        assert await calls.take([key]) == {}  # taken once, then gone
        assert heard.empty()  # the refused second result announced nothing
    finally:
        listener.cancel()
        with pytest.raises(asyncio.CancelledError):
            await listener


async def test_the_job_is_queued_on_the_connection_that_wrote_the_call(calls: JobCalls) -> None:
    key = str(uuid.uuid4())

    async def queue_job(conn: AsyncConnection[Any]) -> str:  # sees the call: same connection, after it
        cursor = await conn.execute("SELECT task FROM briefbot_job_calls WHERE key = %s", (key,))
        row = await cursor.fetchone()
        return f"job for {row['task']}" if row else "no call"

    assert await calls.create(key, "service.worker.brief_task", b"args", queue_job) == (
        "job for service.worker.brief_task"
    )
    assert await calls.pending(key) == QueuedCall("service.worker.brief_task", b"args")


async def test_withdrawn_and_old_calls_are_gone(calls: JobCalls) -> None:
    withdrawn, old = str(uuid.uuid4()), str(uuid.uuid4())
    await calls.create(withdrawn, "t", b"", _no_job)
    await calls.create(old, "t", b"", _no_job)
    await calls.forget([withdrawn])
    assert await calls.pending(withdrawn) is None
    assert not await calls.finish(withdrawn, ok=True, payload=b"late")  # nobody waits: dropped
    assert await calls.prune(3600.0) == 0
    assert await calls.prune(0.0) == 1
    assert await calls.pending(old) is None


async def test_one_reaper_at_a_time(postgres_cluster: PostgresCluster) -> None:
    dsn = postgres_cluster.new_database(f"job_calls_{next(_databases)}")
    one, other = await JobCalls.open(dsn), await JobCalls.open(dsn)  # two processes' handles
    try:
        async with one.reaper_turn() as first, other.reaper_turn() as second:
            assert (first, second) == (True, False)
        async with other.reaper_turn() as again:
            assert again
    finally:
        await one.close()
        await other.close()


async def test_processes_starting_together_install_the_queue_once(postgres_cluster: PostgresCluster) -> None:
    dsn = postgres_cluster.new_database(f"job_calls_{next(_databases)}")
    installed: list[int] = []

    async def is_installed() -> bool:
        return bool(installed)

    async def install() -> None:
        await asyncio.sleep(0.2)  # long enough for the others to be waiting on the lock
        installed.append(1)

    handles = [await JobCalls.open(dsn) for _ in range(3)]
    try:
        await asyncio.gather(*(handle.prepare(is_installed, install) for handle in handles))
        assert installed == [1]
        await handles[0].create(str(uuid.uuid4()), "t", b"", _no_job)  # the table exists
    finally:
        for handle in handles:
            await handle.close()

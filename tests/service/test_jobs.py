"""JobPool against real PostgreSQL and real worker processes running stand-in tasks
(tests/job_workers.py): round trips, errors, budgets, refusals, lost connections, killed workers."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psutil
import psycopg
import pytest
from job_workers import (
    TEST_TASKS,
    add_task,
    client_only_task,
    echo_task,
    fail_task,
    record_run_task,
    sleep_task,
    start_worker,
    stop_worker,
    value_error_task,
)
from postgres_cluster import PostgresCluster, cut_connections
from procrastinate.jobs import Status

from service.errors import JobTimedOut, PoolClosed, WorkerCrashed
from service.jobs import JobPool, TaskAllowList, UnknownTask
from service.jobs.calls import dumps
from service.jobs.queue import RETRIES, queue_app, reap_stalled_jobs
from storage.job_calls import JobCalls
from summarizer.errors import EmptyInput
from summarizer.models import Article

_databases = itertools.count(1)
WORKER_BUDGET_S = 3.0


def new_database(cluster: PostgresCluster) -> str:
    return cluster.new_database(f"jobs_{next(_databases)}")


@pytest.fixture(scope="module")
def worker_dsn(postgres_cluster: PostgresCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One database with one worker process for the module's round trips."""
    dsn = new_database(postgres_cluster)
    worker = start_worker(dsn, budget_s=WORKER_BUDGET_S, log_path=tmp_path_factory.mktemp("worker") / "log")
    yield dsn
    assert stop_worker(worker) == 0  # SIGTERM: a clean stop


async def open_pool(dsn: str, *extra: object, budget_s: float = 120.0, wait_s: float = 60.0) -> JobPool:
    allowed = TaskAllowList().with_tasks(*TEST_TASKS, *extra)  # type: ignore[arg-type]
    return await JobPool.open(dsn, allowed=allowed, budget_s=budget_s, wait_s=wait_s)


@pytest.fixture
async def pool(worker_dsn: str) -> AsyncIterator[JobPool]:
    opened = await open_pool(worker_dsn, client_only_task)
    yield opened
    await opened.close()


async def test_a_call_runs_on_a_worker_and_its_result_comes_back(pool: JobPool) -> None:
    assert await pool.run(add_task, 2, 3) == 5
    article = Article(text="Some text. More text.", source_kind="text", source="pasted", title="T")
    assert await pool.run(echo_task, article) == article
    results = await asyncio.gather(*(pool.run(add_task, n, n) for n in range(10)))
    assert results == [2 * n for n in range(10)]


async def test_the_tasks_errors_are_raised_in_the_caller(pool: JobPool) -> None:
    with pytest.raises(EmptyInput, match="nothing to brief"):
        await pool.run(fail_task, "nothing to brief")
    with pytest.raises(ValueError, match="not a number"):
        await pool.run(value_error_task)
    assert await pool.run(add_task, 1, 1) == 2  # the worker goes on


async def test_a_task_over_the_workers_budget_is_stopped(pool: JobPool) -> None:
    started = time.monotonic()
    with pytest.raises(JobTimedOut) as timed_out:
        await pool.run(sleep_task, 60.0)
    assert timed_out.value.budget_s == WORKER_BUDGET_S
    assert time.monotonic() - started < 30
    assert await pool.run(add_task, 1, 2) == 3  # a fresh NLP process took over


async def test_tasks_off_the_allow_list_are_refused(pool: JobPool) -> None:
    with pytest.raises(UnknownTask):
        await pool.run(os.getpid)  # never queued: the caller's list does not have it
    with pytest.raises(UnknownTask, match="client_only_task"):
        await pool.run(client_only_task)  # queued, but the worker's list does not have it


async def test_work_resumes_after_every_database_connection_is_cut(pool: JobPool, worker_dsn: str) -> None:
    """What a database restart does to the worker and the bot: their connections drop at once (and
    are gone, as after a restart, before the next call)."""
    assert await pool.run(add_task, 1, 1) == 2
    assert cut_connections(worker_dsn) >= 3  # the worker's pool and listener, and this pool's
    started = time.monotonic()
    assert await asyncio.wait_for(pool.run(add_task, 5, 5), 60) == 10
    assert time.monotonic() - started < 30


async def test_a_call_nobody_runs_times_out_and_is_withdrawn(postgres_cluster: PostgresCluster) -> None:
    dsn = new_database(postgres_cluster)  # no worker here
    pool = await open_pool(dsn, budget_s=0.5, wait_s=0.5)
    try:
        started = time.monotonic()
        with pytest.raises(JobTimedOut):
            await pool.run(add_task, 1, 1)
        assert 0.9 < time.monotonic() - started < 10
        await asyncio.sleep(0.2)  # the withdrawal runs just after
        with psycopg.connect(dsn) as conn:
            assert conn.execute("SELECT count(*) FROM briefbot_job_calls").fetchone() == (0,)
    finally:
        await pool.close()


async def test_a_result_written_while_the_listener_was_down_is_still_delivered(
    postgres_cluster: PostgresCluster,
) -> None:
    dsn = new_database(postgres_cluster)  # no worker: the test writes the result itself
    pool = await open_pool(dsn)
    calls = await JobCalls.open(dsn)
    try:
        waiting = asyncio.ensure_future(pool.run(add_task, 20, 22))
        with psycopg.connect(dsn, autocommit=True) as conn:
            for _ in range(100):
                row = conn.execute("SELECT key::text FROM briefbot_job_calls").fetchone()
                if row:
                    break
                await asyncio.sleep(0.05)
            assert row is not None
            killed = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND query LIKE 'LISTEN briefbot%%'"
            ).fetchall()
            assert killed == [(True,)]
        assert await calls.finish(row[0], ok=True, payload=dumps(42))  # nobody hears this NOTIFY
        assert await asyncio.wait_for(waiting, 20) == 42  # found on reconnecting
    finally:
        await calls.close()
        await pool.close()


async def test_closing_fails_calls_still_waiting(postgres_cluster: PostgresCluster) -> None:
    pool = await open_pool(new_database(postgres_cluster))
    waiting = asyncio.ensure_future(pool.run(add_task, 1, 1))
    await asyncio.sleep(0.3)
    pool.drain()
    with pytest.raises(PoolClosed):
        await pool.run(add_task, 1, 1)
    with pytest.raises(PoolClosed):
        await asyncio.wait_for(waiting, 10)  # handed back: no worker had started it
    await pool.close(grace_s=0.1)
    await pool.close()  # as a shutdown does: stop the workers, then close the service


async def test_a_job_that_lost_its_worker_too_often_is_given_up_with_a_message(
    postgres_cluster: PostgresCluster,
) -> None:
    """The reaper on its own, with a worker that claimed the job and went silent (no real process)."""
    dsn = new_database(postgres_cluster)
    pool = await open_pool(dsn)
    app = queue_app(dsn)
    calls = await JobCalls.open(dsn)
    try:
        async with app.open_async():
            waiting = asyncio.ensure_future(pool.run(add_task, 1, 1))
            silent = await app.job_manager.register_worker()
            job = None
            for _ in range(100):
                if job := await app.job_manager.fetch_job(queues=None, worker_id=silent):
                    break
                await asyncio.sleep(0.05)
            assert job is not None
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute("UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour'")
            await reap_stalled_jobs(app, calls)  # first loss: back in the queue
            assert await app.job_manager.get_job_status_async(job.id) == Status.TODO
            assert not waiting.done()

            assert await app.job_manager.fetch_job(queues=None, worker_id=silent) is not None
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute("UPDATE procrastinate_jobs SET attempts = %s", (RETRIES,))
            await reap_stalled_jobs(app, calls)  # lost once too often: the caller is told
            with pytest.raises(WorkerCrashed, match="gave up"):
                await asyncio.wait_for(waiting, 10)
            assert await app.job_manager.get_job_status_async(job.id) == Status.FAILED
    finally:
        await calls.close()
        await pool.close()


async def test_a_job_whose_worker_is_killed_runs_again_once(
    postgres_cluster: PostgresCluster, tmp_path: Path
) -> None:
    dsn = new_database(postgres_cluster)
    workers = [start_worker(dsn, log_path=tmp_path / f"worker{n}.log") for n in range(2)]
    pool = await open_pool(dsn)
    runs = tmp_path / "runs"
    try:
        assert await asyncio.gather(pool.run(add_task, 1, 1), pool.run(add_task, 2, 2)) == [2, 4]
        call = asyncio.ensure_future(pool.run(record_run_task, str(runs), 3.0))
        for _ in range(400):
            if runs.exists() and runs.read_text():
                break
            await asyncio.sleep(0.05)
        nlp_pid = int(runs.read_text().split()[0])
        owner = next(w for w in workers if w.pid in {p.pid for p in psutil.Process(nlp_pid).parents()})
        owner.send_signal(signal.SIGKILL)
        psutil.Process(nlp_pid).kill()  # its orphaned NLP process: nobody would read its answer
        killed_at = time.monotonic()
        assert await asyncio.wait_for(call, 60) == 2  # ran twice in all, answered once
        assert time.monotonic() - killed_at < 20  # stalled after 8 s, retried within 3 s more
        assert len(runs.read_text().split()) == 2
        with psycopg.connect(dsn) as conn:
            assert conn.execute("SELECT count(*) FROM briefbot_job_calls").fetchone() == (0,)
    finally:
        await pool.close()
        survivors = [w for w in workers if w.poll() is None]
        assert [stop_worker(w) for w in survivors] == [0]
        for worker in workers:
            if worker.poll() is None:
                worker.kill()

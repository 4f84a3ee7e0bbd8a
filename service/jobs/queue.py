"""The job queue of the distributed mode, on procrastinate, and `briefbot worker`'s side of it.

Why procrastinate (3.x): it speaks psycopg 3 like our PostgreSQL store; workers wait for jobs with
LISTEN/NOTIFY (no polling loop on the hot path); each worker sends heartbeats, so the jobs of a worker
that died are found (`get_stalled_jobs`) and retried; a RetryStrategy bounds retries; its schema is
one call (`schema_manager.apply_schema_async`). pgqueuer would do too, but brings its own driver
layer and no stalled-job query of the same kind.

A job carries only a call's key; the call itself (task name, pickled arguments, then the result) is a
row of storage/job_calls.py. A worker runs each job's task in its own NLP process pool
(service.worker.WorkerPool, the same one `briefbot run` uses): the models load once per process, a
task over its budget is stopped, a native crash fails one task, and the worker's event loop, which
sends the heartbeats, never waits on the CPU.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from dataclasses import dataclass
from typing import Any

import psycopg
from procrastinate import App, JobContext, PsycopgConnector, RetryStrategy
from procrastinate.exceptions import ConnectorException
from procrastinate.jobs import Status
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from service.errors import PoolClosed, WorkerCrashed
from service.jobs.calls import TaskAllowList, dumps, loads, portable_error
from service.worker import EngineFactory, WorkerPool, build_engine
from storage.job_calls import JobCalls
from storage.postgres_pool import check_when_signalled, commit_without_flush_wait
from summarizer.config import EngineConfig

log = logging.getLogger(__name__)

QUEUE = "nlp"
TASK_NAME = "briefbot.run_engine_task"
RETRIES = 2  # a call runs at most 3 times, whether its worker died or its database went away
HEARTBEAT_S = 2.0  # how often a worker says it is alive
STALLED_AFTER_S = 8.0  # silent this long: its jobs are retried elsewhere (well within 15 s)
REAP_EVERY_S = 1.0
# procrastinate wakes workers (NOTIFY) when a job is inserted, not when the reaper puts one back in
# the queue: an idle worker finds a retried job on its next poll, so the poll is short (one cheap
# query a second per idle worker) to keep a lost job's reply within 15 s of its worker's death.
FETCH_POLL_S = 1.0
CALL_TTL_S = 3600.0  # calls nobody took by then are pruned (their callers crashed)
SHUTDOWN_GRACE_S = 5.0  # after SIGTERM, running jobs get this long, then go back to the queue
RESTART_S = 2.0  # between attempts to start the worker again after its database went away
GAVE_UP_MESSAGE = (
    "The summarizer stopped unexpectedly several times while working on this, so I gave up on it. "
    "Please try again later."
)


def queue_app(dsn: str, *, wait_for_flush: bool = True) -> App:
    """The procrastinate app both sides use: the bot defers through it, the worker runs it.

    Its statements are single calls of procrastinate's SQL functions, so its connections run in
    autocommit: one round trip each instead of BEGIN, the call and COMMIT. And they are checked only
    when the server has signalled something (`check_when_signalled`), not with a round trip per use.
    `wait_for_flush=False`: see `serve_worker`.
    """
    connector = PsycopgConnector(
        conninfo=dsn,
        min_size=1,
        max_size=4,
        configure=_autocommit if wait_for_flush else _autocommit_without_flush_wait,
        pool_factory=_queue_pool,
    )
    app = App(connector=connector)
    app.task(
        name=TASK_NAME,
        queue=QUEUE,
        pass_context=True,
        retry=RetryStrategy(max_attempts=RETRIES, wait=1),  # an error outside the task: the database
    )(run_engine_task)
    return app


async def _autocommit(conn: AsyncConnection[Any]) -> None:
    # Not `kwargs={"autocommit": True}`: procrastinate opens its LISTEN connection with those
    # kwargs plus its own autocommit=True, which would be given twice.
    await conn.set_autocommit(True)


async def _autocommit_without_flush_wait(conn: AsyncConnection[Any]) -> None:
    await _autocommit(conn)
    await commit_without_flush_wait(conn)


def _queue_pool(**options: Any) -> AsyncConnectionPool[Any]:
    return AsyncConnectionPool(**{**options, "check": check_when_signalled})


async def prepare_queue(app: App, calls: JobCalls) -> None:
    """The queue's tables, created once by whichever process starts first."""
    await calls.prepare(app.check_connection_async, app.schema_manager.apply_schema_async)


@dataclass
class WorkerRuntime:
    """What a worker's jobs need: the calls table, the NLP processes and the tasks it may run."""

    calls: JobCalls
    pool: WorkerPool
    allowed: TaskAllowList

    async def run_call(self, key: str) -> None:
        call = await self.calls.pending(key)
        if call is None:
            return  # its result is there already (a retry), or its caller stopped waiting
        ok = True
        try:
            task = self.allowed.resolve(call.task)
            value = await self.pool.run(task, *loads(call.args))
        except PoolClosed:
            raise  # this worker is stopping: the job goes back to the queue for another one
        except Exception as err:  # the task's own error (a BriefError, a bug): the caller raises it
            ok, value = False, portable_error(err)
        try:
            payload = dumps(value)
        except Exception as err:
            ok, payload = False, dumps(RuntimeError(f"The task's result could not be sent back: {err}"))
        if not await self.calls.finish(key, ok=ok, payload=payload):
            log.info("Call %s already had a result or was withdrawn; this one is dropped", key)


async def run_engine_task(context: JobContext, key: str) -> None:
    runtime: WorkerRuntime = context.additional_context["runtime"]
    await runtime.run_call(key)


async def reap_stalled_jobs(app: App, calls: JobCalls) -> None:
    """Put the jobs of workers that stopped sending heartbeats back in the queue, a bounded number of
    times (after that their callers are told), and prune calls nobody took. One process at a time."""
    async with calls.reaper_turn() as mine:
        if not mine:
            return
        stalled = await app.job_manager.get_stalled_jobs(
            queue=QUEUE, task_name=TASK_NAME, seconds_since_heartbeat=STALLED_AFTER_S
        )
        for job in stalled:
            if job.attempts < RETRIES:
                log.warning("Job %s lost its worker; running it again", job.id)
                await app.job_manager.retry_job(job)
            else:
                log.error("Job %s lost its worker %d times; giving up", job.id, job.attempts + 1)
                await calls.finish(
                    job.task_kwargs["key"], ok=False, payload=dumps(WorkerCrashed(GAVE_UP_MESSAGE))
                )
                await app.job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
        await calls.prune(CALL_TTL_S)


async def _reap_forever(app: App, calls: JobCalls) -> None:
    while True:
        await asyncio.sleep(REAP_EVERY_S)
        try:
            await reap_stalled_jobs(app, calls)
        except (psycopg.Error, ConnectorException) as err:
            log.warning("Could not look for stalled jobs: %s", err)


async def serve_worker(
    dsn: str,
    stop: asyncio.Event,
    *,
    engine: EngineConfig,
    concurrency: int = 1,
    budget_s: float = 30.0,
    allowed: TaskAllowList | None = None,
    engine_factory: EngineFactory = build_engine,
    preload: tuple[str, ...] = ("summarizer.pipeline",),
    torch_threads: int | None = None,
) -> None:
    """`briefbot worker`: run queued NLP calls, `concurrency` at a time, until `stop` is set.

    On a stop, jobs still running after SHUTDOWN_GRACE_S go back to the queue for another worker.
    When the database goes away, procrastinate's worker stops; it is started again (every
    RESTART_S) until the database answers, with the models kept loaded meanwhile.
    """
    pool = WorkerPool(
        concurrency,
        engine,
        engine_factory,
        job_budget_s=budget_s,
        preload=preload,
        torch_threads=torch_threads,
    )
    pool.start()  # the models load while the worker connects
    # What a worker commits (its claim of a job, the result, the job's end) does not wait for the WAL
    # flush: a job runs claim -> result -> end in sequence, so each flush (about 10 ms on a VM's disk)
    # would idle its NLP process. Only a crash of PostgreSQL itself (not a restart) can lose such a commit,
    # and every loss is covered: a lost claim or end leaves the job to run again (the heartbeat reaper, or
    # the queue), a lost result is computed again, and a result a caller has taken was flushed by the
    # caller's own (waiting) commit, which comes after it in the WAL. The bot's commits keep waiting.
    app = queue_app(dsn, wait_for_flush=False)
    calls = await JobCalls.open(dsn, wait_for_flush=False)
    try:
        async with app.open_async():
            await prepare_queue(app, calls)
            runtime = WorkerRuntime(calls, pool, allowed or TaskAllowList())
            reaper = asyncio.create_task(_reap_forever(app, calls), name="reaper")
            try:
                while not stop.is_set():
                    await _work_until_stopped_or_lost(app, runtime, concurrency, stop)
                    if not stop.is_set():
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(stop.wait(), RESTART_S)
            finally:
                reaper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reaper
    finally:
        await pool.close(grace_s=0.5)
        await calls.close()


async def _work_until_stopped_or_lost(
    app: App, runtime: WorkerRuntime, concurrency: int, stop: asyncio.Event
) -> None:
    worker = asyncio.create_task(
        app.run_worker_async(
            queues=[QUEUE],
            name=f"briefbot-worker-{os.getpid()}",
            concurrency=concurrency,
            additional_context={"runtime": runtime},
            install_signal_handlers=False,  # `stop` is ours: a stop cancels, a lost database returns
            update_heartbeat_interval=HEARTBEAT_S,
            stalled_worker_timeout=STALLED_AFTER_S,
            fetch_job_polling_interval=FETCH_POLL_S,
            shutdown_graceful_timeout=SHUTDOWN_GRACE_S,
            delete_jobs="successful",
        ),
        name="procrastinate-worker",
    )
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({worker, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if stop.is_set():
        worker.cancel()  # procrastinate stops gracefully: running jobs get SHUTDOWN_GRACE_S
    try:
        await worker
    except asyncio.CancelledError:
        if not stop.is_set():
            raise
    except (psycopg.Error, ConnectorException) as err:
        log.warning("The worker lost its database (%s); starting again in %.0f s", err, RESTART_S)
    else:
        if not stop.is_set():
            log.warning("The worker stopped by itself; starting again in %.0f s", RESTART_S)

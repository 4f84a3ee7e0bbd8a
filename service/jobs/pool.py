"""JobPool: the bot's side of the distributed mode, with WorkerPool's interface (`start`, `run`,
`drain`, `close`), so BriefingService runs unchanged whether its NLP is in-process or on workers.

`run` writes the call, queues one job and waits on a future. One LISTEN connection per process hears
`briefbot_job_done` with a finished call's key and resolves that future; nothing sleeps and polls.
When that connection is lost, it reconnects and looks in the calls table for results it may have
missed. A call gets `budget_s` to run and `wait_s` more to wait for a worker (or to be run again
after its worker died); past that `run` raises JobTimedOut and withdraws the call.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import psycopg
from procrastinate import App
from procrastinate.exceptions import ProcrastinateException

from service.errors import JobTimedOut, PoolClosed
from service.jobs.calls import TaskAllowList, dumps, loads
from service.jobs.queue import QUEUE, TASK_NAME, prepare_queue, queue_app
from storage.job_calls import CallOutcome, JobCalls
from summarizer.errors import BriefError

log = logging.getLogger(__name__)

T = TypeVar("T")
RECONNECT_S = 1.0  # between attempts to get the LISTEN connection back
LISTEN_READY_S = 30.0


class QueueUnavailable(BriefError):
    """The database behind the job queue cannot be reached: nothing was queued."""

    code = "busy"

    def __init__(self) -> None:
        super().__init__("I can't reach my work queue right now — please try again in a minute.")

    def __reduce__(self) -> tuple[type[QueueUnavailable], tuple[()]]:
        return QueueUnavailable, ()


class JobPool:
    """NLP calls queued on PostgreSQL for `briefbot worker` processes, answered by NOTIFY."""

    def __init__(
        self, app: App, calls: JobCalls, allowed: TaskAllowList, *, budget_s: float, wait_s: float
    ) -> None:
        self._app = app
        self._calls = calls
        self._allowed = allowed
        self._budget_s = budget_s
        self._wait_s = wait_s
        self._waiting: dict[str, asyncio.Future[Any]] = {}
        self._job_ids: dict[str, int] = {}
        self._accepting = True
        self._closed = False
        self._listening = asyncio.Event()
        self._to_collect: set[str] = set()  # heard finished, not taken yet
        self._collecting = False
        self._listener: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[Any]] = set()

    @classmethod
    async def open(
        cls,
        dsn: str,
        *,
        allowed: TaskAllowList | None = None,
        budget_s: float = 30.0,
        wait_s: float | None = None,
    ) -> JobPool:
        """Connect, create the queue's tables if needed, and listen for results before anything runs."""
        app = queue_app(dsn)
        await app.open_async()
        calls = await JobCalls.open(dsn)
        try:
            await prepare_queue(app, calls)
            pool = cls(
                app,
                calls,
                allowed or TaskAllowList(),
                budget_s=budget_s,
                wait_s=budget_s if wait_s is None else wait_s,
            )
            pool._listener = asyncio.create_task(pool._listen(), name="job-results")
            await asyncio.wait_for(pool._listening.wait(), LISTEN_READY_S)
        except BaseException:
            await calls.close()
            await app.close_async()
            raise
        return pool

    def start(self) -> None:
        """Nothing to start here: the workers are processes of their own (`briefbot worker`)."""

    async def run(self, task: Callable[..., T], *args: Any) -> T:
        """Run `task(*args)` on a worker; its error (a BriefError, say) is raised here as it was."""
        if not self._accepting:
            raise PoolClosed()
        name = self._allowed.name_of(task)  # UnknownTask before anything is queued
        payload = dumps(args)
        key = str(uuid.uuid4())
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting[key] = future  # before the job exists: its NOTIFY cannot come too early
        try:
            try:
                self._job_ids[key] = await self._calls.create(key, name, payload, self._queue_job(key))
            except (psycopg.Error, ProcrastinateException) as err:
                log.warning("Could not queue %s: %s", name, err)
                raise QueueUnavailable() from None
            try:
                return await asyncio.wait_for(asyncio.shield(future), self._budget_s + self._wait_s)  # type: ignore[no-any-return]
            except TimeoutError:
                raise JobTimedOut(self._budget_s) from None
        finally:
            self._waiting.pop(key, None)
            self._job_ids.pop(key, None)
            if not future.done():  # timed out, cancelled, or never queued: no worker should run it
                future.cancel()
                self._in_background(self._withdraw([key]))

    def _queue_job(self, key: str) -> Callable[[psycopg.AsyncConnection[Any]], Awaitable[int]]:
        async def defer(conn: psycopg.AsyncConnection[Any]) -> int:
            return await self._app.configure_task(TASK_NAME, queue=QUEUE, connection=conn).defer_async(
                key=key
            )

        return defer

    def drain(self) -> int:
        """Take no new calls, and withdraw the queued ones no worker has started: their callers get
        PoolClosed. Returns 0: which ones had not started is only known once the database answers
        (the withdrawal runs in the background and logs how many it handed back)."""
        self._accepting = False
        if self._job_ids:
            self._in_background(self._hand_back(dict(self._job_ids)))
        return 0

    async def close(self, grace_s: float = 5.0) -> None:
        """Give calls in flight up to `grace_s`, fail the rest with PoolClosed, stop listening.
        Closing again does nothing (a shutdown stops the workers, then closes the service)."""
        self._accepting = False
        if self._closed:
            return
        self._closed = True
        pending = [future for future in self._waiting.values() if not future.done()]
        if pending:
            await asyncio.wait(pending, timeout=grace_s)
        left = [key for key, future in self._waiting.items() if not future.done()]
        for key in left:
            self._waiting[key].set_exception(PoolClosed())
        if left:
            await self._withdraw(left)
        if self._background:
            await asyncio.wait(set(self._background), timeout=grace_s)
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        await self._calls.close()
        await self._app.close_async()

    # --- results --------------------------------------------------------------------------------

    async def _listen(self) -> None:
        while True:
            try:
                async for key in self._calls.listen(self._look_for_missed_results):
                    self._collect([key])
            except psycopg.Error as err:
                log.warning("Lost the job results connection (%s); reconnecting", err)
            await asyncio.sleep(RECONNECT_S)

    async def _look_for_missed_results(self) -> None:
        """LISTEN is (again) in place: collect results written while it was not."""
        self._listening.set()
        self._collect(await self._calls.finished_among(list(self._waiting)))

    def _collect(self, keys: list[str]) -> None:
        """Take these calls' results; those heard while a take runs go together in the next one."""
        self._to_collect.update(key for key in keys if key in self._waiting)
        if self._to_collect and not self._collecting:
            self._collecting = True
            self._in_background(self._take_heard())

    async def _take_heard(self) -> None:
        try:
            while self._to_collect:
                keys, self._to_collect = list(self._to_collect), set()
                try:
                    outcomes = await self._calls.take(keys)
                except psycopg.Error as err:  # the rows stay: the next reconnection finds them again
                    log.warning("Could not read the results of %d calls: %s", len(keys), err)
                    continue
                for key, outcome in outcomes.items():
                    self._settle(key, outcome)
        finally:
            self._collecting = False

    def _settle(self, key: str, outcome: CallOutcome) -> None:
        future = self._waiting.get(key)
        if future is None or future.done():
            return
        try:
            value = loads(outcome.payload)
        except Exception as err:
            future.set_exception(RuntimeError(f"The worker's answer could not be read: {err}"))
            return
        if outcome.ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    # --- withdrawing calls ------------------------------------------------------------------------

    async def _hand_back(self, job_ids: dict[str, int]) -> None:
        handed_back = []
        for key, job_id in job_ids.items():
            with contextlib.suppress(ProcrastinateException):
                if await self._app.job_manager.cancel_job_by_id_async(job_id, delete_job=True):
                    handed_back.append(key)
                    future = self._waiting.get(key)
                    if future is not None and not future.done():
                        future.set_exception(PoolClosed())
        if handed_back:
            log.info("Shutting down: handed back %d queued NLP calls.", len(handed_back))
            await self._withdraw(handed_back)

    async def _withdraw(self, keys: list[str]) -> None:
        try:
            await self._calls.forget(keys)
        except psycopg.Error as err:  # pruned later; a worker that runs it writes a result nobody reads
            log.warning("Could not withdraw %d calls: %s", len(keys), err)

    def _in_background(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

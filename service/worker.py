"""The NLP worker pool: CPU-bound briefing in separate processes, never on the event loop.

Each process builds one Engine when it starts and keeps its models for every task.
Processes start with "forkserver" (or "spawn"), never "fork": forking a process that already runs
threads (torch, aiosqlite, the event loop) can deadlock the child. The fork server preloads the NLP
modules, so a replacement process starts in a fraction of the time a cold one takes.
Tasks are the module-level functions below, so they pickle by reference; their arguments and results
are the summarizer dataclasses. The NLP modules (torch, spaCy) are imported only inside the workers:
the bot's own process stays small and starts fast.

Why not `concurrent.futures.ProcessPoolExecutor`: one dead process breaks the whole executor, so
every task on the healthy processes fails too, an idle death fails the next unrelated task, and a
task cannot be stopped when it runs over its time budget. Here each process is watched on its own.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from service.errors import JobTimedOut, PoolClosed, WorkerCrashed
from storage.packing import PackedBriefing, pack_briefing
from summarizer.config import EngineConfig
from summarizer.errors import BriefError, ModelUnavailable
from summarizer.models import Answer, Article, Briefing, SummaryMethod

if TYPE_CHECKING:
    from summarizer.digest import DigestEntry
    from summarizer.pipeline import Engine
    from summarizer.story_merge import Story
    from summarizer.story_signature import StorySignature

log = logging.getLogger(__name__)

EngineFactory = Callable[[EngineConfig], "Engine"]
T = TypeVar("T")


class TaskRunner(Protocol):
    """Where the service sends its NLP: this WorkerPool (`briefbot run`), or service.jobs.JobPool
    (the distributed mode: queued for `briefbot worker` processes)."""

    def start(self) -> None: ...

    async def run(self, task: Callable[..., T], *args: Any) -> T: ...

    def drain(self) -> int: ...

    async def close(self, grace_s: float = 5.0) -> None: ...


def build_engine(config: EngineConfig) -> Engine:
    """The default engine factory."""
    from summarizer.pipeline import Engine

    return Engine(config)


# --- inside a worker process -------------------------------------------------------------------

_engine: Engine | None = None
_startup_error: BriefError | None = None


NLP_NICENESS = 5


def _start_worker(engine_factory: EngineFactory, config: EngineConfig, torch_threads: int) -> None:
    """Load the models once for this process."""
    global _engine, _startup_error
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # The NLP is throughput work; the process it serves answers Discord (acks, gateway heartbeats)
    # and must get a core the moment it needs one, even while every NLP process is busy.
    os.nice(NLP_NICENESS)
    import torch

    # Workers share the cores: torch's default (all cores each) stalls badly when oversubscribed.
    torch.set_num_threads(torch_threads)
    try:
        engine = engine_factory(config)
        engine.warm_up()
        _engine = engine
    except BriefError as err:
        _startup_error = err
    except Exception:
        # Keep the process alive and report on every task: a broken pool would only say "crashed".
        log.exception("The NLP worker could not load its models")
        _startup_error = ModelUnavailable("I couldn't load the language models; the bot's log says why.")


def _ready_engine() -> Engine:
    if _engine is None:
        raise _startup_error or ModelUnavailable("The language models are not loaded.")
    return _engine


def warm_up_task() -> None:
    _ready_engine()


def brief_task(article: Article, sentences: int, method: SummaryMethod) -> tuple[Briefing, str]:
    """Brief one article; an unavailable abstractive model falls back to extractive with its message."""
    engine = _ready_engine()
    if method == "abstractive":
        try:
            return engine.brief_article(article, sentences=sentences, method="abstractive"), ""
        except ModelUnavailable as unavailable:
            return engine.brief_article(article, sentences=sentences, method="extractive"), str(unavailable)
    return engine.brief_article(article, sentences=sentences, method=method), ""


def signed_brief_task(
    article: Article, sentences: int, method: SummaryMethod
) -> tuple[Briefing, str, StorySignature, PackedBriefing]:
    """`brief_task` plus the brief's story signature, in the same task (the brief's answer never waits
    behind other queued briefs for a second trip through the queue), and the briefing packed for the
    store here, where the CPU is, rather than in the process that saves it."""
    from summarizer.story_signature import signature_of

    briefing, note = brief_task(article, sentences, method)
    return briefing, note, signature_of(briefing, _ready_engine().encoder), pack_briefing(briefing)


def answer_task(briefing: Briefing, question: str) -> Answer:
    return _ready_engine().answer(briefing, question)


def match_task(briefing: Briefing, topics: list[str]) -> list[float]:
    """Scores of `topics` against the briefing, in the same order (the article side is encoded once)."""
    from summarizer.topics import match_topics

    return [match.score for match in match_topics(briefing, topics, _ready_engine().encoder)]


def signature_task(briefing: Briefing) -> StorySignature:
    """What story grouping needs of a brief: one MiniLM encoding of its lead, the rest string work on
    the actors, places and dates the brief already has."""
    from summarizer.story_signature import signature_of

    return signature_of(briefing, _ready_engine().encoder)


def merge_task(briefings: list[Briefing], sentences: int) -> Story:
    from summarizer.story_merge import merge_story

    return merge_story(briefings, _ready_engine().encoder, max_sentences=sentences)


def digest_entry_task(briefings: list[Briefing], topics: list[str], sentences: int) -> DigestEntry | None:
    """One story of a digest, merged and matched against the topics (None: it matches none of them).
    One task per story keeps each well inside the job budget and lets other work run in between."""
    from summarizer.digest import build_digest

    digest = build_digest([briefings], _ready_engine().encoder, topics=topics, limit=1, sentences=sentences)
    return digest.entries[0] if digest.entries else None


def topic_scores_task(briefings: list[Briefing], topic: str) -> list[float]:
    """How well each briefing matches one topic (the fitted topic model), in order."""
    from summarizer.topics import match_topics

    encoder = _ready_engine().encoder
    return [match_topics(briefing, [topic], encoder)[0].score for briefing in briefings]


def _worker_main(conn: Connection, engine_factory: EngineFactory, config: EngineConfig, threads: int) -> None:
    """A worker process: load the models, say so, then run one task at a time until the pipe closes."""
    _start_worker(engine_factory, config, threads)
    conn.send(_READY)
    while True:
        try:
            task, args = conn.recv()
        except (EOFError, OSError):  # the service closed the pipe or died: nothing left to do
            return
        conn.send(_STARTED)
        try:
            outcome: tuple[bool, Any] = (True, task(*args))
        except BaseException as err:  # handed back to the caller, which raises it there
            outcome = (False, err)
        try:
            conn.send(outcome)
        except Exception as err:  # the result or the error itself does not pickle
            conn.send((False, RuntimeError(f"{type(err).__name__}: {err}")))


_READY = "ready"
_STARTED = "started"  # a task that never got this far is safe to run elsewhere


# --- in the service process --------------------------------------------------------------------

MAX_STARTUP_DEATHS = 3
STARTUP_FAILED_MESSAGE = (
    "The NLP workers could not start, so I can't brief right now; the bot's log says why."
)
CRASHED_MESSAGE = (
    "The summarizer stopped unexpectedly while working on this. I've restarted it — please try again."
)


@dataclass(eq=False)
class _Job:
    task: Callable[..., Any]
    args: tuple[Any, ...]
    future: Future[Any] = field(default_factory=Future)


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    ready: bool = False
    job: _Job | None = None
    job_started_at: float = 0.0  # when it was sent; the budget counts from here
    job_started: bool = False  # the process confirmed it took the job


class WorkerPool:
    """Processes that load their models in the background, each watched on its own.

    A process that dies fails only the task it was running (an idle one is replaced unseen), a task
    over `job_budget_s` is stopped by killing its process, and every dead process is replaced at
    once. One manager thread does the watching, so the pool works from any event loop.
    """

    def __init__(
        self,
        workers: int,
        config: EngineConfig,
        engine_factory: EngineFactory = build_engine,
        *,
        job_budget_s: float = 30.0,
        preload: tuple[str, ...] = ("summarizer.pipeline",),
        torch_threads: int | None = None,
    ) -> None:
        """`torch_threads` per process; None: this machine's cores shared among this pool's processes
        (give it when other pools, such as several `briefbot worker`s, share the machine)."""
        self._size = max(1, workers)
        self._config = config
        self._engine_factory = engine_factory
        self._job_budget_s = job_budget_s
        start_method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        self._mp_context = multiprocessing.get_context(start_method)
        if start_method == "forkserver" and preload:
            self._mp_context.set_forkserver_preload(list(preload))
        self._torch_threads = torch_threads or max(1, (os.cpu_count() or 1) // self._size)
        self._lock = threading.Lock()
        self._queue: deque[_Job] = deque()
        self._workers: list[_Worker] = []
        self._wake_reader, self._wake_writer = multiprocessing.Pipe(duplex=False)
        self._manager: threading.Thread | None = None
        self._accepting = True
        self._stopping = False
        self._started_at = 0.0
        self._announced_ready = False
        self._startup_deaths = 0  # in a row, before any model loaded

    def start(self) -> None:
        """Start the processes and let them load their models; tasks queue behind the loading."""
        with self._lock:
            if self._manager is not None or self._stopping:
                return
            self._started_at = time.monotonic()
            self._manager = threading.Thread(target=self._manage, name="nlp-pool", daemon=True)
            self._manager.start()

    async def run(self, task: Callable[..., T], *args: Any) -> T:
        """Run `task(*args)` in a worker; a BriefError from the task is raised here as it was."""
        job = _Job(task, args)
        with self._lock:
            if not self._accepting:
                raise PoolClosed()
            self._queue.append(job)
        self.start()
        self._wake()
        try:
            return await asyncio.wrap_future(job.future)
        except asyncio.CancelledError:
            job.future.cancel()  # still queued: it will never start
            raise

    def drain(self) -> int:
        """Refuse new tasks and fail the queued ones that have not started; returns how many."""
        with self._lock:
            self._accepting = False
            dropped = list(self._queue)
            self._queue.clear()
        for job in dropped:
            _settle(job, error=PoolClosed())
        return len(dropped)

    async def close(self, grace_s: float = 5.0) -> None:
        """Drop queued tasks, give running ones up to `grace_s`, then stop every process."""
        self.drain()
        await asyncio.to_thread(self._close, grace_s)

    def _close(self, grace_s: float) -> None:
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline:
            with self._lock:
                if not any(worker.job is not None for worker in self._workers):
                    break
            time.sleep(0.05)
        with self._lock:
            self._stopping = True
        self._wake()
        if self._manager is not None:
            self._manager.join(timeout=5.0)
        for worker in list(self._workers):
            self._stop_worker(worker, error=PoolClosed())
        self._workers.clear()

    # --- the manager thread ---------------------------------------------------------------------

    def _manage(self) -> None:
        while True:
            with self._lock:
                if self._stopping:
                    return
                missing = self._missing_workers()
            # Outside the lock: the first start launches the fork server, which imports the NLP
            # modules; `run` (on the event loop) must never wait for that.
            started = [self._spawn() for _ in range(missing)]
            with self._lock:
                self._workers += started
                if self._stopping:
                    continue  # stopped while starting: `_close` stops them all
                self._dispatch()
                waitables: list[Any] = [self._wake_reader]
                for worker in self._workers:
                    waitables += [worker.conn, worker.process.sentinel]
                timeout = self._next_budget_check()
            ready = wait(waitables, timeout)
            with self._lock:
                if self._wake_reader in ready:
                    while self._wake_reader.poll():
                        self._wake_reader.recv_bytes()
                for worker in list(self._workers):
                    if worker.conn in ready or worker.process.sentinel in ready:
                        self._hear_from(worker)
                self._enforce_budgets()

    def _missing_workers(self) -> int:
        """How many processes to start so the pool has its size (at start and after every death).

        Processes that keep dying before their models load (a broken install) are not restarted
        for ever: after a few, queued tasks fail with a message instead.
        """
        if self._startup_deaths >= MAX_STARTUP_DEATHS:
            failed, self._queue = list(self._queue), deque()
            for job in failed:
                _settle(job, error=ModelUnavailable(STARTUP_FAILED_MESSAGE))
            return 0
        return self._size - len(self._workers)

    def _spawn(self) -> _Worker:
        parent_end, child_end = self._mp_context.Pipe()
        process = self._mp_context.Process(
            target=_worker_main,
            args=(child_end, self._engine_factory, self._config, self._torch_threads),
            name="briefbot-nlp",
            daemon=True,
        )
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def _dispatch(self) -> None:
        for worker in self._workers:
            while worker.ready and worker.job is None and self._queue and worker.process.is_alive():
                job = self._queue.popleft()
                if not (job.future.running() or job.future.set_running_or_notify_cancel()):
                    continue  # its caller gave up while it waited
                try:
                    worker.conn.send((job.task, job.args))
                except OSError:  # the process is gone: the task waits for the next one
                    self._queue.appendleft(job)
                    break
                except Exception as err:  # arguments that do not pickle: a bug, raised to the caller
                    _settle(job, error=err)
                    continue
                worker.job, worker.job_started_at, worker.job_started = job, time.monotonic(), False

    def _hear_from(self, worker: _Worker) -> None:
        try:
            while worker.conn.poll():
                message = worker.conn.recv()
                if message == _READY:
                    worker.ready = True
                    self._announce_ready()
                elif message == _STARTED:
                    worker.job_started = True
                elif worker.job is not None:
                    ok, payload = message
                    job, worker.job = worker.job, None
                    if ok:
                        _settle(job, result=payload)
                    else:
                        _settle(job, error=payload)
        except (EOFError, OSError):
            pass
        if not worker.process.is_alive():
            self._replace(worker)

    def _replace(self, worker: _Worker) -> None:
        if worker.job is not None and not worker.job_started:
            # It died before it took the task (an idle death): the task runs on the next process.
            self._queue.appendleft(worker.job)
            worker.job = None
        busy = worker.job is not None
        code = worker.process.exitcode
        self._startup_deaths = 0 if worker.ready else self._startup_deaths + 1
        if busy:
            log.error("An NLP worker died while working (exit code %s); starting another", code)
        else:
            log.warning("An idle NLP worker died (exit code %s); starting another", code)
        self._stop_worker(worker, error=WorkerCrashed(CRASHED_MESSAGE))
        self._workers.remove(worker)

    def _enforce_budgets(self) -> None:
        now = time.monotonic()
        for worker in list(self._workers):
            if worker.job is not None and now - worker.job_started_at > self._job_budget_s:
                log.warning("An NLP task ran over its %.0f s budget; stopping its worker", self._job_budget_s)
                self._stop_worker(worker, error=JobTimedOut(self._job_budget_s))
                self._workers.remove(worker)

    def _next_budget_check(self) -> float | None:
        ends = [w.job_started_at + self._job_budget_s for w in self._workers if w.job is not None]
        return max(min(ends) - time.monotonic(), 0.0) + 0.01 if ends else None

    def _announce_ready(self) -> None:
        if not self._announced_ready and all(worker.ready for worker in self._workers):
            self._announced_ready = True
            log.info("%d NLP worker(s) ready in %.1f s", self._size, time.monotonic() - self._started_at)

    @staticmethod
    def _stop_worker(worker: _Worker, *, error: BaseException) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=2.0)
        worker.conn.close()
        if worker.job is not None:
            job, worker.job = worker.job, None
            _settle(job, error=error)

    def _wake(self) -> None:
        with suppress(OSError):  # closed: the pool is gone
            self._wake_writer.send_bytes(b".")


def _settle(job: _Job, *, result: Any = None, error: BaseException | None = None) -> None:
    """Complete a job's future once; its caller may have cancelled it already."""
    if job.future.done():
        return
    if job.future.running() or job.future.set_running_or_notify_cancel():
        if error is not None:
            job.future.set_exception(error)
        else:
            job.future.set_result(result)

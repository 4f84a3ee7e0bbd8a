"""The NLP worker pool: CPU-bound briefing in separate processes, never on the event loop.

Each process builds one Engine at start-up (the pool initializer) and keeps its models for every task.
Processes start with "forkserver" (or "spawn"), never "fork": forking a process that already runs
threads (torch, aiosqlite, the event loop) can deadlock the child.
Tasks are the module-level functions below, so they pickle by reference; their arguments and results
are the summarizer dataclasses. The NLP modules (torch, spaCy) are imported only inside the workers:
the bot's own process stays small and starts fast.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, TypeVar

from service.errors import WorkerCrashed
from summarizer.config import EngineConfig
from summarizer.errors import BriefError, ModelUnavailable
from summarizer.models import Answer, Article, Briefing, SummaryMethod

if TYPE_CHECKING:
    from summarizer.pipeline import Engine

log = logging.getLogger(__name__)

EngineFactory = Callable[[EngineConfig], "Engine"]
T = TypeVar("T")


def build_engine(config: EngineConfig) -> Engine:
    """The default engine factory."""
    from summarizer.pipeline import Engine

    return Engine(config)


# --- inside a worker process -------------------------------------------------------------------

_engine: Engine | None = None
_startup_error: BriefError | None = None


def _start_worker(engine_factory: EngineFactory, config: EngineConfig, torch_threads: int) -> None:
    """Pool initializer: load the models once for this process."""
    global _engine, _startup_error
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
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


def answer_task(briefing: Briefing, question: str) -> Answer:
    return _ready_engine().answer(briefing, question)


def match_task(briefing: Briefing, topics: list[str]) -> list[float]:
    """Scores of `topics` against the briefing, in the same order (the article side is encoded once)."""
    from summarizer.topics import match_topics

    return [match.score for match in match_topics(briefing, topics, _ready_engine().encoder)]


# --- in the service process --------------------------------------------------------------------


class WorkerPool:
    """A process pool that loads its models in the background and replaces itself after a crash."""

    def __init__(
        self, workers: int, config: EngineConfig, engine_factory: EngineFactory = build_engine
    ) -> None:
        self._workers = max(1, workers)
        self._config = config
        self._engine_factory = engine_factory
        start_method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        self._mp_context = multiprocessing.get_context(start_method)
        self._executor = self._new_executor()
        self._warm_ups: set[asyncio.Task[None]] = set()

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self._workers,
            mp_context=self._mp_context,
            initializer=_start_worker,
            initargs=(self._engine_factory, self._config, max(1, (os.cpu_count() or 1) // self._workers)),
        )

    def start(self) -> None:
        """Start every process and load the models without blocking; tasks queue behind the loading."""
        task = asyncio.create_task(self._warm_up(self._executor))
        self._warm_ups.add(task)
        task.add_done_callback(self._warm_ups.discard)

    async def _warm_up(self, executor: ProcessPoolExecutor) -> None:
        started = time.perf_counter()
        loop = asyncio.get_running_loop()
        # One task per process: submitting while none is idle makes the pool start another process.
        results = await asyncio.gather(
            *(loop.run_in_executor(executor, warm_up_task) for _ in range(self._workers)),
            return_exceptions=True,
        )
        errors = [result for result in results if isinstance(result, BaseException)]
        if errors:
            log.error("NLP workers failed to start: %s", errors[0])
        else:
            log.info("%d NLP worker(s) ready in %.1f s", self._workers, time.perf_counter() - started)

    async def run(self, task: Callable[..., T], *args: Any) -> T:
        """Run `task(*args)` in a worker; a dead worker is replaced and this request fails clearly."""
        executor = self._executor
        try:
            return await asyncio.get_running_loop().run_in_executor(executor, task, *args)
        except BrokenProcessPool as broken:
            self._replace(executor)
            raise WorkerCrashed(
                "The summarizer stopped unexpectedly while working on this (the article may be too "
                "large for this machine). I've restarted it — please try again."
            ) from broken

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        # Every task of the dead pool fails at once; only the first one to get here replaces it.
        if self._executor is not broken:
            return
        log.error("An NLP worker process died; starting a new pool")
        broken.shutdown(wait=False, cancel_futures=True)
        self._executor = self._new_executor()
        self.start()

    async def close(self) -> None:
        for task in list(self._warm_ups):
            task.cancel()
        await asyncio.to_thread(self._executor.shutdown, wait=True, cancel_futures=True)

"""The process pool on its own: crash replacement and start-up failures, with a stand-in engine."""

from __future__ import annotations

import os

import pytest

from service.errors import WorkerCrashed
from service.worker import WorkerPool, warm_up_task
from summarizer.config import EngineConfig
from summarizer.errors import ModelUnavailable


class IdleEngine:
    """Stands in for the Engine where a test is about processes, not NLP: loads nothing."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config

    def warm_up(self) -> None:
        pass


def broken_engine(config: EngineConfig) -> IdleEngine:
    raise OSError("model folder /models/minilm is missing")


async def test_a_crashed_worker_fails_its_task_and_is_replaced() -> None:
    pool = WorkerPool(1, EngineConfig(), IdleEngine)  # type: ignore[arg-type]
    pool.start()
    try:
        first_pid = await pool.run(os.getpid)
        assert first_pid != os.getpid()
        with pytest.raises(WorkerCrashed, match="I've restarted it"):
            await pool.run(os._exit, 1)
        second_pid = await pool.run(os.getpid)
        assert second_pid not in (first_pid, os.getpid())
    finally:
        await pool.close()


async def test_tasks_report_a_model_that_failed_to_load_without_killing_the_pool() -> None:
    pool = WorkerPool(1, EngineConfig(), broken_engine)  # type: ignore[arg-type]
    try:
        for _ in range(2):
            with pytest.raises(ModelUnavailable, match="couldn't load the language models"):
                await pool.run(warm_up_task)
    finally:
        await pool.close()

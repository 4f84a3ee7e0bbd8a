"""The process pool on its own: deaths, budgets, shutdown and start-up failures, with a stand-in engine."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest

from service.errors import JobTimedOut, PoolClosed, WorkerCrashed
from service.worker import NLP_NICENESS, WorkerPool, warm_up_task
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


def pool_of(workers: int, **options: float) -> WorkerPool:
    return WorkerPool(workers, EngineConfig(), IdleEngine, preload=("torch",), **options)  # type: ignore[arg-type]


def pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def torch_threads() -> int:
    import torch

    return torch.get_num_threads()


async def test_torch_threads_are_the_cores_shared_among_the_processes_unless_given() -> None:
    shared, given = pool_of(2), pool_of(1, torch_threads=1)
    try:
        assert await shared.run(torch_threads) == max(1, (os.cpu_count() or 1) // 2)
        assert await given.run(torch_threads) == 1  # several workers on one machine: set per process
    finally:
        await shared.close()
        await given.close()


def niceness() -> int:
    return os.nice(0)


async def test_nlp_processes_yield_the_cores_to_the_process_they_serve() -> None:
    pool = pool_of(1)
    try:
        assert await pool.run(niceness) == min(19, os.nice(0) + NLP_NICENESS)
    finally:
        await pool.close()


async def test_a_crashed_worker_fails_its_task_and_is_replaced() -> None:
    pool = pool_of(1)
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


async def test_a_crash_fails_only_the_task_of_the_process_that_died() -> None:
    pool = pool_of(2)
    try:
        await asyncio.gather(pool.run(pid_after, 0.2), pool.run(pid_after, 0.2))  # both processes up
        healthy = asyncio.ensure_future(pool.run(pid_after, 1.5))
        await asyncio.sleep(0.3)
        with pytest.raises(WorkerCrashed):
            await pool.run(os._exit, 1)
        assert await healthy > 0  # the brief on the other process finishes as if nothing happened
    finally:
        await pool.close()


async def test_an_idle_death_is_invisible_to_the_next_task() -> None:
    pool = pool_of(1)
    try:
        first_pid = await pool.run(os.getpid)
        os.kill(first_pid, signal.SIGKILL)
        second_pid = await pool.run(os.getpid)  # at once: no "crashed" error for an unrelated task
        assert second_pid != first_pid
    finally:
        await pool.close()


async def test_a_task_over_its_budget_is_stopped_and_its_process_replaced() -> None:
    pool = pool_of(1, job_budget_s=1.0)
    try:
        first_pid = await pool.run(os.getpid)
        started = time.monotonic()
        with pytest.raises(JobTimedOut, match="longer than 1 seconds"):
            await pool.run(time.sleep, 60)
        assert time.monotonic() - started < 5.0
        assert await pool.run(os.getpid) != first_pid
    finally:
        await pool.close()


async def test_closing_hands_back_queued_work_at_once_and_stops_running_work() -> None:
    pool = pool_of(1)
    await pool.run(os.getpid)
    running = asyncio.ensure_future(pool.run(time.sleep, 60))
    queued = [asyncio.ensure_future(pool.run(os.getpid)) for _ in range(10)]
    await asyncio.sleep(0.3)
    started = time.monotonic()
    await pool.close(grace_s=0.5)
    assert time.monotonic() - started < 3.0
    for task in queued:
        with pytest.raises(PoolClosed):
            await task
    with pytest.raises(PoolClosed):
        await running
    with pytest.raises(PoolClosed):
        await pool.run(os.getpid)


async def test_tasks_report_a_model_that_failed_to_load_without_killing_the_pool() -> None:
    pool = WorkerPool(1, EngineConfig(), broken_engine, preload=("torch",))  # type: ignore[arg-type]
    try:
        for _ in range(2):
            with pytest.raises(ModelUnavailable, match="couldn't load the language models"):
                await pool.run(warm_up_task)
    finally:
        await pool.close()

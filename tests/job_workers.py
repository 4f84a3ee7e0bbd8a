"""Stand-in tasks for the job queue tests, and `briefbot worker`-like processes that run them.

The tasks live in this module (on the tests' path in every process) so that the test process, the
worker process and its NLP processes all know them by the same name: `job_workers.add_task`. They
are allowed explicitly (TEST_TASKS); the allow-list itself stays enforced.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from service.jobs import TaskAllowList, serve_worker
from summarizer.config import EngineConfig
from summarizer.errors import EmptyInput

REPO_ROOT = Path(__file__).resolve().parents[1]


class IdleEngine:
    """Loads nothing: these tests are about the queue, not the NLP."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config

    def warm_up(self) -> None:
        pass


def add_task(a: int, b: int) -> int:
    return a + b


def echo_task(value: object) -> object:
    return value


def fail_task(message: str) -> None:
    raise EmptyInput(message)


def value_error_task() -> None:
    raise ValueError("not a number")


def sleep_task(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def record_run_task(path: str, seconds: float) -> int:
    """Note this run (its process id) in `path`, take `seconds`, return how many runs there were."""
    with open(path, "a", encoding="utf-8") as runs:
        runs.write(f"{os.getpid()}\n")
    time.sleep(seconds)
    return len(Path(path).read_text(encoding="utf-8").split())


def client_only_task() -> str:
    """Allowed in the tests' JobPool but not in the workers: the worker must refuse it."""
    return "ran"


TEST_TASKS = (add_task, echo_task, fail_task, value_error_task, sleep_task, record_run_task)


def worker_allow_list() -> TaskAllowList:
    return TaskAllowList().with_tasks(*TEST_TASKS)


_WORKER_MAIN = "import sys, job_workers; job_workers.main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]))"


def start_worker(
    dsn: str, *, budget_s: float = 30.0, concurrency: int = 1, log_path: Path
) -> subprocess.Popen[bytes]:
    """A worker process running the stand-in tasks (stopped by SIGTERM, like `briefbot worker`)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(REPO_ROOT / "tests")])}
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            # Imported by name, not run as __main__: the tasks must be `job_workers.…` here too.
            [sys.executable, "-c", _WORKER_MAIN, dsn, str(budget_s), str(concurrency)],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def stop_worker(process: subprocess.Popen[bytes], timeout: float = 20.0) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise


def main(dsn: str, budget_s: float, concurrency: int) -> None:
    logging.basicConfig(level=logging.INFO)

    async def serve() -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await serve_worker(
            dsn,
            stop,
            engine=EngineConfig(),
            allowed=worker_allow_list(),
            engine_factory=IdleEngine,  # type: ignore[arg-type]
            preload=("torch",),
            budget_s=budget_s,
            concurrency=concurrency,
        )

    asyncio.run(serve())

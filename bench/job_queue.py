"""The distributed mode's job queue: calls per second and their latency, end to end.

Each call is what `BriefingService` does for every NLP task in distributed mode: JobPool writes the
call, procrastinate queues a job, a `briefbot worker`-like process claims it, runs the task in its NLP
process and writes the result, NOTIFY wakes the caller, which takes the result. The task is trivial
(`add_task` of tests/job_workers.py, with a stand-in engine), so the numbers are the queue's own
cost. Baseline in the same run: the same calls through the in-process WorkerPool of `briefbot run`.

    python bench/job_queue.py                      # 2 worker processes, 1,000 calls, 50 in flight
    python bench/job_queue.py --workers 3 --calls 2000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import psutil
from common import ROOT, write_results

sys.path.insert(0, str(ROOT / "tests"))  # the throwaway cluster and the stand-in tasks of the tests
from job_workers import IdleEngine, add_task, start_worker, stop_worker, worker_allow_list
from postgres_cluster import PostgresCluster, server_bindir

from service.jobs import JobPool
from service.worker import WorkerPool
from summarizer.config import EngineConfig


async def timed_calls(run: Callable[..., Awaitable[Any]], calls: int, in_flight: int) -> dict[str, float]:
    gate = asyncio.Semaphore(in_flight)
    latencies: list[float] = []

    async def one(n: int) -> None:
        async with gate:
            started = time.perf_counter()
            assert await run(add_task, n, 1) == n + 1
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(calls)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "calls": calls,
        "calls_per_s": calls / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
    }


def cpu_seconds(roles: dict[int, str]) -> dict[str, float]:
    """CPU time (user + system) used so far by each role: on a shared machine, the load-independent
    cost. Roles: the caller (this process), each worker's main process ("worker"), what the workers
    started (their NLP processes, fork server and resource tracker: "nlp"), and PostgreSQL."""
    used: dict[str, float] = {}
    for pid, role in roles.items():
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        used[role] = used.get(role, 0.0) + times.user + times.system
    return used


def process_roles(workers: list[int], postmaster: list[int]) -> dict[int, str]:
    roles = {os.getpid(): "caller"}
    for pid in workers:
        roles[pid] = "worker"
        roles.update({child.pid: "nlp" for child in psutil.Process(pid).children(recursive=True)})
    for pid in postmaster:
        roles.update({p.pid: "postgres" for p in (psutil.Process(pid), *psutil.Process(pid).children())})
    return roles


async def queue_run(
    dsn: str, calls: int, in_flight: int, workers: list[int], postmaster: list[int]
) -> dict[str, float]:
    pool = await JobPool.open(dsn, allowed=worker_allow_list(), budget_s=120.0, wait_s=300.0)
    try:
        await timed_calls(pool.run, 20, 20)  # every worker up and connected
        roles = process_roles(workers, postmaster)  # PostgreSQL's backends: those of live connections
        before = cpu_seconds(roles)
        row = await timed_calls(pool.run, calls, in_flight)
        after = cpu_seconds(roles)
        for group, seconds in after.items():
            row[f"cpu_ms_per_call_{group}"] = 1000 * (seconds - before.get(group, 0.0)) / calls
        row["cpu_ms_per_call"] = sum(after.values()) * 1000 / calls - sum(before.values()) * 1000 / calls
        return row
    finally:
        await pool.close()


async def in_process_run(workers: int, calls: int, in_flight: int) -> dict[str, float]:
    pool = WorkerPool(workers, EngineConfig(), IdleEngine, preload=("torch",))  # type: ignore[arg-type]
    try:
        await timed_calls(pool.run, 20, 20)
        return await timed_calls(pool.run, calls, in_flight)
    finally:
        await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--concurrency", type=int, default=1, help="jobs at a time per worker (default 1)")
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--in-flight", type=int, default=50, help="calls waiting at once (default 50)")
    args = parser.parse_args()
    bindir = server_bindir()
    if bindir is None:
        sys.exit("PostgreSQL is not installed (apt-get install postgresql)")
    cluster = PostgresCluster(bindir, durable=True)  # fsync and synchronous commit on, as in production
    cluster.start()
    processes = []
    try:
        dsn = cluster.new_database("queue_bench")
        with tempfile.TemporaryDirectory(prefix="briefbot-queue-") as folder:
            processes = [
                start_worker(dsn, concurrency=args.concurrency, log_path=Path(folder) / f"worker{n}.log")
                for n in range(args.workers)
            ]
            postmaster = [
                p.pid
                for p in psutil.process_iter(["name", "cmdline"])
                if p.info["name"] == "postgres" and f"-p {cluster.port}" in " ".join(p.info["cmdline"] or [])
            ]
            workers = [process.pid for process in processes]
            queued = asyncio.run(queue_run(dsn, args.calls, args.in_flight, workers, postmaster))
            for process in processes:
                stop_worker(process)
        in_process = asyncio.run(in_process_run(args.workers * args.concurrency, args.calls, args.in_flight))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        cluster.stop()
    print(f"{'':28}{'calls/s':>10}{'p50 ms':>10}{'p95 ms':>10}")
    for name, row in (("job queue (distributed)", queued), ("WorkerPool (in-process)", in_process)):
        print(f"{name:28}{row['calls_per_s']:>10.1f}{row['p50_ms']:>10.1f}{row['p95_ms']:>10.1f}")
    cpu = {
        key.removeprefix("cpu_ms_per_call_"): value
        for key, value in queued.items()
        if key.startswith("cpu_ms_per_call_")
    }
    print(
        f"queue CPU per call: {queued['cpu_ms_per_call']:.1f} ms ("
        + ", ".join(f"{group} {ms:.1f}" for group, ms in sorted(cpu.items()))
        + ")"
    )
    print(f"queue / in-process throughput: {queued['calls_per_s'] / in_process['calls_per_s']:.2f}")
    path = write_results(
        "job_queue",
        {
            "workers": args.workers,
            "concurrency": args.concurrency,
            "in_flight": args.in_flight,
            "queue": queued,
            "in_process": in_process,
        },
    )
    print(f"written to {path}")


if __name__ == "__main__":
    main()

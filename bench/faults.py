"""How the NLP worker pool behaves under faults, with the real models: replacement and shutdown.

- replacement: a worker is killed (SIGKILL) while idle; how long until the next task is answered,
  with the fork server preloading the NLP modules and without (each variant in its own process,
  since the fork server is shared within one);
- shutdown: one long brief running and 20 briefs plus 20 topic matches queued behind it; how long
  `close()` takes. `--baseline-root PATH` measures the same with another checkout's pool (the
  ProcessPoolExecutor one before this change) in the same run.

    python bench/faults.py [--baseline-root PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
QUEUED = 20


def _article() -> Any:
    from cost import build_text

    from summarizer import sources
    from summarizer.config import EngineConfig

    return sources.load_text(build_text("news", 50_000), EngineConfig())


async def replacement(preload: bool) -> dict[str, Any]:
    from service.worker import WorkerPool
    from summarizer.config import EngineConfig

    options = {} if preload else {"preload": ()}
    pool = WorkerPool(1, EngineConfig(), **options)
    try:
        cold_started = time.perf_counter()
        pid = await pool.run(os.getpid)
        cold_s = time.perf_counter() - cold_started
        os.kill(pid, signal.SIGKILL)
        killed = time.perf_counter()
        await pool.run(os.getpid)
        return {
            "preload": preload,
            "cold_start_s": round(cold_s, 1),
            "replacement_s": round(time.perf_counter() - killed, 1),
        }
    finally:
        await pool.close()


async def shutdown() -> dict[str, Any]:
    from service.worker import WorkerPool, brief_task, match_task
    from summarizer.config import EngineConfig

    pool = WorkerPool(1, EngineConfig())
    article = _article()
    small = await pool.run(brief_task, _small(), 3, "extractive")  # models loaded, one brief done
    running = asyncio.ensure_future(pool.run(brief_task, article, 3, "extractive"))
    queued = [asyncio.ensure_future(pool.run(brief_task, article, 3, "extractive")) for _ in range(QUEUED)]
    queued += [
        asyncio.ensure_future(pool.run(match_task, small[0], ["energy", "football"])) for _ in range(QUEUED)
    ]
    await asyncio.sleep(1.0)
    started = time.perf_counter()
    if hasattr(pool, "drain"):
        await pool.close(0.5)  # as the bot does after its grace period
    else:
        await pool.close()  # the ProcessPoolExecutor pool before: no grace, it waits
    seconds = time.perf_counter() - started
    outcomes = await asyncio.gather(running, *queued, return_exceptions=True)
    return {
        "queued_tasks": len(queued),
        "close_s": round(seconds, 1),
        "failed_politely": sum(isinstance(outcome, Exception) for outcome in outcomes),
    }


def _small() -> Any:
    from cost import build_text

    from summarizer import sources
    from summarizer.config import EngineConfig

    return sources.load_text(build_text("news", 3_000), EngineConfig())


def child(what: str) -> dict[str, Any]:
    if what == "replacement-preload":
        return asyncio.run(replacement(True))
    if what == "replacement-cold":
        return asyncio.run(replacement(False))
    return asyncio.run(shutdown())


def run_child(root: Path, what: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(Path(__file__).parent)])}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", what],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-3:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-root", type=Path)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    from common import write_results

    payload: dict[str, Any] = {"load_average_at_start": os.getloadavg()}
    for what in ("replacement-cold", "replacement-preload", "shutdown"):
        payload[what] = run_child(ROOT, what)
        print(f"this      {what:<20} {payload[what]}", flush=True)
    if args.baseline_root is not None:
        payload["baseline-shutdown"] = run_child(args.baseline_root.resolve(), "shutdown")
        print(f"baseline  {'shutdown':<20} {payload['baseline-shutdown']}", flush=True)
    payload["load_average_at_end"] = os.getloadavg()
    print(f"wrote {write_results('faults', payload)}")


if __name__ == "__main__":
    main()

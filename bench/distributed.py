"""Distributed mode's fault tests and throughput (issue 8), end to end with real processes.

Each scenario starts a durable throwaway PostgreSQL cluster, the fake Discord (tests/fake_discord)
and `briefbot bot` / `worker` / `poller` processes, acts on them, prints a table and writes
bench/results/distributed.json (one key per scenario, kept across runs). It exits non-zero when one
of the scenario's invariants fails, so it is a fault test and not only a measurement.

    python bench/distributed.py kill-worker          # SIGKILL the worker running a /brief
    python bench/distributed.py feed-fanout --items 100
    python bench/distributed.py throughput --briefs 200
    python bench/distributed.py pg-outage            # stop PostgreSQL for 10 s mid-run
    python bench/distributed.py all

Scenarios: bench/distributed_faults.py, distributed_feeds.py, distributed_load.py; the processes:
distributed_stack.py; what they share: distributed_kit.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from common import RESULTS, write_results
from distributed_faults import kill_worker, pg_outage
from distributed_feeds import feed_fanout
from distributed_kit import ARTICLES
from distributed_load import throughput
from distributed_stack import load_average

Scenario = Callable[[argparse.Namespace], Coroutine[Any, Any, dict[str, Any]]]
SCENARIOS: dict[str, Scenario] = {
    "kill-worker": kill_worker,
    "feed-fanout": feed_fanout,
    "throughput": throughput,
    "pg-outage": pg_outage,
}


def previous_results() -> dict[str, Any]:
    path = RESULTS / "distributed.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8")).get("scenarios", {})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("scenario", choices=[*SCENARIOS, "all"])
    parser.add_argument("--items", type=int, default=100, help="feed-fanout: new feed items (%(default)s)")
    parser.add_argument(
        "--feed-interval", type=float, default=5.0, help="feed-fanout: BRIEFBOT_FEED_INTERVAL_S (%(default)s)"
    )
    parser.add_argument("--briefs", type=int, default=200, help="throughput: /briefs per mode (%(default)s)")
    parser.add_argument(
        "--in-flight", type=int, default=20, help="throughput: briefs awaited at once (%(default)s)"
    )
    parser.add_argument("--data", type=Path, default=ARTICLES, help="CNN/DM JSON lines (%(default)s)")
    parser.add_argument(
        "--keep-logs", action="store_true", help="also keep the SQLite files (the logs are always kept)"
    )
    args = parser.parse_args(argv)
    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    results = previous_results()
    failed: list[str] = []
    for name in names:
        load_before = load_average()
        outcome = asyncio.run(SCENARIOS[name](args))
        outcome["load_average"] = {"before": load_before, "after": load_average()}
        print(f"  load average before/after: {load_before} / {outcome['load_average']['after']}")
        results[name] = outcome
        failed += [f"{name}: {what}" for what in outcome["failed"]]
    path = write_results("distributed", {"scenarios": results})
    print(f"\nwrote {path}")
    if failed:
        print("FAILED:\n" + "\n".join(f"  - {what}" for what in failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Distributed mode's fault tests and throughput (issue 8), end to end with real processes.

Each scenario starts a durable throwaway PostgreSQL cluster, the fake Discord (tests/fake_discord)
and `briefbot bot` / `worker` / `poller` processes, acts on them, prints a table and writes
bench/results/distributed.json (one key per scenario, kept across runs). It exits non-zero when one
of the scenario's invariants fails, so it is a fault test and not only a measurement.

    python bench/distributed.py kill-worker     # SIGKILL the worker running a /brief
    python bench/distributed.py all
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import psycopg
from common import RESULTS, ROOT, write_results
from distributed_stack import (
    Stack,
    kill_tree,
    load_average,
    running_stack,
    sql_one,
)
from e2e.news_articles import html_page
from fake_discord import FakeDiscord, Message, World

ARTICLES = ROOT / "tests" / "data" / "cnndm-slice.jsonl"  # CNN/DM articles, served as pages
QUIET_ENV = {"BRIEFBOT_USER_COOLDOWN_S": "0"}
WARM_UP_TIMEOUT_S = 900.0  # the workers load their models first: minutes on a loaded 2-core machine
CLAIM_TIMEOUT_S = 120.0
REPLY_AFTER_KILL_TARGET_S = 15.0
REPLY_AFTER_KILL_TIMEOUT_S = 120.0
WORKER_REGISTER_TIMEOUT_S = 120.0


def articles(path: Path) -> list[dict[str, str]]:
    """CNN/DM rows, longest first: a long article keeps a worker busy long enough to be killed."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return sorted(rows, key=lambda row: -len(row["article"]))


def serve_article(fake: FakeDiscord, path: str, row: dict[str, str]) -> str:
    title = row["article"].split(".")[0][:80]
    return fake.serve(path, html_page(title, row["article"].replace(". ", ".\n\n")))


def has_embeds(message: Message) -> bool:
    return bool(message.embeds)


def bot_posts(fake: FakeDiscord, channel_id: int, after: int) -> list[Message]:
    """The bot's visible, non-deleted messages in a channel since an interaction or message id."""
    return [
        m
        for m in fake.messages(channel_id)
        if m.author_id == fake.bot_user.id and m.id > after and not m.deleted and not m.loading
    ]


def one_server_world(channels: int = 1) -> World:
    world = World()
    owner, alice = world.add_user("owner"), world.add_user("alice")
    guild = world.add_guild("Bench News", owner)
    guild.add_member(alice)
    for n in range(channels):
        guild.add_text_channel(f"desk{n}")
    return world


def print_table(title: str, rows: list[tuple[str, object, str]]) -> None:
    print(f"\n{title}")
    width = max(len(name) for name, _, _ in rows)
    for name, value, target in rows:
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        print(f"  {name:<{width}}  {shown:>10}  {target}")


class Checks:
    """Invariants of one scenario: each is recorded, and any failure makes the run exit non-zero."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    def expect(self, ok: bool, what: str) -> bool:
        if not ok:
            self.failed.append(what)
        return ok


# -- kill-worker ----------------------------------------------------------------------------------


async def claimed_job(dsn: str, within_s: float) -> tuple[int, int]:
    """The first job a worker has claimed (status 'doing'): (job id, worker id)."""
    deadline = time.monotonic() + within_s
    query = "SELECT array[id, worker_id] FROM procrastinate_jobs WHERE status = 'doing' ORDER BY id LIMIT 1"
    while time.monotonic() < deadline:
        claimed = sql_one(dsn, query)
        if claimed is not None:
            job_id, worker_id = claimed  # type: ignore[misc]
            return int(job_id), int(worker_id)
        await asyncio.sleep(0.02)
    raise TimeoutError(f"no worker claimed a job within {within_s:.0f} s")


def registered(dsn: str, worker_id: int) -> bool:
    """Whether procrastinate worker `worker_id` exists (the first worker creates the tables)."""
    try:
        return sql_one(dsn, "SELECT 1 FROM procrastinate_workers WHERE id = %s", (worker_id,)) == 1
    except psycopg.errors.UndefinedTable:
        return False


def start_workers(stack: Stack, count: int) -> dict[int, int]:
    """`briefbot worker` processes, each started once the previous one registered with procrastinate,
    so that procrastinate's worker ids (1, 2, …) map to processes: {worker id: pid}."""
    pids: dict[int, int] = {}
    for n in range(count):
        pids[n + 1] = stack.start_process(f"worker{n}", ["worker"])
        deadline = time.monotonic() + WORKER_REGISTER_TIMEOUT_S
        while not registered(stack.dsn, n + 1):
            if time.monotonic() > deadline:
                raise TimeoutError(f"worker{n} did not register within {WORKER_REGISTER_TIMEOUT_S:.0f} s")
            time.sleep(0.1)
    return pids


async def job_starts_until(dsn: str, job_id: int, done: Callable[[], bool], within_s: float) -> int:
    """The most 'started' events the job had while we watched (its row goes once it succeeds)."""
    most = 0
    deadline = time.monotonic() + within_s
    while not done() and time.monotonic() < deadline:
        starts = sql_one(
            dsn,
            "SELECT count(*) FROM procrastinate_events WHERE job_id = %s AND type = 'started'",
            (job_id,),
        )
        most = max(most, int(starts or 0))  # type: ignore[call-overload]
        await asyncio.sleep(0.1)
    return most


async def kill_worker(args: argparse.Namespace) -> dict[str, Any]:
    checks = Checks()
    texts = articles(args.data)
    with running_stack(one_server_world(channels=3), keep_logs=args.keep_logs) as stack:
        dsn = stack.start_database()
        workers = start_workers(stack, 2)
        stack.start_bot("bot", "bot", QUIET_ENV)
        fake = stack.fake
        desks = [fake.channel(f"desk{n}") for n in range(3)]
        urls = [serve_article(fake, f"news/{n}.html", row) for n, row in enumerate(texts[:3])]

        # Both workers busy at once, so that both have loaded their models before the measured brief.
        warm_started = time.monotonic()
        warm_ups = [await fake.slash("brief", {"url": urls[n]}, channel=desks[n]) for n in range(2)]
        for handle in warm_ups:
            await fake.interaction_response(handle, until=has_embeds, timeout=WARM_UP_TIMEOUT_S)
        warm_up_s = time.monotonic() - warm_started

        briefs_before = int(sql_one(dsn, "SELECT count(*) FROM briefs"))  # type: ignore[arg-type]
        briefings_before = int(sql_one(dsn, "SELECT count(*) FROM briefings"))  # type: ignore[arg-type]
        handle = await fake.slash("brief", {"url": urls[2]}, channel=desks[2])
        job_id, victim = await claimed_job(dsn, CLAIM_TIMEOUT_S)
        kill_tree(workers[victim])
        killed_at = time.monotonic()

        reply = asyncio.ensure_future(
            fake.interaction_response(handle, until=has_embeds, timeout=REPLY_AFTER_KILL_TIMEOUT_S)
        )
        starts = await job_starts_until(dsn, job_id, reply.done, REPLY_AFTER_KILL_TIMEOUT_S)
        message = await reply
        reply_after_kill_s = message.versions[-1].at - killed_at
        await asyncio.sleep(3.0)  # anything posted twice would show up by now
        briefs = int(sql_one(dsn, "SELECT count(*) FROM briefs")) - briefs_before  # type: ignore[arg-type]
        briefings = int(sql_one(dsn, "SELECT count(*) FROM briefings")) - briefings_before  # type: ignore[arg-type]
        posts = len(bot_posts(fake, desks[2].id, after=handle.id))
        reruns = stack.log("worker0").count("lost its worker") + stack.log("worker1").count("lost its worker")

    checks.expect(briefs == 1, f"{briefs} brief rows for the killed brief (want 1)")
    checks.expect(posts == 1, f"{posts} messages posted for it (want 1)")
    checks.expect(starts == 2, f"the job ran {starts} times (want 2: the killed run and one retry)")
    checks.expect(
        reply_after_kill_s <= REPLY_AFTER_KILL_TARGET_S, f"reply {reply_after_kill_s:.1f} s after the kill"
    )
    print_table(
        "kill-worker: SIGKILL the worker running a /brief (bot + 2 workers + PostgreSQL)",
        [
            ("brief rows", briefs, "must be 1"),
            ("briefing rows (computations)", briefings, "1"),
            ("messages posted", posts, "must be 1"),
            ("runs of the job", starts, "2 (killed + retry)"),
            ("'lost its worker' log lines", reruns, ""),
            ("seconds from kill to reply", reply_after_kill_s, f"<= {REPLY_AFTER_KILL_TARGET_S:.0f}"),
            ("warm-up (models load) s", warm_up_s, ""),
        ],
    )
    return {
        "killed_worker_id": victim,
        "brief_rows": briefs,
        "briefing_rows": briefings,
        "messages_posted": posts,
        "job_runs": starts,
        "reap_log_lines": reruns,
        "reply_after_kill_s": round(reply_after_kill_s, 2),
        "warm_up_s": round(warm_up_s, 1),
        "failed": checks.failed,
    }


# -- driver ---------------------------------------------------------------------------------------

Scenario = Callable[[argparse.Namespace], Coroutine[Any, Any, dict[str, Any]]]
SCENARIOS: dict[str, Scenario] = {"kill-worker": kill_worker}


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
    parser.add_argument("--data", type=Path, default=ARTICLES, help="CNN/DM JSON lines (%(default)s)")
    parser.add_argument("--keep-logs", action="store_true", help="keep the processes' logs and databases")
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

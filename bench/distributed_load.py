"""The throughput scenario of bench/distributed.py: the same /briefs through distributed mode (two
shard processes, workers, pollers) and embedded mode (`briefbot run`), measured in the same run."""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections import Counter
from typing import Any

from distributed_kit import (
    ACK_TARGET_S,
    LOAD_ENV,
    Checks,
    articles,
    bot_posts,
    distinct_pages,
    duplicate_posts,
    is_final,
    percentile,
    print_table,
    warm_up_channels,
)
from distributed_stack import Stack, load_average, running_stack, start_workers
from fake_discord import FakeDiscord, Message, World

THROUGHPUT_SERVERS = 40
SHARDS = 2
NLP_PROCESSES = 3
SHARED_TORCH_THREADS = max(1, (os.cpu_count() or 1) // NLP_PROCESSES)  # what `briefbot run` gives each
HEARTBEAT_TARGET_MS = 50.0
RATIO_TARGET = 0.8
BRIEF_TIMEOUT_S = 900.0  # bounds the wait for one reply; a reply that never comes counts as lost


def sharded_world(servers: int) -> World:
    """`servers` servers alternating between shards 0 and 1 of 2, each with #general and alice."""
    world = World()
    owner, alice = world.add_user("owner"), world.add_user("alice")
    for n in range(servers):
        guild = world.add_guild(f"Load {n}", owner, shard=(n % SHARDS, SHARDS))
        guild.add_member(alice)
        guild.add_text_channel("general")
    return world


async def brief_load(stack: Stack, urls: list[str], in_flight: int) -> dict[str, Any]:
    """Send a /brief per URL across the servers, `in_flight` at a time; measure what came back, and
    the CPU the stack's processes used per brief (load-independent, unlike briefs per minute)."""
    fake = stack.fake
    channels = [fake.channel("general", fake.guild(f"Load {n}")) for n in range(THROUGHPUT_SERVERS)]
    gate = asyncio.Semaphore(in_flight)
    replies: dict[int, Message | None] = {}
    handles = []

    async def one(n: int) -> None:
        async with gate:
            handle = await fake.slash(
                "brief", {"url": urls[n]}, user="alice", channel=channels[n % len(channels)]
            )
            handles.append(handle)
            try:
                replies[handle.id] = await fake.interaction_response(
                    handle, until=is_final, timeout=BRIEF_TIMEOUT_S
                )
            except TimeoutError:
                replies[handle.id] = None

    since = time.monotonic()
    cpu_before = stack.cpu_seconds()
    await asyncio.gather(*(one(n) for n in range(len(urls))))
    elapsed = time.monotonic() - since
    cpu_used = {kind: s - cpu_before.get(kind, 0.0) for kind, s in stack.cpu_seconds().items()}
    await asyncio.sleep(3.0)  # a late second post would show up by now
    acks = [fake.interaction(h).ack_latency_s for h in handles]
    ack_s = [a for a in acks if a is not None]
    briefed = [m for m in replies.values() if m is not None and m.embeds]
    first = min(h.id for h in handles)  # the warm-up replies came before
    posts = [m for c in channels for m in bot_posts(fake, c.id, after=first)]
    heartbeats = fake.heartbeat_delays(since=since)
    violations = Counter(v.kind for v in fake.take_violations())
    return {
        "briefs": len(urls),
        "lost": sum(1 for m in replies.values() if m is None),
        "answered_without_brief": sum(1 for m in replies.values() if m is not None and not m.embeds),
        "briefed": len(briefed),
        "duplicate_messages": duplicate_posts(posts),
        "unacknowledged": len(acks) - len(ack_s),
        "ack_max_s": round(max(ack_s, default=float("nan")), 3),
        "ack_p95_s": round(percentile(ack_s, 0.95), 3),
        "heartbeat_lateness_max_ms": round(max(heartbeats, default=float("nan")), 1),
        "heartbeat_lateness_p95_ms": round(percentile(heartbeats, 0.95), 1),
        "violations": dict(violations),
        "wall_s": round(elapsed, 1),
        "briefs_per_min": round(60 * len(briefed) / elapsed, 2),
        "cpu_s_per_brief": round(sum(cpu_used.values()) / max(len(briefed), 1), 3),
        "cpu_s_per_brief_by_process": {
            kind: round(s / max(len(briefed), 1), 3) for kind, s in sorted(cpu_used.items())
        },
    }


async def warm_up(fake: FakeDiscord, urls: list[str]) -> float:
    """One brief per NLP process at once, so that every process has loaded its models."""
    channels = [fake.channel("general", fake.guild(f"Load {n}")) for n in range(len(urls))]
    return await warm_up_channels(fake, urls, channels)


async def distributed_load(args: argparse.Namespace, rows: list[dict[str, str]]) -> dict[str, Any]:
    with running_stack(
        sharded_world(THROUGHPUT_SERVERS), shard_count=SHARDS, keep_logs=args.keep_logs
    ) as stack:
        stack.start_database()
        # As `briefbot run` does for its own NLP processes: the cores shared among them, not every
        # core for each (the default of a lone `briefbot worker`), which would oversubscribe them.
        start_workers(stack, NLP_PROCESSES, {"BRIEFBOT_TORCH_THREADS": str(SHARED_TORCH_THREADS)})
        for n in range(2):
            stack.start_process(f"poller{n}", ["poller"])
        for shard in range(SHARDS):
            shard_env = {**LOAD_ENV, "BRIEFBOT_SHARD_IDS": str(shard), "BRIEFBOT_SHARD_COUNT": str(SHARDS)}
            stack.start_bot(f"bot{shard}", "bot", shard_env)
        fake = stack.fake
        warm_s = await warm_up(fake, distinct_pages(fake, rows[::-1], NLP_PROCESSES, "warm"))
        load_before = load_average()
        outcome = await brief_load(stack, distinct_pages(fake, rows, args.briefs, "load"), args.in_flight)
    return {**outcome, "warm_up_s": round(warm_s, 1), "load_average": [load_before, load_average()]}


async def embedded_load(args: argparse.Namespace, rows: list[dict[str, str]]) -> dict[str, Any]:
    with running_stack(
        sharded_world(THROUGHPUT_SERVERS), shard_count=SHARDS, keep_logs=args.keep_logs
    ) as stack:
        stack.start_bot("run", "run", {**LOAD_ENV, "BRIEFBOT_WORKERS": str(NLP_PROCESSES)})
        fake = stack.fake
        warm_s = await warm_up(fake, distinct_pages(fake, rows[::-1], NLP_PROCESSES, "warm"))
        load_before = load_average()
        outcome = await brief_load(stack, distinct_pages(fake, rows, args.briefs, "load"), args.in_flight)
    return {**outcome, "warm_up_s": round(warm_s, 1), "load_average": [load_before, load_average()]}


async def throughput(args: argparse.Namespace) -> dict[str, Any]:
    checks = Checks()
    rows = articles(args.data)
    modes = {"distributed": await distributed_load(args, rows), "embedded": await embedded_load(args, rows)}
    ratio = modes["distributed"]["briefs_per_min"] / max(modes["embedded"]["briefs_per_min"], 1e-9)
    for mode, outcome in modes.items():
        checks.expect(outcome["lost"] == 0, f"{mode}: {outcome['lost']} briefs lost")
        checks.expect(
            outcome["duplicate_messages"] == 0, f"{mode}: {outcome['duplicate_messages']} duplicates"
        )
        checks.expect(outcome["unacknowledged"] == 0, f"{mode}: {outcome['unacknowledged']} not acknowledged")
        checks.expect(outcome["ack_max_s"] <= ACK_TARGET_S, f"{mode}: an ack took {outcome['ack_max_s']} s")
    rows_out: list[tuple[str, object, str]] = []
    for key, target in (
        ("briefs", ""),
        ("briefed", ""),
        ("lost", "must be 0"),
        ("answered_without_brief", "errors, busy"),
        ("duplicate_messages", "must be 0"),
        ("unacknowledged", "must be 0"),
        ("ack_max_s", f"<= {ACK_TARGET_S:.0f}"),
        ("ack_p95_s", ""),
        ("heartbeat_lateness_max_ms", f"< {HEARTBEAT_TARGET_MS:.0f} (not bot.latency)"),
        ("heartbeat_lateness_p95_ms", ""),
        ("wall_s", ""),
        ("briefs_per_min", ""),
        ("cpu_s_per_brief", "all processes + PostgreSQL"),
    ):
        rows_out.append((key, f"{modes['distributed'][key]} / {modes['embedded'][key]}", target))
    rows_out.append(("ratio distributed/embedded", round(ratio, 3), f">= {RATIO_TARGET}"))
    print_table(
        f"throughput: {args.briefs} /briefs over {THROUGHPUT_SERVERS} servers, {args.in_flight} in flight "
        f"(distributed: 2 shard processes, {NLP_PROCESSES} workers, 2 pollers / embedded: briefbot run, "
        f"BRIEFBOT_WORKERS={NLP_PROCESSES})",
        rows_out,
    )
    for mode, outcome in modes.items():
        load, violations = outcome["load_average"], outcome["violations"]
        print(f"  {mode}: load average before/after {load}, violations {violations}")
        print(f"  {mode}: CPU s per brief by process {outcome['cpu_s_per_brief_by_process']}")
    return {
        **modes,
        "ratio": round(ratio, 3),
        "ratio_target_met": ratio >= RATIO_TARGET,
        "failed": checks.failed,
    }

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
import contextlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from itertools import pairwise
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
from e2e.news_articles import WILDFIRE, html_page, rss_feed
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


# -- feed-fanout ----------------------------------------------------------------------------------

FEED_PATH = "feeds/wildfire.xml"
FANOUT_SERVERS = 50
FANOUT_TOPIC = "wildfires"
SETUP_TIMEOUT_S = 60.0
PER_ITEM_TIMEOUT_S = 20.0  # bounds the wait for every post: 2 workers brief about one item a second
ITEM_TITLE = "Kalamata wildfire update {n}"


def fanout_world(servers: int) -> World:
    """`servers` servers, each with #news and its owner (who may manage channels)."""
    world = World()
    owner = world.add_user("owner")
    for n in range(servers):
        world.add_guild(f"Fanout {n}", owner).add_text_channel("news")
    return world


def wildfire_item(n: int) -> str:
    """A distinct article (its own content hash) on one subject, so that every item matches the
    channels' topic and the expected deliveries are known: items x servers."""
    lead = (
        f"Update {n}: officials said {120 + 37 * n} residents of hamlet number {n} near Kalamata "
        f"were moved to shelters overnight, and {3 + n % 7} water-dropping aircraft joined the effort."
    )
    return f"{lead}\n\n{WILDFIRE}"


async def command_reply(fake: FakeDiscord, command: str, options: dict[str, Any], channel: Any) -> str:
    handle = await fake.slash(command, options, user="owner", channel=channel)
    return (await fake.interaction_response(handle, timeout=SETUP_TIMEOUT_S)).content


def min_gap(times: list[float]) -> float | None:
    gaps = [later - earlier for earlier, later in pairwise(times)]
    return min(gaps) if gaps else None


async def feed_fanout(args: argparse.Namespace) -> dict[str, Any]:
    checks = Checks()
    items, interval_s = args.items, args.feed_interval
    interval_env = {**QUIET_ENV, "BRIEFBOT_FEED_INTERVAL_S": str(interval_s)}
    with running_stack(fanout_world(FANOUT_SERVERS), keep_logs=args.keep_logs) as stack:
        dsn = stack.start_database()
        start_workers(stack, 2)
        stack.start_bot("bot", "bot", interval_env)
        fake = stack.fake
        feed_url = fake.serve(FEED_PATH, rss_feed("Wildfire desk", []), content_type="application/rss+xml")
        channels = [fake.channel("news", fake.guild(f"Fanout {n}")) for n in range(FANOUT_SERVERS)]
        for channel in channels:
            subscribed = await command_reply(fake, "subscribe add", {"topic": FANOUT_TOPIC}, channel)
            followed = await command_reply(fake, "feed add", {"url": feed_url}, channel)
            checks.expect(followed.startswith("Following"), f"/feed add answered {followed!r}")
            checks.expect(bool(subscribed), "/subscribe add gave no answer")
        for n in range(2):
            stack.start_process(f"poller{n}", ["poller"], interval_env)
        await asyncio.sleep(2 * interval_s)  # the pollers see the feed, still empty

        published_at = time.monotonic()
        links = [
            (
                ITEM_TITLE.format(n=n),
                fake.serve(f"items/{n}.html", html_page(ITEM_TITLE.format(n=n), wildfire_item(n))),
            )
            for n in range(items)
        ]
        fake.serve(FEED_PATH, rss_feed("Wildfire desk", links), content_type="application/rss+xml")
        expected = items * FANOUT_SERVERS
        titles = {title for title, _ in links}

        def delivered() -> list[Message]:
            return [
                m
                for channel in channels
                for m in bot_posts(fake, channel.id, after=0)
                if m.embeds and m.embeds[0].get("title") in titles
            ]

        with contextlib.suppress(TimeoutError):
            await fake.wait_until(
                lambda: len(delivered()) >= expected, timeout=120 + PER_ITEM_TIMEOUT_S * items
            )
        wall_s = time.monotonic() - published_at
        await asyncio.sleep(2 * interval_s)  # a second post of anything would show up by now
        finished_at = time.monotonic()
        posts = delivered()
        per_channel_title = Counter((m.channel_id, m.embeds[0]["title"]) for m in posts)
        duplicates = sum(count - 1 for count in per_channel_title.values())
        polls = [r.at for r in fake.web_requests(FEED_PATH) if r.at >= published_at - interval_s]
        intervals = (finished_at - published_at + interval_s) / interval_s
        page_fetches = Counter(r.path for r in fake.web_requests() if "items/" in r.path)
        briefings = sql_one(
            dsn,
            "SELECT array[count(*), coalesce(max(n), 0)] FROM (SELECT count(*) AS n FROM briefings "
            "JOIN article_urls USING (article_id) WHERE url LIKE %s GROUP BY article_id) AS per_item",
            ("%/items/%",),
        )
        briefed_items, most_briefings = (int(v) for v in briefings)  # type: ignore[union-attr]

    gap = min_gap(polls)
    unique_delivered = len(per_channel_title)
    checks.expect(gap is None or gap >= 0.9 * interval_s, f"two feed fetches {gap} s apart")
    checks.expect(most_briefings == 1, f"an item was briefed {most_briefings} times (want 1)")
    checks.expect(briefed_items == items, f"{briefed_items} of {items} items briefed")
    checks.expect(duplicates == 0, f"{duplicates} duplicate posts")
    checks.expect(unique_delivered == expected, f"{unique_delivered} of {expected} deliveries")
    most_page_fetches = max(page_fetches.values(), default=0)
    print_table(
        f"feed-fanout: 1 feed x {FANOUT_SERVERS} servers, {items} new items, 2 pollers, 2 workers, 1 bot",
        [
            ("feed fetches per interval", len(polls) / intervals, "<= 1"),
            (
                "shortest gap between fetches s",
                gap if gap is not None else "-",
                f">= {interval_s} (interval)",
            ),
            ("briefings per item (max)", most_briefings, "must be 1"),
            ("items briefed", briefed_items, f"{items}"),
            ("item page fetches (max per item)", most_page_fetches, "1"),
            ("duplicate posts", duplicates, "must be 0"),
            ("items delivered / expected", f"{unique_delivered}/{expected}", "all"),
            ("wall time s (publish to last post)", wall_s, ""),
        ],
    )
    return {
        "servers": FANOUT_SERVERS,
        "items": items,
        "feed_interval_s": interval_s,
        "feed_fetches": len(polls),
        "feed_fetches_per_interval": round(len(polls) / intervals, 3),
        "shortest_fetch_gap_s": None if gap is None else round(gap, 2),
        "briefings_per_item_max": most_briefings,
        "items_briefed": briefed_items,
        "item_page_fetches_max": most_page_fetches,
        "duplicate_posts": duplicates,
        "delivered": unique_delivered,
        "expected": expected,
        "wall_s": round(wall_s, 1),
        "failed": checks.failed,
    }


# -- throughput -----------------------------------------------------------------------------------

THROUGHPUT_SERVERS = 40
SHARDS = 2
NLP_PROCESSES = 3
ACK_TARGET_S = 3.0
HEARTBEAT_TARGET_MS = 50.0
RATIO_TARGET = 0.8
BRIEF_TIMEOUT_S = 900.0  # bounds the wait for one reply; a reply that never comes counts as lost
# Both modes take every brief sent (the bound on briefs in flight is the sender's --in-flight).
LOAD_ENV = {**QUIET_ENV, "BRIEFBOT_QUEUE_LIMIT": "1000"}


def sharded_world(servers: int) -> World:
    """`servers` servers alternating between shards 0 and 1 of 2, each with #general and alice."""
    world = World()
    owner, alice = world.add_user("owner"), world.add_user("alice")
    for n in range(servers):
        guild = world.add_guild(f"Load {n}", owner, shard=(n % SHARDS, SHARDS))
        guild.add_member(alice)
        guild.add_text_channel("general")
    return world


def is_final(message: Message) -> bool:
    """The reply's last state: the brief, or a message that is not a progress note ("Fetching…")."""
    return bool(message.embeds) or bool(message.content and not message.content.endswith("…"))


def distinct_pages(fake: FakeDiscord, rows: list[dict[str, str]], count: int, prefix: str) -> list[str]:
    """`count` article pages; past the data's end an article comes back with a note in front, so
    that every page has its own content hash (no brief is a cache hit)."""
    urls = []
    for n in range(count):
        row = rows[n % len(rows)]
        text = row["article"] if n < len(rows) else f"Republished, copy {n // len(rows)}. {row['article']}"
        urls.append(serve_article(fake, f"{prefix}/{n}.html", {"article": text}))
    return urls


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


async def brief_load(fake: FakeDiscord, urls: list[str], in_flight: int) -> dict[str, Any]:
    """Send a /brief per URL across the servers, `in_flight` at a time; measure what came back."""
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
    await asyncio.gather(*(one(n) for n in range(len(urls))))
    elapsed = time.monotonic() - since
    await asyncio.sleep(3.0)  # a late second post would show up by now
    acks = [fake.interaction(h).ack_latency_s for h in handles]
    ack_s = [a for a in acks if a is not None]
    briefed = [m for m in replies.values() if m is not None and m.embeds]
    first = min(h.id for h in handles)  # the warm-up replies came before
    posted = sum(len(bot_posts(fake, c.id, after=first)) for c in channels)
    heartbeats = fake.heartbeat_delays(since=since)
    violations = Counter(v.kind for v in fake.take_violations())
    return {
        "briefs": len(urls),
        "lost": sum(1 for m in replies.values() if m is None),
        "answered_without_brief": sum(1 for m in replies.values() if m is not None and not m.embeds),
        "briefed": len(briefed),
        "duplicate_messages": posted - sum(1 for m in replies.values() if m is not None),
        "unacknowledged": len(acks) - len(ack_s),
        "ack_max_s": round(max(ack_s, default=float("nan")), 3),
        "ack_p95_s": round(percentile(ack_s, 0.95), 3),
        "heartbeat_lateness_max_ms": round(max(heartbeats, default=float("nan")), 1),
        "heartbeat_lateness_p95_ms": round(percentile(heartbeats, 0.95), 1),
        "violations": dict(violations),
        "wall_s": round(elapsed, 1),
        "briefs_per_min": round(60 * len(briefed) / elapsed, 2),
    }


async def warm_up(fake: FakeDiscord, urls: list[str]) -> float:
    """One brief per NLP process at once, so that every process has loaded its models."""
    channels = [fake.channel("general", fake.guild(f"Load {n}")) for n in range(len(urls))]
    return await warm_up_channels(fake, urls, channels)


async def warm_up_channels(fake: FakeDiscord, urls: list[str], channels: list[Any]) -> float:
    started = time.monotonic()
    channels = channels[: len(urls)]
    handles = [await fake.slash("brief", {"url": u}, channel=c) for u, c in zip(urls, channels, strict=True)]
    for handle in handles:
        await fake.interaction_response(handle, until=is_final, timeout=WARM_UP_TIMEOUT_S)
    return time.monotonic() - started


async def distributed_load(args: argparse.Namespace, rows: list[dict[str, str]]) -> dict[str, Any]:
    with running_stack(
        sharded_world(THROUGHPUT_SERVERS), shard_count=SHARDS, keep_logs=args.keep_logs
    ) as stack:
        stack.start_database()
        start_workers(stack, NLP_PROCESSES)
        for n in range(2):
            stack.start_process(f"poller{n}", ["poller"])
        for shard in range(SHARDS):
            shard_env = {**LOAD_ENV, "BRIEFBOT_SHARD_IDS": str(shard), "BRIEFBOT_SHARD_COUNT": str(SHARDS)}
            stack.start_bot(f"bot{shard}", "bot", shard_env)
        fake = stack.fake
        warm_s = await warm_up(fake, distinct_pages(fake, rows[::-1], NLP_PROCESSES, "warm"))
        load_before = load_average()
        outcome = await brief_load(fake, distinct_pages(fake, rows, args.briefs, "load"), args.in_flight)
    return {**outcome, "warm_up_s": round(warm_s, 1), "load_average": [load_before, load_average()]}


async def embedded_load(args: argparse.Namespace, rows: list[dict[str, str]]) -> dict[str, Any]:
    with running_stack(
        sharded_world(THROUGHPUT_SERVERS), shard_count=SHARDS, keep_logs=args.keep_logs
    ) as stack:
        stack.start_bot("run", "run", {**LOAD_ENV, "BRIEFBOT_WORKERS": str(NLP_PROCESSES)})
        fake = stack.fake
        warm_s = await warm_up(fake, distinct_pages(fake, rows[::-1], NLP_PROCESSES, "warm"))
        load_before = load_average()
        outcome = await brief_load(fake, distinct_pages(fake, rows, args.briefs, "load"), args.in_flight)
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
    return {
        **modes,
        "ratio": round(ratio, 3),
        "ratio_target_met": ratio >= RATIO_TARGET,
        "failed": checks.failed,
    }


# -- pg-outage ------------------------------------------------------------------------------------

OUTAGE_S = 10.0
BEFORE_OUTAGE_S = 10.0
AFTER_OUTAGE_S = 20.0
SEND_EVERY_S = 1.0
OUTAGE_CHANNELS = 4
OUTAGE_REPLY_TIMEOUT_S = 300.0


async def pg_outage(args: argparse.Namespace) -> dict[str, Any]:
    """Stop PostgreSQL for OUTAGE_S while a /brief is sent every SEND_EVERY_S, then start it again."""
    checks = Checks()
    rows = articles(args.data)
    with running_stack(one_server_world(channels=OUTAGE_CHANNELS), keep_logs=args.keep_logs) as stack:
        dsn = stack.start_database()
        start_workers(stack, 2)
        stack.start_bot("bot", "bot", LOAD_ENV)
        fake = stack.fake
        cluster = stack.cluster
        assert cluster is not None
        desks = [fake.channel(f"desk{n}") for n in range(OUTAGE_CHANNELS)]
        warm_s = await warm_up_channels(fake, distinct_pages(fake, rows[::-1], 2, "warm"), desks)
        total = int((BEFORE_OUTAGE_S + OUTAGE_S + AFTER_OUTAGE_S) / SEND_EVERY_S)
        urls = distinct_pages(fake, rows, total, "load")
        sent: list[tuple[float, Any]] = []
        replies: dict[int, Message | None] = {}

        async def one(n: int) -> None:
            handle = await fake.slash("brief", {"url": urls[n]}, user="alice", channel=desks[n % len(desks)])
            sent.append((time.monotonic(), handle))
            try:
                replies[handle.id] = await fake.interaction_response(
                    handle, until=is_final, timeout=OUTAGE_REPLY_TIMEOUT_S
                )
            except TimeoutError:
                replies[handle.id] = None

        async def outage() -> tuple[float, float]:
            await asyncio.sleep(BEFORE_OUTAGE_S)
            stopped_at = time.monotonic()
            await asyncio.to_thread(cluster.stop_server)
            await asyncio.sleep(max(0.0, OUTAGE_S - (time.monotonic() - stopped_at)))
            await asyncio.to_thread(cluster.start_server)
            return stopped_at, time.monotonic()

        outage_task = asyncio.ensure_future(outage())
        senders = []
        for n in range(total):
            senders.append(asyncio.ensure_future(one(n)))
            await asyncio.sleep(SEND_EVERY_S)
        stopped_at, started_at = await outage_task
        await asyncio.gather(*senders)
        await asyncio.sleep(3.0)  # a late second post would show up by now
        left_in_queue = int(
            sql_one(dsn, "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')")  # type: ignore[arg-type]
        )
        posted = sum(len(bot_posts(fake, d.id, after=0)) for d in desks)
        violations = Counter(v.kind for v in fake.take_violations())
        during = [h for at, h in sent if stopped_at <= at <= started_at]
        during_acks = [fake.interaction(h).ack_latency_s for h in during]
        outage_messages = Counter(
            (m.content or "(brief)") if m is not None else "(no reply)"
            for m in (replies[h.id] for h in during)
        )
        after = [replies[h.id] for at, h in sent if at > started_at]
        resumed = [m.versions[-1].at for m in after if m is not None and m.embeds]
        first_brief_after = min(resumed, default=None)
        all_acks = [fake.interaction(h).ack_latency_s for _, h in sent]

    lost = sum(1 for m in replies.values() if m is None)
    acked_during = sum(1 for a in during_acks if a is not None and a <= ACK_TARGET_S)
    replied = sum(1 for m in replies.values() if m is not None)
    duplicates = posted - replied - 2  # the two warm-up replies
    resume_s = None if first_brief_after is None else first_brief_after - started_at
    checks.expect(lost == 0, f"{lost} /briefs never answered")
    checks.expect(left_in_queue == 0, f"{left_in_queue} jobs still queued or running at the end")
    checks.expect(
        acked_during == len(during), f"{len(during) - acked_during} not acknowledged in 3 s during the outage"
    )
    checks.expect(
        all(a is not None and a <= ACK_TARGET_S for a in all_acks),
        "an interaction was not acknowledged in 3 s",
    )
    checks.expect(duplicates == 0, f"{duplicates} duplicate messages")
    checks.expect(resume_s is not None, "no brief was answered after PostgreSQL came back")
    print_table(
        f"pg-outage: PostgreSQL stopped {started_at - stopped_at:.1f} s (pg_ctl -m fast) while a /brief "
        f"is sent every {SEND_EVERY_S:.0f} s (bot + 2 workers)",
        [
            ("/briefs sent", len(sent), ""),
            ("sent during the outage", len(during), ""),
            ("acknowledged within 3 s during it", acked_during, "all"),
            ("never answered (lost)", lost, "must be 0"),
            ("jobs left in the queue", left_in_queue, "must be 0"),
            ("duplicate messages", duplicates, "must be 0"),
            ("briefs answered after restart", len(resumed), ""),
            ("s from restart to first brief", resume_s if resume_s is not None else "-", ""),
        ],
    )
    for message, count in outage_messages.most_common():
        print(f"  during the outage, {count} x: {message[:150]}")
    return {
        "outage_s": round(started_at - stopped_at, 1),
        "sent": len(sent),
        "sent_during_outage": len(during),
        "acknowledged_during_outage": acked_during,
        "outage_replies": dict(outage_messages),
        "lost": lost,
        "jobs_left_in_queue": left_in_queue,
        "duplicate_messages": duplicates,
        "answered_with_brief_after_restart": len(resumed),
        "resume_s": None if resume_s is None else round(resume_s, 1),
        "violations": dict(violations),
        "warm_up_s": round(warm_s, 1),
        "failed": checks.failed,
    }


# -- driver ---------------------------------------------------------------------------------------

Scenario = Callable[[argparse.Namespace], Coroutine[Any, Any, dict[str, Any]]]
SCENARIOS: dict[str, Scenario] = {
    "kill-worker": kill_worker,
    "feed-fanout": feed_fanout,
    "throughput": throughput,
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

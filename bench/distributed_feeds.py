"""The feed-fanout scenario of bench/distributed.py: one feed followed by many servers, polled by
two pollers, its new items briefed once and posted once to every following channel."""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from typing import Any

from distributed_kit import (
    QUIET_ENV,
    Checks,
    bot_posts,
    print_table,
)
from distributed_stack import running_stack, sql_one, start_workers
from e2e.news_articles import WILDFIRE, html_page, rss_feed
from fake_discord import FakeDiscord, Message, World

FEED_PATH = "feeds/wildfire.xml"
FANOUT_SERVERS = 50
FANOUT_TOPIC = "wildfires"
SETUP_TIMEOUT_S = 60.0
STALL_S = 180.0  # no new post for this long: the rest is not coming (the bot posts every 60 s)
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


async def until_done_or_stalled(progress: Callable[[], int], goal: int) -> None:
    """Wait until `progress()` reaches `goal`, or has not moved for STALL_S (bounded either way)."""
    last, moved_at = -1, time.monotonic()
    while (done := progress()) < goal and time.monotonic() - moved_at < STALL_S:
        if done != last:
            last, moved_at = done, time.monotonic()
        await asyncio.sleep(2.0)


async def feed_fanout(args: argparse.Namespace) -> dict[str, Any]:
    checks = Checks()
    items, interval_s = args.items, args.feed_interval
    interval_env = {**QUIET_ENV, "BRIEFBOT_FEED_INTERVAL_S": str(interval_s)}
    with running_stack(fanout_world(FANOUT_SERVERS), keep_logs=args.keep_logs) as stack:
        dsn = stack.start_database()
        start_workers(stack, 2)
        stack.start_bot("bot", "bot", interval_env)
        fake = stack.fake
        # A feed's first poll skips all but its newest items (no flood of old news), so the feed
        # starts with one item of its own; the measured items are the ones published after it.
        seed = [
            ("Kalamata wildfire: first report", fake.serve("seed.html", html_page("First report", WILDFIRE)))
        ]
        feed_url = fake.serve(FEED_PATH, rss_feed("Wildfire desk", seed), content_type="application/rss+xml")
        channels = [fake.channel("news", fake.guild(f"Fanout {n}")) for n in range(FANOUT_SERVERS)]
        for channel in channels:
            subscribed = await command_reply(fake, "subscribe add", {"topic": FANOUT_TOPIC}, channel)
            followed = await command_reply(fake, "feed add", {"url": feed_url}, channel)
            checks.expect(followed.startswith("Following"), f"/feed add answered {followed!r}")
            checks.expect(bool(subscribed), "/subscribe add gave no answer")
        pollers_started_at = time.monotonic()  # the /feed add checks above fetched it too: not counted
        for n in range(2):
            stack.start_process(f"poller{n}", ["poller"], interval_env)
        # Until a poller has recorded the first item.
        await until_done_or_stalled(lambda: int(sql_one(dsn, "SELECT count(*) FROM feed_items")), 1)  # type: ignore[arg-type]

        published_at = time.monotonic()
        links = [
            (
                ITEM_TITLE.format(n=n),
                fake.serve(f"items/{n}.html", html_page(ITEM_TITLE.format(n=n), wildfire_item(n))),
            )
            for n in range(items)
        ]
        fake.serve(
            FEED_PATH, rss_feed("Wildfire desk", [*links[::-1], *seed]), content_type="application/rss+xml"
        )
        expected = items * FANOUT_SERVERS
        titles = {title for title, _ in links}

        def delivered() -> list[Message]:
            return [
                m
                for channel in channels
                for m in bot_posts(fake, channel.id, after=0)
                if m.embeds and m.embeds[0].get("title") in titles
            ]

        await until_done_or_stalled(lambda: len(delivered()), expected)
        wall_s = time.monotonic() - published_at
        await asyncio.sleep(2 * interval_s)  # a second post of anything would show up by now
        finished_at = time.monotonic()
        posts = delivered()
        per_channel_title = Counter((m.channel_id, m.embeds[0]["title"]) for m in posts)
        duplicates = sum(count - 1 for count in per_channel_title.values())
        polls = [r.at for r in fake.web_requests(FEED_PATH) if r.at >= pollers_started_at]
        intervals = (finished_at - pollers_started_at) / interval_s
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

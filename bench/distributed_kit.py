"""What the scenarios of bench/distributed.py share: the articles they brief, how they read the
fake Discord's messages, and how they check and print what they found."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from common import ROOT

sys.path.insert(0, str(ROOT / "tests"))  # the fake Discord and its articles
from e2e.news_articles import html_page
from fake_discord import FakeDiscord, Message, World

ARTICLES = ROOT / "tests" / "data" / "cnndm-slice.jsonl"  # CNN/DM articles, served as pages

QUIET_ENV = {"BRIEFBOT_USER_COOLDOWN_S": "0"}

# Every brief sent is taken (the bound on briefs in flight is the sender's --in-flight).
LOAD_ENV = {**QUIET_ENV, "BRIEFBOT_QUEUE_LIMIT": "1000"}

WARM_UP_TIMEOUT_S = 900.0  # the workers load their models first: minutes on a loaded 2-core machine

ACK_TARGET_S = 3.0


def articles(path: Path) -> list[dict[str, str]]:
    """CNN/DM rows, longest first: a long article keeps a worker busy long enough to be killed."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return sorted(rows, key=lambda row: -len(row["article"]))


def serve_article(fake: FakeDiscord, path: str, row: dict[str, str]) -> str:
    title = row["article"].split(".")[0][:80]
    return fake.serve(path, html_page(title, row["article"].replace(". ", ".\n\n")))


def has_embeds(message: Message) -> bool:
    return bool(message.embeds)


def is_final(message: Message) -> bool:
    """The reply's last state: the brief, or a message that is not a progress note ("Fetching…")."""
    return bool(message.embeds) or bool(message.content and not message.content.endswith("…"))


def bot_posts(fake: FakeDiscord, channel_id: int, after: int) -> list[Message]:
    """The bot's visible, non-deleted messages in a channel since an interaction or message id."""
    return [
        m
        for m in fake.messages(channel_id)
        if m.author_id == fake.bot_user.id and m.id > after and not m.deleted and not m.loading
    ]


def duplicate_posts(messages: list[Message]) -> int:
    """Messages beyond one per interaction: a /brief's reply is its interaction's only message in
    the channel (these scenarios follow no topics), so any other is a second post."""
    per_interaction = Counter(m.interaction_id for m in messages)
    return sum(count if key is None else count - 1 for key, count in per_interaction.items())


def one_server_world(channels: int = 1) -> World:
    world = World()
    owner, alice = world.add_user("owner"), world.add_user("alice")
    guild = world.add_guild("Bench News", owner)
    guild.add_member(alice)
    for n in range(channels):
        guild.add_text_channel(f"desk{n}")
    return world


def distinct_pages(fake: FakeDiscord, rows: list[dict[str, str]], count: int, prefix: str) -> list[str]:
    """`count` article pages; past the data's end an article comes back with a note in front, so
    that every page has its own content hash (no brief is a cache hit)."""
    urls = []
    for n in range(count):
        row = rows[n % len(rows)]
        copy = n // len(rows) if prefix == "load" else n + 1  # warm-up pages differ from the load's
        text = f"Republished, copy {copy} ({prefix}). {row['article']}" if copy else row["article"]
        urls.append(serve_article(fake, f"{prefix}/{n}.html", {"article": text}))
    return urls


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


async def warm_up_channels(fake: FakeDiscord, urls: list[str], channels: list[Any]) -> float:
    started = time.monotonic()
    channels = channels[: len(urls)]
    handles = [await fake.slash("brief", {"url": u}, channel=c) for u, c in zip(urls, channels, strict=True)]
    for handle in handles:
        await fake.interaction_response(handle, until=is_final, timeout=WARM_UP_TIMEOUT_S)
    return time.monotonic() - started


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

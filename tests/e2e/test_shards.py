"""Two bot processes as shards 0 and 1 of 2, sharing one database: Discord routes each server's
events to one shard, so each process answers /brief in its own servers only, and neither breaks a
rule (a server answered by both would be an `already_acknowledged` violation). Feeds are polled by
shard 0's process alone, which posts to the other shard's servers too."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e.harness import BotProcess
from e2e.news_articles import METHANE, PORT_STRIKE, WILDFIRE, html_page, rss_feed
from fake_discord import FakeDiscord, Message, World

BRIEF_TIMEOUT = 180  # each process loads its own models before its first brief
SHARDS = 2
FEED_INTERVAL_S = 2
LOG_WAIT_S = 30.0
FIRE_TITLE = "Kalamata wildfire spreads"


def two_shard_world() -> World:
    """A server on each of two shards, each with #general and alice."""
    world = World()
    owner, alice = world.add_user("owner"), world.add_user("alice")
    for shard_id in range(SHARDS):
        guild = world.add_guild(f"Shard {shard_id} News", owner, shard=(shard_id, SHARDS))
        guild.add_member(alice)
        guild.add_text_channel("general")
    return world


@pytest.fixture(scope="module")
def fake_discord() -> Iterator[FakeDiscord]:
    with FakeDiscord(heartbeat_interval_ms=1000, world=two_shard_world(), shard_count=SHARDS) as fake:
        yield fake


@pytest.fixture(scope="module")
def shard_bots(
    fake_discord: FakeDiscord, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[BotProcess]]:
    """Shard 0 and shard 1, each in its own process and folder, with one SQLite file between them."""
    database = tmp_path_factory.mktemp("shared") / "briefbot.db"
    bots = [
        BotProcess(
            fake_discord,
            tmp_path_factory.mktemp(f"shard{shard_id}"),
            env={
                "BRIEFBOT_SHARD_IDS": str(shard_id),
                "BRIEFBOT_SHARD_COUNT": str(SHARDS),
                "BRIEFBOT_DATABASE_PATH": str(database),
                "BRIEFBOT_USER_COOLDOWN_S": "0",
                "BRIEFBOT_FEED_INTERVAL_S": str(FEED_INTERVAL_S),
            },
        )
        for shard_id in range(SHARDS)
    ]
    try:
        for bot in bots:
            bot.start(timeout=120)
        yield bots
    finally:
        codes = [bot.stop() for bot in bots]
    assert codes == [0] * SHARDS, "each shard exits cleanly on SIGTERM"


def brief_numbers(log: str) -> set[int]:
    """The briefs a process answered, from its "Brief #N for user …" log lines."""
    return {int(number) for number in re.findall(r"Brief #(\d+) for user", log)}


async def logged(bot: BotProcess, pattern: str) -> bool:
    """Whether the process logs a line matching `pattern` within LOG_WAIT_S (a line may follow the
    reply it is about by a moment)."""
    deadline = time.monotonic() + LOG_WAIT_S
    while not re.search(pattern, bot.log()):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.2)
    return True


def footer_number(message: Message) -> int:
    match = re.match(r"Brief #(\d+)", message.embeds[0]["footer"]["text"])
    assert match, message.embeds[0]["footer"]
    return int(match.group(1))


async def test_each_shard_process_answers_only_its_own_servers(
    fake_discord: FakeDiscord, shard_bots: list[BotProcess]
) -> None:
    sessions = [session for session in fake_discord.sessions() if session.connected]
    assert sorted(session.shard for session in sessions) == [(0, SHARDS), (1, SHARDS)]

    answered: list[int] = []
    for shard_id, article in enumerate((METHANE, PORT_STRIKE)):
        guild = fake_discord.guild(f"Shard {shard_id} News")
        assert (guild.id >> 22) % SHARDS == shard_id
        handle = await fake_discord.slash(
            "brief", {"text": article}, user="alice", channel=fake_discord.channel("general", guild)
        )
        response = await fake_discord.interaction_response(
            handle, until=lambda m: bool(m.embeds), timeout=BRIEF_TIMEOUT
        )
        assert fake_discord.interaction(handle).ack_latency_s < 3.0
        answered.append(footer_number(response))

    # Each process briefed exactly the server on its shard; the shared store numbers them in one sequence.
    for bot, number in zip(shard_bots, answered, strict=True):
        assert await logged(bot, rf"Brief #{number} for user")
    assert [brief_numbers(bot.log()) for bot in shard_bots] == [{answered[0]}, {answered[1]}]
    assert len(set(answered)) == SHARDS
    for bot in shard_bots:
        assert f"Running shards [{shard_bots.index(bot)}] of {SHARDS}." in bot.log()


async def test_feeds_are_polled_by_shard_zero_and_reach_the_other_shards_servers(
    fake_discord: FakeDiscord, shard_bots: list[BotProcess]
) -> None:
    general = fake_discord.channel("general", fake_discord.guild("Shard 1 News"))
    for command, options in (
        ("subscribe add", {"topic": "wildfires and firefighting in Greece"}),
        (
            "feed add",
            {
                "url": fake_discord.serve(
                    "feeds/world.xml",
                    rss_feed(
                        "World", [("Fire", fake_discord.serve("fire.html", html_page(FIRE_TITLE, WILDFIRE)))]
                    ),
                    content_type="application/rss+xml",
                )
            },
        ),
    ):
        handle = await fake_discord.slash(command, options, user="owner", channel=general)
        await fake_discord.interaction_response(handle, timeout=30)

    def is_post(message: Message) -> bool:
        return bool(message.embeds) and message.embeds[0].get("title") == FIRE_TITLE

    posted = await fake_discord.wait_for_message(general, is_post, timeout=BRIEF_TIMEOUT)
    await asyncio.sleep(3 * FEED_INTERVAL_S)  # more polls post nothing again
    assert [m.id for m in fake_discord.messages(general) if is_post(m)] == [posted.id]
    briefed = rf"Brief #{footer_number(posted)} (started|joined) story"
    assert await logged(shard_bots[0], briefed)
    assert not re.search(briefed, shard_bots[1].log())


def test_shard_settings_are_checked_before_connecting(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    bad = BotProcess(
        fake_discord, tmp_path, env={"BRIEFBOT_SHARD_IDS": "0,2", "BRIEFBOT_SHARD_COUNT": str(SHARDS)}
    )
    with pytest.raises(RuntimeError, match="exited before it was ready"):
        bad.start(timeout=60)
    assert "invalid value for shard_ids" in bad.log() and "[2] are outside" in bad.log()

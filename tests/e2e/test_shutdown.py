"""SIGTERM under load, as `docker stop` sends it: 20 briefs in flight and a topic subscription whose
matching queues more NLP work. The bot exits cleanly within 8 s (Docker kills at 10 s), and every
brief is answered: with its briefing, or with "I'm restarting" when its work had not started."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from e2e.harness import BotProcess, world_with_readers
from e2e.news_articles import METHANE, PORT_STRIKE, WILDFIRE, hearing_article
from fake_discord import FakeDiscord, InteractionHandle, Upload

USERS = 20
SHUTDOWN_LIMIT_S = 8.0
RESTARTING = "I'm restarting right now"


@pytest.fixture(scope="module")
def fake_discord() -> Iterator[FakeDiscord]:
    with FakeDiscord(world=world_with_readers(USERS), heartbeat_interval_ms=1000) as fake:
        yield fake


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return {"BRIEFBOT_QUEUE_LIMIT": str(USERS), "BRIEFBOT_USER_COOLDOWN_S": "0"}


def story(n: int) -> Upload:
    text = "\n\n".join([METHANE, PORT_STRIKE, WILDFIRE, hearing_article(10)])
    return Upload(
        f"story-{n}.txt", f"{text}\n\nUpdate {n}: more details on day {n + 2}.".encode(), "text/plain"
    )


def answered(fake: FakeDiscord, handle: InteractionHandle) -> str:
    """ "briefed", "restarting" or "" (no answer yet)."""
    result = fake.interaction(handle)
    if result.original is not None and result.original.embeds:
        return "briefed"
    texts = [m.content for m in result.followups] + ([result.original.content] if result.original else [])
    return "restarting" if any(RESTARTING in (text or "") for text in texts) else ""


async def test_sigterm_with_twenty_briefs_in_flight_ends_within_eight_seconds(
    fake_discord: FakeDiscord, bot: BotProcess
) -> None:
    subscribed = await fake_discord.slash(
        "subscribe add", {"topic": "port strike"}, user="owner", channel=fake_discord.channel("news")
    )
    await fake_discord.interaction_response(subscribed, timeout=30)
    handles = await asyncio.gather(
        *(fake_discord.slash("brief", {"file": story(n)}, user=f"reader{n}") for n in range(USERS))
    )
    # The models are loaded and the queue is full once the first briefing is out.
    await fake_discord.wait_until(
        lambda: any(answered(fake_discord, handle) == "briefed" for handle in handles), timeout=300
    )
    started = time.monotonic()
    exit_code = bot.stop(timeout=30)
    elapsed = time.monotonic() - started
    outcomes = [answered(fake_discord, handle) for handle in handles]
    print(
        f"\nSIGTERM with {outcomes.count('')} briefs unanswered before it: exit {exit_code} after "
        f"{elapsed:.1f} s; {outcomes.count('briefed')} briefed, {outcomes.count('restarting')} told to retry"
    )
    assert exit_code == 0
    assert elapsed < SHUTDOWN_LIMIT_S
    assert outcomes.count("") == 0

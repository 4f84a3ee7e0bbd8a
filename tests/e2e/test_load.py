"""Under load: 25 users brief at once (20 run, the rest are told the queue is full) while the gateway
heartbeat stays on time; then the per-user cooldown. This bot keeps the default fetch rule (no
private addresses), so a link to 127.0.0.1 is refused."""

from __future__ import annotations

import asyncio
import re
import statistics
import time
from collections.abc import Iterator

import pytest
from e2e.harness import BotProcess, world_with_readers
from e2e.news_articles import METHANE, PORT_STRIKE, WILDFIRE, hearing_article, html_page
from fake_discord import FakeDiscord, InteractionHandle, Message, Upload

HEARTBEAT_INTERVAL_MS = 1000
QUEUE_LIMIT = 20
USERS = 25
COOLDOWN_S = 600  # outlasts the 25-brief load test on a loaded 2-core machine (it precedes the cooldown test)
MAX_HEARTBEAT_LATENESS_MS = 250
BUSY = "I'm busy with other briefs right now — try again in"


@pytest.fixture(scope="module")
def fake_discord() -> Iterator[FakeDiscord]:
    with FakeDiscord(world=world_with_readers(USERS), heartbeat_interval_ms=HEARTBEAT_INTERVAL_MS) as fake:
        yield fake


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return {
        "BRIEFBOT_ENGINE__FETCH__ALLOW_PRIVATE_ADDRESSES": "false",
        "BRIEFBOT_QUEUE_LIMIT": str(QUEUE_LIMIT),
        "BRIEFBOT_USER_COOLDOWN_S": str(COOLDOWN_S),
    }


def story(n: int) -> Upload:
    """A long, distinct article per user (so none is answered from the store), as a .txt file."""
    text = "\n\n".join([METHANE, PORT_STRIKE, WILDFIRE, hearing_article(10)])
    update = f"Update {n + 1}: officials said more details would follow on day {n + 2} of the story."
    return Upload(f"story-{n + 1}.txt", f"{text}\n\n{update}".encode(), "text/plain")


async def outcome(fake: FakeDiscord, handle: InteractionHandle) -> Message:
    """The briefing (the response with embeds) or the private refusal (a follow-up)."""

    def done() -> Message | None:
        result = fake.interaction(handle)
        if result.original is not None and result.original.embeds:
            return result.original
        return next(iter(result.followups), None)

    return await fake.wait_until(done, timeout=240)


async def test_link_to_a_private_address_is_refused(fake_discord: FakeDiscord, bot: BotProcess) -> None:
    url = fake_discord.serve("local/story.html", html_page("Local story", METHANE))
    handle = await fake_discord.slash("brief", {"url": url}, user="bob")
    refused = await fake_discord.wait_for_followup(handle, timeout=60)
    assert refused.ephemeral
    assert "private or local address" in refused.content
    assert fake_discord.interaction(handle).original.deleted
    assert not fake_discord.web_requests("local/story.html")  # refused before connecting


async def test_heartbeat_on_time_while_twenty_briefs_run(fake_discord: FakeDiscord, bot: BotProcess) -> None:
    warm_up = await fake_discord.slash("brief", {"text": METHANE}, user="owner")
    first = await fake_discord.interaction_response(warm_up, until=lambda m: bool(m.embeds), timeout=240)
    first_s = first.versions[-1].at - warm_up.created_at
    print(f"\nfirst /brief after start (includes waiting for the models): {first_s:.2f} s")

    since = time.monotonic()
    handles = await asyncio.gather(
        *(fake_discord.slash("brief", {"file": story(n)}, user=f"reader{n}") for n in range(USERS))
    )
    results = await asyncio.gather(*(outcome(fake_discord, handle) for handle in handles))
    heartbeats = fake_discord.heartbeat_delays(since)

    briefed = [(h, m) for h, m in zip(handles, results, strict=True) if m.embeds]
    refused = [m for m in results if not m.embeds]
    assert len(briefed) >= QUEUE_LIMIT
    assert refused and all(m.ephemeral and m.content.startswith(BUSY) for m in refused)
    assert len(briefed) + len(refused) == USERS
    times = sorted(m.versions[-1].at - h.created_at for h, m in briefed)
    acks = [fake_discord.interaction(h).ack_latency_s for h in handles]
    print(
        f"{len(briefed)} concurrent briefs: /brief -> final message median {statistics.median(times):.2f} s, "
        f"max {times[-1]:.2f} s; acknowledged within {max(acks) * 1000:.0f} ms; {len(refused)} refused (busy)"
    )
    print(
        f"heartbeat lateness over {len(heartbeats)} beats (interval {HEARTBEAT_INTERVAL_MS} ms): "
        f"max {max(heartbeats):.1f} ms, median {statistics.median(heartbeats):.1f} ms"
    )
    assert len(heartbeats) >= 3
    assert max(heartbeats) < MAX_HEARTBEAT_LATENESS_MS
    assert max(acks) < 1.0


async def test_cooldown_between_two_briefs_of_one_user(fake_discord: FakeDiscord, bot: BotProcess) -> None:
    first = await outcome(
        fake_discord, await fake_discord.slash("brief", {"file": story(USERS)}, user="alice")
    )
    assert first.embeds
    handle = await fake_discord.slash("brief", {"file": story(USERS + 1)}, user="alice")
    refused = await fake_discord.wait_for_followup(handle, timeout=30)
    assert refused.ephemeral
    assert refused.content.startswith("You can brief again in ")


async def briefs_on_record(fake: FakeDiscord) -> int:
    handle = await fake.slash("history list", {}, user="bob")
    listing = await fake.interaction_response(handle, until=lambda m: bool(m.embeds), timeout=30)
    match = re.search(r"(\d+) briefs?\b", listing.embeds[0]["footer"]["text"])
    return int(match.group(1)) if match else 0


async def test_history_has_pages_with_buttons(fake_discord: FakeDiscord, bot: BotProcess) -> None:
    # Three pages need 21 briefs: the load test leaves more; alone, this test makes them (a reader each).
    for n in range(max(0, 21 - await briefs_on_record(fake_discord))):
        await outcome(fake_discord, await fake_discord.slash("brief", {"file": story(n)}, user=f"reader{n}"))
    handle = await fake_discord.slash("history list", {}, user="bob")
    first = await fake_discord.interaction_response(handle, until=lambda m: bool(m.embeds), timeout=30)
    assert first.ephemeral
    match = re.match(r"Page 1/(\d+) · (\d+) briefs", first.embeds[0]["footer"]["text"])
    assert match and int(match.group(1)) >= 3 and int(match.group(2)) > 20
    assert len(first.embeds[0]["description"].splitlines()) == 10
    next_page = next(button for button in first.buttons if button["label"] == "Next ▶")

    await fake_discord.click(first, next_page["custom_id"], user="bob")
    second = await fake_discord.wait_until(
        lambda: (m := fake_discord.message(first.id)).embeds[0]["footer"]["text"].startswith("Page 2/") and m,
        timeout=10,
    )
    first_ids = re.findall(r"\*\*#(\d+)\*\*", first.embeds[0]["description"])
    second_ids = re.findall(r"\*\*#(\d+)\*\*", second.embeds[0]["description"])
    assert len(second_ids) == 10 and int(second_ids[0]) < int(first_ids[-1])  # older briefs, newest first

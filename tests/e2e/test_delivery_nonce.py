"""A feed delivery whose bot dies between Discord creating the message and the store recording it:
after the restart the delivery is retried with the same nonce, Discord hands back the first message,
and the channel still has one post."""

from __future__ import annotations

import asyncio

import pytest
from e2e.harness import BotProcess
from e2e.news_articles import PORT_STRIKE, html_page, rss_feed
from fake_discord import Channel, FakeDiscord, Message

FEED_INTERVAL_S = 2
FIRST_POST_TIMEOUT = 420  # the first feed brief also waits for the models (minutes on a loaded machine)
TITLE = "Rotterdam dockers walk out"


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return {"BRIEFBOT_FEED_INTERVAL_S": str(FEED_INTERVAL_S), "BRIEFBOT_USER_COOLDOWN_S": "0"}


def is_feed_post(message: Message) -> bool:
    return bool(message.embeds) and message.embeds[0].get("title") == TITLE


def feed_posts(fake: FakeDiscord, channel: Channel) -> list[Message]:
    return [m for m in fake.messages(channel) if is_feed_post(m)]


def posts_to(fake: FakeDiscord, channel: Channel) -> int:
    """How many times the bot asked Discord to create a message in the channel (answered or not)."""
    path = f"/channels/{channel.id}/messages"
    return sum(1 for r in fake.requests() if r.method == "POST" and r.path.endswith(path))


async def run(fake: FakeDiscord, command: str, options: dict, **where: object) -> Message:
    handle = await fake.slash(command, options, **where)  # type: ignore[arg-type]
    return await fake.interaction_response(handle, timeout=30)


async def test_a_delivery_retried_after_a_crash_is_posted_once(
    fake_discord: FakeDiscord, bot: BotProcess
) -> None:
    news = fake_discord.channel("news")
    await run(
        fake_discord, "subscribe add", {"topic": "dock workers on strike at a port"}, user="mod", channel=news
    )
    page = fake_discord.serve("world/rotterdam.html", html_page(TITLE, PORT_STRIKE))
    feed = fake_discord.serve(
        "feeds/world.xml", rss_feed("World", [("Strike", page)]), content_type="application/rss+xml"
    )
    fake_discord.hold_posts(news)  # Discord creates the message, but its answer never reaches the bot
    await run(fake_discord, "feed add", {"url": feed}, user="mod")
    first = await fake_discord.wait_for_message(news, is_feed_post, timeout=FIRST_POST_TIMEOUT)

    # The crash: the message exists, the bot never learnt its id, so the delivery is not recorded.
    assert bot.process is not None
    bot.process.kill()
    bot.process.wait()
    fake_discord.release_posts(news)
    bot.start(timeout=120)

    # The restarted bot offers the unrecorded delivery again and posts it with the same nonce.
    await fake_discord.wait_until(lambda: posts_to(fake_discord, news) >= 2, timeout=300)
    await asyncio.sleep(3 * FEED_INTERVAL_S)  # more polls: a delivery recorded now is not offered again
    assert [m.id for m in feed_posts(fake_discord, news)] == [first.id]
    assert posts_to(fake_discord, news) == 2

"""/subscribe and /feed end to end: the Manage Channels check, feed items reaching subscribed
channels once, and a restart that keeps history and subscriptions and posts nothing twice."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time

import pytest
from e2e.harness import BotProcess
from e2e.news_articles import METHANE, PORT_STRIKE, WILDFIRE, html_page, rss_feed
from fake_discord import FakeDiscord, FakeDiscordUsageError, Message

FEED_INTERVAL_S = 2
FIRST_POST_TIMEOUT = 120  # the first feed brief also waits for the models to load
HIDDEN = r"cannot see /(subscribe|feed) \(default_member_permissions"
DENIED = "You need the **Manage Channels** permission to do that."
PORT_TOPIC = "dock workers on strike at a port"
FIRE_TOPIC = "wildfires and firefighting in Greece"
FEED_PATH = "feeds/world.xml"


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return {"BRIEFBOT_FEED_INTERVAL_S": str(FEED_INTERVAL_S), "BRIEFBOT_USER_COOLDOWN_S": "0"}


def is_feed_post(message: Message, title: str) -> bool:
    return bool(message.embeds) and message.embeds[0].get("title") == title


def feed_posts(fake: FakeDiscord, channel_name: str) -> list[Message]:
    channel = fake.channel(channel_name)
    return [
        m for m in fake.messages(channel) if m.embeds and "New in <" in m.embeds[0].get("description", "")
    ]


async def run(fake: FakeDiscord, command: str, options: dict, **where: object) -> Message:
    handle = await fake.slash(command, options, **where)  # type: ignore[arg-type]
    return await fake.interaction_response(handle, timeout=30)


async def subscribe_news_and_sports(fake: FakeDiscord) -> None:
    """The topics the feed tests route by (already there when the subscription test ran first)."""
    for topic, channel in ((PORT_TOPIC, "news"), (FIRE_TOPIC, "sports")):
        await run(fake, "subscribe add", {"topic": topic}, user="mod", channel=fake.channel(channel))


def serve_world_feed(fake: FakeDiscord) -> str:
    port = fake.serve("world/rotterdam.html", html_page("Rotterdam dockers walk out", PORT_STRIKE))
    fire = fake.serve("world/kalamata.html", html_page("Kalamata wildfire spreads", WILDFIRE))
    methane = fake.serve("world/methane.html", html_page("EU curbs methane imports", METHANE))
    return fake.serve(
        FEED_PATH,
        rss_feed("World", [("Methane", methane), ("Wildfire", fire), ("Strike", port)]),
        content_type="application/rss+xml",
    )


async def follow_world_feed(fake: FakeDiscord) -> str:
    """The world feed followed and its first items posted: what the feed test leaves behind, made
    here when a later test runs on its own."""
    await subscribe_news_and_sports(fake)
    if not feed_posts(fake, "news"):
        await run(fake, "feed add", {"url": serve_world_feed(fake)}, user="mod")
        await fake.wait_for_message(
            fake.channel("news"),
            lambda m: is_feed_post(m, "Rotterdam dockers walk out"),
            timeout=FIRST_POST_TIMEOUT,
        )
    return f"{fake.url}/web/{FEED_PATH}"


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("subscribe add", {"topic": "climate policy"}),
        ("subscribe remove", {"topic": "climate policy"}),
        ("feed add", {"url": "https://news.example.org/feed.xml"}),
        ("feed remove", {"url": "https://news.example.org/feed.xml"}),
    ],
)
async def test_managing_needs_manage_channels(
    fake_discord: FakeDiscord, bot: BotProcess, command: str, options: dict
) -> None:
    with pytest.raises(
        FakeDiscordUsageError, match=r"cannot see /(subscribe|feed) \(default_member_permissions"
    ):
        await fake_discord.slash(command, options, user="alice")  # hidden from members by default
    # An admin made the command visible to everyone: the bot's own check still refuses.
    handle = await fake_discord.slash(command, options, user="alice", override_default_permissions=True)
    refused = await fake_discord.interaction_response(handle, timeout=30)
    assert refused.ephemeral and refused.content == DENIED


async def test_subscribe_add_list_remove(fake_discord: FakeDiscord, bot: BotProcess) -> None:
    news, sports = fake_discord.channel("news"), fake_discord.channel("sports")
    added = await run(
        fake_discord, "subscribe add", {"topic": "  Climate   policy "}, user="mod", channel=news
    )
    assert added.content == f"<#{news.id}> now gets briefs about “Climate policy”."
    again = await run(fake_discord, "subscribe add", {"topic": "climate POLICY"}, user="mod", channel=news)
    assert again.content == f"<#{news.id}> is already subscribed to “climate POLICY”."
    await run(fake_discord, "subscribe add", {"topic": PORT_TOPIC}, user="mod", channel=news)
    await run(fake_discord, "subscribe add", {"topic": FIRE_TOPIC}, user="owner", channel=sports)

    listing = await run(fake_discord, "subscribe list", {}, user="mod", channel=sports)
    lines = listing.embeds[0]["description"].splitlines()
    assert lines[0] == f"<#{sports.id}>: “{FIRE_TOPIC}”"  # the channel it was asked in comes first
    assert lines[1] == f"<#{news.id}>: “Climate policy”, “{PORT_TOPIC}”"

    choices = await fake_discord.autocomplete(
        "subscribe remove", "topic", {"topic": "clim"}, user="mod", channel=news
    )
    assert [choice["value"] for choice in choices] == ["Climate policy"]
    removed = await run(
        fake_discord, "subscribe remove", {"topic": "Climate policy"}, user="mod", channel=news
    )
    assert removed.content == f"<#{news.id}> no longer gets briefs about “Climate policy”."
    gone = await run(fake_discord, "subscribe remove", {"topic": "Climate policy"}, user="mod", channel=news)
    assert gone.content == f"<#{news.id}> has no topic “Climate policy”."


async def test_feed_items_reach_the_subscribed_channels_once(
    fake_discord: FakeDiscord, bot: BotProcess
) -> None:
    await subscribe_news_and_sports(fake_discord)
    feed_url = serve_world_feed(fake_discord)
    port = f"{fake_discord.url}/web/world/rotterdam.html"
    added = await run(fake_discord, "feed add", {"url": feed_url}, user="mod")
    assert added.ephemeral and added.content.startswith(f"Following <{feed_url}>. I check it every 2 s")
    again = await run(fake_discord, "feed add", {"url": feed_url}, user="mod")
    assert again.content == f"This server already follows <{feed_url}>."

    news, sports = fake_discord.channel("news"), fake_discord.channel("sports")
    posted = await fake_discord.wait_for_message(
        news, lambda m: is_feed_post(m, "Rotterdam dockers walk out"), timeout=FIRST_POST_TIMEOUT
    )
    assert posted.embeds[0]["url"] == port
    assert f"New in <{feed_url}>" in posted.embeds[0]["description"]
    assert re.match(r"Brief #\d+ · extractive", posted.embeds[0]["footer"]["text"])
    await fake_discord.wait_for_message(
        sports, lambda m: is_feed_post(m, "Kalamata wildfire spreads"), timeout=60
    )

    await asyncio.sleep(3 * FEED_INTERVAL_S)  # several more polls
    assert [m.embeds[0]["title"] for m in feed_posts(fake_discord, "news")] == ["Rotterdam dockers walk out"]
    assert [m.embeds[0]["title"] for m in feed_posts(fake_discord, "sports")] == ["Kalamata wildfire spreads"]
    assert not feed_posts(fake_discord, "general")  # no topic there, and the methane story matched none
    later = fake_discord.web_requests(FEED_PATH)[3:]  # after the two /feed add checks and the first poll
    assert later and all(
        {k.lower(): v for k, v in r.headers.items()}.get("if-none-match") for r in later
    )  # conditional GETs
    assert any(r.status == 304 for r in later)

    listing = await run(fake_discord, "feed list", {}, user="mod")
    assert f"<{feed_url}>" in listing.embeds[0]["description"]
    assert "not yet polled" not in listing.embeds[0]["description"]


async def test_restart_keeps_everything_and_posts_nothing_twice(
    fake_discord: FakeDiscord, bot: BotProcess
) -> None:
    await follow_world_feed(fake_discord)
    general = fake_discord.channel("general")
    handle = await fake_discord.slash(
        "brief", {"text": METHANE.replace("Tuesday", "Thursday")}, channel=general
    )
    before = await fake_discord.interaction_response(handle, until=lambda m: bool(m.embeds), timeout=60)
    syncs = len(fake_discord.command_syncs())
    posts = {name: len(feed_posts(fake_discord, name)) for name in ("news", "sports")}

    bot.restart()

    assert len(fake_discord.command_syncs()) == syncs  # same command tree: no second sync
    history = await run(fake_discord, "history list", {}, user="bob")
    number = re.match(r"Brief #(\d+)", before.embeds[0]["footer"]["text"]).group(1)
    assert f"**#{number}**" in history.embeds[0]["description"]
    listing = await run(fake_discord, "subscribe list", {}, user="mod")
    assert f"“{PORT_TOPIC}”" in listing.embeds[0]["description"]
    assert f"“{FIRE_TOPIC}”" in listing.embeds[0]["description"]

    # A new item after the restart is posted once; the old ones are not posted again.
    strike_two = fake_discord.serve(
        "world/rotterdam-2.html",
        html_page("Rotterdam strike spreads to Antwerp", PORT_STRIKE.replace("Monday", "Friday")),
    )
    fake_discord.serve(
        FEED_PATH,
        rss_feed(
            "World",
            [
                ("Strike spreads", strike_two),
                (
                    "Methane",
                    fake_discord.serve("world/methane.html", html_page("EU curbs methane imports", METHANE)),
                ),
            ],
        ),
        content_type="application/rss+xml",
    )
    news = fake_discord.channel("news")
    await fake_discord.wait_for_message(
        news, lambda m: is_feed_post(m, "Rotterdam strike spreads to Antwerp"), timeout=FIRST_POST_TIMEOUT
    )
    await asyncio.sleep(3 * FEED_INTERVAL_S)
    assert len(feed_posts(fake_discord, "news")) == posts["news"] + 1
    assert len(feed_posts(fake_discord, "sports")) == posts["sports"]


async def test_feed_remove(fake_discord: FakeDiscord, bot: BotProcess) -> None:
    await follow_world_feed(fake_discord)
    choices = await fake_discord.autocomplete("feed remove", "url", {"url": "world"}, user="mod")
    assert len(choices) == 1
    removed = await run(fake_discord, "feed remove", {"url": choices[0]["value"]}, user="mod")
    assert removed.content == f"Stopped following <{choices[0]['value']}>."
    listing = await run(fake_discord, "feed list", {}, user="mod")
    assert "This server follows no feeds" in listing.embeds[0]["description"]


async def test_briefbot_sync_forces_a_sync(fake_discord: FakeDiscord, bot: BotProcess) -> None:
    syncs = len(fake_discord.command_syncs())
    command = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main(['sync']))"]
    started = time.monotonic()
    done = await asyncio.to_thread(
        subprocess.run, command, env=bot.environment(), cwd=bot.workdir, capture_output=True, timeout=120
    )
    elapsed = time.monotonic() - started
    output = done.stderr.decode()
    assert done.returncode == 0, output
    assert len(fake_discord.command_syncs()) == syncs + 1
    assert fake_discord.token not in output  # logs never show the token
    # No NLP worker: no model is loaded (a worker's loading output would show here) and it is quick.
    assert "Loading weights" not in output and "NLP worker" not in output
    print(f"\nbriefbot sync took {elapsed:.1f} s")
    assert elapsed < 20

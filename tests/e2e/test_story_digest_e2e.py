"""Stories and digests end to end: two outlets' briefs grouped into one story, Other coverage, /story
with autocomplete, /digest now, /actor with a topic, and a scheduled digest posted once across a restart.

The digest schedule's clock is injected (BRIEFBOT_DIGEST_CLOCK_START): the bot believes it is past the
scheduled hour, so a digest falls due within a check interval instead of hours.
"""

from __future__ import annotations

import asyncio
import re

import pytest
from e2e.harness import BotProcess
from e2e.news_articles import html_page
from fake_discord import FakeDiscord, InteractionHandle, Message
from story_articles import STORIES, unwrap

BRIEF_TIMEOUT = 120  # the first brief of a module also waits for the models to load
CHECK_INTERVAL_S = 1
FOOTER = re.compile(r"^Brief #(\d+) ")


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return {
        "BRIEFBOT_USER_COOLDOWN_S": "0",
        "BRIEFBOT_DIGEST_CHECK_INTERVAL_S": str(CHECK_INTERVAL_S),
        "BRIEFBOT_DIGEST_CLOCK_START": "2026-11-30T12:00:00+00:00",
    }


def publish(fake: FakeDiscord, name: str) -> str:
    _, title, text = STORIES[name]
    return fake.serve(f"{name}.html", html_page(title, unwrap(text)))


async def answer(fake: FakeDiscord, handle: InteractionHandle, *, text: bool = False) -> Message:
    """The response with its embeds (progress messages come first), or, for `text`, its message text."""
    if text:
        return await fake.interaction_response(handle, until=lambda m: bool(m.content), timeout=30)
    return await fake.interaction_response(handle, until=lambda m: bool(m.embeds), timeout=BRIEF_TIMEOUT)


def text_of(message: Message) -> str:
    parts = []
    for embed in message.embeds:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


def story_buttons(message: Message) -> list[str]:
    return [b["custom_id"] for b in message.buttons if b["custom_id"].startswith("bb:story:")]


async def brief_the_news(fake: FakeDiscord) -> tuple[Message, Message, Message]:
    """Both outlets' Aceh reports and an unrelated bank story: briefed by the module's first test, and
    answered from the store when a later test runs after it (so each test also runs on its own)."""
    briefed = []
    for name, user in (("aceh-wire", "alice"), ("aceh-local", "bob"), ("bank", "alice")):
        briefed.append(await answer(fake, await fake.slash("brief", {"url": publish(fake, name)}, user=user)))
    first, second, unrelated = briefed
    return first, second, unrelated


async def test_two_outlets_share_a_story_with_other_coverage(
    fake_discord: FakeDiscord, bot: BotProcess
) -> None:
    first, second, unrelated = await brief_the_news(fake_discord)
    assert story_buttons(first) == []  # briefed when the story had one article
    number = int(FOOTER.match(second.embeds[0]["footer"]["text"]).group(1))
    assert story_buttons(second) == [f"bb:story:{number}"]
    assert story_buttons(unrelated) == []

    pressed = await fake_discord.click(second, f"bb:story:{number}", user="alice")
    shown = await answer(fake_discord, pressed)
    assert shown.ephemeral
    story = text_of(shown)
    assert (
        "Quake kills five in Indonesia's Aceh" in story
        and "Five dead as earthquake shakes Central Aceh" in story
    )
    assert "Who said what: Sutopo Purwo Nugroho" in story
    assert re.match(r"Story #\d+ · 2 articles from 1 outlet", shown.embeds[0]["footer"]["text"])


async def test_story_command_by_brief_search_and_autocomplete(
    fake_discord: FakeDiscord, bot: BotProcess
) -> None:
    await brief_the_news(fake_discord)
    choices = await fake_discord.autocomplete("story", "query", {"query": "aceh"})
    assert len(choices) == 1 and choices[0]["name"].endswith("· 2 articles")
    chosen = await answer(fake_discord, await fake_discord.slash("story", {"query": choices[0]["value"]}))
    assert not chosen.ephemeral and "Coverage" in text_of(chosen)
    by_word = await answer(fake_discord, await fake_discord.slash("story", {"query": "jpmorgan"}))
    assert "JPMorgan" in by_word.embeds[0]["title"]
    asked = await fake_discord.slash("story", {"query": "volcano eruption"})
    missing = await fake_discord.wait_for_followup(asked, timeout=30)  # the public "thinking…" is removed
    assert missing.ephemeral and missing.content.startswith("I found no story for “volcano eruption”")


async def test_digest_now_and_actor_on_a_topic(fake_discord: FakeDiscord, bot: BotProcess) -> None:
    await brief_the_news(fake_discord)
    digest = await answer(fake_discord, await fake_discord.slash("digest now", {}, user="mod"))
    titles = [embed["title"] for embed in digest.embeds]
    assert len(titles) == 2 and all(re.match(r"\d\. ", t) for t in titles)
    assert digest.embeds[0]["author"]["name"] == "Digest of the last day"
    assert "Sutopo" in text_of(digest)  # key actors with what they said

    said = await answer(
        fake_discord,
        await fake_discord.slash("actor", {"name": "Sutopo Purwo Nugroho", "topic": "earthquakes"}),
    )
    assert said.embeds[0]["title"] == "What Sutopo Purwo Nugroho said about earthquakes"
    assert re.search(r"Story #\d+ · ", text_of(said))


async def test_a_scheduled_digest_posts_once_across_a_restart(
    fake_discord: FakeDiscord, bot: BotProcess
) -> None:
    await brief_the_news(fake_discord)
    news = fake_discord.channel("news")
    denied = await answer(
        fake_discord,
        await fake_discord.slash(
            "digest schedule",
            {"cadence": "daily", "hour": 8},
            user="alice",
            override_default_permissions=True,
        ),
        text=True,
    )
    assert denied.content == "You need the **Manage Channels** permission to do that."
    bad = await answer(
        fake_discord,
        await fake_discord.slash(
            "digest schedule",
            {"cadence": "daily", "hour": 8, "timezone": "Mars/Olympus"},
            user="mod",
            channel=news,
        ),
        text=True,
    )
    assert "I don't know the time zone “Mars/Olympus”" in bad.content
    done = await answer(
        fake_discord,
        await fake_discord.slash(
            "digest schedule", {"cadence": "daily", "hour": 8}, user="mod", channel=news
        ),
        text=True,
    )
    assert (
        done.content.startswith(f"<#{news.id}> gets a digest of every story")
        and "08:00 (UTC)" in done.content
    )

    def digests() -> list[Message]:
        return [
            m
            for m in fake_discord.messages(news)
            if m.embeds and m.embeds[0].get("author", {}).get("name") == "Daily digest"
        ]

    await fake_discord.wait_for_message(news, lambda m: bool(digests()), timeout=BRIEF_TIMEOUT)
    await asyncio.sleep(3 * CHECK_INTERVAL_S)
    assert len(digests()) == 1

    bot.restart()  # the clock starts over in the same period: the digest must not come again
    await asyncio.sleep(5 * CHECK_INTERVAL_S)
    assert len(digests()) == 1

    off = await answer(
        fake_discord, await fake_discord.slash("digest off", {}, user="mod", channel=news), text=True
    )
    assert off.content == f"<#{news.id}> gets no more scheduled digests."

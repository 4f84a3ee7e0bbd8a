"""/brief end to end: text, link, file, the context menu, progress, pagination, the store, threads
and replies for follow-ups, /ask, /history, /actor, cross-posts, and every bad input."""

from __future__ import annotations

import asyncio
import re
import time

import pytest
from e2e.news_articles import METHANE, PORT_STRIKE, WILDFIRE, hearing_article, html_page
from fake_discord import FakeDiscord, InteractionHandle, Message, Upload

BRIEF_TIMEOUT = 120  # the first brief of a module also waits for the models to load
FOOTER = re.compile(r"^Brief #(\d+) · (extractive|abstractive) · \d+\.\d s")
MAX_FILE_BYTES = 20_000


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return {"BRIEFBOT_USER_COOLDOWN_S": "0", "BRIEFBOT_MAX_FILE_BYTES": str(MAX_FILE_BYTES)}


def has_embeds(message: Message) -> bool:
    return bool(message.embeds)


def brief_id(message: Message) -> int:
    match = FOOTER.match(message.embeds[0]["footer"]["text"])
    assert match, message.embeds[0]["footer"]
    return int(match.group(1))


async def refusal(fake: FakeDiscord, handle: InteractionHandle) -> Message:
    """A refusal decided before the bot acknowledged (an unknown brief): its private first answer."""
    return await fake.interaction_response(handle, timeout=30)


def field(message: Message, name: str) -> str:
    return "\n".join(f["value"] for f in message.embeds[0].get("fields", []) if f["name"].startswith(name))


async def brief(fake: FakeDiscord, options: dict, **where: object) -> Message:
    handle = await fake.slash("brief", options, **where)  # type: ignore[arg-type]
    return await fake.interaction_response(handle, until=has_embeds, timeout=BRIEF_TIMEOUT)


async def rotterdam_brief(fake: FakeDiscord) -> Message:
    """The Rotterdam strike page, briefed: fetched by the test that checks fetching, answered from the
    store when a later test needs it (so each test also runs on its own)."""
    url = fake.serve(
        "news/rotterdam-strike.html", html_page("Rotterdam dock workers strike over automation", PORT_STRIKE)
    )
    return await brief(fake, {"url": url, "length": "medium"}, user="alice")


async def test_pasted_text_with_progress_thread_and_question(fake_discord: FakeDiscord, bot: object) -> None:
    general = fake_discord.channel("general")
    handle = await fake_discord.slash("brief", {"text": METHANE, "length": "short"}, user="alice")
    response = await fake_discord.interaction_response(handle, until=has_embeds, timeout=BRIEF_TIMEOUT)

    assert fake_discord.interaction(handle).ack_latency_s < 1.0  # deferred at once
    contents = [version.content for version in response.versions]
    assert contents.index("📖 Reading the article…") < contents.index(
        "🧠 Summarizing, finding the actors and who said what…"
    )
    assert not any("Fetching" in content for content in contents)  # no link, nothing to fetch
    assert not response.ephemeral and response.content == ""
    embed = response.embeds[0]
    assert "methane" in embed["description"].lower()
    assert embed["description"].count("• ") == 3
    assert "**Teresa Ribera**" in field(response, "Key actors")
    assert "**Teresa Ribera** said: “This is the first time we hold importers" in field(
        response, "Stated positions"
    )
    brief_number = brief_id(response)
    print(
        f"\n/brief (pasted text, first of the process) -> final message: "
        f"{response.versions[-1].at - handle.created_at:.2f} s"
    )

    thread = await fake_discord.wait_for_thread(response)
    assert thread.parent_id == general.id
    question = await fake_discord.post_message(
        thread, "What did Eurogas say about the timetable?", user="bob"
    )
    answer = await fake_discord.wait_for_message(
        thread, lambda m: m.reference_id == question.id, after=question.id, timeout=60
    )
    assert answer.embeds[0]["title"] == "Q: What did Eurogas say about the timetable?"
    assert "unrealistic" in answer.embeds[0]["description"]
    cited = field(answer, "From the article")
    assert re.search(r"^\[sentence \d+\] .*Eurogas", cited, re.MULTILINE)
    assert answer.embeds[0]["footer"]["text"].startswith(f"Brief #{brief_number} · ")


async def test_link_is_fetched_then_answered_from_the_store_and_refreshed(
    fake_discord: FakeDiscord, bot: object
) -> None:
    title = "Rotterdam dock workers strike over automation"
    url = fake_discord.serve("news/rotterdam-strike.html", html_page(title, PORT_STRIKE))
    handle = await fake_discord.slash("brief", {"url": url, "length": "medium"}, user="alice")
    first = await fake_discord.interaction_response(handle, until=has_embeds, timeout=BRIEF_TIMEOUT)
    contents = [version.content for version in first.versions]
    assert contents.index("🌐 Fetching the page…") < contents.index("📖 Reading the article…")
    assert first.embeds[0]["title"] == title
    assert first.embeds[0]["url"] == url
    assert "Niek Stam" in field(first, "Key actors")
    assert not any(button["custom_id"].startswith("bb:refresh:") for button in first.buttons)

    started = time.monotonic()
    second = await brief(
        fake_discord, {"url": url, "length": "medium"}, user="bob", channel=fake_discord.channel("news")
    )
    assert time.monotonic() - started < 3
    assert brief_id(second) == brief_id(first)
    assert "shown from the store" in second.content
    refresh = next(b for b in second.buttons if b["custom_id"] == f"bb:refresh:{brief_id(first)}")

    await fake_discord.click(second, refresh["custom_id"], user="bob")
    refreshed = await fake_discord.wait_until(
        lambda: (m := fake_discord.message(second.id)).embeds and brief_id(m) != brief_id(first) and m,
        timeout=BRIEF_TIMEOUT,
    )
    assert brief_id(refreshed) > brief_id(first)
    assert refreshed.content == ""
    assert [b["custom_id"] for b in refreshed.buttons] == [f"bb:evidence:{brief_id(refreshed)}"]  # no Refresh
    assert refreshed.embeds[0]["title"] == title
    assert len(fake_discord.web_requests("news/rotterdam-strike.html")) == 2  # fetched again


async def test_file_is_briefed_and_cross_posted_to_a_matching_channel(
    fake_discord: FakeDiscord, bot: object
) -> None:
    sports = fake_discord.channel("sports")
    topic = await fake_discord.slash(
        "subscribe add", {"topic": "wildfires and firefighting in Greece"}, user="mod", channel=sports
    )
    await fake_discord.interaction_response(topic, timeout=30)

    response = await brief(
        fake_discord, {"file": Upload("kalamata-fire.txt", WILDFIRE.encode(), "text/plain")}
    )
    assert "Kalamata" in response.embeds[0]["description"]
    number = brief_id(response)

    posted = await fake_discord.wait_for_message(
        sports,
        lambda m: bool(m.embeds) and m.embeds[0]["footer"]["text"].startswith(f"Brief #{number} "),
        timeout=60,
    )
    assert (
        "Matches this channel's topic “wildfires and firefighting in Greece”"
        in posted.embeds[0]["description"]
    )
    assert str(response.id) in posted.embeds[0]["description"]  # the jump link to the full briefing
    assert not [
        m for m in fake_discord.messages(fake_discord.channel("news")) if f"Brief #{number} " in m.text
    ]


async def test_long_briefing_is_paginated_with_buttons(fake_discord: FakeDiscord, bot: object) -> None:
    article = hearing_article(40).encode()
    response = await brief(fake_discord, {"file": Upload("hearing.md", article, "text/markdown")}, user="bob")
    footer = response.embeds[0]["footer"]["text"]
    pages = int(re.search(r" · page 1/(\d+)$", footer).group(1))
    assert pages >= 2
    labels = {button["label"]: button for button in response.buttons}
    assert labels["◀ Previous"].get("disabled") and not labels["Next ▶"].get("disabled")

    await fake_discord.click(response, labels["Next ▶"]["custom_id"], user="alice")
    turned = await fake_discord.wait_until(
        lambda: (
            (m := fake_discord.message(response.id)).embeds[0]["footer"]["text"].endswith(f"page 2/{pages}")
            and m
        ),
        timeout=10,
    )
    assert "description" not in turned.embeds[0]
    assert any(f["name"].startswith("Stated positions") for f in turned.embeds[0]["fields"])
    assert not {b["label"]: b for b in turned.buttons}["◀ Previous"].get("disabled")


async def test_brief_this_message_briefs_its_first_link(fake_discord: FakeDiscord, bot: object) -> None:
    title = "Rotterdam strike enters its second day"
    url = fake_discord.serve(
        "news/rotterdam-day-two.html", html_page(title, PORT_STRIKE.replace("Monday", "Friday"))
    )
    message = await fake_discord.post_message(
        fake_discord.channel("news"), f"Still no ships moving in Rotterdam: {url} (via a friend)", user="bob"
    )
    handle = await fake_discord.message_command("Brief this message", message, user="alice")
    response = await fake_discord.interaction_response(handle, until=has_embeds, timeout=BRIEF_TIMEOUT)
    assert response.embeds[0]["title"] == title
    assert response.embeds[0]["url"] == url
    thread = await fake_discord.wait_for_thread(response)  # a public brief, open to questions
    assert thread.name.startswith(f"#{brief_id(response)} ")


async def test_private_brief_is_ephemeral_without_thread(fake_discord: FakeDiscord, bot: object) -> None:
    news = fake_discord.channel("news")
    text = METHANE.replace("Tuesday", "Wednesday")
    response = await brief(fake_discord, {"text": text, "private": True}, user="bob", channel=news)
    assert response.ephemeral
    await asyncio.sleep(1.5)  # a thread would be opened right after the briefing is shown
    prefix = f"#{brief_id(response)} "
    assert not [thread for thread in fake_discord.threads(news) if thread.name.startswith(prefix)]


async def test_private_brief_is_only_bobs(fake_discord: FakeDiscord, bot: object) -> None:
    """Kept from everyone else's history, autocomplete, /ask, /actor and the store's answers."""
    news = fake_discord.channel("news")
    text = METHANE.replace("Tuesday", "Friday")
    secret = await brief(fake_discord, {"text": text, "private": True}, user="bob", channel=news)
    number = brief_id(secret)
    label = f"#{number} "

    handle = await fake_discord.slash("history list", {}, user="alice")
    listing = await fake_discord.interaction_response(handle, until=has_embeds, timeout=30)
    assert f"**#{number}**" not in listing.embeds[0]["description"]
    handle = await fake_discord.slash("history list", {}, user="bob")
    listing = await fake_discord.interaction_response(handle, until=has_embeds, timeout=30)
    assert listing.embeds[0]["description"].startswith(f"**#{number}**")  # his own, newest first

    for command, option in (("ask", "brief"), ("history show", "id")):
        typed = {"question": "Who?", "brief": str(number)} if command == "ask" else {"id": str(number)}
        theirs = await fake_discord.autocomplete(command, option, typed, user="alice")
        assert not [choice for choice in theirs if choice["name"].startswith(label)]
        mine = await fake_discord.autocomplete(command, option, typed, user="bob")
        assert [choice["value"] for choice in mine if choice["name"].startswith(label)] == [number]

    question = {"question": "What did Teresa Ribera say?", "brief": number}
    handle = await fake_discord.slash("ask", question, user="alice", channel=news)
    refused = await refusal(fake_discord, handle)
    assert refused.ephemeral and f"brief #{number}" in refused.content
    handle = await fake_discord.slash("ask", question, user="bob", channel=news)
    answer = await fake_discord.interaction_response(handle, until=has_embeds, timeout=60)
    assert answer.ephemeral  # about a private brief: for bob's eyes only
    assert answer.embeds[0]["footer"]["text"].startswith(f"Brief #{number} · ")
    handle = await fake_discord.slash("history show", {"id": number}, user="bob")
    shown = await fake_discord.interaction_response(handle, until=has_embeds, timeout=30)
    assert shown.ephemeral and brief_id(shown) == number
    handle = await fake_discord.slash("history show", {"id": number}, user="alice")
    missing = await refusal(fake_discord, handle)
    assert missing.ephemeral and f"There is no brief #{number}" in missing.content

    # The same text briefed in public is a new public brief, not bob's from the store.
    public = await brief(fake_discord, {"text": text}, user="alice", channel=news)
    assert not public.ephemeral and brief_id(public) != number
    assert "from the store" not in public.content


async def test_replies_are_questions_where_threads_are_not_allowed(
    fake_discord: FakeDiscord, bot: object
) -> None:
    channel = fake_discord.channel("no-threads")
    response = await brief(fake_discord, {"text": METHANE}, channel=channel)
    assert not fake_discord.threads(channel)
    hint = await fake_discord.wait_for_message(channel, lambda m: m.reference_id == response.id, timeout=30)
    assert "reply to the briefing" in hint.text
    question = await fake_discord.post_message(
        channel, "Who is Teresa Ribera?", user="alice", reply_to=response
    )
    answer = await fake_discord.wait_for_message(channel, lambda m: m.reference_id == question.id, timeout=60)
    assert answer.embeds[0]["title"] == "Q: Who is Teresa Ribera?"
    assert "commissioner" in answer.text


async def test_ask_from_anywhere_with_autocomplete(fake_discord: FakeDiscord, bot: object) -> None:
    await rotterdam_brief(fake_discord)
    choices = await fake_discord.autocomplete("ask", "brief", {"question": "Who", "brief": "dock"})
    port = next(choice for choice in choices if "Rotterdam" in choice["name"])
    assert all(len(choice["name"]) <= 100 for choice in choices)
    handle = await fake_discord.slash(
        "ask",
        {"question": "How many workers joined the strike?", "brief": port["value"]},
        channel=fake_discord.channel("sports"),
    )
    answer = await fake_discord.interaction_response(handle, until=has_embeds, timeout=60)
    assert "4,000" in answer.embeds[0]["description"]
    assert "[sentence " in field(answer, "From the article")


async def test_ask_defaults_to_the_latest_brief_and_stays_in_its_server(
    fake_discord: FakeDiscord, bot: object
) -> None:
    elsewhere = fake_discord.channel("general", fake_discord.guild("Other Guild"))
    mine = await brief(fake_discord, {"text": WILDFIRE}, channel=elsewhere)
    handle = await fake_discord.slash(
        "ask", {"question": "How many firefighting planes is the EU sending?"}, channel=elsewhere
    )
    answer = await fake_discord.interaction_response(handle, until=has_embeds, timeout=60)
    assert answer.embeds[0]["footer"]["text"].startswith(f"Brief #{brief_id(mine)} · ")
    assert "two firefighting planes" in answer.embeds[0]["description"]

    first_server_brief = brief_id(mine) - 1
    handle = await fake_discord.slash(
        "ask", {"question": "Who?", "brief": first_server_brief}, channel=elsewhere
    )
    refused = await refusal(fake_discord, handle)
    assert refused.ephemeral and f"brief #{first_server_brief}" in refused.content


async def test_history_lists_and_shows_without_recomputing(fake_discord: FakeDiscord, bot: object) -> None:
    await rotterdam_brief(fake_discord)
    handle = await fake_discord.slash("history list", {}, user="bob")
    listing = await fake_discord.interaction_response(handle, until=has_embeds, timeout=30)
    assert listing.ephemeral
    assert listing.embeds[0]["title"] == "Recent briefs"
    assert "Rotterdam dock workers strike over automation" in listing.embeds[0]["description"]
    first_line = listing.embeds[0]["description"].splitlines()[0]
    newest = int(re.match(r"\*\*#(\d+)\*\*", first_line).group(1))

    choices = await fake_discord.autocomplete("history show", "id", {"id": "automation"})
    shown_id = next(choice["value"] for choice in choices if "strike over automation" in choice["name"])
    requests_before = len(fake_discord.web_requests("news/rotterdam-strike.html"))
    started = time.monotonic()
    handle = await fake_discord.slash("history show", {"id": shown_id})
    shown = await fake_discord.interaction_response(handle, until=has_embeds, timeout=30)
    assert time.monotonic() - started < 3
    assert brief_id(shown) == shown_id and shown_id <= newest
    assert shown.embeds[0]["title"] == "Rotterdam dock workers strike over automation"
    assert len(fake_discord.web_requests("news/rotterdam-strike.html")) == requests_before

    handle = await fake_discord.slash("history show", {"id": 999_999})
    missing = await refusal(fake_discord, handle)
    assert missing.ephemeral and "There is no brief #999999" in missing.content


async def test_actor_timeline_across_briefs(fake_discord: FakeDiscord, bot: object) -> None:
    # Two public briefs quote her (from the store when the tests before this one made them).
    await brief(fake_discord, {"text": METHANE}, user="alice")
    friday = METHANE.replace("Tuesday", "Friday")
    await brief(fake_discord, {"text": friday}, user="alice", channel=fake_discord.channel("news"))
    choices = await fake_discord.autocomplete("actor", "name", {"name": "teresa"})
    assert "Teresa Ribera" in [choice["value"] for choice in choices]
    handle = await fake_discord.slash(
        "actor", {"name": "Teresa Ribera"}, channel=fake_discord.channel("sports")
    )
    response = await fake_discord.interaction_response(handle, until=has_embeds, timeout=30)
    embed = response.embeds[0]
    assert embed["title"] == "What Teresa Ribera said"
    headings = [f["name"] for f in embed["fields"]]
    assert len(headings) >= 2  # the pasted brief and the public Friday variant; never private ones
    numbers = [int(re.search(r"Brief #(\d+)", heading).group(1)) for heading in headings]
    assert numbers == sorted(numbers, reverse=True)  # newest first
    assert re.match(r"\d{4}-\d{2}-\d{2} · Brief #\d+", headings[0])
    assert "“This is the first time we hold importers" in embed["fields"][0]["value"]

    # Each statement links to its briefing's message in Discord (a pasted text has no source link).
    guild = fake_discord.guild()
    for heading, statement in zip(numbers, embed["fields"], strict=True):
        jump = re.search(
            r"\[briefing\]\(https://discord\.com/channels/(\d+)/(\d+)/(\d+)\)", statement["value"]
        )
        assert jump, statement["value"]
        guild_id, channel_id, message_id = map(int, jump.groups())
        posted = fake_discord.message(message_id)
        assert (guild_id, channel_id) == (guild.id, posted.channel_id)
        assert brief_id(posted) == heading and not posted.ephemeral


BAD_INPUTS = [
    ({}, "Give me something to brief: one of `text`, `url` or `file`."),
    ({"text": METHANE, "url": "https://news.example.org/a"}, "Use only one of `text`, `url` or `file`"),
    ({"text": "   "}, "The `text` is empty."),
    ({"url": "ftp://news.example.org/story.txt"}, "I can only brief http:// and https:// links"),
    ({"url": "javascript:alert(1)"}, "I can only brief http:// and https:// links"),
    ({"file": Upload("big.txt", b"word " * (MAX_FILE_BYTES // 4), "text/plain")}, "the limit is 20 KB"),
    ({"file": Upload("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")}, "not “photo.png”"),
]


@pytest.mark.parametrize(("options", "message"), BAD_INPUTS, ids=[m[:30] for _, m in BAD_INPUTS])
async def test_bad_input_gets_a_private_explanation(
    fake_discord: FakeDiscord, bot: object, options: dict, message: str
) -> None:
    handle = await fake_discord.slash("brief", options, user="bob")
    response = await fake_discord.interaction_response(handle, timeout=10)
    assert response.ephemeral
    assert message in response.content
    assert fake_discord.interaction(handle).ack_type == 4  # refused at once, nothing was started


async def test_unreachable_page_replaces_the_public_thinking_message(
    fake_discord: FakeDiscord, bot: object
) -> None:
    url = fake_discord.serve("news/gone.html", "<h1>Not found</h1>", status=404)
    handle = await fake_discord.slash("brief", {"url": url}, user="bob")
    followup = await fake_discord.wait_for_followup(handle, timeout=60)
    assert followup.ephemeral
    assert "404" in followup.content
    assert fake_discord.interaction(handle).original.deleted  # nothing public is left behind


async def test_abstractive_without_a_model_falls_back_with_a_note(
    fake_discord: FakeDiscord, bot: object
) -> None:
    text = PORT_STRIKE.replace("Monday", "Tuesday")
    response = await brief(fake_discord, {"text": text, "method": "abstractive"}, user="bob")
    assert response.embeds[0]["description"].startswith("⚠️ ")
    assert "abstractive" in response.embeds[0]["description"].splitlines()[0].lower()
    assert FOOTER.match(response.embeds[0]["footer"]["text"]).group(2) == "extractive"

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import discord
import pytest

from bot import render
from service.records import (
    ActorStatement,
    BriefOutcome,
    BriefRow,
    Feed,
    PostedMessage,
    StoredBrief,
    Subscription,
)
from summarizer.models import Actor, Answer, Article, Position

# Discord's limits, written out here independently of bot/render.py.
DISCORD = {
    "title": 256,
    "description": 4096,
    "fields": 25,
    "field_name": 256,
    "field_value": 1024,
    "footer": 2048,
    "total": 6000,
}


def utf16(text: str | None) -> int:
    return len((text or "").encode("utf-16-le")) // 2


def assert_fits(embeds: list[discord.Embed]) -> None:
    """Every limit, counted both in code points and in UTF-16 units (the stricter)."""
    assert 1 <= len(embeds) <= 10
    total = 0
    for embed in embeds:
        payload = embed.to_dict()
        assert utf16(payload.get("title")) <= DISCORD["title"]
        assert utf16(payload.get("description")) <= DISCORD["description"]
        assert len(payload.get("fields", [])) <= DISCORD["fields"]
        for embed_field in payload.get("fields", []):
            assert 0 < utf16(embed_field["name"]) <= DISCORD["field_name"]
            assert 0 < utf16(embed_field["value"]) <= DISCORD["field_value"]
        assert utf16(payload.get("footer", {}).get("text")) <= DISCORD["footer"]
        total += render.embed_size(embed)
        assert len(embed) <= render.embed_size(embed)  # discord.py's own count never exceeds ours
    assert total <= DISCORD["total"]


def all_text(embeds: list[discord.Embed]) -> str:
    parts = []
    for embed in embeds:
        parts += [embed.title or "", embed.description or "", embed.footer.text or ""]
        parts += [f"{f.name}\n{f.value}" for f in embed.fields]
    return "\n".join(parts)


class TestShorten:
    def test_short_text_is_unchanged(self) -> None:
        assert render.shorten("Ministers agreed on Tuesday.", 100) == "Ministers agreed on Tuesday."

    def test_cuts_at_a_word_boundary_with_a_marker(self, article_sentences: list[str]) -> None:
        text = article_sentences[0]
        result = render.shorten(text, 40)
        assert result.endswith("…")
        assert len(result) <= 40
        assert text.startswith(result[:-1])
        assert text[len(result) - 1] == " "  # the cut fell between two words

    def test_single_long_word_is_cut_inside_but_marked(self) -> None:
        result = render.shorten("Donaudampfschifffahrtsgesellschaft" * 10, 50)
        assert len(result) == 50 and result.endswith("…")

    def test_astral_characters_count_twice(self) -> None:
        result = render.shorten("😀" * 100, 21)
        assert utf16(result) <= 21
        assert result == "😀" * 10 + "…"

    def test_does_not_end_in_a_dangling_escape(self) -> None:
        escaped = render.escape("a_b " * 50)
        assert not render.shorten(escaped, 31).removesuffix("…").endswith("\\")


class TestBriefingPages:
    def test_realistic_briefing_is_one_page_with_everything(self, stored: StoredBrief) -> None:
        pages = render.briefing_pages(stored)
        assert len(pages) == 1
        page = pages[0]
        assert page.title == "EU agrees to curb methane from gas imports"
        assert page.url == "https://news.example.org/2026/11/eu-methane-deal"
        assert page.footer.text == "Brief #42 · extractive · 1.2 s"
        assert "• Ministers from the European Union agreed on Tuesday" in (page.description or "")
        actors = next(f.value for f in page.fields if f.name == "Key actors")
        assert "**Teresa Ribera** — the EU's climate commissioner · person" in actors
        positions = next(f.value for f in page.fields if f.name == "Stated positions")
        assert (
            "**Teresa Ribera** said: “This is the first time we hold importers to the same standard as our "
            "own producers” (sentence 3)" in positions
        )
        assert "**Eurogas** said the timetable was unrealistic (sentence 5)" in positions
        assert_fits(pages)

    def test_only_the_key_actors_are_listed_with_a_pointer_to_the_rest(
        self, briefing_factory, stored_factory
    ) -> None:
        people = [
            Actor(name=f"Minister {n}", kind="person", mentions=12 - n, salience=1 - n / 20)
            for n in range(11)
        ]
        stored = stored_factory(briefing_factory(actors=people))
        actors = next(f.value for f in render.briefing_pages(stored)[0].fields if f.name == "Key actors")
        lines = actors.splitlines()
        assert lines[: render.KEY_ACTORS] == [render.actor_line(a) for a in people[: render.KEY_ACTORS]]
        assert "Minister 8" not in actors
        assert lines[-1] == "*… and 3 more actors: press **All actors**.*"

    def test_all_actors_pages_list_everyone_in_order_and_fit(self, huge_stored: StoredBrief) -> None:
        pages = render.all_actors_pages(huge_stored)
        text = "\n".join(f.value for page in pages for f in page.fields)
        assert text.startswith("1. **Actor 0")
        assert "200. **Actor 199" in text
        assert pages[0].footer.text is not None and "200 actors, most central first" in pages[0].footer.text
        for page in pages:
            assert_fits([page])  # one page per message

    def test_all_actors_of_a_briefing_without_actors(self, briefing_factory, stored_factory) -> None:
        (page,) = render.all_actors_pages(stored_factory(briefing_factory(actors=[])))
        assert page.description == "No actors were found in this article."

    def test_notes_and_fallback_are_shown_first(self, briefing_factory, stored_factory) -> None:
        briefing = briefing_factory(warnings=["This article looks like it is not in English (detected: de)."])
        note = "No abstractive model is configured, so I used extractive."
        description = render.briefing_pages(stored_factory(briefing), fallback_note=note)[0].description or ""
        lines = description.splitlines()
        assert lines[0] == "⚠️ No abstractive model is configured, so I used extractive."
        assert lines[1].startswith("⚠️ This article looks like it is not in English")

    def test_unsupported_abstractive_sentence_is_flagged(self, stored: StoredBrief) -> None:
        stored.briefing.summary.sentences[0].supported = False
        stored.briefing.summary.sentences[0].unsupported = ["Madrid"]
        assert "*(not found in the article: Madrid)*" in (render.briefing_pages(stored)[0].description or "")

    def test_pasted_text_has_no_link_and_a_title_from_its_lead(
        self, briefing_factory, stored_factory
    ) -> None:
        # Briefs stored before the engine titled every article get their lead's first words, never
        # a placeholder that makes every pasted brief look the same.
        article = Article(text="x", source_kind="text", source="pasted")
        briefing = briefing_factory(article=article)
        page = render.briefing_pages(stored_factory(briefing))[0]
        assert page.url is None
        lead = briefing.sentences[0].text.split()
        assert page.title == " ".join(lead[: render.UNTITLED_WORDS]) + "…"

    def test_huge_briefing_is_paginated_within_every_limit(self, huge_outcome: BriefOutcome) -> None:
        pages = render.briefing_pages(huge_outcome.brief, fallback_note=huge_outcome.fallback_note)
        assert len(pages) > 10
        for number, page in enumerate(pages, start=1):
            assert_fits([page])
            assert (page.footer.text or "").endswith(f" · page {number}/{len(pages)}")
            assert render.brief_id_in_footer([page]) == 42
        assert pages[0].url is None  # a 3000-character link is not a valid embed URL

    def test_huge_briefing_loses_no_actor_or_position(self, huge_outcome: BriefOutcome) -> None:
        huge_stored = huge_outcome.brief
        text = all_text(render.briefing_pages(huge_stored, fallback_note=huge_outcome.fallback_note))
        everyone = all_text(render.all_actors_pages(huge_stored))
        for n in range(200):
            assert f"**Actor {n} " in (text if n < render.KEY_ACTORS else everyone)
        assert text.count("” (sentence ") == 500
        assert "” (sentence 500)" in text

    def test_every_cut_is_marked(self, huge_outcome: BriefOutcome) -> None:
        pages = render.briefing_pages(huge_outcome.brief, fallback_note=huge_outcome.fallback_note)
        title = pages[0].title or ""
        assert title.endswith("…") and utf16(title) <= 256
        quote_lines = [line for page in pages for f in page.fields for line in (f.value or "").splitlines()]
        long_quotes = [line for line in quote_lines if "Der Minister" in line]
        assert long_quotes and all("…”" in line for line in long_quotes)


class TestOtherEmbeds:
    def test_compact_embed_fits_and_names_the_brief(self, huge_stored: StoredBrief) -> None:
        embed = render.compact_embed(huge_stored, "Matches this channel's topic “energy”")
        assert_fits([embed])
        assert render.brief_id_in_footer([embed]) == 42
        assert "… and 195 more" in embed.fields[0].value

    def test_content_says_only_a_stored_answer_came_from_the_store(self, stored: StoredBrief) -> None:
        assert render.brief_content(BriefOutcome(stored)) is None
        content = render.brief_content(BriefOutcome(stored, cached=True)) or ""
        assert content.startswith("Briefed before (<t:") and "**Refresh**" in content

    def test_compact_embed_keeps_the_note(self, stored: StoredBrief) -> None:
        embed = render.compact_embed(stored, "New in <https://news.example.org/feed.xml>")
        assert (embed.description or "").endswith("New in <https://news.example.org/feed.xml>")

    def test_answer_cites_sentence_numbers_and_texts(
        self, stored: StoredBrief, article_sentences: list[str]
    ) -> None:
        answer = Answer(
            question="What did Eurogas want?",
            text="Eurogas said the timetable was unrealistic and urged a two-year delay.",
            citations=[4],
            found=True,
        )
        embed = render.answer_embed(answer, stored)
        assert embed.title == "Q: What did Eurogas want?"
        assert embed.fields[0].value == f"[sentence 5] {article_sentences[4]}"
        assert render.brief_id_in_footer([embed]) == 42
        assert_fits([embed])

    def test_huge_answer_fits(self, huge_stored: StoredBrief) -> None:
        answer = Answer(
            question="why? " * 2000, text="because " * 3000, citations=list(range(6)) * 50, found=True
        )
        assert_fits([render.answer_embed(answer, huge_stored)])

    def test_history_page(self) -> None:
        created = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
        rows = [
            BriefRow(n, f"Story number {n}", f"https://example.org/{n}", "url", created, 10, 100)
            for n in range(10)
        ]
        embed = render.history_page(rows, page=1, per_page=10, total=25)
        assert embed.footer.text == "Page 2/3 · 25 briefs · /history show id:<n> opens one"
        assert "**#3** [Story number 3](https://example.org/3) · <t:" in (embed.description or "")
        assert "in <#10>" in (embed.description or "")
        assert_fits([embed])

    def test_empty_history_says_how_to_start(self) -> None:
        embed = render.history_page([], page=0, per_page=10, total=0)
        assert "/brief" in (embed.description or "")
        assert embed.footer.text is not None and embed.footer.text.startswith("Page 1/1")

    def test_actor_pages_newest_first_with_links(self) -> None:
        statements = [
            ActorStatement(
                brief_id=n,
                title=f"Story {n}",
                source=f"https://example.org/{n}",
                created_at=datetime(2026, 11, n, tzinfo=UTC),
                channel_id=10,
                position=Position("Teresa Ribera", "We will not back down " * 40, "direct", "said", 2),
            )
            for n in range(20, 0, -1)
        ]
        pages = render.actor_pages("Teresa Ribera", statements, guild_id=1)
        assert pages[0].title == "What Teresa Ribera said"
        assert pages[0].fields[0].name == "2026-11-20 · Brief #20 · Story 20"
        assert "[source](https://example.org/20)" in pages[0].fields[0].value
        for page in pages:
            assert_fits([page])

    def test_actor_statement_links_to_its_briefing_message_when_known(self) -> None:
        posted = ActorStatement(
            brief_id=7,
            title="EU methane rules",
            source="https://example.org/methane",
            created_at=datetime(2026, 11, 24, tzinfo=UTC),
            channel_id=10,
            position=Position("Teresa Ribera", "We will hold importers to account", "direct", "said", 1),
            message=PostedMessage(channel_id=30, message_id=9001),
        )
        (page,) = render.actor_pages("Teresa Ribera", [posted], guild_id=555)
        value = page.fields[0].value or ""
        assert "[briefing](https://discord.com/channels/555/30/9001)" in value
        assert "<#30>" in value and "[source]" not in value
        (unposted,) = render.actor_pages("Teresa Ribera", [replace(posted, message=None)], guild_id=555)
        assert "[source](https://example.org/methane)" in (unposted.fields[0].value or "")
        assert "discord.com/channels" not in (unposted.fields[0].value or "")

    def test_unknown_actor(self) -> None:
        pages = render.actor_pages("Nobody", [], guild_id=1)
        assert len(pages) == 1 and "No statements by Nobody" in (pages[0].description or "")

    def test_subscriptions_grouped_by_channel_this_one_first(self) -> None:
        created = datetime(2026, 11, 24, tzinfo=UTC)
        subscriptions = [
            Subscription(1, 1, 20, "climate policy", 100, created),
            Subscription(2, 1, 10, "energy prices", 100, created),
            Subscription(3, 1, 20, "EU summits", 100, created),
        ]
        description = render.subscriptions_embed(subscriptions, channel_id=10).description or ""
        assert description.splitlines() == ["<#10>: “energy prices”", "<#20>: “climate policy”, “EU summits”"]

    def test_feeds_listing_shows_errors(self) -> None:
        created = datetime(2026, 11, 24, tzinfo=UTC)
        feeds = [
            Feed(1, "https://example.org/rss", created, None, None, None, ""),
            Feed(2, "https://example.org/atom", created, "x", None, created, "HTTP 500"),
        ]
        description = render.feeds_embed(feeds).description or ""
        assert "<https://example.org/rss> · not yet polled" in description
        assert "⚠️ HTTP 500" in description

    def test_a_feed_leased_by_a_poller_reads_as_being_polled(self) -> None:
        created = datetime(2026, 11, 24, tzinfo=UTC)
        leased_until = datetime.now(UTC) + timedelta(minutes=10)
        feeds = [Feed(1, "https://example.org/rss", created, None, None, leased_until, "")]
        assert "· being polled now" in (render.feeds_embed(feeds).description or "")

    def test_choice_names_fit(self) -> None:
        row = BriefRow(7, "A" * 300, "pasted", "text", datetime(2026, 1, 1, tzinfo=UTC), 1, 1)
        name = render.brief_choice_name(row)
        assert name.startswith("#7 · AAA") and len(name) <= 100 and name.endswith("…")

    def test_thread_name_fits(self, huge_stored: StoredBrief) -> None:
        assert len(render.thread_name(huge_stored)) <= 100


@pytest.mark.parametrize("footer", ["Brief #42 · extractive · 1.2 s", "Brief #42 · reply to ask about it"])
def test_brief_id_read_back_from_footer(footer: str) -> None:
    embed = discord.Embed(title="x").set_footer(text=footer)
    assert render.brief_id_in_footer([discord.Embed(title="y"), embed]) == 42


def test_other_footers_name_no_brief() -> None:
    assert render.brief_id_in_footer([discord.Embed().set_footer(text="Page 1/3 · Brief #4")]) is None


def test_markdown_in_article_text_is_escaped(briefing_factory, stored_factory) -> None:
    briefing = briefing_factory(
        positions=[Position("Acme_Corp", "prices **will** rise", "direct", "said", 0)]
    )
    positions = render.briefing_pages(stored_factory(briefing))[0].fields[-1].value
    assert positions == "**Acme\\_Corp** said: “prices \\*\\*will\\*\\* rise” (sentence 1)"


@pytest.mark.parametrize(
    ("position", "statement"),
    [
        (
            Position("Tories", "the maternity pay plan as “desperate”", "reported", "dismissed", 0),
            "**Tories** dismissed the maternity pay plan as “desperate”",
        ),
        (
            Position("Eurogas", "a two-year delay", "reported", "urged", 0),
            "**Eurogas** urged a two-year delay",
        ),
        (  # the engine keeps a naming statement's verb in its text: the cue is not said twice
            Position("Tories", "dismissed the plan as “desperate”", "reported", "dismissed", 0),
            "**Tories** dismissed the plan as “desperate”",
        ),
        (
            Position("Niek Stam", "Robots are welcome", "direct", "said", 0),
            "**Niek Stam** said: “Robots are welcome”",
        ),
        (
            Position(
                "Paulina Hennig-Kloska",
                "her government would support the law",
                "reported",
                "told reporters",
                0,
            ),
            "**Paulina Hennig-Kloska** told reporters her government would support the law",
        ),
        (
            Position("the fire service", "300 firefighters were at work", "reported", "according to", 0),
            "According to **the fire service**, 300 firefighters were at work",
        ),
        (
            Position("Peskov", "Talks are over", "direct", "according to", 0),
            "According to **Peskov**: “Talks are over”",
        ),
        (
            Position("a spokesman", "the talks had stalled", "reported", "adding", 0),
            "**A spokesman**, adding the talks had stalled",
        ),
        (Position("Ribera", "Methane matters", "direct", "", 0), "**Ribera**: “Methane matters”"),
    ],
)
def test_positions_read_as_statements(position: Position, statement: str) -> None:
    assert render.position_statement(position) == statement


def test_plurals() -> None:
    assert render.plural(1, "brief") == "1 brief"
    assert render.plural(0, "brief") == "0 briefs"
    assert render.plural(2, "statement") == "2 statements"
    embed = render.history_page([], page=0, per_page=10, total=1)
    assert "· 1 brief ·" in (embed.footer.text or "")


def test_answers_keep_one_statement_per_line(stored: StoredBrief) -> None:
    text = (
        "Dmitry Peskov said: “There is no talk of a ceasefire between the U.S. and Russia.”\n"
        "Dmitry Peskov added: “Talks are *not* planned.”\n\n\n\n# New paragraph\n1. not a list"
    )
    answer = Answer("What did Peskov say?", text, [], found=True)
    description = render.answer_embed(answer, stored).description or ""
    assert description.splitlines() == [
        "Dmitry Peskov said: “There is no talk of a ceasefire between the U.S. and Russia.”",
        "Dmitry Peskov added: “Talks are \\*not\\* planned.”",
        "",
        "\\# New paragraph",
        "1\\. not a list",
    ]


def test_evidence_shows_every_word_of_a_long_quote_and_its_sentence(huge_stored: StoredBrief) -> None:
    briefing = huge_stored.briefing
    speaker = render.speakers(briefing)[3]
    pages = render.evidence_pages(huge_stored, 3)
    for page in pages:
        assert_fits([page])
        assert page.title == render.shorten(f"Evidence: {speaker}", render.TITLE_LIMIT)
    text = "".join((f.value or "").replace("\n", " ") for page in pages for f in page.fields)
    position = next(p for p in briefing.positions if p.actor == speaker)
    words = render.escape(position.text).split()
    assert " ".join(words[:50]) in " ".join(text.split())
    assert " ".join(words[-50:]) in " ".join(text.split())  # the end is there too: nothing was cut
    evidence = next(s.text for s in briefing.sentences if s.index == position.sentence)
    assert "> " + render.escape(evidence)[:50] in text


def test_evidence_of_the_realistic_briefing(stored: StoredBrief) -> None:
    names = render.speakers(stored.briefing)
    ribera = names.index("Teresa Ribera")
    (page,) = render.evidence_pages(stored, ribera)
    assert page.title == "Evidence: Teresa Ribera"
    assert page.fields[0].name.startswith("1. quote, sentence ")
    lines = (page.fields[0].value or "").splitlines()
    assert lines[0].startswith("**Teresa Ribera** said: “This is the first time")
    assert lines[1].startswith("> ")

"""Stories, digests and topic timelines always fit Discord's limits and mark single-outlet reports."""

from __future__ import annotations

from datetime import UTC, datetime

import discord
from test_render import assert_fits

from bot import render_stories
from service.records import ActorStatement
from service.stories import StoryStatements, StoryView
from storage.records import DigestSchedule
from summarizer.digest import Digest, DigestEntry
from summarizer.models import Position
from summarizer.story_merge import OutletStatement, Story, StoryActor, StoryFact
from summarizer.story_signature import ArticleRef

WHEN = datetime(2026, 11, 30, 9, tzinfo=UTC)


def make_story(
    size: int = 0, *, facts: int = 3, outlets: tuple[str, ...] = ("wire.example", "local.example")
) -> Story:
    words = "".join([" quake"] * size)
    articles = [
        ArticleRef(outlet, f"Quake kills five in Aceh{words}", f"https://{outlet}/aceh", WHEN)
        for outlet in outlets
    ]
    summary = [StoryFact(f"Fact {n}{words}.", outlets[0], list(outlets)) for n in range(facts)]
    exclusive = [StoryFact(f"A mosque collapsed{words}.", outlets[-1], [outlets[-1]], exclusive=True)]
    said = [
        OutletStatement(outlet, f"five dead{words}", "direct", "said", f"“Five dead,” he said{words}.", "")
        for outlet in outlets
    ]
    actors = [
        StoryActor("Sutopo Purwo Nugroho", "person", "spokesman", list(outlets), said),
        StoryActor("Rahmat Hidayat", "person", "hospital director", [outlets[-1]], [], exclusive=True),
    ]
    return Story("Quake kills five in Aceh", articles, summary, actors, exclusive)


def texts(embeds: list[discord.Embed]) -> str:
    return "\n".join(
        "\n".join([e.title or "", e.description or "", *(f"{f.name}\n{f.value}" for f in e.fields)])
        for e in embeds
    )


def test_a_story_shows_coverage_who_said_what_per_outlet_and_single_outlet_reports() -> None:
    pages = render_stories.story_pages(StoryView(3, make_story()))
    assert_fits(pages[:1])
    shown = texts(pages)
    assert "Coverage" in shown and "[Quake kills five in Aceh](https://wire.example/aceh)" in shown
    assert "Who said what: Sutopo Purwo Nugroho (spokesman)" in shown
    assert "**wire.example**: said: “five dead”" in shown and "**local.example**: said" in shown
    assert "> “Five dead,” he said" in shown  # the evidence sentence
    assert "Rahmat Hidayat (hospital director) · only in local.example" in shown
    assert "A mosque collapsed. *(only in local.example)*" in shown
    assert pages[0].footer.text == "Story #3 · 2 articles from 2 outlets"


def test_a_huge_story_is_paged_within_limits() -> None:
    pages = render_stories.story_pages(
        StoryView(3, make_story(400, outlets=tuple(f"o{n}.example" for n in range(12))))
    )
    assert len(pages) > 1
    for page in pages:
        assert_fits([page])


def test_a_digest_is_split_into_messages_that_each_fit() -> None:
    entries = [DigestEntry(make_story(60), 1.0, 1.0, 1.0, None, []) for _ in range(12)]
    messages = render_stories.digest_messages(Digest(entries, [], WHEN), "Daily digest")
    assert len(messages) > 1 and sum(len(m) for m in messages) == 12
    for embeds in messages:
        assert_fits(embeds)
        assert render_stories.fits(embeds)
    first = messages[0][0]
    assert first.author.name == "Daily digest" and first.title.startswith("1. Quake kills five")
    assert "Key actors" in [f.name for f in first.fields]


def test_an_empty_digest_says_so() -> None:
    (only,) = render_stories.digest_messages(Digest([], ["volcanoes"], None), "Daily digest")
    assert "No stories for volcanoes" in (only[0].description or "")


def test_actor_on_topic_groups_by_story_with_outlet_and_date() -> None:
    statement = ActorStatement(
        12, "Quake kills five", "https://www.wire.example/aceh", WHEN, 10,
        Position("Sutopo", "five people died", "reported", "said", 2),
    )  # fmt: skip
    pages = render_stories.actor_topic_pages(
        "Sutopo", "earthquakes", [StoryStatements(4, "Quake", [statement])]
    )
    shown = texts(pages)
    assert "Story #4 · Quake" in shown
    assert "2026-11-30 · **wire.example** (brief #12): five people died" in shown
    empty = render_stories.actor_topic_pages("Sutopo", "banks", [])
    assert "No statements by Sutopo about “banks”" in (empty[0].description or "")


def test_schedule_lines() -> None:
    assert render_stories.schedule_line(DigestSchedule(1, 2, "daily", 8, "Europe/Paris", 0, 3)) == (
        "every day at 08:00 (Europe/Paris)"
    )
    assert render_stories.schedule_line(DigestSchedule(1, 2, "weekly", 18, "UTC", 4, 3)) == (
        "every Friday at 18:00 (UTC)"
    )

"""Digest ranking (outlets, recency, topic) and what each entry shows."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from summarizer.digest import build_digest, render_digest
from summarizer.embeddings import Encoder
from summarizer.models import Briefing

pytestmark = pytest.mark.slow


@pytest.fixture
def brief(engine_briefs: Callable[..., Briefing]) -> Callable[[str, str], Briefing]:
    """A private copy of a cached brief, published at `when`."""

    def make(name: str, when: str) -> Briefing:
        briefing = copy.deepcopy(engine_briefs(name))
        briefing.article.date = when
        return briefing

    return make


def titles(digest_entries: list) -> list[str]:
    return [e.story.title for e in digest_entries]


def test_more_outlets_rank_first_at_equal_recency(
    brief: Callable[[str, str], Briefing], encoder: Encoder
) -> None:
    when = "2013-07-02T12:00:00+00:00"
    stories = [
        [brief("bank", when)],
        [brief("aceh-wire", when), brief("aceh-local", when)],
        [brief("papua-wire", when)],
    ]
    digest = build_digest(stories, encoder)
    assert titles(digest.entries)[0] == "Quake kills five in Indonesia's Aceh"
    assert digest.entries[0].coverage == 1.0 and digest.entries[1].coverage < 1.0


def test_recency_orders_stories_of_equal_coverage(
    brief: Callable[[str, str], Briefing], encoder: Encoder
) -> None:
    stories = [
        [brief("papua-wire", "2013-07-01T06:00:00+00:00")],
        [brief("bank", "2013-07-02T06:00:00+00:00")],
    ]
    digest = build_digest(stories, encoder)
    assert titles(digest.entries) == ["JPMorgan posts record profit", "Strong quake kills four in West Papua"]
    assert digest.as_of == datetime(2013, 7, 2, 6, tzinfo=UTC)
    assert digest.entries[0].recency == 1.0 and digest.entries[1].recency == pytest.approx(0.25)


def test_topics_keep_matching_stories_only(brief: Callable[[str, str], Briefing], encoder: Encoder) -> None:
    when = "2013-07-02T12:00:00+00:00"
    stories = [[brief("bank", when)], [brief("papua-wire", when)], [brief("aceh-wire", when)]]
    digest = build_digest(stories, encoder, topics=["earthquakes"])
    assert sorted(titles(digest.entries)) == [
        "Quake kills five in Indonesia's Aceh",
        "Strong quake kills four in West Papua",
    ]
    assert all(e.matched_topics == ["earthquakes"] and e.topic is not None for e in digest.entries)
    assert (
        build_digest(stories, encoder, topics=["banking"]).entries[0].story.title
        == "JPMorgan posts record profit"
    )


def test_entries_have_sentences_actors_links_and_limit(
    brief: Callable[[str, str], Briefing], encoder: Encoder
) -> None:
    when = "2013-07-02T12:00:00+00:00"
    stories = [
        [brief("aceh-wire", when), brief("aceh-local", when)],
        [brief("bank", when)],
        [brief("papua-wire", when)],
    ]
    digest = build_digest(stories, encoder, limit=2, sentences=2)
    assert len(digest.entries) == 2
    assert all(1 <= len(e.story.summary) <= 2 for e in digest.entries)
    text = render_digest(digest)
    assert text.startswith("Digest: 2 stories")
    assert "2 outlets: wire.example, local.example" in text
    assert "> local.example: https://local.example/news/aceh" in text
    assert "Sutopo Purwo Nugroho" in text
    record = digest.to_dict()
    assert [s["rank"] for s in record["stories"]] == [1, 2]
    assert record["stories"][0]["articles"][0]["published"] == when


def test_empty_digest_says_so(encoder: Encoder) -> None:
    digest = build_digest([], encoder, topics=["earthquakes"])
    assert digest.entries == [] and render_digest(digest) == "No stories for earthquakes.\n"

"""A story from two outlets: each fact once, actors merged with what each said per outlet, and what only
one outlet has marked as such."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from summarizer.embeddings import Encoder
from summarizer.models import Briefing
from summarizer.story_merge import SAME_FACT, Story, merge_story

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def aceh(engine_briefs: Callable[..., Briefing], encoder: Encoder) -> Story:
    return merge_story([engine_briefs("aceh-local"), engine_briefs("aceh-wire")], encoder, max_sentences=5)


def test_articles_and_outlets_listed_oldest_first(aceh: Story) -> None:
    assert aceh.outlets == ["local.example", "wire.example"]  # same day: input order is kept
    assert [a.link for a in aceh.articles] == [
        "https://local.example/news/aceh",
        "https://wire.example/asia/aceh-quake",
    ]
    assert aceh.title == "Five dead as earthquake shakes Central Aceh"


def test_merged_summary_states_each_fact_once(aceh: Story, encoder: Encoder) -> None:
    texts = [f.text for f in aceh.summary]
    vectors = encoder.encode(texts)
    similarity = vectors @ vectors.T
    assert all(similarity[i, j] < SAME_FACT for i in range(len(texts)) for j in range(i))
    # Both leads say "magnitude 6.1, at least five dead": only one of them is kept.
    assert sum("6.1" in text for text in texts) == 1
    lead = next(f for f in aceh.summary if "6.1" in f.text)
    assert lead.outlets == ["local.example", "wire.example"] and not lead.exclusive
    assert aceh.summary[0] is lead  # what both outlets report comes first


def test_facts_only_one_outlet_reports_are_marked(aceh: Story) -> None:
    marked = [f for f in (*aceh.summary, *aceh.exclusive_facts) if f.exclusive]
    assert marked and all(len(f.outlets) == 1 and f.outlets == [f.outlet] for f in marked)
    tsunami = [f for f in marked if "tsunami" in f.text and "2004" in f.text]
    assert [f.outlet for f in tsunami] in ([], ["local.example"])
    assert all("6.1" not in f.text for f in marked)


def test_actors_merged_across_outlets_with_statements_per_outlet(aceh: Story) -> None:
    by_name = {a.name: a for a in aceh.actors}
    spokesman = by_name["Sutopo Purwo Nugroho"]
    assert spokesman.outlets == ["local.example", "wire.example"] and not spokesman.exclusive
    assert {s.outlet for s in spokesman.statements} == {"local.example", "wire.example"}
    quote = next(s for s in spokesman.statements if s.outlet == "wire.example")
    assert quote.kind == "direct" and "five dead" in quote.text and quote.text in quote.evidence
    assert quote.link == "https://wire.example/asia/aceh-quake"
    doctor = by_name["Rahmat Hidayat"]
    assert doctor.exclusive and doctor.outlets == ["local.example"]
    assert aceh.actors.index(spokesman) < aceh.actors.index(doctor)  # both outlets' actors first


def test_one_outlet_story_marks_nothing_exclusive(
    engine_briefs: Callable[..., Briefing], encoder: Encoder
) -> None:
    story = merge_story([engine_briefs("papua-wire")], encoder, max_sentences=3)
    assert len(story.summary) == 3 and not story.exclusive_facts
    assert not any(f.exclusive for f in story.summary) and not any(a.exclusive for a in story.actors)
    assert story.to_dict()["outlets"] == ["wire.example"]


def test_no_briefs_is_a_programming_error(encoder: Encoder) -> None:
    with pytest.raises(ValueError, match="at least one brief"):
        merge_story([], encoder)

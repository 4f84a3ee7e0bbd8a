"""Titles for articles without a headline: the lead's main clause, never a placeholder."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from summarizer.pipeline import Engine
from summarizer.sources import load_text
from summarizer.titles import MAX_TITLE_CHARS, fallback_title

if TYPE_CHECKING:
    from conftest import Analysis

pytestmark = pytest.mark.slow


def title_of(analyse: Callable[[str], Analysis], text: str) -> str:
    analysis = analyse(text)
    return fallback_title(analysis.doc, analysis.sentences, analysis.index.ignored)


def test_the_main_clause_without_when_and_why(analyse: Callable[[str], Analysis]) -> None:
    text = (
        "Dock workers at the Port of Rotterdam walked off the job on Monday in a dispute over automation, "
        "halting container traffic at Europe's largest port. The FNV union said 4,000 workers joined."
    )
    assert title_of(analyse, text) == "Dock workers at the Port of Rotterdam walked off the job"


def test_a_time_that_is_the_object_is_kept(analyse: Callable[[str], Analysis]) -> None:
    text = "Tara Reid has seemingly spent the last decade out and about. Her publicist said so on Friday."
    assert title_of(analyse, text) == "Tara Reid has seemingly spent the last decade out and about"


def test_reported_speech_is_titled_by_what_was_said(analyse: Callable[[str], Analysis]) -> None:
    text = "A publicist says Tara Reid has checked herself into rehab. He did not say why."
    assert title_of(analyse, text) == "A publicist: Tara Reid has checked herself into rehab"


def test_a_verb_that_is_the_news_is_kept(analyse: Callable[[str], Analysis]) -> None:
    text = (
        "Greece has denied it will fail to pay a loan to the IMF next week. The finance ministry said "
        "the money was ready."
    )
    assert title_of(analyse, text).startswith("Greece has denied it will fail to pay a loan")


def test_a_lead_whose_subject_is_a_pronoun_gives_way_to_the_next_sentence(
    analyse: Callable[[str], Analysis],
) -> None:
    text = (
        "As attempts to break a world record go, it was pretty impressive. A Chinese team flew a kite "
        "six kilometres long over the city on Sunday. Air traffic controllers were not amused."
    )
    assert title_of(analyse, text) == "A Chinese team flew a kite six kilometres long over the city"


def test_long_titles_are_cut_at_a_word(analyse: Callable[[str], Analysis]) -> None:
    text = (
        "The extraordinarily long-serving and widely admired chairman of the regional association of "
        "independent agricultural cooperatives and rural credit unions resigned yesterday. He said so."
    )
    title = title_of(analyse, text)
    assert len(title) <= MAX_TITLE_CHARS and title.endswith("…") and " " in title
    assert title.startswith("The extraordinarily long-serving")


def test_the_pipeline_titles_untitled_text_and_keeps_a_headline() -> None:
    engine = Engine()
    body = (
        "Firefighters in southern Greece battled a wildfire for a third day on Thursday as strong winds "
        "pushed the flames towards villages. The fire service said 300 firefighters were at work, "
        "with 12 aircraft and volunteers from nearby islands helping them."
    )
    untitled = engine.brief(load_text(body, engine.config))
    assert untitled.article.title == "Firefighters in southern Greece battled a wildfire"
    titled = engine.brief(load_text(f"Greek fire spreads\n\n{body}", engine.config))
    assert titled.article.title == "Greek fire spreads"

"""The Engine's choice of summary: abstractive when it yields something, extractive otherwise."""

from __future__ import annotations

import pytest
from spacy.language import Language

from summarizer.models import Article, Sentence, Summary, SummarySentence
from summarizer.pipeline import Engine
from summarizer.sources import load_text

pytestmark = pytest.mark.slow  # the real engine: torch, MiniLM and spaCy


class _ScriptedModel:
    """Stands in for a loaded seq2seq model whose output is already decided."""

    name = "scripted"

    def __init__(self, summary: Summary) -> None:
        self.summary = summary

    def summarize(
        self, article: Article, sentences: list[Sentence], nlp: Language, *, max_sentences: int | None = None
    ) -> Summary:
        return self.summary


def _engine_with(summary: Summary) -> Engine:
    engine = Engine()
    engine.__dict__["abstractive"] = _ScriptedModel(summary)  # what the cached property would hold
    return engine


def test_abstractive_summary_is_used_when_it_has_sentences(articles: dict[str, str]) -> None:
    generated = Summary(
        "abstractive", [SummarySentence("The Kremlin rejected the plan.", -1)], model="scripted"
    )
    engine = _engine_with(generated)
    briefing = engine.brief_article(
        load_text(next(iter(articles.values())), engine.config), method="abstractive"
    )
    assert briefing.summary is generated
    assert briefing.actors  # actors and positions always come from the extractive analysis


def test_all_sentences_dropped_falls_back_to_extractive_with_notes(articles: dict[str, str]) -> None:
    dropped = Summary("abstractive", [], notes=["Dropped 2 sentences not supported by the article."])
    engine = _engine_with(dropped)
    briefing = engine.brief_article(
        load_text(next(iter(articles.values())), engine.config), method="abstractive"
    )
    assert briefing.summary.method == "extractive"
    assert [s.index >= 0 for s in briefing.summary.sentences] == [True, True, True]
    assert briefing.summary.notes == [
        "Dropped 2 sentences not supported by the article.",
        "Showing the extractive summary instead.",
    ]

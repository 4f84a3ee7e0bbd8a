"""The briefing pipeline: source -> article -> sentences -> summary, actors, positions.

`Engine` owns the loaded models (spaCy, the sentence encoder, an optional abstractive
model) so they load once per process and are reused for every briefing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING

from summarizer import sources
from summarizer.actors import extract_actors
from summarizer.config import EngineConfig
from summarizer.embeddings import Encoder, load_encoder
from summarizer.errors import ModelUnavailable, NotAnArticle
from summarizer.extractive import summarize_extractive
from summarizer.models import Answer, Article, Briefing, Sentence, Summary, SummaryMethod
from summarizer.nlp import load_spacy
from summarizer.position_filter import default_model
from summarizer.positions import extract_positions
from summarizer.qa import answer_question
from summarizer.segmentation import segment
from summarizer.titles import fallback_title
from summarizer.topics import TopicMatch, match_topic

if TYPE_CHECKING:
    import numpy as np
    from spacy.language import Language

    from summarizer.abstractive import AbstractiveSummarizer


class Engine:
    """Models plus settings; thread-compatible but not meant to be shared across processes."""

    def __init__(self, config: EngineConfig | None = None) -> None:
        self.config = config or EngineConfig()

    @cached_property
    def nlp(self) -> Language:
        return load_spacy(
            self.config.spacy_model,
            max_chars=self.config.max_input_chars,
            max_sentence_chars=self.config.max_sentence_chars,
        )

    @cached_property
    def encoder(self) -> Encoder:
        return load_encoder(
            self.config.embedding_model,
            allow_download=self.config.embedding_allow_download,
            precision=self.config.embedding_precision,
        )

    @cached_property
    def abstractive(self) -> AbstractiveSummarizer:
        from summarizer.abstractive import load_abstractive

        return load_abstractive(self.config.abstractive)

    def warm_up(self) -> None:
        """Load every model now rather than on the first briefing."""
        _ = self.nlp, self.encoder

    def load(self, source: str) -> Article:
        """A URL, a file path, or literal text, read into an Article."""
        return sources.load(source, self.config)

    def brief(
        self,
        source: str | Article,
        *,
        sentences: int | None = None,
        method: SummaryMethod = "extractive",
    ) -> Briefing:
        timings: dict[str, int] = {}
        started = time.perf_counter()
        with _timed(timings, "fetch"):
            article = source if isinstance(source, Article) else self.load(source)
        briefing = self.brief_article(article, sentences=sentences, method=method, timings=timings)
        briefing.timings_ms["total"] = _ms_since(started)
        return briefing

    def brief_article(
        self,
        article: Article,
        *,
        sentences: int | None = None,
        method: SummaryMethod = "extractive",
        timings: dict[str, int] | None = None,
    ) -> Briefing:
        timings = {"fetch": 0} if timings is None else timings
        started = time.perf_counter()
        n = sentences or self.config.default_sentences
        if method == "abstractive":
            _ = self.abstractive  # fail before the expensive part when no model is configured
        with _timed(timings, "nlp"):
            doc = self.nlp(article.text)
            with _timed(timings, "attribution"):  # the part of "nlp" after spaCy's parse: our own code
                sents = segment(doc)
                if not sents:
                    raise NotAnArticle("I could not find any sentences in that text.")
                index = extract_actors(doc, sents)
                positions = extract_positions(
                    doc,
                    sents,
                    index,
                    max_per_sentence=self.config.max_positions_per_sentence,
                    position_filter=default_model() if self.config.position_filter else None,
                )
                if not article.title:
                    article.title = fallback_title(doc, sents, index.ignored)
        with _timed(timings, "summary"):
            summary, vectors = self._summarize(article, sents, n, method)
        warnings = []
        if article.language != "en":
            warnings.append(
                f"This article looks like it is not in English (detected: {article.language}); "
                "actors and positions are only found in English text."
            )
        timings.setdefault("total", _ms_since(started))
        return Briefing(
            article=article,
            sentences=sents,
            summary=summary,
            actors=index.actors,
            positions=positions,
            timings_ms=timings,
            warnings=warnings,
            sentence_vectors=vectors,
        )

    def _summarize(
        self, article: Article, sents: list[Sentence], n: int, method: SummaryMethod
    ) -> tuple[Summary, np.ndarray | None]:
        """The summary, and the sentence embeddings when it computed them (topic matching reuses them)."""
        if method == "abstractive":
            generated = self.abstractive.summarize(article, sents, self.nlp, max_sentences=n)
            if generated.sentences:
                return generated, None
        vectors = self.encoder.encode([s.text for s in sents])
        summary = summarize_extractive(sents, vectors, n)
        if method == "abstractive":
            # Every generated sentence failed the faithfulness check: show the picked ones instead.
            summary.notes = [*generated.notes, "Showing the extractive summary instead."]
        return summary, vectors

    def answer(self, briefing: Briefing, question: str) -> Answer:
        return answer_question(briefing, question, self.encoder)

    def match(self, briefing: Briefing, topic: str) -> TopicMatch:
        return match_topic(briefing, topic, self.encoder)


_default_engine: Engine | None = None


def default_engine() -> Engine:
    global _default_engine
    if _default_engine is None:
        _default_engine = Engine()
    return _default_engine


def brief(source: str | Article, *, sentences: int = 3, method: SummaryMethod = "extractive") -> Briefing:
    """Brief a URL, a file path, literal text or an Article with the shared default engine."""
    return default_engine().brief(source, sentences=sentences, method=method)


__all__ = ["Engine", "ModelUnavailable", "brief", "default_engine"]


@contextmanager
def _timed(timings: dict[str, int], key: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[key] = timings.get(key, 0) + _ms_since(started)


def _ms_since(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)

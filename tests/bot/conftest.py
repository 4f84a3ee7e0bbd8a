"""Briefings built by hand (no models needed): a realistic one and a pathological one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from service.records import BriefOutcome, StoredBrief
from summarizer.models import Actor, Article, Briefing, Position, Sentence, Summary, SummarySentence

ARTICLE_SENTENCES = [
    "Ministers from the European Union agreed on Tuesday to cut methane emissions from energy imports.",
    "The deal, reached after 18 hours of talks in Brussels, sets limits that start in 2027.",
    '"This is the first time we hold importers to the same standard as our own producers," '
    "said Teresa Ribera, the EU's climate commissioner.",
    "Industry groups warned that the rules could raise gas prices for households.",
    "Eurogas said the timetable was unrealistic and urged a two-year delay.",
    "Environmental campaigners welcomed the agreement but said enforcement would be the real test.",
]


def article_text() -> str:
    return " ".join(ARTICLE_SENTENCES)


def sentences() -> list[Sentence]:
    result, start = [], 0
    for index, text in enumerate(ARTICLE_SENTENCES):
        result.append(Sentence(index=index, text=text, start=start, end=start + len(text)))
        start += len(text) + 1
    return result


def make_briefing(**overrides: object) -> Briefing:
    briefing = Briefing(
        article=Article(
            text=article_text(),
            source_kind="url",
            source="https://news.example.org/2026/11/eu-methane-deal",
            title="EU agrees to curb methane from gas imports",
            byline="Jane Doe",
            date="2026-11-24",
            content_hash="abc123",
        ),
        sentences=sentences(),
        summary=Summary(
            method="extractive",
            sentences=[
                SummarySentence(text=ARTICLE_SENTENCES[0], index=0),
                SummarySentence(text=ARTICLE_SENTENCES[2], index=2),
                SummarySentence(text=ARTICLE_SENTENCES[4], index=4),
            ],
        ),
        actors=[
            Actor(
                name="Teresa Ribera",
                kind="person",
                role="the EU's climate commissioner",
                mentions=1,
                salience=0.9,
            ),
            Actor(name="European Union", kind="organization", aliases=["EU"], mentions=2, salience=0.8),
            Actor(name="Eurogas", kind="organization", mentions=1, salience=0.5),
            Actor(name="Brussels", kind="place", mentions=1, salience=0.2),
        ],
        positions=[
            Position(
                actor="Teresa Ribera",
                text="This is the first time we hold importers to the same standard as our own producers",
                kind="direct",
                cue="said",
                sentence=2,
            ),
            Position(
                actor="Eurogas",
                text="the timetable was unrealistic",
                kind="reported",
                cue="said",
                sentence=4,
            ),
        ],
        timings_ms={"fetch": 120, "nlp": 300, "summary": 800, "total": 1234},
    )
    for name, value in overrides.items():
        setattr(briefing, name, value)
    return briefing


HUGE_FALLBACK_NOTE = "No abstractive model is configured. " * 30


def make_stored(briefing: Briefing | None = None, **overrides: object) -> StoredBrief:
    stored = StoredBrief(
        id=42,
        guild_id=1,
        channel_id=10,
        user_id=100,
        created_at=datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
        briefing=briefing or make_briefing(),
    )
    for name, value in overrides.items():
        setattr(stored, name, value)
    return stored


def huge_briefing() -> Briefing:
    """200 actors, 500 positions, 10k-character quotes and titles, astral and CJK characters."""
    long_word = "Überlänge" * 1200
    quote = ("Der Minister sagte 😀 that 停火协议 must hold, " * 250)[:10_000]
    return make_briefing(
        article=Article(
            text=article_text(),
            source_kind="url",
            source="https://news.example.org/" + "a" * 3000,
            title="𝕿𝖍𝖊 " * 3000,
            byline="Ключевой автор " * 300,
            date="2026-11-24",
        ),
        summary=Summary(
            method="abstractive",
            sentences=[SummarySentence(text=quote, index=-1, supported=False, unsupported=["Mars", "42 %"])]
            * 20,
            notes=["Chunked the article into 4 parts. " * 50],
        ),
        actors=[
            Actor(name=f"Actor {n} {'名' * 300}", kind="person", role="spokesperson " * 200)
            for n in range(200)
        ],
        positions=[
            Position(
                actor=f"Actor {n % 200}",
                text=quote if n % 2 else long_word,
                kind="direct",
                cue="said",
                sentence=n,
            )
            for n in range(500)
        ],
        warnings=["This article looks like it is not in English (detected: de). " * 40],
    )


@pytest.fixture
def article_sentences() -> list[str]:
    return list(ARTICLE_SENTENCES)


@pytest.fixture
def briefing_factory() -> Callable[..., Briefing]:
    """make_briefing(**fields to replace)."""
    return make_briefing


@pytest.fixture
def stored_factory() -> Callable[..., StoredBrief]:
    """make_stored(briefing=None, **fields to replace)."""
    return make_stored


@pytest.fixture
def stored() -> StoredBrief:
    return make_stored()


@pytest.fixture
def huge_stored() -> StoredBrief:
    return make_stored(huge_briefing())


@pytest.fixture
def huge_outcome(huge_stored: StoredBrief) -> BriefOutcome:
    """The huge brief as a /brief answered from the store, with a very long fallback note."""
    return BriefOutcome(huge_stored, cached=True, fallback_note=HUGE_FALLBACK_NOTE)

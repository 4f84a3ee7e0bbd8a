"""Briefings and helpers shared by the store tests (contract and SQLite-specific)."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

from storage import NewBrief, Store
from summarizer.models import Actor, Article, Briefing, Position, Sentence, Summary, SummarySentence

GUILD = 111
OTHER_GUILD = 222
CHANNEL = 10
USER = 7

Reopen = Callable[["Store"], Awaitable["Store"]]

KREMLIN_TEXT = (
    "The Kremlin on Monday rejected a proposal for a ceasefire over the Easter holiday.\n\n"
    '"There are no plans for a truce," Dmitry Peskov, the Kremlin spokesperson, told reporters.\n\n'
    "Ukraine's foreign minister Dmytro Kuleba said Moscow was not serious about peace."
)
SUMMIT_TEXT = (
    "European leaders met in Brussels to discuss support for Ukraine.\n\n"
    "Peskov said the summit would change nothing on the ground.\n\n"
    "Ursula von der Leyen, the Commission president, announced a new aid package."
)


def make_briefing(
    text: str,
    *,
    title: str,
    source_kind: str = "text",
    source: str = "pasted",
    actors: list[Actor] | None = None,
    positions: list[Position] | None = None,
    method: str = "extractive",
) -> Briefing:
    pieces = text.split("\n\n")
    sentences, offset = [], 0
    for index, piece in enumerate(pieces):
        start = text.index(piece, offset)
        sentences.append(Sentence(index, piece, start, start + len(piece), paragraph=index))
        offset = start + len(piece)
    article = Article(
        text=text,
        source_kind=source_kind,  # type: ignore[arg-type]
        source=source,
        title=title,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )
    summary = Summary(method, [SummarySentence(sentences[0].text, 0)])  # type: ignore[arg-type]
    return Briefing(article, sentences, summary, actors or [], positions or [], timings_ms={"total": 12})


def kremlin_briefing(**overrides: str) -> Briefing:
    return make_briefing(
        KREMLIN_TEXT,
        title=overrides.get("title", "Kremlin rejects Easter truce"),
        source_kind=overrides.get("source_kind", "url"),
        source=overrides.get("source", "https://news.example/kremlin-truce"),
        actors=[
            Actor("Dmitry Peskov", "person", "Kremlin spokesperson", ["Peskov"], 2, 0.9),
            Actor("Dmytro Kuleba", "person", "foreign minister", ["Kuleba"], 1, 0.6),
            Actor("Kremlin", "organization", "", [], 2, 0.7),
        ],
        positions=[
            Position("Dmitry Peskov", "There are no plans for a truce", "direct", "told reporters", 1),
            Position("Dmytro Kuleba", "Moscow was not serious about peace", "reported", "said", 2),
        ],
    )


def summit_briefing() -> Briefing:
    return make_briefing(
        SUMMIT_TEXT,
        title="EU leaders meet on Ukraine aid",
        actors=[
            Actor("Peskov", "person", "", [], 1, 0.5),
            Actor("Ursula von der Leyen", "person", "Commission president", ["von der Leyen"], 1, 0.8),
            Actor("Émile Zoé", "person", "", [], 0, 0.1),
        ],
        positions=[
            Position("Peskov", "the summit would change nothing on the ground", "reported", "said", 1),
            Position("Ursula von der Leyen", "a new aid package", "reported", "announced", 2),
            Position("a Commission spokeswoman", "talks were constructive", "reported", "said", 2),
        ],
    )


async def save(store: Store, briefing: Briefing, **fields: object) -> int:
    values: dict[object, object] = {"guild_id": GUILD, "channel_id": CHANNEL, "user_id": USER, "sentences": 3}
    values.update(fields)
    stored = await store.save_brief(NewBrief(briefing=briefing, **values))  # type: ignore[arg-type]
    return stored.id

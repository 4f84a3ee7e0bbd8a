"""One story from several outlets' briefs: a merged summary without repeated facts, the union of actors
with each one's positions per outlet, and what only one outlet reports.

Two sentences state the same fact when their MiniLM embeddings are close (SAME_FACT): outlets word the
same fact differently, so exact matching would repeat it. A fact is exclusive to an outlet when no
sentence anywhere in another outlet's article comes that close, so the check reads the other articles
in full, not only their summaries.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from summarizer.models import ActorKind, Briefing, PositionKind
from summarizer.story_signature import ArticleRef, actor_key, article_ref

if TYPE_CHECKING:  # the bot reads merged stories without loading torch
    from summarizer.embeddings import Encoder

# Set by hand on the test stories' examples (no corpus here labels facts): two outlets' wordings of one
# long news sentence score about 0.65-0.75 with MiniLM, different facts of one event about 0.35-0.55.
SAME_FACT = 0.65
MAX_SENTENCES_READ = 60  # per article, when checking whether others report a fact; leads carry the facts
ACTORS_PER_ARTICLE = 8
TITLE_CHARS = 120


@dataclass(slots=True)
class StoryFact:
    text: str
    outlet: str  # whose wording is shown
    outlets: list[str]  # every outlet that reports it
    exclusive: bool = False  # reported by this outlet only, while the story has several


@dataclass(slots=True)
class OutletStatement:
    outlet: str
    text: str
    kind: PositionKind
    cue: str
    evidence: str  # the sentence the statement was read from
    link: str


@dataclass(slots=True)
class StoryActor:
    name: str
    kind: ActorKind
    role: str
    outlets: list[str]
    statements: list[OutletStatement] = field(default_factory=list)
    exclusive: bool = False  # named by one outlet only, while the story has several


@dataclass(slots=True)
class Story:
    title: str
    articles: list[ArticleRef]
    summary: list[StoryFact]
    actors: list[StoryActor]
    exclusive_facts: list[StoryFact]

    @property
    def outlets(self) -> list[str]:
        return list(dict.fromkeys(a.outlet for a in self.articles))

    @property
    def newest(self) -> datetime | None:
        return max((a.published for a in self.articles if a.published), default=None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "outlets": self.outlets,
            "articles": [
                {**asdict(a), "published": a.published.isoformat() if a.published else None}
                for a in self.articles
            ],
            "summary": [asdict(f) for f in self.summary],
            "actors": [asdict(a) for a in self.actors],
            "exclusive_facts": [asdict(f) for f in self.exclusive_facts],
        }


def merge_story(briefings: list[Briefing], encoder: Encoder, *, max_sentences: int = 5) -> Story:
    """The story of these briefs (one event, any number of outlets), oldest article first."""
    if not briefings:
        raise ValueError("a story needs at least one brief")
    ordered = sorted(
        briefings, key=lambda b: (article_ref(b.article).published is None, article_ref(b.article).published)
    )
    refs = [article_ref(b.article) for b in ordered]
    facts, exclusive = _facts(ordered, refs, encoder, max_sentences)
    title = next((r.title for r in refs if r.title), "") or _shorten(facts[0].text if facts else "")
    return Story(
        title=title, articles=refs, summary=facts, actors=_actors(ordered, refs), exclusive_facts=exclusive
    )


def _facts(
    briefings: list[Briefing], refs: list[ArticleRef], encoder: Encoder, max_sentences: int
) -> tuple[list[StoryFact], list[StoryFact]]:
    """The merged summary and the exclusive facts, both free of near-duplicates."""
    candidates: list[tuple[int, str]] = []  # (article number, summary sentence)
    for n, briefing in enumerate(briefings):
        candidates += [(n, s.text) for s in briefing.summary.sentences if s.text.strip()]
    if not candidates:
        return [], []
    bodies = [
        [s.text for s in b.sentences[:MAX_SENTENCES_READ]] or [b.article.text[:2000]] for b in briefings
    ]
    vectors = encoder.encode([text for _, text in candidates] + [t for body in bodies for t in body])
    fact_vectors, body_vectors = vectors[: len(candidates)], vectors[len(candidates) :]
    owner = np.repeat(np.arange(len(bodies)), [len(body) for body in bodies])
    similarity = fact_vectors @ body_vectors.T
    outlet_count = len({r.outlet for r in refs})
    facts: list[StoryFact] = []
    for i, (n, text) in enumerate(candidates):
        covering = {refs[n].outlet}
        for m in range(len(bodies)):
            if m != n and similarity[i, owner == m].max() >= SAME_FACT:
                covering.add(refs[m].outlet)
        outlets = [o for o in dict.fromkeys(r.outlet for r in refs) if o in covering]
        facts.append(
            StoryFact(text, refs[n].outlet, outlets, exclusive=outlet_count > 1 and len(outlets) == 1)
        )
    # Widely reported facts first; among equals, the older article and its own order.
    ranked = sorted(range(len(facts)), key=lambda i: (-len(facts[i].outlets), i))
    summary = _distinct(ranked, fact_vectors, limit=max_sentences)
    exclusive_order = [i for i in range(len(facts)) if facts[i].exclusive and i not in summary]
    exclusive = _distinct(exclusive_order, fact_vectors, limit=len(facts), kept=summary)
    return [facts[i] for i in summary], [facts[i] for i in exclusive]


def _distinct(
    order: list[int], vectors: np.ndarray, *, limit: int, kept: list[int] | None = None
) -> list[int]:
    """Indices in `order` that repeat neither one picked before them nor one in `kept`."""
    seen = list(kept or [])
    picked: list[int] = []
    for i in order:
        if len(picked) == limit:
            break
        if seen and float((vectors[seen] @ vectors[i]).max()) >= SAME_FACT:
            continue
        seen.append(i)
        picked.append(i)
    return picked


def _actors(briefings: list[Briefing], refs: list[ArticleRef]) -> list[StoryActor]:
    """Actors merged across outlets by key; each with what they said, per outlet, with the evidence."""
    merged: dict[str, StoryActor] = {}
    weight: dict[str, float] = {}
    for briefing, ref in zip(briefings, refs, strict=True):
        key_of_name: dict[str, str] = {}
        for actor in briefing.actors[:ACTORS_PER_ARTICLE]:
            key = actor_key(actor)
            key_of_name[actor.name] = key
            entry = merged.get(key)
            if entry is None:
                entry = merged[key] = StoryActor(actor.name, actor.kind, actor.role, [])
            if len(actor.name) > len(entry.name):
                entry.name = actor.name
            entry.role = entry.role or actor.role
            if ref.outlet not in entry.outlets:
                entry.outlets.append(ref.outlet)
            weight[key] = weight.get(key, 0.0) + actor.salience
        for position in briefing.positions:
            key = key_of_name.get(position.actor)
            if key is None:
                continue
            evidence = (
                briefing.sentences[position.sentence].text
                if 0 <= position.sentence < len(briefing.sentences)
                else ""
            )
            merged[key].statements.append(
                OutletStatement(ref.outlet, position.text, position.kind, position.cue, evidence, ref.link)
            )
    outlet_count = len({r.outlet for r in refs})
    for entry in merged.values():
        entry.exclusive = outlet_count > 1 and len(entry.outlets) == 1
    # Named by more outlets first, then by summed salience.
    ranked = sorted(merged, key=lambda key: (-len(merged[key].outlets), -weight[key]))
    return [merged[key] for key in ranked]


def _shorten(text: str) -> str:
    if len(text) <= TITLE_CHARS:
        return text
    return text[: TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"

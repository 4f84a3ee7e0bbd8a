"""A digest: the period's top stories, ranked, each in 2-3 sentences with its key actors and links.

Rank = OUTLET_WEIGHT x coverage (outlets, log-scaled against the best-covered story) + RECENCY_WEIGHT x
freshness (halving every RECENCY_HALF_LIFE before the newest article of the digest) + TOPIC_WEIGHT x the
best topic match. Coverage leads because a story many outlets carry is what a reader would not want to
miss; freshness and topic fit order the rest. With topics given, stories that match none are left out.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from summarizer.models import Briefing
from summarizer.story_merge import Story, StoryActor, merge_story

if TYPE_CHECKING:  # the bot renders digests without loading torch or spaCy
    from summarizer.embeddings import Encoder

OUTLET_WEIGHT = 0.5
RECENCY_WEIGHT = 0.3
TOPIC_WEIGHT = 0.2
RECENCY_HALF_LIFE = timedelta(hours=12)
UNKNOWN_RECENCY = 0.5  # an undated story is neither fresh nor stale
DIGEST_SENTENCES = 3
DIGEST_ACTORS = 3
WIDTH = 88


@dataclass(slots=True)
class DigestEntry:
    story: Story
    score: float
    coverage: float
    recency: float
    topic: float | None  # best topic match, None without topics
    matched_topics: list[str]


@dataclass(slots=True)
class Digest:
    entries: list[DigestEntry]
    topics: list[str]
    as_of: datetime | None  # the newest article: what "recent" is measured from

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "topics": list(self.topics),
            "stories": [
                {
                    "rank": n,
                    "score": round(entry.score, 4),
                    "coverage": round(entry.coverage, 4),
                    "recency": round(entry.recency, 4),
                    "topic": None if entry.topic is None else round(entry.topic, 4),
                    "matched_topics": entry.matched_topics,
                    **entry.story.to_dict(),
                }
                for n, entry in enumerate(self.entries, start=1)
            ],
        }


def build_digest(
    stories: Sequence[Sequence[Briefing]],
    encoder: Encoder,
    *,
    topics: Sequence[str] = (),
    limit: int = 10,
    sentences: int = DIGEST_SENTENCES,
    now: datetime | None = None,
) -> Digest:
    """Merge and rank the stories (each a list of briefs of one event) and keep the top `limit`."""
    stories = [list(briefs) for briefs in stories if briefs]
    merged = [merge_story(briefs, encoder, max_sentences=sentences) for briefs in stories]
    matches = [_topic_match(briefs, topics, encoder) for briefs in stories] if topics else None
    return rank_stories(merged, matches, topics=topics, limit=limit, now=now)


def rank_stories(
    merged: Sequence[Story],
    topic_matches: Sequence[tuple[float, list[str]]] | None = None,
    *,
    topics: Sequence[str] = (),
    limit: int = 10,
    now: datetime | None = None,
) -> Digest:
    """Rank stories already merged (a store keeps them up to date as briefs join), given each one's best
    topic score and matched topics when the digest has topics."""
    as_of = now or max((s.newest for s in merged if s.newest), default=None)
    most_outlets = max((len(s.outlets) for s in merged), default=1)
    entries = []
    for n, story in enumerate(merged):
        topic, matched = topic_matches[n] if topic_matches is not None else (None, [])
        if topic is not None and not matched:
            continue
        coverage = math.log2(1 + len(story.outlets)) / math.log2(1 + most_outlets)
        recency = _recency(story.newest, as_of)
        score = OUTLET_WEIGHT * coverage + RECENCY_WEIGHT * recency + TOPIC_WEIGHT * (topic or 0.0)
        entries.append(DigestEntry(story, score, coverage, recency, topic, matched))
    entries.sort(key=lambda e: -e.score)
    return Digest(entries[:limit], list(topics), as_of)


def render_digest(digest: Digest) -> str:
    """The digest as plain text for a terminal."""
    if not digest.entries:
        return "No stories" + (f" for {', '.join(digest.topics)}" if digest.topics else "") + ".\n"
    heading = f"Digest: {len(digest.entries)} stor{'y' if len(digest.entries) == 1 else 'ies'}"
    if digest.topics:
        heading += f" for {', '.join(digest.topics)}"
    lines = [heading, "=" * len(heading)]
    for n, entry in enumerate(digest.entries, start=1):
        story = entry.story
        outlets = len(story.outlets)
        lines += ["", f"{n}. {story.title or '(untitled)'}"]
        lines.append(f"   {outlets} outlet{'s' if outlets != 1 else ''}: {', '.join(story.outlets)}")
        for fact in story.summary:
            only = f" [only {fact.outlet}]" if fact.exclusive else ""
            lines.append(_wrap(f"   - {fact.text}{only}", "     "))
        for actor in story.actors[:DIGEST_ACTORS]:
            lines.append(_wrap(f"   * {_actor_line(actor)}", "     "))
        for article in story.articles:
            if article.link:
                lines.append(f"   > {article.outlet}: {article.link}")
    return "\n".join(lines) + "\n"


def _actor_line(actor: StoryActor) -> str:
    role = f", {actor.role}" if actor.role else ""
    line = f"{actor.name}{role}"
    if actor.exclusive:
        line += f" (only {actor.outlets[0]})"
    if actor.statements:
        said = actor.statements[0]
        text = f"“{said.text}”" if said.kind == "direct" else said.text
        line += f": {text} ({said.outlet})"
    return line


def _topic_match(
    briefs: Sequence[Briefing], topics: Sequence[str], encoder: Encoder
) -> tuple[float, list[str]]:
    """The story's best score per topic over its briefs; topics matched by any brief."""
    from summarizer.topics import TOPIC_THRESHOLD, match_topics  # spaCy's word lists: only when matching

    best = [0.0] * len(topics)
    for briefing in briefs:
        for i, match in enumerate(match_topics(briefing, list(topics), encoder)):
            best[i] = max(best[i], match.score)
    return max(best), [t for t, score in zip(topics, best, strict=True) if score >= TOPIC_THRESHOLD]


def _recency(newest: datetime | None, as_of: datetime | None) -> float:
    if newest is None or as_of is None:
        return UNKNOWN_RECENCY
    age = max((as_of - newest).total_seconds(), 0.0)
    return 0.5 ** (age / RECENCY_HALF_LIFE.total_seconds())


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, width=WIDTH, subsequent_indent=indent)

"""briefbot's NLP library: news article in, briefing out (summary, actors, stated positions).

No Discord, no database; deterministic given the same models. `Engine` and `brief` are imported
lazily so that `summarizer.models` / `summarizer.errors` stay cheap (no torch, no spaCy).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from summarizer.models import Actor, Answer, Article, Briefing, Position, Summary, SummarySentence

if TYPE_CHECKING:
    from summarizer.pipeline import Engine, brief

__all__ = [
    "Actor",
    "Answer",
    "Article",
    "Briefing",
    "Engine",
    "Position",
    "Summary",
    "SummarySentence",
    "brief",
]


def __getattr__(name: str) -> Any:
    if name in ("Engine", "brief"):
        from summarizer import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'summarizer' has no attribute {name!r}")

"""A brief's story signature: the little that story grouping needs to know about one article.

Grouping compares a new brief with stories, never with the full text of past articles, so everything
it uses is computed once per brief and kept small enough to store beside it:

- the lead embedding (title and first sentences, MiniLM): what the article is about;
- actor keys and place keys from the engine's key actors: who and where, the facts that separate two
  events of the same kind (two earthquakes, two rehab stays) when the subject alone cannot;
- the dates and numbers the text mentions (years, "June 13", magnitudes, ages, death tolls);
- the publication time, when known, for the time window.

Keys are plain strings ("person:lohan", "place:malibu") so a database can index them as they are.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import numpy as np

from summarizer.models import Actor, Article, Briefing

if TYPE_CHECKING:  # the store imports signatures in the bot's process, which never loads torch
    from summarizer.embeddings import Encoder

LEAD_SENTENCES = 3  # the lead: headline plus the first sentences, where news states who, what, where, when
MAX_ACTOR_KEYS = 8  # the most salient people/organisations; the long tail is mostly passing mentions
MAX_PLACE_KEYS = 5
MAX_NUMBERS = 24
MAX_DATES = 24

_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
)  # fmt: skip
_MONTH_PREFIX = {m[:3]: i + 1 for i, m in enumerate(_MONTHS)}
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_MONTH_DAY = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b", re.IGNORECASE)
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})", re.IGNORECASE)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
# A number as written: "6.1", "1,200", "33" (also the parts of "33-year-old" and "27-24").
_NUMBER_WORD = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)")
_SMALL_NUMBERS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
)  # fmt: skip
_NUMBER_WORDS = {word: str(value) for value, word in enumerate(_SMALL_NUMBERS)}
_SPELLED_NUMBER = re.compile(rf"(?<!-)\b({'|'.join(_NUMBER_WORDS)})\b(?!-)", re.IGNORECASE)
_NAME_PART = re.compile(r"[^\W_]+")
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_PARTICLES = frozenset({"the", "of", "and", "de", "la", "le", "al", "el", "von", "van", "der"})


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """How a story lists one of its articles."""

    outlet: str
    title: str
    link: str
    published: datetime | None


@dataclass(frozen=True, slots=True)
class StorySignature:
    """What grouping knows about one brief. `vector` is unit length, so a dot product is a cosine."""

    ref: ArticleRef
    vector: np.ndarray
    actors: tuple[tuple[str, float], ...]  # (key, salience), most salient first
    places: tuple[tuple[str, float], ...]
    dates: frozenset[str]  # "y:2013", "md:06-13"
    numbers: frozenset[str]  # "6.1", "1200", "33"

    @property
    def keys(self) -> list[str]:
        """The index keys a store looks candidate stories up by."""
        return [key for key, _ in (*self.actors, *self.places)]


def signature_of(briefing: Briefing, encoder: Encoder) -> StorySignature:
    """The signature of a finished brief: one extra embedding (the lead), the rest is string work."""
    article = briefing.article
    lead_sentences = [s.text for s in briefing.sentences[:LEAD_SENTENCES]]
    lead = ". ".join(part for part in (article.title, *lead_sentences) if part) or article.text[:1000]
    vector = encoder.encode([lead])[0]
    text = " ".join(s.text for s in briefing.sentences) or article.text
    return StorySignature(
        ref=article_ref(article),
        vector=vector,
        actors=_actor_keys([a for a in briefing.actors if a.kind != "place"], MAX_ACTOR_KEYS),
        places=_actor_keys([a for a in briefing.actors if a.kind == "place"], MAX_PLACE_KEYS),
        dates=frozenset(mentioned_dates(f"{article.title} {text}", article.date)),
        numbers=frozenset(mentioned_numbers(f"{article.title} {text}")),
    )


def article_ref(article: Article) -> ArticleRef:
    return ArticleRef(
        outlet=outlet_of(article),
        title=article.title,
        link=article.source if article.source_kind in ("url", "file") else "",
        published=parse_time(article.date),
    )


def outlet_of(article: Article) -> str:
    """The publisher as a reader names it: the web domain, or the file name for local files."""
    if article.source_kind == "url":
        host = (urlsplit(article.source).hostname or "").lower()
        return host.removeprefix("www.") or article.source
    if article.source_kind == "file":
        return article.source.replace("\\", "/").rsplit("/", 1)[-1]
    return "pasted text"


def parse_time(value: str) -> datetime | None:
    """An ISO date or date-time as the article extractors write it; None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def actor_key(actor: Actor) -> str:
    """One key per referent across outlets: people by surname ("Lindsay Lohan", "Lohan" -> person:lohan),
    everything else by its whole folded name."""
    words = [w for w in _NAME_PART.findall(_fold(actor.name))]
    if actor.kind == "person":
        surname = [w for w in words if w not in _NAME_SUFFIXES]
        return f"person:{surname[-1] if surname else '_'.join(words)}"
    kind = "place" if actor.kind == "place" else "org"
    return f"{kind}:{' '.join(w for w in words if w not in _PARTICLES) or ' '.join(words)}"


def mentioned_dates(text: str, published: str = "") -> set[str]:
    """Years and month-days the text names (plus the publication date's): when the event happened."""
    dates = {f"y:{year}" for year in _YEAR.findall(text)}
    for month, day in _MONTH_DAY.findall(text):
        _add_month_day(dates, month, day)
    for day, month in _DAY_MONTH.findall(text):
        _add_month_day(dates, month, day)
    when = parse_time(published)
    if when is not None:
        dates |= {f"y:{when.year}", f"md:{when.month:02d}-{when.day:02d}"}
    return set(sorted(dates)[:MAX_DATES])


def mentioned_numbers(text: str) -> set[str]:
    """Numbers other than years, normalised ("1,200" -> "1200", "five" -> "5"): ages, tolls, magnitudes,
    scores.

    0-2 are left out: "two people", "1 of 2" say nothing about which event it is.
    """
    numbers: list[str] = []
    # "five dead" in one outlet is "5 dead" in another.
    text = _SPELLED_NUMBER.sub(lambda m: _NUMBER_WORDS[m.group(1).lower()], text)
    for match in _NUMBER_WORD.finditer(text):
        value = match.group(1).replace(",", "")
        if _YEAR.fullmatch(value) or value in ("0", "1", "2"):
            continue
        if value not in numbers:
            numbers.append(value)
    return set(numbers[:MAX_NUMBERS])


def _actor_keys(actors: list[Actor], limit: int) -> tuple[tuple[str, float], ...]:
    keys: dict[str, float] = {}
    for actor in actors:  # the engine ranks actors by salience, best first
        key = actor_key(actor)
        if key.endswith(":") or key in keys:
            continue
        keys[key] = round(float(actor.salience), 4)
        if len(keys) == limit:
            break
    return tuple(keys.items())


def _add_month_day(dates: set[str], month: str, day: str) -> None:
    number = _MONTH_PREFIX.get(month[:3].lower())
    if number is not None and 1 <= int(day) <= 31:
        dates.add(f"md:{number:02d}-{int(day):02d}")


def _fold(text: str) -> str:
    """Lower case without accents, so "Zelenskyy" written two ways at least shares its letters."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()

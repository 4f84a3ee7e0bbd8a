"""Online story grouping: each new brief joins the best-matching story or starts one.

Incremental by design: a brief is compared only with the candidate stories a `StoryIndex` returns for
its actor and place keys within the time window (at most CANDIDATES_PER_KEY per key, MAX_CANDIDATES in
all), never with the history, so the work per join is bounded however many stories are stored. A story
is kept as a `StoryProfile` of sums and counts (the lead-embedding sum, how many of its articles name
each key, date and number), so adding a brief updates it in time proportional to the brief's keys, and
a database can keep it as rows.

The match score is a logistic model over seven features of (brief, story): lead-embedding cosine with
the story centroid, weighted overlap of actors and of places, how often the story names the brief's
main person, shared dates, a year conflict, shared numbers. Subject similarity alone cannot tell two
earthquakes apart; the places, dates, people and numbers can. The weights and the join threshold are
data (story_model.json), fitted by bench/stories.py on the dev half of the ECB+ stories only (the test
half is reported, never tuned on).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from summarizer.story_signature import StorySignature

FEATURES = ("lead_cosine", "actors", "places", "main_actor", "dates_shared", "year_conflict", "numbers")
# Fitted on the ECB+ dev half by `python bench/stories.py --save-model` (logistic regression on
# brief/story pairs, then the threshold that maximises dev B-cubed F1 of the online grouping over 5
# shuffled orders).
MODEL_PATH = Path(__file__).with_name("story_model.json")
DEFAULT_WINDOW = timedelta(days=4)  # a story's articles are published within days of each other
CANDIDATES_PER_KEY = 32  # the most recently updated stories per key: bounds the work for common keys
MAX_CANDIDATES = 128
TYPICAL_YEAR_SHARE = 0.25


@dataclass(slots=True)
class StoryProfile:
    """Grouping's view of one story: sums and counts, updated in place as briefs join."""

    story_id: int
    size: int = 0
    vector_sum: np.ndarray | None = None
    key_counts: dict[str, int] = field(default_factory=dict)  # actor/place key -> articles naming it
    date_counts: dict[str, int] = field(default_factory=dict)
    number_counts: dict[str, int] = field(default_factory=dict)
    first_published: datetime | None = None
    last_published: datetime | None = None

    def centroid(self) -> np.ndarray:
        assert self.vector_sum is not None, "an empty story has no centroid"
        return self.vector_sum / max(float(np.linalg.norm(self.vector_sum)), 1e-9)

    def share(self, key: str) -> float:
        """The fraction of this story's articles that name `key`."""
        return self.key_counts.get(key, 0) / max(self.size, 1)

    def absorb(self, signature: StorySignature) -> None:
        self.size += 1
        vector = signature.vector.astype(np.float64)
        self.vector_sum = vector.copy() if self.vector_sum is None else self.vector_sum + vector
        for key in signature.keys:
            self.key_counts[key] = self.key_counts.get(key, 0) + 1
        for date in signature.dates:
            self.date_counts[date] = self.date_counts.get(date, 0) + 1
        for number in signature.numbers:
            self.number_counts[number] = self.number_counts.get(number, 0) + 1
        when = signature.ref.published
        if when is not None:
            self.first_published = min(filter(None, (self.first_published, when)))
            self.last_published = max(filter(None, (self.last_published, when)))

    def within(self, when: datetime | None, window: timedelta) -> bool:
        """Could a brief published `when` belong here? Unknown times never rule a story out."""
        if when is None or self.first_published is None or self.last_published is None:
            return True
        return self.first_published - window <= when <= self.last_published + window


class StoryIndex(Protocol):
    """Where story profiles live and how candidates are found: the part a database serves.

    `candidates` must not scan: the in-memory version keeps, per key, the stories naming it in order of
    their last update; a database keeps a (key, last_published) index on a story_keys table.
    """

    def candidates(
        self, keys: Sequence[str], when: datetime | None, window: timedelta, per_key: int, limit: int
    ) -> list[StoryProfile]:
        """Stories sharing at least one key and inside the window; per key the `per_key` most recently
        updated; at most `limit` in all."""
        ...

    def new_story(self) -> StoryProfile: ...

    def save(self, profile: StoryProfile, keys: Sequence[str]) -> None:
        """Persist a profile after a brief joined it; `keys` are that brief's keys (to index)."""
        ...


class InMemoryStoryIndex:
    """A `StoryIndex` in dicts: postings per key in last-update order (insertion order of a dict)."""

    def __init__(self) -> None:
        self.profiles: dict[int, StoryProfile] = {}
        self._postings: dict[str, dict[int, None]] = {}

    def __len__(self) -> int:
        return len(self.profiles)

    def candidates(
        self, keys: Sequence[str], when: datetime | None, window: timedelta, per_key: int, limit: int
    ) -> list[StoryProfile]:
        found: dict[int, StoryProfile] = {}
        for key in keys:
            posting = self._postings.get(key)
            if not posting:
                continue
            for taken, story_id in enumerate(reversed(posting)):  # most recently updated first
                if taken == per_key:
                    break
                profile = self.profiles[story_id]
                if story_id not in found and profile.within(when, window):
                    found[story_id] = profile
            if len(found) >= limit:
                break
        return list(found.values())[:limit]

    def new_story(self) -> StoryProfile:
        profile = StoryProfile(story_id=len(self.profiles) + 1)
        self.profiles[profile.story_id] = profile
        return profile

    def save(self, profile: StoryProfile, keys: Sequence[str]) -> None:
        self.profiles[profile.story_id] = profile
        for key in profile.key_counts if not keys else {*keys, *profile.key_counts}:
            posting = self._postings.setdefault(key, {})
            posting.pop(profile.story_id, None)  # move to the most recent end
            posting[profile.story_id] = None


def load_model(path: Path = MODEL_PATH) -> dict[str, Any]:
    """The fitted weights, bias and threshold; a model fitted on other features is refused rather than
    silently misread."""
    model: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if tuple(model["features"]) != FEATURES or len(model["weights"]) != len(FEATURES):
        raise ValueError(f"{path.name} was fitted on {model['features']}, not on {list(FEATURES)}")
    return model


_MODEL = load_model()
DEFAULT_WEIGHTS = tuple(float(w) for w in _MODEL["weights"])
DEFAULT_BIAS = float(_MODEL["bias"])
DEFAULT_THRESHOLD = float(_MODEL["threshold"])


@dataclass(frozen=True, slots=True)
class GroupingParams:
    weights: tuple[float, ...] = DEFAULT_WEIGHTS
    bias: float = DEFAULT_BIAS
    threshold: float = DEFAULT_THRESHOLD  # join when the match probability reaches this
    window: timedelta = DEFAULT_WINDOW
    per_key: int = CANDIDATES_PER_KEY
    max_candidates: int = MAX_CANDIDATES


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a brief went: its story, whether that story is new, and the match probability."""

    story_id: int
    new: bool
    probability: float
    candidates: int


class StoryGrouper:
    """Places briefs into stories one at a time against a `StoryIndex`."""

    def __init__(self, index: StoryIndex, params: GroupingParams | None = None) -> None:
        self.index = index
        self.params = params or GroupingParams()
        self._weights = np.asarray(self.params.weights, dtype=np.float64)

    def best_match(self, signature: StorySignature) -> tuple[StoryProfile | None, float, int]:
        """The most probable candidate story and its probability (None, 0 when there is none)."""
        p = self.params
        found = self.index.candidates(
            signature.keys, signature.ref.published, p.window, p.per_key, p.max_candidates
        )
        best, probability = self.choose(signature, found)
        return best, probability, len(found)

    def choose(
        self, signature: StorySignature, candidates: Iterable[StoryProfile]
    ) -> tuple[StoryProfile | None, float]:
        """The best of candidates fetched elsewhere (an async store): join it when the probability
        reaches `params.threshold`, else start a story."""
        best, best_probability = None, 0.0
        for profile in candidates:
            probability = self.probability(signature, profile)
            if probability > best_probability:
                best, best_probability = profile, probability
        return best, best_probability

    def probability(self, signature: StorySignature, profile: StoryProfile) -> float:
        z = self.params.bias + float(self._weights @ match_features(signature, profile))
        return 1.0 / (1.0 + math.exp(-z))

    def add(self, signature: StorySignature) -> Placement:
        best, probability, considered = self.best_match(signature)
        new = best is None or probability < self.params.threshold
        profile = self.index.new_story() if new or best is None else best
        profile.absorb(signature)
        self.index.save(profile, signature.keys)
        return Placement(profile.story_id, new, round(probability, 4), considered)


def match_features(signature: StorySignature, profile: StoryProfile) -> np.ndarray:
    """The features of FEATURES, each roughly on 0..1."""
    cosine = float(signature.vector @ profile.centroid())
    return np.array(
        [
            cosine,
            _key_overlap(signature.actors, profile),
            _key_overlap(signature.places, profile),
            _main_actor_share(signature, profile),
            _typical(signature.dates, profile.date_counts, profile.size),
            float(_year_conflict(signature.dates, profile)),
            _typical(signature.numbers, profile.number_counts, profile.size),
        ]
    )


def _typical(values: frozenset[str], counts: dict[str, int], size: int) -> float:
    """The mean share of the story's articles that mention each of the brief's values: a number every
    article repeats (the toll, the score) counts, one that a single article happened to mention barely."""
    if not values:
        return 0.0
    return sum(counts.get(v, 0) for v in values) / (len(values) * max(size, 1))


def _key_overlap(keys: Iterable[tuple[str, float]], profile: StoryProfile) -> float:
    """How typical of the story the brief's keys are, weighted by their salience in the brief."""
    total = weighted = 0.0
    for key, salience in keys:
        weight = max(salience, 0.05)
        total += weight
        weighted += weight * profile.share(key)
    return weighted / total if total else 0.0


def _main_actor_share(signature: StorySignature, profile: StoryProfile) -> float:
    """How many of the story's articles name the brief's main person (or main actor when no person):
    the same kind of event happening to someone else is another story."""
    people = [key for key, _ in signature.actors if key.startswith("person:")]
    main = people[0] if people else next(iter(signature.keys), "")
    return profile.share(main) if main else 0.0


def _year_conflict(dates: Iterable[str], profile: StoryProfile) -> bool:
    """The brief names years and none of them is a year typical of the story (named by a quarter of its
    articles or more): most likely another occurrence of the same kind of event."""
    years = {d for d in dates if d.startswith("y:")}
    floor = TYPICAL_YEAR_SHARE * profile.size
    typical = {d for d, n in profile.date_counts.items() if d.startswith("y:") and n >= floor}
    return bool(years and typical and not years & typical)

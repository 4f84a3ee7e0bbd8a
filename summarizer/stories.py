"""Online story grouping: each new brief joins the best-matching story or starts one.

Incremental by design: a brief is compared only with the candidate stories a `StoryIndex` returns for
its actor and place keys within the time window (at most CANDIDATES_PER_KEY per key, MAX_CANDIDATES in
all), never with the history, so the work per join is bounded however many stories are stored. A story
is kept as a `StoryProfile` of sums and counts (the lead-embedding sum, how many of its articles name
each key, date and number), so adding a brief updates it in time proportional to the brief's keys, and
a database can keep it as rows.

A join is not final at once, within the same bounds: a story keeps its latest RECENT_MEMBERS briefs
whole, and placing a brief re-checks the recent members of its runner-up candidates, moving a member
that fits the placed brief's story clearly better than its own. In ECB+ topics (two events of one kind)
the first report of one event otherwise opens or joins the other event's story and its later reports
follow it, since an online join never looks back.

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
from dataclasses import dataclass, field, replace
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
RECENT_MEMBERS = 8  # the latest members a story keeps whole, so a later brief can take them over
REVISIT_STORIES = 5  # the runner-up candidates whose recent members a placement re-checks
REVISIT_MARGIN = 0.1  # how much better a member must fit the new brief's story to move there


@dataclass(frozen=True, slots=True)
class Member:
    """A brief in a story, kept whole while it is one of the story's latest: it may still move."""

    brief_id: int
    signature: StorySignature


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
    recent: list[Member] = field(default_factory=list)  # the latest RECENT_MEMBERS, oldest first

    def centroid(self) -> np.ndarray:
        assert self.vector_sum is not None, "an empty story has no centroid"
        return self.vector_sum / max(float(np.linalg.norm(self.vector_sum)), 1e-9)

    def share(self, key: str) -> float:
        """The fraction of this story's articles that name `key`."""
        return self.key_counts.get(key, 0) / max(self.size, 1)

    def copy(self) -> StoryProfile:
        """A profile to try a change on (the vector sum is never changed in place, so it is shared)."""
        return replace(
            self,
            key_counts=dict(self.key_counts),
            date_counts=dict(self.date_counts),
            number_counts=dict(self.number_counts),
            recent=list(self.recent),
        )

    def absorb(self, signature: StorySignature, brief_id: int) -> None:
        self.recent = [*self.recent, Member(brief_id, signature)][-RECENT_MEMBERS:]
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

    def release(self, member: Member) -> None:
        """Take a recent member out again (it moves to another story). The publication span stays as
        it was: the window may be a little wider than the remaining articles need, never narrower."""
        self.recent = [m for m in self.recent if m.brief_id != member.brief_id]
        self.size -= 1
        signature = member.signature
        assert self.vector_sum is not None, "only a member of this story can leave it"
        self.vector_sum = self.vector_sum - signature.vector.astype(np.float64)
        for counts, values in (
            (self.key_counts, signature.keys),
            (self.date_counts, signature.dates),
            (self.number_counts, signature.numbers),
        ):
            for value in values:
                counts[value] -= 1
                if not counts[value]:
                    del counts[value]

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

    def release(self, profile: StoryProfile, member: Member) -> None:
        """Persist a profile after `member` left it: its keys no longer in the story are unindexed, and
        a story left empty is gone."""
        ...


class InMemoryStoryIndex:
    """A `StoryIndex` in dicts: postings per key in last-update order (insertion order of a dict)."""

    def __init__(self) -> None:
        self.profiles: dict[int, StoryProfile] = {}
        self._postings: dict[str, dict[int, None]] = {}
        self._last_id = 0

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
        self._last_id += 1
        profile = StoryProfile(story_id=self._last_id)
        self.profiles[profile.story_id] = profile
        return profile

    def save(self, profile: StoryProfile, keys: Sequence[str]) -> None:
        self.profiles[profile.story_id] = profile
        for key in profile.key_counts if not keys else {*keys, *profile.key_counts}:
            posting = self._postings.setdefault(key, {})
            posting.pop(profile.story_id, None)  # move to the most recent end
            posting[profile.story_id] = None

    def release(self, profile: StoryProfile, member: Member) -> None:
        for key in member.signature.keys:
            if key not in profile.key_counts:
                self._postings.get(key, {}).pop(profile.story_id, None)
        if not profile.size:
            del self.profiles[profile.story_id]


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
class Move:
    """A recent member of story `source` that fits the story of the brief being placed better: it
    follows that brief."""

    member: Member
    source: int


@dataclass(frozen=True, slots=True)
class Plan:
    """What placing one brief changes: the story it joins (None: it starts one), the match probability,
    and the members of other stories that move to its story."""

    story_id: int | None
    probability: float
    moves: tuple[Move, ...] = ()


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a brief went: its story, whether that story is new, the match probability, the candidates
    scored, and the briefs of other stories that moved to its story with it."""

    story_id: int
    new: bool
    probability: float
    candidates: int
    moved: tuple[int, ...] = ()


class StoryGrouper:
    """Places briefs into stories one at a time against a `StoryIndex`.

    A join is online, but not final at once: the first report of one event can land in the story of
    another event of the same kind (a first article that names little beyond the subject), and the
    reports that follow would go where it went. So each placement also re-checks the recent members of
    the runner-up candidate stories: a member that fits the placed brief's story (with the brief in it)
    clearly better than its own story (without it) moves there. The work stays bounded: at most
    REVISIT_STORIES stories of RECENT_MEMBERS members each, all already loaded as candidates.
    """

    def __init__(self, index: StoryIndex, params: GroupingParams | None = None) -> None:
        self.index = index
        self.params = params or GroupingParams()
        self._weights = np.asarray(self.params.weights, dtype=np.float64)

    def probability(self, signature: StorySignature, profile: StoryProfile) -> float:
        z = self.params.bias + float(self._weights @ match_features(signature, profile))
        return 1.0 / (1.0 + math.exp(-z))

    def plan(self, signature: StorySignature, brief_id: int, candidates: Sequence[StoryProfile]) -> Plan:
        """Where brief `brief_id` goes among candidates fetched elsewhere (an async store): the most
        probable story when the probability reaches `params.threshold`, else a new story; and which
        recent members of the runner-ups follow it. The candidates are not changed."""
        scored = [(self.probability(signature, profile), profile) for profile in candidates]
        ranked = sorted(scored, key=lambda pair: -pair[0])  # stable: the first of equals stays first
        probability, best = ranked[0] if ranked else (0.0, None)
        joined = best if best is not None and probability >= self.params.threshold else None
        target = joined.copy() if joined is not None else StoryProfile(0)
        target.absorb(signature, brief_id)
        moves: list[Move] = []
        for _, other in ranked[:REVISIT_STORIES]:
            if other is joined:
                continue
            source = other.copy()
            for member in list(source.recent):
                if self._fits_better(member, source, target):
                    source.release(member)
                    target.absorb(member.signature, member.brief_id)
                    moves.append(Move(member, source.story_id))
        return Plan(joined.story_id if joined is not None else None, probability, tuple(moves))

    def _fits_better(self, member: Member, source: StoryProfile, target: StoryProfile) -> bool:
        """Would `member` join `target` if it came now, and clearly rather than its own story without
        it? A member alone in its story stays: it joined nothing when it came, and moving it would only
        merge two stories, which dev cross-validation did not support."""
        if source.size < 2:
            return False
        moving = self.probability(member.signature, target)
        if moving < self.params.threshold:
            return False
        rest = source.copy()
        rest.release(member)
        return moving > self.probability(member.signature, rest) + REVISIT_MARGIN

    def add(self, signature: StorySignature, brief_id: int) -> Placement:
        """Place a brief with the candidates of this grouper's own index, and apply the plan to it."""
        p = self.params
        found = self.index.candidates(
            signature.keys, signature.ref.published, p.window, p.per_key, p.max_candidates
        )
        plan = self.plan(signature, brief_id, found)
        by_id = {profile.story_id: profile for profile in found}
        target = self.index.new_story() if plan.story_id is None else by_id[plan.story_id]
        target.absorb(signature, brief_id)
        self.index.save(target, signature.keys)
        for move in plan.moves:
            source = by_id[move.source]
            source.release(move.member)
            self.index.release(source, move.member)
            target.absorb(move.member.signature, move.member.brief_id)
            self.index.save(target, move.member.signature.keys)
        moved = tuple(move.member.brief_id for move in plan.moves)
        new = plan.story_id is None
        return Placement(target.story_id, new, round(plan.probability, 4), len(found), moved)


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

"""Story grouping: the index never scans, and real briefs of one event join while another event of the
same kind (another earthquake, elsewhere, another year) starts its own story."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from summarizer.models import Briefing
from summarizer.stories import (
    FEATURES,
    MAX_STORY_WORDS,
    MEMBER_VECTORS,
    GroupingParams,
    InMemoryStoryIndex,
    StoryGrouper,
    StoryProfile,
    key_rarity,
    match_features,
)
from summarizer.story_signature import ArticleRef, StorySignature, signature_of

DIM = 8
DAY = datetime(2025, 3, 4, tzinfo=UTC)


def signature(
    keys: list[str],
    *,
    direction: int = 0,
    published: datetime | None = DAY,
    dates: frozenset[str] = frozenset(),
    numbers: frozenset[str] = frozenset(),
) -> StorySignature:
    vector = np.zeros(DIM, dtype=np.float32)
    vector[direction] = 1.0
    return StorySignature(
        ref=ArticleRef("outlet.example", "", "", published),
        vector=vector,
        actors=tuple((k, 0.8) for k in keys if not k.startswith("place:")),
        places=tuple((k, 0.5) for k in keys if k.startswith("place:")),
        dates=dates,
        numbers=numbers,
    )


def stored(index: InMemoryStoryIndex, sig: StorySignature) -> StoryProfile:
    profile = index.new_story()
    profile.absorb(sig)
    index.save(profile, sig.keys)
    return profile


def test_candidates_share_a_key_and_fall_in_the_window() -> None:
    index = InMemoryStoryIndex()
    near = stored(index, signature(["person:lohan", "place:malibu"]))
    stored(index, signature(["person:lohan"], published=DAY - timedelta(days=30)))  # an old stay in rehab
    stored(index, signature(["person:reid"]))
    undated = stored(index, signature(["place:malibu"], published=None))
    found = index.candidates(
        ["person:lohan", "place:malibu"], DAY + timedelta(days=1), timedelta(days=4), 10, 10
    )
    assert {p.story_id for p in found} == {near.story_id, undated.story_id}
    assert index.candidates(["person:nobody"], DAY, timedelta(days=4), 10, 10) == []


def test_a_common_key_returns_only_the_most_recently_updated_stories() -> None:
    index = InMemoryStoryIndex()
    profiles = [stored(index, signature(["place:united states", f"person:p{n}"])) for n in range(500)]
    old = profiles[0]
    old.absorb(signature(["place:united states"]))  # a new brief joined the oldest story
    index.save(old, ["place:united states"])
    found = index.candidates(["place:united states"], DAY, timedelta(days=4), per_key=5, limit=50)
    assert [p.story_id for p in found] == [old.story_id, 500, 499, 498, 497]


def test_joining_looks_at_a_bounded_number_of_stories_however_many_are_stored() -> None:
    rng = random.Random(7)
    index = InMemoryStoryIndex()
    params = GroupingParams(per_key=8, max_candidates=20)
    grouper = StoryGrouper(index, params)
    for n in range(3000):
        grouper.add(signature(["place:united states", f"person:p{rng.randrange(400)}"], direction=n % DIM))
    placement = grouper.add(signature(["place:united states", "person:p1", "person:p2", "person:p3"]))
    assert 0 < placement.candidates <= params.max_candidates


def test_profile_sums_and_shares() -> None:
    profile = StoryProfile(story_id=1)
    profile.absorb(signature(["person:lohan", "place:malibu"], dates=frozenset({"y:2013"})))
    profile.absorb(signature(["person:lohan"], direction=1, published=DAY + timedelta(days=2)))
    assert profile.size == 2 and profile.share("person:lohan") == 1.0 and profile.share("place:malibu") == 0.5
    assert np.isclose(np.linalg.norm(profile.centroid()), 1.0)
    assert (profile.first_published, profile.last_published) == (DAY, DAY + timedelta(days=2))
    brief = signature(["person:lohan"], dates=frozenset({"y:2008"}), numbers=frozenset({"33"}))
    features = dict(zip(FEATURES, match_features(brief, profile), strict=True))
    assert features["actors"] == 1.0 and features["main_actor"] == 1.0 and features["places"] == 0.0
    assert features["year_conflict"] == 1.0 and features["dates_shared"] == 0.0 and features["numbers"] == 0.0
    assert features["lead_cosine"] == pytest.approx(np.sqrt(0.5))  # halfway between the two leads


def test_the_nearest_member_lead_counts_beside_the_centroid() -> None:
    profile = StoryProfile(story_id=1)
    for direction in (0, 0, 1):
        profile.absorb(signature(["person:lohan"], direction=direction))
    brief = signature(["person:lohan"], direction=1)
    features = dict(zip(FEATURES, match_features(brief, profile), strict=True))
    assert features["lead_nearest"] == pytest.approx(1.0)  # the same as one member's lead
    assert features["lead_cosine"] == pytest.approx(1 / np.sqrt(5))  # far from the centroid


def test_a_story_keeps_only_its_most_recent_member_leads() -> None:
    profile = StoryProfile(story_id=1)
    for n in range(MEMBER_VECTORS + 5):
        profile.absorb(signature(["person:lohan"], direction=n % DIM))
    assert profile.size == MEMBER_VECTORS + 5 and len(profile.members) == MEMBER_VECTORS
    assert int(np.argmax(profile.members[-1])) == (MEMBER_VECTORS + 4) % DIM


def test_keys_every_candidate_names_weigh_less_than_keys_one_candidate_names() -> None:
    aceh = StoryProfile(story_id=1)
    aceh.absorb(signature(["place:indonesia", "place:aceh"]))
    papua = StoryProfile(story_id=2)
    papua.absorb(signature(["place:indonesia", "place:papua"]))
    brief = signature(["place:indonesia", "place:aceh"])
    rarity = key_rarity(brief, [aceh, papua])
    assert rarity["place:aceh"] > rarity["place:indonesia"]
    rare = FEATURES.index("rare_keys")
    to_aceh, to_papua = (match_features(brief, p, rarity)[rare] for p in (aceh, papua))
    assert to_aceh == 1.0 and 0.0 < to_papua < 0.5
    assert match_features(brief, papua)[rare] == pytest.approx(0.5)  # without rarity: plain overlap


def test_numbers_and_words_every_candidate_shares_weigh_less() -> None:
    """Two football games of one team: the team and the usual numbers are in both stories, the
    opponent and the score in one."""
    game = {"words": frozenset({"colts", "jaguars", "playoff"}), "numbers": frozenset({"31", "24", "16"})}
    other = {"words": frozenset({"colts", "chiefs", "playoff"}), "numbers": frozenset({"20", "13", "16"})}
    stories = []
    for n, facts in enumerate((game, other), start=1):
        profile = StoryProfile(story_id=n)
        profile.absorb(replace(signature(["org:colts"]), **facts))
        stories.append(profile)
    brief = replace(signature(["org:colts"]), **game)
    rarity = key_rarity(brief, stories)
    assert rarity["jaguars"] > rarity["colts"] and rarity["31"] > rarity["16"]
    words, numbers = FEATURES.index("words"), FEATURES.index("rare_numbers")
    same, different = (match_features(brief, p, rarity) for p in stories)
    assert same[words] == same[numbers] == 1.0
    assert different[words] < 2 / 3 and different[numbers] < 1 / 3  # below the unweighted shares


def test_a_story_keeps_the_counts_of_its_most_used_words_only() -> None:
    profile = StoryProfile(story_id=1)
    for n in range(MAX_STORY_WORDS):
        profile.absorb(replace(signature(["org:colts"]), words=frozenset({"colts", f"word{n}"})))
    assert len(profile.word_counts) <= MAX_STORY_WORDS and profile.word_counts["colts"] == MAX_STORY_WORDS


def test_small_stories_are_told_apart_by_a_feature_of_their_own() -> None:
    profile = StoryProfile(story_id=1)
    small = FEATURES.index("small_story")
    profile.absorb(signature(["person:lohan"]))
    assert match_features(signature(["person:lohan"]), profile)[small] == 1.0
    for _ in range(3):
        profile.absorb(signature(["person:lohan"]))
    assert match_features(signature(["person:lohan"]), profile)[small] == 0.25


@pytest.fixture(scope="module")
def quake_signatures(engine_briefs: Callable[..., Briefing]) -> dict[str, StorySignature]:
    from summarizer.pipeline import default_engine

    encoder = default_engine().encoder
    names = ("aceh-wire", "aceh-local", "papua-wire", "bank")
    return {name: signature_of(engine_briefs(name), encoder) for name in names}


@pytest.mark.slow
@pytest.mark.parametrize(
    "order",
    [
        ("aceh-wire", "papua-wire", "aceh-local", "bank"),
        ("papua-wire", "aceh-local", "bank", "aceh-wire"),
        ("bank", "aceh-local", "aceh-wire", "papua-wire"),
    ],
)
def test_same_event_joins_and_same_kind_other_event_does_not(
    quake_signatures: dict[str, StorySignature], order: tuple[str, ...]
) -> None:
    grouper = StoryGrouper(InMemoryStoryIndex())
    story = {name: grouper.add(quake_signatures[name]).story_id for name in order}
    assert story["aceh-wire"] == story["aceh-local"]
    assert len({story["aceh-wire"], story["papua-wire"], story["bank"]}) == 3


@pytest.mark.slow
def test_undated_copies_still_join(engine_briefs: Callable[..., Briefing]) -> None:
    """Without publication dates the window rules nothing out; the text's own dates still count."""
    from summarizer.pipeline import default_engine

    encoder = default_engine().encoder
    grouper = StoryGrouper(InMemoryStoryIndex())
    first = grouper.add(signature_of(engine_briefs("aceh-wire", dated=False), encoder))
    second = grouper.add(signature_of(engine_briefs("aceh-local", dated=False), encoder))
    other = grouper.add(signature_of(engine_briefs("papua-wire", dated=False), encoder))
    assert first.new and not second.new and second.story_id == first.story_id
    assert other.new and other.story_id != first.story_id


@pytest.mark.slow
def test_a_brief_outside_the_window_starts_a_new_story(engine_briefs: Callable[..., Briefing]) -> None:
    from summarizer.pipeline import default_engine

    encoder = default_engine().encoder
    grouper = StoryGrouper(InMemoryStoryIndex())
    first = grouper.add(signature_of(engine_briefs("aceh-wire"), encoder))
    late = engine_briefs("aceh-local", date="2013-08-20")
    assert grouper.add(signature_of(late, encoder)).story_id != first.story_id

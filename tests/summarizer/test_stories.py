"""Story grouping: the index never scans, and real briefs of one event join while another event of the
same kind (another earthquake, elsewhere, another year) starts its own story."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from summarizer.models import Briefing
from summarizer.stories import (
    FEATURES,
    MODEL_PATH,
    RECENT_MEMBERS,
    GroupingParams,
    InMemoryStoryIndex,
    Member,
    StoryGrouper,
    StoryProfile,
    load_model,
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
    vector: np.ndarray | None = None,
) -> StorySignature:
    if vector is None:
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
    profile.absorb(sig, len(index))
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
    old.absorb(signature(["place:united states"]), 501)  # a new brief joined the oldest story
    index.save(old, ["place:united states"])
    found = index.candidates(["place:united states"], DAY, timedelta(days=4), per_key=5, limit=50)
    assert [p.story_id for p in found] == [old.story_id, 500, 499, 498, 497]


def test_joining_looks_at_a_bounded_number_of_stories_however_many_are_stored() -> None:
    rng = random.Random(7)
    index = InMemoryStoryIndex()
    params = GroupingParams(per_key=8, max_candidates=20)
    grouper = StoryGrouper(index, params)
    for n in range(3000):
        grouper.add(signature(["place:united states", f"person:p{rng.randrange(400)}"], direction=n % DIM), n)
    placement = grouper.add(signature(["place:united states", "person:p1", "person:p2", "person:p3"]), 3000)
    assert 0 < placement.candidates <= params.max_candidates


def test_profile_sums_and_shares() -> None:
    profile = StoryProfile(story_id=1)
    profile.absorb(signature(["person:lohan", "place:malibu"], dates=frozenset({"y:2013"})), 1)
    profile.absorb(signature(["person:lohan"], direction=1, published=DAY + timedelta(days=2)), 2)
    assert profile.size == 2 and profile.share("person:lohan") == 1.0 and profile.share("place:malibu") == 0.5
    assert np.isclose(np.linalg.norm(profile.centroid()), 1.0)
    assert (profile.first_published, profile.last_published) == (DAY, DAY + timedelta(days=2))
    brief = signature(["person:lohan"], dates=frozenset({"y:2008"}), numbers=frozenset({"33"}))
    features = dict(zip(FEATURES, match_features(brief, profile), strict=True))
    assert features["actors"] == 1.0 and features["main_actor"] == 1.0 and features["places"] == 0.0
    assert features["year_conflict"] == 1.0 and features["dates_shared"] == 0.0 and features["numbers"] == 0.0
    assert features["lead_cosine"] == pytest.approx(np.sqrt(0.5))  # halfway between the two leads


def test_releasing_a_member_undoes_its_absorption() -> None:
    first = signature(
        ["person:lohan", "place:malibu"], dates=frozenset({"y:2013"}), numbers=frozenset({"90"})
    )
    second = signature(["person:lohan", "org:court"], direction=1, dates=frozenset({"y:2013", "md:05-02"}))
    alone = StoryProfile(story_id=1)
    alone.absorb(first, 10)
    both = StoryProfile(story_id=1)
    both.absorb(first, 10)
    both.absorb(second, 11)
    trial = both.copy()
    trial.release(Member(11, second))
    assert both.size == 2 and "org:court" in both.key_counts  # the copy was changed, not the original
    assert (trial.size, trial.key_counts, trial.date_counts) == (1, alone.key_counts, alone.date_counts)
    assert trial.number_counts == alone.number_counts and [m.brief_id for m in trial.recent] == [10]
    assert trial.vector_sum is not None and alone.vector_sum is not None
    assert np.allclose(trial.vector_sum, alone.vector_sum)


def test_a_story_keeps_only_its_latest_members_whole() -> None:
    profile = StoryProfile(story_id=1)
    for n in range(RECENT_MEMBERS + 3):
        profile.absorb(signature(["person:lohan"], direction=n % DIM), n)
    assert profile.size == RECENT_MEMBERS + 3
    assert [m.brief_id for m in profile.recent] == list(range(3, RECENT_MEMBERS + 3))


# Only the lead cosine counts: p = 1 / (1 + exp(5 - 10 cos)), joining from 0.5 (a cosine of 0.5).
COSINE_ONLY = GroupingParams(weights=(10.0, 0, 0, 0, 0, 0, 0), bias=-5.0, threshold=0.5)


def lead(*components: float) -> np.ndarray:
    vector = np.zeros(DIM, dtype=np.float32)
    vector[: len(components)] = components
    return vector / np.linalg.norm(vector)


def test_an_earlier_brief_that_fits_a_new_story_better_moves_to_it() -> None:
    """b1 joins a1's story for want of a better one (cosine 0.6); b2 then starts its own story, which
    b1 fits far better (cosine 0.8): b1 follows b2, and a1's story is a1 again."""
    index = InMemoryStoryIndex()
    grouper = StoryGrouper(index, COSINE_ONLY)
    keys = ["org:geological survey", "place:indonesia"]
    a1 = grouper.add(signature(keys, vector=lead(1, 0)), 1)
    b1 = grouper.add(signature(keys, vector=lead(0.6, 0.8)), 2)
    assert not b1.new and b1.story_id == a1.story_id
    b2 = grouper.add(signature([*keys, "person:b"], vector=lead(0, 1)), 3)
    assert b2.new and b2.moved == (2,)
    assert [m.brief_id for m in index.profiles[b2.story_id].recent] == [3, 2]
    assert [m.brief_id for m in index.profiles[a1.story_id].recent] == [1]
    assert index.profiles[a1.story_id].size == 1 and index.profiles[b2.story_id].size == 2


def test_a_member_stays_unless_it_fits_the_new_story_clearly_better() -> None:
    index = InMemoryStoryIndex()
    grouper = StoryGrouper(index, COSINE_ONLY)
    keys = ["org:geological survey"]
    grouper.add(signature(keys, vector=lead(1, 0)), 1)
    grouper.add(signature(keys, vector=lead(0.75, 0.66)), 2)  # as close to a1 as to b2 below
    assert grouper.add(signature(keys, vector=lead(0, 1)), 3).moved == ()


def test_a_brief_alone_in_its_story_stays_there() -> None:
    """y and x each started a story (cosine 0.44); z joins x's story, which now fits y at p 0.80 - but y
    joined nothing when it came: moving it would merge two stories, and that is left alone."""
    index = InMemoryStoryIndex()
    grouper = StoryGrouper(index, COSINE_ONLY)
    keys = ["org:geological survey"]
    y = grouper.add(signature(keys, vector=lead(0, 1)), 1)
    x = grouper.add(signature(keys, vector=lead(0.9, 0.44)), 2)
    assert x.new and x.story_id != y.story_id
    z = grouper.add(signature(keys, vector=lead(0.6, 0.8)), 3)
    assert z.story_id == x.story_id and z.moved == ()
    assert (
        grouper.probability(index.profiles[y.story_id].recent[0].signature, index.profiles[x.story_id]) > 0.75
    )
    assert index.profiles[y.story_id].size == 1


def test_planning_changes_no_candidate() -> None:
    index = InMemoryStoryIndex()
    grouper = StoryGrouper(index, COSINE_ONLY)
    keys = ["org:geological survey"]
    grouper.add(signature(keys, vector=lead(1, 0)), 1)
    grouper.add(signature(keys, vector=lead(0.6, 0.8)), 2)
    found = index.candidates(keys, DAY, timedelta(days=4), 32, 128)
    before = [(p.size, dict(p.key_counts), [m.brief_id for m in p.recent]) for p in found]
    plan = grouper.plan(signature(keys, vector=lead(0, 1)), 3, found)
    assert plan.story_id is None and [m.member.brief_id for m in plan.moves] == [2]
    assert [(p.size, dict(p.key_counts), [m.brief_id for m in p.recent]) for p in found] == before


def test_a_story_a_member_left_is_no_candidate_for_its_keys_and_gone_when_empty() -> None:
    index = InMemoryStoryIndex()
    sig = signature(["person:lohan", "place:malibu"])
    profile = stored(index, sig)
    stored(index, signature(["person:reid"]))
    profile.release(Member(0, sig))
    index.release(profile, Member(0, sig))
    assert index.candidates(["person:lohan", "place:malibu"], DAY, timedelta(days=4), 10, 10) == []
    assert len(index) == 1 and profile.story_id not in index.profiles
    assert index.new_story().story_id == 3  # ids are never reused


def test_the_default_weights_are_the_fitted_model_shipped_as_data() -> None:
    model = load_model()
    params = GroupingParams()
    assert params.weights == tuple(model["weights"]) and len(params.weights) == len(FEATURES)
    assert (params.bias, params.threshold) == (model["bias"], model["threshold"])
    assert 0.0 < params.threshold < 1.0


def test_a_model_fitted_on_other_features_is_refused(tmp_path: Path) -> None:
    model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    model["features"] = [*model["features"][:-1], "something else"]
    other = tmp_path / "story_model.json"
    other.write_text(json.dumps(model), encoding="utf-8")
    with pytest.raises(ValueError, match="something else"):
        load_model(other)


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
    story = {name: grouper.add(quake_signatures[name], n).story_id for n, name in enumerate(order)}
    assert story["aceh-wire"] == story["aceh-local"]
    assert len({story["aceh-wire"], story["papua-wire"], story["bank"]}) == 3


@pytest.mark.slow
def test_undated_copies_still_join(engine_briefs: Callable[..., Briefing]) -> None:
    """Without publication dates the window rules nothing out; the text's own dates still count."""
    from summarizer.pipeline import default_engine

    encoder = default_engine().encoder
    grouper = StoryGrouper(InMemoryStoryIndex())
    first = grouper.add(signature_of(engine_briefs("aceh-wire", dated=False), encoder), 1)
    second = grouper.add(signature_of(engine_briefs("aceh-local", dated=False), encoder), 2)
    other = grouper.add(signature_of(engine_briefs("papua-wire", dated=False), encoder), 3)
    assert first.new and not second.new and second.story_id == first.story_id
    assert other.new and other.story_id != first.story_id


@pytest.mark.slow
def test_a_brief_outside_the_window_starts_a_new_story(engine_briefs: Callable[..., Briefing]) -> None:
    from summarizer.pipeline import default_engine

    encoder = default_engine().encoder
    grouper = StoryGrouper(InMemoryStoryIndex())
    first = grouper.add(signature_of(engine_briefs("aceh-wire"), encoder), 1)
    late = engine_briefs("aceh-local", date="2013-08-20")
    assert grouper.add(signature_of(late, encoder), 2).story_id != first.story_id

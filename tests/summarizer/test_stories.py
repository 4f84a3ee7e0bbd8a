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
    GroupingParams,
    InMemoryStoryIndex,
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

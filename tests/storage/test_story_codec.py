"""Story profiles as stored: every vector round-trips bit for bit, and a profile stored before member
leads and word counts were kept still reads (scored by its centroid alone)."""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime

import numpy as np

from storage.story_codec import pack_profile, unpack_profile
from summarizer.stories import MEMBER_VECTORS, StoryProfile
from summarizer.story_signature import ArticleRef, StorySignature

DAY = datetime(2025, 3, 4, tzinfo=UTC)


def _signature(seed: int) -> StorySignature:
    vector = np.random.default_rng(seed).standard_normal(16).astype(np.float32)
    return StorySignature(
        ref=ArticleRef("outlet.example", "", "", DAY),
        vector=vector / np.linalg.norm(vector),
        actors=(("person:lohan", 0.8),),
        places=(("place:malibu", 0.4),),
        dates=frozenset({"y:2013"}),
        numbers=frozenset({"33"}),
        words=frozenset({"rehab", f"word{seed}"}),
    )


def test_a_profile_round_trips_with_its_member_leads() -> None:
    profile = StoryProfile(story_id=7)
    for seed in range(MEMBER_VECTORS + 3):
        profile.absorb(_signature(seed))
    back = unpack_profile(7, pack_profile(profile))
    assert back.size == profile.size and back.key_counts == profile.key_counts
    assert back.word_counts == profile.word_counts and back.word_counts["rehab"] == profile.size
    assert back.vector_sum is not None and profile.vector_sum is not None
    assert np.array_equal(back.vector_sum, profile.vector_sum)
    assert len(back.members) == MEMBER_VECTORS
    assert all(np.array_equal(a, b) for a, b in zip(back.members, profile.members, strict=True))
    assert (back.first_published, back.last_published) == (DAY, DAY)


def test_an_empty_profile_round_trips() -> None:
    back = unpack_profile(3, pack_profile(StoryProfile(story_id=3)))
    assert back.size == 0 and back.vector_sum is None and back.members == []


def test_a_profile_stored_before_member_leads_still_reads() -> None:
    vector_sum = np.arange(16, dtype="<f8")
    header = json.dumps(
        {"size": 2, "keys": {"person:lohan": 2}, "dates": {}, "numbers": {}, "first": None, "last": None}
    ).encode()
    blob = zlib.compress(len(header).to_bytes(4, "big") + header + vector_sum.tobytes())
    back = unpack_profile(5, blob)
    assert back.members == [] and back.word_counts == {} and back.size == 2
    assert back.vector_sum is not None and np.array_equal(back.vector_sum, vector_sum)

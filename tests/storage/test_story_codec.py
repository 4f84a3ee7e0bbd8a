"""A story profile round-trips exactly through its stored form, recent members included."""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime

import numpy as np

from storage.story_codec import pack_profile, unpack_profile
from summarizer.stories import RECENT_MEMBERS, StoryProfile
from summarizer.story_signature import ArticleRef, StorySignature

WHEN = datetime(2026, 11, 30, 9, tzinfo=UTC)


def signature(seed: int, published: datetime | None) -> StorySignature:
    vector = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
    return StorySignature(
        ref=ArticleRef("a.example", f"Quake {seed}", f"https://a.example/{seed}", published),
        vector=vector / np.linalg.norm(vector),
        actors=(("person:peskov", 0.8123456789), ("org:kremlin", 0.1)),
        places=(("place:moscow", 0.5),),
        dates=frozenset({"y:2026", "md:11-30"}),
        numbers=frozenset({"6.1", f"{seed}"}),
    )


def test_a_profile_and_its_recent_members_round_trip_exactly() -> None:
    profile = StoryProfile(story_id=7)
    for n in range(RECENT_MEMBERS + 2):
        profile.absorb(signature(n, WHEN if n % 2 else None), 100 + n)
    back = unpack_profile(7, pack_profile(profile))
    assert (back.size, back.key_counts, back.date_counts, back.number_counts) == (
        profile.size,
        profile.key_counts,
        profile.date_counts,
        profile.number_counts,
    )
    assert back.vector_sum is not None and profile.vector_sum is not None
    assert np.array_equal(back.vector_sum, profile.vector_sum)
    assert len(back.recent) == RECENT_MEMBERS
    for kept, member in zip(back.recent, profile.recent, strict=True):
        assert kept.brief_id == member.brief_id
        assert kept.signature.vector.dtype == np.float32
        assert np.array_equal(kept.signature.vector, member.signature.vector)
        assert kept.signature.ref == ArticleRef("", "", "", member.signature.ref.published)  # no title, link
        assert (kept.signature.actors, kept.signature.places) == (
            member.signature.actors,
            member.signature.places,
        )
        assert (kept.signature.dates, kept.signature.numbers) == (
            member.signature.dates,
            member.signature.numbers,
        )


def test_an_empty_profile_round_trips() -> None:
    back = unpack_profile(3, pack_profile(StoryProfile(3)))
    assert (back.story_id, back.size, back.vector_sum, back.recent) == (3, 0, None, [])


def test_a_profile_stored_before_stories_kept_members_reads_with_none() -> None:
    """Stories written by the previous version have no members in their blob: none can move, the rest
    reads as before."""
    vector_sum = np.arange(4, dtype="<f8")
    header = json.dumps(
        {"size": 2, "keys": {"person:peskov": 2}, "dates": {}, "numbers": {}, "first": None, "last": None}
    ).encode()
    blob = zlib.compress(len(header).to_bytes(4, "big") + header + vector_sum.tobytes())
    back = unpack_profile(5, blob)
    assert back.size == 2 and back.key_counts == {"person:peskov": 2} and back.recent == []
    assert back.vector_sum is not None and np.array_equal(back.vector_sum, vector_sum)

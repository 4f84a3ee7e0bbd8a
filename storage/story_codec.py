"""How a story profile is kept: its counts as JSON, its embedding sum as raw float64 and its recent
member leads as raw float32, zlib-compressed.

The vectors must round-trip exactly: grouping against a stored profile has to give the same answer as
against the in-memory one, so they are stored as the bytes numpy holds, not as JSON decimals. A profile
stored before member leads and word counts were kept has none ("members", "words" absent): it is scored
by its centroid alone and shares no words.
"""

from __future__ import annotations

import json
import zlib
from datetime import datetime
from typing import Any

import numpy as np

from storage.codec import COMPRESSION_LEVEL, iso, parse_iso, to_json
from summarizer.stories import StoryProfile

_HEADER_BYTES = 4


def pack_profile(profile: StoryProfile) -> bytes:
    header = to_json(
        {
            "size": profile.size,
            "keys": profile.key_counts,
            "dates": profile.date_counts,
            "numbers": profile.number_counts,
            "words": profile.word_counts,
            "first": _iso(profile.first_published),
            "last": _iso(profile.last_published),
            "members": len(profile.members),
        }
    ).encode()
    vector = b"" if profile.vector_sum is None else profile.vector_sum.astype("<f8").tobytes()
    members = b"".join(m.astype("<f4").tobytes() for m in profile.members)
    body = len(header).to_bytes(_HEADER_BYTES, "big") + header + vector + members
    return zlib.compress(body, COMPRESSION_LEVEL)


def unpack_profile(story_id: int, blob: bytes) -> StoryProfile:
    raw = zlib.decompress(blob)
    length = int.from_bytes(raw[:_HEADER_BYTES], "big")
    header: dict[str, Any] = json.loads(raw[_HEADER_BYTES : _HEADER_BYTES + length])
    body = raw[_HEADER_BYTES + length :]
    count = int(header.get("members", 0))
    dim = len(body) // (8 + 4 * count)  # the sum's float64s, then `count` leads of float32s
    vector, members = body[: 8 * dim], body[8 * dim :]
    return StoryProfile(
        story_id=story_id,
        size=int(header["size"]),
        vector_sum=np.frombuffer(vector, dtype="<f8").copy() if vector else None,
        key_counts=dict(header["keys"]),
        date_counts=dict(header["dates"]),
        number_counts=dict(header["numbers"]),
        word_counts=dict(header.get("words", {})),
        first_published=_time(header["first"]),
        last_published=_time(header["last"]),
        members=[
            np.frombuffer(members, dtype="<f4", count=dim, offset=4 * dim * n).copy() for n in range(count)
        ],
    )


def _iso(moment: datetime | None) -> str | None:
    return iso(moment) if moment is not None else None


def _time(text: str | None) -> datetime | None:
    return parse_iso(text) if text else None

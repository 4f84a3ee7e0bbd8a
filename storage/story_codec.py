"""How a story profile is kept: its counts as JSON and its embedding sum as raw float64, zlib-compressed.

The sum must round-trip exactly: grouping against a stored profile has to give the same answer as
against the in-memory one, so the vector is stored as the bytes numpy holds, not as JSON decimals.
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
            "first": _iso(profile.first_published),
            "last": _iso(profile.last_published),
        }
    ).encode()
    vector = b"" if profile.vector_sum is None else profile.vector_sum.astype("<f8").tobytes()
    return zlib.compress(len(header).to_bytes(_HEADER_BYTES, "big") + header + vector, COMPRESSION_LEVEL)


def unpack_profile(story_id: int, blob: bytes) -> StoryProfile:
    raw = zlib.decompress(blob)
    length = int.from_bytes(raw[:_HEADER_BYTES], "big")
    header: dict[str, Any] = json.loads(raw[_HEADER_BYTES : _HEADER_BYTES + length])
    vector = raw[_HEADER_BYTES + length :]
    return StoryProfile(
        story_id=story_id,
        size=int(header["size"]),
        vector_sum=np.frombuffer(vector, dtype="<f8").copy() if vector else None,
        key_counts=dict(header["keys"]),
        date_counts=dict(header["dates"]),
        number_counts=dict(header["numbers"]),
        first_published=_time(header["first"]),
        last_published=_time(header["last"]),
    )


def _iso(moment: datetime | None) -> str | None:
    return iso(moment) if moment is not None else None


def _time(text: str | None) -> datetime | None:
    return parse_iso(text) if text else None

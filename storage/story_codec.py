"""How a story profile is kept: its counts and recent members as JSON, then its embedding sum as raw
float64 and the recent members' lead embeddings as raw float32, zlib-compressed. A member keeps what
grouping reads (keys, dates, numbers, publication time), not its article's title or link: those stay
with the brief, where who may see them is checked.

The vectors must round-trip exactly: grouping against a stored profile has to give the same answer as
against the in-memory one, so they are stored as the bytes numpy holds, not as JSON decimals.
"""

from __future__ import annotations

import json
import zlib
from datetime import datetime
from typing import Any

import numpy as np

from storage.codec import COMPRESSION_LEVEL, iso, parse_iso, to_json
from summarizer.stories import Member, StoryProfile
from summarizer.story_signature import ArticleRef, StorySignature

_HEADER_BYTES = 4


def pack_profile(profile: StoryProfile) -> bytes:
    members = [m.signature for m in profile.recent]
    header = to_json(
        {
            "size": profile.size,
            "keys": profile.key_counts,
            "dates": profile.date_counts,
            "numbers": profile.number_counts,
            "first": _iso(profile.first_published),
            "last": _iso(profile.last_published),
            "recent": [_member_header(m) for m in profile.recent],
            "dim": len(members[0].vector) if members else 0,
        }
    ).encode()
    vector = b"" if profile.vector_sum is None else profile.vector_sum.astype("<f8").tobytes()
    vectors = b"".join(m.vector.astype("<f4").tobytes() for m in members)
    return zlib.compress(
        len(header).to_bytes(_HEADER_BYTES, "big") + header + vector + vectors, COMPRESSION_LEVEL
    )


def unpack_profile(story_id: int, blob: bytes) -> StoryProfile:
    raw = zlib.decompress(blob)
    length = int.from_bytes(raw[:_HEADER_BYTES], "big")
    header: dict[str, Any] = json.loads(raw[_HEADER_BYTES : _HEADER_BYTES + length])
    recent = header.get("recent", [])  # profiles written before stories kept members have none
    dim = int(header.get("dim", 0))
    tail = len(raw) - 4 * dim * len(recent)
    vectors = np.frombuffer(raw[tail:], dtype="<f4").reshape(len(recent), dim)
    vector = raw[_HEADER_BYTES + length : tail]
    return StoryProfile(
        story_id=story_id,
        size=int(header["size"]),
        vector_sum=np.frombuffer(vector, dtype="<f8").copy() if vector else None,
        key_counts=dict(header["keys"]),
        date_counts=dict(header["dates"]),
        number_counts=dict(header["numbers"]),
        first_published=_time(header["first"]),
        last_published=_time(header["last"]),
        recent=[_member(fields, vectors[n].astype(np.float32)) for n, fields in enumerate(recent)],
    )


def _member_header(member: Member) -> dict[str, Any]:
    sig = member.signature
    return {
        "brief": member.brief_id,
        "published": _iso(sig.ref.published),
        "actors": sig.actors,
        "places": sig.places,
        "dates": sorted(sig.dates),
        "numbers": sorted(sig.numbers),
    }


def _member(fields: dict[str, Any], vector: np.ndarray) -> Member:
    signature = StorySignature(
        ref=ArticleRef("", "", "", _time(fields["published"])),
        vector=vector,
        actors=tuple((key, float(salience)) for key, salience in fields["actors"]),
        places=tuple((key, float(salience)) for key, salience in fields["places"]),
        dates=frozenset(fields["dates"]),
        numbers=frozenset(fields["numbers"]),
    )
    return Member(int(fields["brief"]), signature)


def _iso(moment: datetime | None) -> str | None:
    return iso(moment) if moment is not None else None


def _time(text: str | None) -> datetime | None:
    return parse_iso(text) if text else None

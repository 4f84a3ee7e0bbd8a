"""Blobs: what pack writes, unpack reads back, and blobs from before orjson still read."""

from __future__ import annotations

import json
import math
import zlib

from storage.codec import pack, unpack


def test_pack_and_unpack_round_trip_unicode_and_numbers() -> None:
    value = {"actor": "Émile Zoé", "quote": "“Non”, dit-il", "score": 0.125, "sentences": [[0, 0, 12, 0]]}
    assert unpack(pack(value)) == value


def test_a_blob_written_by_the_standard_library_with_a_nan_still_reads() -> None:
    legacy = zlib.compress(json.dumps({"salience": float("nan"), "name": "Kremlin"}).encode())
    record = unpack(legacy)
    assert record["name"] == "Kremlin"
    assert math.isnan(record["salience"])

"""The nonce a copy of a brief is posted with: one per (brief, channel), the same on every retry."""

from __future__ import annotations

import itertools

from bot.posting import delivery_nonce

DISCORD_NONCE_CHARS = 25


def test_a_retry_gets_the_same_nonce_and_other_pairs_other_ones() -> None:
    assert delivery_nonce(42, 1_577_004_844_688_867_329) == delivery_nonce(42, 1_577_004_844_688_867_329)
    pairs = list(itertools.product(range(1, 200), (10, 11, 1_577_004_844_688_867_329)))
    nonces = {delivery_nonce(brief_id, channel_id) for brief_id, channel_id in pairs}
    assert len(nonces) == len(pairs)
    assert delivery_nonce(1, 11) != delivery_nonce(11, 1)


def test_the_nonce_fits_discords_limit() -> None:
    for brief_id, channel_id in ((1, 1), (2**63 - 1, 2**64 - 1), (10**12, 1_577_004_844_688_867_329)):
        nonce = delivery_nonce(brief_id, channel_id)
        assert 0 <= nonce < 2**63 and len(str(nonce)) <= DISCORD_NONCE_CHARS

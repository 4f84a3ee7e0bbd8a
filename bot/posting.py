"""Copies of a brief posted beyond its own reply: cross-posts to matching channels and feed deliveries.

One path for both, so both post the same compact card (with "Other coverage" when its story has more)
and record the message in the same step as marking the delivery done. Each copy is sent with a nonce
made from (brief, channel) and `enforce_nonce`: when a crash comes between Discord creating the
message and the store recording it, the retry gets Discord's first message back instead of a second
one (Discord remembers a nonce for a few minutes).
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING

import discord

from bot import render, views

if TYPE_CHECKING:
    from service.briefing_service import BriefingService
    from service.records import BriefOutcome

log = logging.getLogger(__name__)


def delivery_nonce(brief_id: int, channel_id: int) -> int:
    """The same number for every attempt to post one brief to one channel, and (almost surely) a
    different one for any other pair. 63 bits: at most 19 digits, within Discord's 25 characters."""
    digest = hashlib.blake2b(f"briefbot:{brief_id}:{channel_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


async def post_copy(
    service: BriefingService,
    channel: discord.abc.Messageable,
    channel_id: int,
    outcome: BriefOutcome,
    note: str,
) -> bool:
    """Post a compact copy of the brief with `note` above it; False when Discord refused it (logged)."""
    stored = outcome.brief
    try:
        # discord.py sends `enforce_nonce: true` with every nonce it is given.
        message = await channel.send(
            embed=render.compact_embed(stored, note),
            view=views.story_view(outcome),
            nonce=delivery_nonce(stored.id, channel_id),
        )
    except discord.HTTPException:
        log.warning("Could not post brief #%d to channel %d.", stored.id, channel_id, exc_info=True)
        return False
    await service.mark_delivered(stored.id, channel_id, message.id)
    return True

"""Copies of a brief posted beyond its own reply: cross-posts to matching channels and feed deliveries.

One path for both, so both post the same compact card (with "Other coverage" when its story has more)
and record the message in the same step as marking the delivery done.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot import render, views

if TYPE_CHECKING:
    from service.briefing_service import BriefingService
    from service.records import BriefOutcome

log = logging.getLogger(__name__)


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
        message = await channel.send(embed=render.compact_embed(stored, note), view=views.story_view(outcome))
    except discord.HTTPException:
        log.warning("Could not post brief #%d to channel %d.", stored.id, channel_id, exc_info=True)
        return False
    await service.mark_delivered(stored.id, channel_id, message.id)
    return True

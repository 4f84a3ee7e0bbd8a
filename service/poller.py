"""`briefbot poller` (distributed mode): poll the feeds that are due, brief their new items through
the job queue, and leave the posts to the bot processes. Any number of pollers share the work: each
feed is leased to one of them per interval (storage's `lease_due_feeds`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from service.briefing_service import BriefingService
from service.settings import Settings

log = logging.getLogger(__name__)

TICK_S = 30.0  # how often a poller looks for feeds that fell due
LEASE_BATCH = 10  # feeds leased at a time: the rest stay free for the other pollers


async def serve_poller(settings: Settings, stop: asyncio.Event) -> None:
    """Poll due feeds until `stop` is set; a round that fails is logged and tried again next tick."""
    service = await BriefingService.open(settings, distributed=True)
    tick = min(TICK_S, settings.feed_interval_s)
    log.info("Polling due feeds every %.0f s (interval %.0f s)", tick, settings.feed_interval_s)
    try:
        while not stop.is_set():
            try:
                while not stop.is_set() and await service.poll_due_feeds(LEASE_BATCH):
                    pass
            except Exception:
                log.exception("Polling the feeds failed; trying again in %.0f s.", tick)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), tick)
    finally:
        await service.close()

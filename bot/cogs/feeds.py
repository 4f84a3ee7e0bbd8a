"""/feed add, remove and list, and the background loop that posts new feed items' briefings."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import checks, errors, render
from bot.posting import post_copy
from service.records import FeedDelivery

if TYPE_CHECKING:
    from bot.bot import BriefBot

log = logging.getLogger(__name__)

DELIVERY_CHECK_S = 60.0  # distributed mode: how soon what a poller briefed is posted


@app_commands.default_permissions(manage_channels=True)
class Feeds(commands.GroupCog, group_name="feed", group_description="RSS and Atom feeds this server follows"):
    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot
        super().__init__()
        interval = bot.settings.feed_interval_s
        if bot.distributed:  # pollers brief the items; this loop only posts them, so it looks often
            interval = min(interval, DELIVERY_CHECK_S)
        self.poll.change_interval(seconds=interval)

    async def cog_unload(self) -> None:
        self.poll.cancel()

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Start polling once connected (and never twice: on_ready repeats after reconnects); of
        several shard processes, only the one running shard 0 polls."""
        if self.bot.polls_feeds and not self.poll.is_running():
            self.poll.start()

    @tasks.loop(seconds=900)
    async def poll(self) -> None:
        if self.bot.draining:
            return
        # Its own task, so that a shutdown waits for this round (and what it briefed gets posted)
        # but not for the loop, which only sleeps between rounds.
        round_ = asyncio.create_task(self.poll_once(), name="feed-poll")
        self.bot.track(round_)
        await round_

    async def poll_once(self) -> None:
        """Brief new items and post them; also what a crash left undelivered in the last run."""
        try:
            deliveries = await self.bot.service.poll_feeds()
        except Exception:
            log.exception("Polling the feeds failed; trying again next round.")
            return
        for delivery in deliveries:
            await self.deliver(delivery)

    async def deliver(self, delivery: FeedDelivery) -> None:
        service = self.bot.service
        stored = delivery.outcome.brief
        note = f"New in {render.link(delivery.feed_url)}"
        for channel_id in delivery.channel_ids:
            channel = self.bot.get_channel(channel_id)
            if channel is None and self.bot.settings.sharded:
                # A server on another shard: this process never saw the channel, but REST reaches it.
                channel = self.bot.get_partial_messageable(channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                log.warning(
                    "Feed brief #%d: channel %d is gone or unknown; not posted.", stored.id, channel_id
                )
                continue
            await post_copy(service, channel, channel_id, delivery.outcome, note)

    @app_commands.command(
        name="add", description="Follow an RSS or Atom feed: new items are briefed and routed."
    )
    @app_commands.describe(url="The feed's address (http or https)")
    @app_commands.checks.has_permissions(manage_channels=True)
    async def add(self, interaction: discord.Interaction[BriefBot], url: str) -> None:
        url = checks.checked_url(url)
        await errors.defer(interaction, private=True)
        guild_id = interaction.guild_id or 0
        feed = await self.bot.service.add_feed(guild_id, url, interaction.user.id)
        if not feed.added:
            await interaction.edit_original_response(
                content=f"This server already follows {render.link(feed.url)}."
            )
            return
        interval = self.bot.settings.feed_interval_s
        every = f"{interval:.0f} s" if interval < 120 else f"{interval / 60:.0f} min"
        found = f"That page links its feed: following {render.link(feed.url)}" if feed.linked_from else ""
        message = (
            f"{found or f'Following {render.link(feed.url)}'}. I check it every {every} "
            "and post new items to the channels whose topics match."
        )
        if not await self.bot.service.list_subscriptions(guild_id):
            message += " No channel has a topic yet: add one with `/subscribe add`."
        await interaction.edit_original_response(content=message)

    @app_commands.command(name="remove", description="Stop following a feed.")
    @app_commands.describe(url="One of this server's feeds")
    @app_commands.checks.has_permissions(manage_channels=True)
    async def remove(self, interaction: discord.Interaction[BriefBot], url: str) -> None:
        await errors.defer(interaction, private=True)
        removed = await self.bot.service.remove_feed(interaction.guild_id or 0, url.strip())
        shown = render.link(url.strip())
        message = f"Stopped following {shown}." if removed else f"This server does not follow {shown}."
        await interaction.edit_original_response(content=message)

    @remove.autocomplete("url")
    async def url_autocomplete(
        self, interaction: discord.Interaction[BriefBot], current: str
    ) -> list[app_commands.Choice[str]]:
        feeds = await self.bot.service.list_feeds(interaction.guild_id or 0)
        typed = current.strip().casefold()
        return [
            app_commands.Choice(name=feed.url, value=feed.url)
            for feed in feeds
            if typed in feed.url.casefold() and len(feed.url) <= render.CHOICE_NAME_LIMIT
        ][:25]

    @app_commands.command(name="list", description="The feeds this server follows.")
    async def list_feeds(self, interaction: discord.Interaction[BriefBot]) -> None:
        await errors.defer(interaction, private=True)
        feeds = await self.bot.service.list_feeds(interaction.guild_id or 0)
        await interaction.edit_original_response(embed=render.feeds_embed(feeds))


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(Feeds(bot))

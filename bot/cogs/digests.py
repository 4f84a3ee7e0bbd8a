"""/digest schedule, now and off, and the loop that posts scheduled digests once per period.

Posting once: the period ("daily:2026-11-30") is claimed in the store before the digest is built and
posted; a claim taken by anyone (another process, this one before a restart) is never posted again.
When posting fails the claim is given back, so the next check retries. A crash between the claim and
the post loses that period's digest rather than risking it twice.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import errors, render, render_stories
from service.digest_schedule import WEEKDAYS, DueDigest, zone_names
from summarizer.digest import Digest

if TYPE_CHECKING:
    from bot.bot import BriefBot

log = logging.getLogger(__name__)

PERIOD_DAYS = {"daily": 1, "weekly": 7}
THREAD_ARCHIVE_MINUTES = 1440


@app_commands.default_permissions(manage_channels=True)
class Digests(commands.GroupCog, group_name="digest", group_description="A briefing of the top stories"):
    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot
        super().__init__()
        self.check_due.change_interval(seconds=bot.settings.digest_check_interval_s)

    async def cog_unload(self) -> None:
        self.check_due.cancel()

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if not self.check_due.is_running():
            self.check_due.start()

    @tasks.loop(seconds=60)
    async def check_due(self) -> None:
        if self.bot.draining:
            return
        round_ = asyncio.create_task(self.post_due(), name="digests")
        self.bot.track(round_)
        await round_

    async def post_due(self) -> None:
        stories = self.bot.service.stories
        try:
            due = await stories.due_digests()
        except Exception:
            log.exception("Checking the digest schedules failed; trying again next round.")
            return
        for item in due:
            channel = self.bot.get_channel(item.schedule.channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                continue  # another shard's channel, or one gone: never claim what this process can't post
            if not await stories.claim_digest(item):
                continue  # posted (or being posted) for this period already
            try:
                message_id = await self.post_scheduled(item, channel)
            except Exception:
                log.exception(
                    "The digest for channel %d failed; retrying next round.", item.schedule.channel_id
                )
                await stories.release_digest(item)
                continue
            await stories.digest_posted(item, message_id)
            log.info("Posted the %s digest to channel %d.", item.period, item.schedule.channel_id)

    async def post_scheduled(self, item: DueDigest, channel: discord.abc.Messageable) -> int:
        schedule = item.schedule
        digest = await self.bot.service.stories.digest(
            schedule.guild_id, schedule.channel_id, days=PERIOD_DAYS[schedule.cadence]
        )
        heading = f"{'Daily' if schedule.cadence == 'daily' else 'Weekly'} digest"
        return await post_digest(channel, digest, heading)

    @app_commands.command(name="schedule", description="Post a digest of the top stories here regularly.")
    @app_commands.describe(
        cadence="Every day or every week",
        hour="The hour to post at (0-23) in the time zone below",
        timezone="A time zone such as Europe/Paris (default UTC)",
        weekday="For a weekly digest: the day (default Monday)",
    )
    @app_commands.choices(
        cadence=[app_commands.Choice(name=c, value=c) for c in PERIOD_DAYS],
        weekday=[app_commands.Choice(name=day.title(), value=n) for n, day in enumerate(WEEKDAYS)],
    )
    @app_commands.checks.has_permissions(manage_channels=True)
    async def schedule(
        self,
        interaction: discord.Interaction[BriefBot],
        cadence: app_commands.Choice[str],
        hour: app_commands.Range[int, 0, 23],
        timezone: app_commands.Range[str, 1, 64] = "UTC",
        weekday: app_commands.Choice[int] | None = None,
    ) -> None:
        await errors.defer(interaction, private=True)
        schedule = await self.bot.service.stories.set_schedule(
            interaction.guild_id or 0,
            interaction.channel_id or 0,
            cadence.value,
            hour,
            timezone.strip(),
            weekday.value if weekday else 0,
            interaction.user.id,
        )
        topics = await self.bot.service.list_subscriptions(interaction.guild_id or 0, interaction.channel_id)
        about = (
            f"about {', '.join(f'“{render.escape(s.topic)}”' for s in topics)}"
            if topics
            else "of every story (add topics with `/subscribe add` to narrow it)"
        )
        await interaction.edit_original_response(
            content=f"<#{schedule.channel_id}> gets a digest {about} "
            f"{render_stories.schedule_line(schedule)}."
        )

    @schedule.autocomplete("timezone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction[BriefBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=name, value=name) for name in zone_names(current, 25)]

    @app_commands.command(name="now", description="Post a digest of the top stories here now.")
    @app_commands.describe(period="The stories of the last day (default) or week")
    @app_commands.choices(period=[app_commands.Choice(name=c, value=c) for c in PERIOD_DAYS])
    async def now(
        self, interaction: discord.Interaction[BriefBot], period: app_commands.Choice[str] | None = None
    ) -> None:
        await errors.defer(interaction, private=False)
        cadence = period.value if period else "daily"
        digest = await self.bot.service.stories.digest(
            interaction.guild_id or 0, interaction.channel_id or 0, days=PERIOD_DAYS[cadence]
        )
        messages = render_stories.digest_messages(
            digest, f"Digest of the last {'day' if cadence == 'daily' else 'week'}"
        )
        message = await interaction.edit_original_response(embeds=messages[0])
        await post_rest(message, messages[1:])

    @app_commands.command(name="off", description="Stop this channel's scheduled digest.")
    @app_commands.checks.has_permissions(manage_channels=True)
    async def off(self, interaction: discord.Interaction[BriefBot]) -> None:
        await errors.defer(interaction, private=True)
        removed = await self.bot.service.stories.remove_schedule(
            interaction.guild_id or 0, interaction.channel_id or 0
        )
        here = f"<#{interaction.channel_id}>"
        await interaction.edit_original_response(
            content=f"{here} gets no more scheduled digests."
            if removed
            else f"{here} has no scheduled digest."
        )


async def post_digest(channel: discord.abc.Messageable, digest: Digest, heading: str) -> int:
    """The first stories in the channel, the rest in a thread on that message; the first message's id."""
    messages = render_stories.digest_messages(digest, heading)
    first = await channel.send(embeds=messages[0])
    await post_rest(first, messages[1:])
    return first.id


async def post_rest(first: discord.Message, rest: list[list[discord.Embed]]) -> None:
    """Stories that did not fit the first message: in a thread on it, or below it without threads."""
    if not rest:
        return
    target: discord.abc.Messageable = first.channel
    try:
        target = await first.create_thread(name="More stories", auto_archive_duration=THREAD_ARCHIVE_MINUTES)
    except (discord.HTTPException, ValueError):
        log.info("No thread for the rest of a digest; posting it in the channel.")
    for embeds in rest:
        await target.send(embeds=embeds)


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(Digests(bot))

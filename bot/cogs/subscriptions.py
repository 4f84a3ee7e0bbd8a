"""/subscribe add, remove and list: topics that route matching briefs to a channel."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import errors, render

if TYPE_CHECKING:
    from bot.bot import BriefBot

log = logging.getLogger(__name__)

TOPIC_LIMIT = 200


@app_commands.default_permissions(manage_channels=True)
class Subscriptions(
    commands.GroupCog,
    group_name="subscribe",
    group_description="Topics that bring matching briefs to a channel",
):
    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="add", description="Post briefs about a topic to this channel.")
    @app_commands.describe(topic="Words or a short description, e.g. “climate policy in the EU”")
    @app_commands.checks.has_permissions(manage_channels=True)
    async def add(
        self, interaction: discord.Interaction[BriefBot], topic: app_commands.Range[str, 2, TOPIC_LIMIT]
    ) -> None:
        if isinstance(interaction.channel, discord.Thread):
            await interaction.response.send_message(
                "Subscribe a channel, not a thread: run this in the channel itself.", ephemeral=True
            )
            return
        await errors.defer(interaction, private=True)
        topic = " ".join(topic.split())
        added = await self.bot.service.add_subscription(
            interaction.guild_id or 0, interaction.channel_id or 0, topic, interaction.user.id
        )
        here = f"<#{interaction.channel_id}>"
        message = (
            f"{here} now gets briefs about “{render.escape(topic)}”."
            if added
            else f"{here} is already subscribed to “{render.escape(topic)}”."
        )
        await interaction.edit_original_response(content=message)

    @app_commands.command(name="remove", description="Stop posting briefs about a topic to this channel.")
    @app_commands.describe(topic="One of this channel's topics")
    @app_commands.checks.has_permissions(manage_channels=True)
    async def remove(self, interaction: discord.Interaction[BriefBot], topic: str) -> None:
        await errors.defer(interaction, private=True)
        removed = await self.bot.service.remove_subscription(
            interaction.guild_id or 0, interaction.channel_id or 0, " ".join(topic.split())
        )
        here = f"<#{interaction.channel_id}>"
        shown = render.escape(topic)
        message = (
            f"{here} no longer gets briefs about “{shown}”." if removed else f"{here} has no topic “{shown}”."
        )
        await interaction.edit_original_response(content=message)

    @remove.autocomplete("topic")
    async def topic_autocomplete(
        self, interaction: discord.Interaction[BriefBot], current: str
    ) -> list[app_commands.Choice[str]]:
        subscriptions = await self.bot.service.list_subscriptions(
            interaction.guild_id or 0, interaction.channel_id
        )
        typed = current.strip().casefold()
        return [
            app_commands.Choice(name=render.shorten(s.topic, render.CHOICE_NAME_LIMIT), value=s.topic)
            for s in subscriptions
            if typed in s.topic.casefold() and len(s.topic) <= render.CHOICE_NAME_LIMIT
        ][:25]

    @app_commands.command(
        name="list", description="The topics every channel of this server is subscribed to."
    )
    async def list_topics(self, interaction: discord.Interaction[BriefBot]) -> None:
        await errors.defer(interaction, private=True)
        subscriptions = await self.bot.service.list_subscriptions(interaction.guild_id or 0)
        embed = render.subscriptions_embed(subscriptions, interaction.channel_id or 0)
        await interaction.edit_original_response(embed=embed)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        """A deleted channel's subscriptions would route briefs nowhere."""
        for subscription in await self.bot.service.list_subscriptions(channel.guild.id, channel.id):
            await self.bot.service.remove_subscription(channel.guild.id, channel.id, subscription.topic)
        log.info("Removed the subscriptions of deleted channel %s.", channel.id)


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(Subscriptions(bot))

"""/actor: what one person or organisation was recorded as saying across this server's briefs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import errors, render, views

if TYPE_CHECKING:
    from bot.bot import BriefBot

NAME_LIMIT = 80  # fits the page buttons' custom_id
TOPIC_LIMIT = 100  # a longer name and topic together lose the page buttons, never the answer


class Actors(commands.Cog):
    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="actor", description="What someone said across this server's briefs, newest first."
    )
    @app_commands.describe(
        name="A person, organisation, place or group (autocompletes known actors)",
        topic="Only what they said about this topic, grouped by story (e.g. “energy prices”)",
    )
    async def actor(
        self,
        interaction: discord.Interaction[BriefBot],
        name: app_commands.Range[str, 1, NAME_LIMIT],
        topic: app_commands.Range[str, 2, TOPIC_LIMIT] | None = None,
    ) -> None:
        await errors.defer(interaction, private=False)
        name = " ".join(name.split())
        if topic is not None:
            topic = " ".join(topic.split())
            embed, count, key = await views.actor_topic_page(
                self.bot.service, interaction.guild_id or 0, interaction.user.id, f"{name}|{topic}", 0
            )
            view = views.page_view("actopic", key, 0, count)
            await interaction.edit_original_response(embed=embed, view=view)
            return
        embed, count, key = await views.actor_page(
            self.bot.service, interaction.guild_id or 0, interaction.user.id, name, 0
        )
        await interaction.edit_original_response(embed=embed, view=views.page_view("actor", key, 0, count))

    @actor.autocomplete("name")
    async def name_autocomplete(
        self, interaction: discord.Interaction[BriefBot], current: str
    ) -> list[app_commands.Choice[str]]:
        names = await self.bot.service.actor_names(interaction.guild_id or 0, current.strip(), limit=25)
        return [
            app_commands.Choice(name=render.shorten(name, render.CHOICE_NAME_LIMIT), value=name)
            for name in names
            if len(name) <= NAME_LIMIT
        ]


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(Actors(bot))

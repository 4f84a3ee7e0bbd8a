"""/story: one event as several outlets reported it, from a brief, a link or a search term."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import errors, render, render_stories, views

if TYPE_CHECKING:
    from bot.bot import BriefBot

QUERY_LIMIT = 300


class Stories(commands.Cog):
    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="story", description="One news event across outlets: summary, coverage and who said what."
    )
    @app_commands.describe(
        query="A brief (#12), a link you briefed, or words from a headline (autocompletes stories)",
        private="Only you see it; it then also includes your own private briefs",
    )
    async def story(
        self,
        interaction: discord.Interaction[BriefBot],
        query: app_commands.Range[str, 1, QUERY_LIMIT],
        private: bool = False,
    ) -> None:
        await errors.defer(interaction, private=private)
        viewer = interaction.user.id if private else None
        view = await self.bot.service.stories.find_story(interaction.guild_id or 0, query, viewer_id=viewer)
        await views.show_story(interaction, view.story_id, render_stories.story_pages(view), private=private)

    @story.autocomplete("query")
    async def query_autocomplete(
        self, interaction: discord.Interaction[BriefBot], current: str
    ) -> list[app_commands.Choice[str]]:
        choices = await self.bot.service.stories.story_choices(
            interaction.guild_id or 0, current.strip(), viewer_id=None
        )
        return [
            app_commands.Choice(
                name=render.shorten(
                    f"{' '.join(c.title.split()) or 'Untitled'} · {render.plural(c.articles, 'article')}",
                    render.CHOICE_NAME_LIMIT,
                ),
                value=f"s:{c.story_id}",
            )
            for c in choices
        ]


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(Stories(bot))

"""/history list and /history show: the server's earlier briefs, shown from the store."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import errors, render, views
from bot.cogs.ask import brief_choices
from service.errors import NotFound
from service.records import BriefOutcome

if TYPE_CHECKING:
    from bot.bot import BriefBot


class History(commands.GroupCog, group_name="history", group_description="Earlier briefs of this server"):
    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="list", description="Recent briefs of this server, newest first.")
    async def list_briefs(self, interaction: discord.Interaction[BriefBot]) -> None:
        await errors.defer(interaction, private=True)
        embed, count, key = await views.history_page(
            self.bot.service, interaction.guild_id or 0, interaction.user.id, "", 0
        )
        view = views.page_view("history", key, 0, count)
        await interaction.edit_original_response(embed=embed, view=view)

    @app_commands.command(name="show", description="Show an earlier brief again, without recomputing it.")
    @app_commands.describe(id="The brief's number (#12 in its footer)")
    async def show(self, interaction: discord.Interaction[BriefBot], id: int) -> None:
        """Public, except one of your own private briefs: that is shown to you alone."""
        guild_id = interaction.guild_id or 0
        stored = await self.bot.service.get_brief(guild_id, id, viewer_id=interaction.user.id)
        if stored is None:
            raise NotFound(f"There is no brief #{id} on this server. `/history list` shows the recent ones.")
        await errors.defer(interaction, private=stored.private)
        pages = render.briefing_pages(stored)
        embed, count = pages[0], len(pages)
        view = views.brief_view(BriefOutcome(stored), count)
        await interaction.edit_original_response(embed=embed, view=view)

    @show.autocomplete("id")
    async def id_autocomplete(
        self, interaction: discord.Interaction[BriefBot], current: str
    ) -> list[app_commands.Choice[int]]:
        return await brief_choices(self.bot.service, interaction.guild_id or 0, interaction.user.id, current)


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(History(bot))

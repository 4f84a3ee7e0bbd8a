"""Follow-up questions: any message in a brief's thread (or a reply to a brief) and /ask."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import errors, render
from service.errors import NotFound
from summarizer.errors import BriefError

if TYPE_CHECKING:
    from bot.bot import BriefBot
    from service.briefing_service import BriefingService
    from service.records import StoredBrief

log = logging.getLogger(__name__)

QUESTION_LIMIT = 1000


class Ask(commands.Cog):
    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.guild is None or not message.content.strip():
            return
        brief_id = await self.brief_asked_about(message)
        if brief_id is None:
            return
        try:
            self.bot.track()
            service = self.bot.service
            stored = await service.brief_to_ask(message.guild.id, brief_id, message.author.id)
            embed = await answer_embed(service, stored, message.content[:QUESTION_LIMIT], message.author.id)
            reply: dict[str, Any] = {"embed": embed}
        except (BriefError, errors.ShuttingDown) as error:
            reply = {"content": str(error)}
        except Exception:
            log.exception("Answering message %s about brief #%d failed", message.id, brief_id)
            reply = {"content": errors.UNEXPECTED}
        try:
            await message.reply(**reply, mention_author=False)
        except discord.HTTPException:
            log.warning(
                "Could not answer message %s in channel %s.", message.id, message.channel.id, exc_info=True
            )

    async def brief_asked_about(self, message: discord.Message) -> int | None:
        """The brief whose thread this is, or whose briefing (or answer) this message replies to."""
        channel = message.channel
        me = self.bot.user
        is_other_thread = isinstance(channel, discord.Thread) and me is not None and channel.owner_id != me.id
        if not isinstance(channel, discord.TextChannel) and not is_other_thread:
            brief_id = await self.bot.service.brief_for_thread(channel.id)
            if brief_id is not None:
                return brief_id
        reference = message.reference
        if reference is None or reference.message_id is None:
            return None
        replied = reference.resolved
        if isinstance(replied, discord.Message) and (me is None or replied.author.id != me.id):
            return None
        brief_id = await self.bot.service.brief_for_message(reference.message_id)
        if brief_id is None and isinstance(replied, discord.Message):
            # Answers and hints are not recorded as brief messages, but their footers name the brief.
            brief_id = render.brief_id_in_footer(replied.embeds)
        return brief_id

    @app_commands.command(name="ask", description="Ask a question about an earlier brief of this server.")
    @app_commands.describe(
        question="What you want to know; answered from the article only",
        brief="The brief to ask about (default: the latest brief in this channel)",
    )
    async def ask(
        self,
        interaction: discord.Interaction[BriefBot],
        question: app_commands.Range[str, 2, QUESTION_LIMIT],
        brief: int | None = None,
    ) -> None:
        """Answered in public, except about one of your own private briefs: then to you alone."""
        guild_id = interaction.guild_id or 0
        user_id = interaction.user.id
        service = self.bot.service
        brief_id = brief
        if brief_id is None and isinstance(interaction.channel, discord.Thread):
            brief_id = await service.brief_for_thread(interaction.channel.id)
        if brief_id is None:
            brief_id = await service.latest_brief_id(guild_id, interaction.channel_id or 0, viewer_id=user_id)
        if brief_id is None:
            raise NotFound(
                "There is no brief in this channel yet: use /brief first, or pick one with `brief:`."
            )
        stored = await service.brief_to_ask(guild_id, brief_id, user_id)
        await errors.defer(interaction, private=stored.private)
        embed = await answer_embed(service, stored, question, user_id)
        await interaction.edit_original_response(embed=embed)

    @ask.autocomplete("brief")
    async def brief_autocomplete(
        self, interaction: discord.Interaction[BriefBot], current: str
    ) -> list[app_commands.Choice[int]]:
        return await brief_choices(self.bot.service, interaction.guild_id or 0, interaction.user.id, current)


async def brief_choices(
    service: BriefingService, guild_id: int, user_id: int, current: str
) -> list[app_commands.Choice[int]]:
    """Recent briefs of the server (and the user's own private ones) matching what was typed so far."""
    rows = await service.search_briefs(guild_id, current.strip().lstrip("#"), limit=25, viewer_id=user_id)
    return [app_commands.Choice(name=render.brief_choice_name(row), value=row.id) for row in rows]


async def answer_embed(
    service: BriefingService, stored: StoredBrief, question: str, user_id: int
) -> discord.Embed:
    return render.answer_embed(await service.ask(stored, question, user_id), stored)


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(Ask(bot))

"""/brief and the "Brief this message" context menu: acknowledge at once, show progress, post the
briefing, open a follow-up thread, and cross-post to channels whose topics match."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import checks, errors, render, views
from bot.posting import post_copy
from service.records import BriefOutcome, BriefRequest, StoredBrief
from summarizer.errors import FetchError
from summarizer.models import SummaryMethod

if TYPE_CHECKING:
    from bot.bot import BriefBot
    from service.briefing_service import BriefingService

log = logging.getLogger(__name__)

PROGRESS = {
    "fetching": "🌐 Fetching the page…",
    "reading": "📖 Reading the article…",
    "summarizing": "🧠 Summarizing, finding the actors and who said what…",
}
THREAD_ARCHIVE_MINUTES = 1440


class Brief(commands.Cog):
    def __init__(self, bot: BriefBot) -> None:
        self.bot = bot
        self.brief_message_menu = app_commands.ContextMenu(
            name="Brief this message", callback=self.brief_message
        )

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.brief_message_menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.brief_message_menu.name, type=self.brief_message_menu.type)

    @app_commands.command(
        name="brief", description="Brief a news article: summary, key actors and who said what."
    )
    @app_commands.describe(
        text="The article's text, pasted",
        url="A link to the article (http or https)",
        file="The article as a .txt, .md or .html file",
        length="How long the summary is (default: short)",
        method="extractive quotes the article's own sentences; abstractive writes new ones (needs a model)",
        private="Only you see the briefing (no thread, no cross-posts)",
    )
    @app_commands.choices(
        length=[app_commands.Choice(name=name, value=name) for name in checks.LENGTHS],
        method=[
            app_commands.Choice(name="extractive", value="extractive"),
            app_commands.Choice(name="abstractive", value="abstractive"),
        ],
    )
    async def brief(
        self,
        interaction: discord.Interaction[BriefBot],
        text: str | None = None,
        url: str | None = None,
        file: discord.Attachment | None = None,
        length: app_commands.Choice[str] | None = None,
        method: app_commands.Choice[str] | None = None,
        private: bool = False,
    ) -> None:
        source = checks.brief_source(
            text=text, url=url, file=file, max_file_bytes=self.bot.settings.max_file_bytes
        )
        default_sentences = self.bot.settings.engine.default_sentences
        await deliver_brief(
            interaction,
            source,
            sentences=checks.summary_sentences(length.value if length else None, default_sentences),
            method="abstractive" if method and method.value == "abstractive" else "extractive",
            private=private,
        )

    async def brief_message(
        self, interaction: discord.Interaction[BriefBot], message: discord.Message
    ) -> None:
        """Context menu: the message's first link, or else its text."""
        source = checks.message_source(message)
        await deliver_brief(
            interaction,
            source,
            sentences=self.bot.settings.engine.default_sentences,
            method="extractive",
            private=False,
        )


async def deliver_brief(
    interaction: discord.Interaction[BriefBot],
    source: checks.BriefSource,
    *,
    sentences: int,
    method: SummaryMethod,
    private: bool,
) -> None:
    """The whole /brief flow after the inputs were checked; failures go to the tree's error handler."""
    started = time.perf_counter()
    await errors.defer(interaction, private=private)
    service = interaction.client.service

    async def progress(stage: str) -> None:
        try:
            await interaction.edit_original_response(content=PROGRESS.get(stage, stage))
        except discord.HTTPException:
            log.debug("Progress update %r failed", stage, exc_info=True)

    request = BriefRequest(
        guild_id=interaction.guild_id,
        channel_id=interaction.channel_id or 0,
        user_id=interaction.user.id,
        text=source.text,
        url=source.url,
        sentences=sentences,
        method=method,
        private=private,
    )
    if source.file is not None:
        request.file_name = source.file.filename
        request.file_bytes = await read_attachment(source.file)
    outcome = await service.brief(request, progress)
    stored = outcome.brief

    pages = render.briefing_pages(stored, fallback_note=outcome.fallback_note)
    message = await interaction.edit_original_response(
        content=render.brief_content(outcome), embeds=[pages[0]], view=views.brief_view(outcome, len(pages))
    )
    log.info(
        "Brief #%d for user %s in %.2f s (%s%s).",
        stored.id,
        interaction.user.id,
        time.perf_counter() - started,
        stored.briefing.summary.method,
        ", from the store" if outcome.cached else "",
    )
    if private:
        return
    try:
        await open_follow_up(service, message, stored)
        if not outcome.cached:
            await cross_post(interaction, outcome, message)
    except Exception:
        # The briefing is posted: a failed extra must not turn it into an error message.
        log.exception("Follow-up or cross-posts of brief #%d failed", stored.id)


async def read_attachment(file: discord.Attachment) -> bytes:
    try:
        return await file.read()
    except discord.HTTPException as error:
        raise FetchError(f"I couldn't download “{file.filename}” from Discord. Please try again.") from error


async def open_follow_up(service: BriefingService, message: discord.Message, stored: StoredBrief) -> None:
    """A thread for questions on the briefing; where threads are not allowed, say to reply instead."""
    # A thread started on a message gets the message's id: recording it first means a question
    # posted the moment the thread appears already finds its brief.
    await service.record_message(stored.id, message.channel.id, message.id, message.id)
    try:
        thread = await message.create_thread(
            name=render.thread_name(stored), auto_archive_duration=THREAD_ARCHIVE_MINUTES
        )
    except (discord.HTTPException, ValueError) as error:  # ValueError: the message has no guild
        log.info("No thread for brief #%d (%s); questions are replies instead.", stored.id, error)
        await service.record_message(stored.id, message.channel.id, message.id, None)
        hint = render.follow_up_embed(stored, in_thread=False)
        try:
            await message.reply(embed=hint, mention_author=False)
        except discord.HTTPException:
            log.warning("Could not post the follow-up hint for brief #%d.", stored.id, exc_info=True)
        return
    try:
        await thread.send(embed=render.follow_up_embed(stored, in_thread=True))
    except discord.HTTPException:
        log.warning("Could not post in the thread of brief #%d.", stored.id, exc_info=True)


async def cross_post(
    interaction: discord.Interaction[BriefBot], outcome: BriefOutcome, message: discord.Message
) -> None:
    """A compact copy in every other channel of the server whose topics match this briefing."""
    guild = interaction.guild
    if guild is None:
        return
    service = interaction.client.service
    hits = await service.matching_channels(
        guild.id, outcome.brief.briefing, exclude_channel_id=message.channel.id
    )
    for hit in hits:
        channel = guild.get_channel_or_thread(hit.channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            continue
        origin = f"<#{message.channel.id}> ([open]({message.jump_url}))"
        note = f"Matches this channel's topic “{render.escape(hit.topic)}” · from {origin}"
        await post_copy(service, channel, hit.channel_id, outcome, note)


async def setup(bot: BriefBot) -> None:
    await bot.add_cog(Brief(bot))

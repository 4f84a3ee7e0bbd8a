"""The Discord client: intents, cogs, error replies and command sync (entry points: bot/entry.py)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import errors
from bot.sync import sync_tree
from bot.views import DYNAMIC_ITEMS
from service.briefing_service import BriefingService
from service.settings import Settings

log = logging.getLogger(__name__)

EXTENSIONS = (
    "bot.cogs.brief",
    "bot.cogs.ask",
    "bot.cogs.history",
    "bot.cogs.actors",
    "bot.cogs.subscriptions",
    "bot.cogs.feeds",
    "bot.cogs.stories",
    "bot.cogs.digests",
)

# Work in progress gets this long to finish; queued work is handed back at once. With the gateway
# and the workers closed after it, a shutdown ends within 8 s (`docker stop` kills after 10 s).
SHUTDOWN_GRACE_S = 4.0
WORKER_STOP_GRACE_S = 0.5  # for NLP tasks still running after SHUTDOWN_GRACE_S
REPLY_GRACE_S = 1.0  # for the commands whose NLP was stopped to say so


def bot_intents() -> discord.Intents:
    """Servers and their channels, messages in them, and message text (questions in threads)."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.message_content = True
    return intents


class BriefTree(app_commands.CommandTree["BriefBot"]):
    """Every command of this bot works in servers only, fails politely, and finishes before a shutdown."""

    async def interaction_check(self, interaction: discord.Interaction[BriefBot], /) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        interaction.client.track()
        return True

    async def on_error(
        self, interaction: discord.Interaction[BriefBot], error: app_commands.AppCommandError, /
    ) -> None:
        await errors.report(interaction, error)


class BriefBot(commands.Bot):
    """Slash commands only: no prefix commands, no mentions pinged by anything it posts."""

    def __init__(
        self,
        settings: Settings,
        *,
        force_sync: bool = False,
        start_workers: bool = True,
        distributed: bool = False,
        **client_options: object,
    ) -> None:
        """`start_workers=False` for a bot that only syncs its commands: no NLP process, no models.
        `distributed=True` (`briefbot bot`): the NLP goes to `briefbot worker` processes through the
        job queue, and `briefbot poller` processes poll the feeds. `client_options`: discord.py's
        (the shards of ShardedBriefBot)."""
        super().__init__(
            **client_options,
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=bot_intents(),
            tree_cls=BriefTree,
            allowed_contexts=app_commands.AppCommandContext(guild=True),
            allowed_mentions=discord.AllowedMentions.none(),
            activity=discord.Activity(type=discord.ActivityType.listening, name="/brief"),
        )
        self.settings = settings
        self.force_sync = force_sync
        self.start_workers = start_workers
        self.distributed = distributed
        self._service: BriefingService | None = None
        self._shutdown: asyncio.Future[None] | None = None
        self._in_flight: set[asyncio.Task[object]] = set()

    @property
    def service(self) -> BriefingService:
        if self._service is None:
            raise RuntimeError("The briefing service is not open yet.")
        return self._service

    async def setup_hook(self) -> None:
        self._service = await BriefingService.open(
            self.settings, start_workers=self.start_workers, distributed=self.distributed
        )
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        try:
            await sync_tree(
                self.tree, self.service, dev_guild_id=self.settings.dev_guild_id, force=self.force_sync
            )
        except discord.HTTPException:
            if self.force_sync:
                raise
            # Keep serving with the commands Discord already has; the next start retries.
            log.exception("Syncing slash commands failed.")

    async def on_ready(self) -> None:
        assert self.user is not None
        log.info("Logged in as %s (id %s) in %d servers.", self.user, self.user.id, len(self.guilds))

    @property
    def polls_feeds(self) -> bool:
        """One process per store polls the feeds (and posts to every server's channels): the
        unsharded bot, or the one that runs shard 0."""
        return self.settings.shard_ids is None or 0 in self.settings.shard_ids

    @property
    def draining(self) -> bool:
        return self._shutdown is not None

    def track(self, task: asyncio.Task[object] | None = None) -> None:
        """Let a shutdown wait for a task (by default the running one: a command, a question) to finish.

        Refuses new work once a shutdown began, so that a restart loses no answer in progress.
        """
        if self.draining:
            raise errors.ShuttingDown()
        task = task or asyncio.current_task()
        if task is not None:
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    def request_close(self) -> asyncio.Future[None]:
        """Start a clean shutdown, once (a signal handler calls this; `_serve` waits for the end)."""
        if self._shutdown is None:
            self._shutdown = asyncio.ensure_future(self._shut_down())
        return self._shutdown

    async def close(self) -> None:
        """Running work, then the gateway, then the store and the workers; every caller waits for all."""
        await asyncio.shield(self.request_close())

    async def _shut_down(self) -> None:
        started = time.monotonic()
        if self._service is not None:
            handed_back = self._service.drain()  # their commands answer "I'm restarting" now
            if handed_back:
                log.info("Shutting down: handed back %d queued NLP tasks.", handed_back)
        running = set(self._in_flight)
        if running:
            names = ", ".join(sorted(task.get_name() for task in running))
            log.info("Shutting down: waiting up to %.0f s for %s.", SHUTDOWN_GRACE_S, names)
            _, unfinished = await asyncio.wait(running, timeout=SHUTDOWN_GRACE_S)
            if unfinished and self._service is not None:
                # Stop the NLP still running, while the connection is up: those commands can still
                # tell their users to try again.
                await self._service.stop_workers(WORKER_STOP_GRACE_S)
                _, unfinished = await asyncio.wait(unfinished, timeout=REPLY_GRACE_S)
            if unfinished:
                log.warning("Shutting down with %d tasks unfinished.", len(unfinished))
        await super().close()
        service, self._service = self._service, None
        if service is not None:
            await service.close()
        log.info("Shut down in %.1f s.", time.monotonic() - started)


class ShardedBriefBot(BriefBot, commands.AutoShardedBot):
    """The same bot as some or all of its shards: one gateway connection per shard id, in one process.

    Discord sends a server's events to shard `(server id >> 22) % shard_count`, so processes started
    with different `shard_ids` (and one `shard_count`) share the servers between them.
    """

    def __init__(self, settings: Settings, **options: Any) -> None:
        """`options`: BriefBot's."""
        super().__init__(
            settings,
            **options,
            shard_count=settings.shard_count,
            shard_ids=settings.shard_ids,
        )

    async def on_ready(self) -> None:
        await super().on_ready()
        log.info("Running shards %s of %s.", sorted(self.shards), self.shard_count)


def make_bot(
    settings: Settings, *, force_sync: bool = False, start_workers: bool = True, distributed: bool = False
) -> BriefBot:
    """A sharded bot when the settings name a shard count, else the one-connection bot of old."""
    kind = ShardedBriefBot if settings.sharded else BriefBot
    return kind(settings, force_sync=force_sync, start_workers=start_workers, distributed=distributed)

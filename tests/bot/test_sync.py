from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from unittest.mock import AsyncMock

import discord
import pytest
from discord import app_commands

from bot.bot import EXTENSIONS, BriefBot
from bot.entry import sync_commands
from bot.sync import sync_tree, tree_hash
from service.briefing_service import BriefingService
from service.settings import Settings


class MetaStore:
    """The two service methods sync uses, kept in memory."""

    def __init__(self) -> None:
        self.tree_hash: str | None = None

    async def command_tree_hash(self) -> str | None:
        return self.tree_hash

    async def set_command_tree_hash(self, digest: str) -> None:
        self.tree_hash = digest


async def loaded_bot(tmp_path: Path) -> BriefBot:
    bot = BriefBot(Settings(discord_token=None, database_path=tmp_path / "db"))
    for extension in EXTENSIONS:
        await bot.load_extension(extension)
    return bot


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[BriefBot]:
    client = await loaded_bot(tmp_path)
    client.tree.sync = AsyncMock(return_value=[])  # type: ignore[method-assign]
    yield client
    await client.close()


async def test_hash_is_stable_across_processes_building_the_same_tree(bot: BriefBot, tmp_path: Path) -> None:
    other = await loaded_bot(tmp_path)
    try:
        assert tree_hash(other.tree) == tree_hash(bot.tree)
        assert len(tree_hash(bot.tree)) == 64
    finally:
        await other.close()


async def test_hash_changes_with_any_command_change(bot: BriefBot) -> None:
    before = tree_hash(bot.tree)
    brief = bot.tree.get_command("brief")
    assert isinstance(brief, app_commands.Command)
    brief.description = "Brief a news article."
    assert tree_hash(bot.tree) != before


async def test_hash_depends_on_the_sync_target(bot: BriefBot) -> None:
    guild = discord.Object(id=1234)
    bot.tree.copy_global_to(guild=guild)
    assert tree_hash(bot.tree, guild) != tree_hash(bot.tree)


async def test_syncs_only_when_the_tree_changed(bot: BriefBot) -> None:
    store = MetaStore()
    assert await sync_tree(bot.tree, store, dev_guild_id=None)  # type: ignore[arg-type]
    assert store.tree_hash == tree_hash(bot.tree)
    assert not await sync_tree(bot.tree, store, dev_guild_id=None)  # type: ignore[arg-type]
    assert bot.tree.sync.await_count == 1  # type: ignore[attr-defined]

    bot.tree.remove_command("actor")
    assert await sync_tree(bot.tree, store, dev_guild_id=None)  # type: ignore[arg-type]
    assert bot.tree.sync.await_count == 2  # type: ignore[attr-defined]


async def test_force_always_syncs(bot: BriefBot) -> None:
    store = MetaStore()
    await sync_tree(bot.tree, store, dev_guild_id=None)  # type: ignore[arg-type]
    assert await sync_tree(bot.tree, store, dev_guild_id=None, force=True)  # type: ignore[arg-type]
    assert bot.tree.sync.await_count == 2  # type: ignore[attr-defined]


async def test_dev_guild_gets_a_copy_synced_instantly(bot: BriefBot) -> None:
    store = MetaStore()
    assert await sync_tree(bot.tree, store, dev_guild_id=555)  # type: ignore[arg-type]
    guild = bot.tree.sync.await_args.kwargs["guild"]  # type: ignore[attr-defined]
    assert guild.id == 555
    names = {command.name for command in bot.tree.get_commands(guild=discord.Object(id=555))}
    assert {"brief", "ask", "history", "Brief this message"} <= names


def test_briefbot_sync_opens_the_service_without_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Syncing needs only the store: starting the NLP workers would cost seconds for nothing."""
    opened: list[dict[str, object]] = []
    real_open = BriefingService.open

    async def spy_open(settings: Settings, **options: object) -> BriefingService:
        opened.append(options)
        return await real_open(settings, **options)  # type: ignore[arg-type]

    async def login(self: BriefBot, token: str) -> None:
        await self.setup_hook()  # what discord.py's login does once the token is accepted

    tree_sync = AsyncMock(return_value=[])
    monkeypatch.setattr(BriefingService, "open", spy_open)
    monkeypatch.setattr(BriefBot, "login", login)
    monkeypatch.setattr(app_commands.CommandTree, "sync", tree_sync)
    monkeypatch.setattr("bot.entry.prepare_run", lambda settings: "token")

    assert sync_commands(Settings(discord_token=None, database_path=tmp_path / "db")) == 0
    assert opened == [{"start_workers": False, "distributed": False}]
    tree_sync.assert_awaited_once()

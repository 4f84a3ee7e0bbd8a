from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.bot import EXTENSIONS, BriefBot, BriefTree, ShardedBriefBot, bot_intents, make_bot
from bot.entry import run_bot, sync_commands
from bot.errors import ShuttingDown
from bot.sync import tree_payload
from service.settings import Settings

STRING, INTEGER, BOOLEAN, ATTACHMENT, SUBCOMMAND = 3, 4, 5, 11, 1
MANAGE_CHANNELS = discord.Permissions(manage_channels=True).value


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(discord_token=None, database_path=tmp_path / "briefbot.db")


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[BriefBot]:
    """The real bot with every cog loaded, never connected (no service is opened)."""
    client = BriefBot(settings)
    for extension in EXTENSIONS:
        await client.load_extension(extension)
    yield client
    await client.close()


def by_name(payload: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {command["name"]: command for command in payload}


def options(command: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {option["name"]: option for option in command.get("options", [])}


def test_every_command_of_the_issue_is_registered(bot: BriefBot) -> None:
    commands = by_name(tree_payload(bot.tree))
    assert set(commands) == {
        "brief", "ask", "history", "actor", "subscribe", "feed", "story", "digest", "Brief this message"
    }  # fmt: skip
    assert commands["Brief this message"]["type"] == 3  # message context menu
    assert all(command["contexts"] == [0] for command in commands.values())  # servers only


def test_brief_options(bot: BriefBot) -> None:
    brief = options(by_name(tree_payload(bot.tree))["brief"])
    assert {name: option["type"] for name, option in brief.items()} == {
        "text": STRING,
        "url": STRING,
        "file": ATTACHMENT,
        "length": STRING,
        "method": STRING,
        "private": BOOLEAN,
    }
    assert not any(option.get("required") for option in brief.values())
    assert [choice["value"] for choice in brief["length"]["choices"]] == ["short", "medium", "long"]
    assert [choice["value"] for choice in brief["method"]["choices"]] == ["extractive", "abstractive"]


def test_follow_up_and_lookup_commands(bot: BriefBot) -> None:
    commands = by_name(tree_payload(bot.tree))
    ask = options(commands["ask"])
    assert ask["question"]["type"] == STRING and ask["question"]["required"]
    assert (
        ask["brief"]["type"] == INTEGER and ask["brief"]["autocomplete"] and not ask["brief"].get("required")
    )
    history = options(commands["history"])
    assert set(history) == {"list", "show"} and all(o["type"] == SUBCOMMAND for o in history.values())
    show_id = options(history["show"])["id"]
    assert show_id["type"] == INTEGER and show_id["required"] and show_id["autocomplete"]
    name = options(commands["actor"])["name"]
    assert name["type"] == STRING and name["required"] and name["autocomplete"]
    topic = options(commands["actor"])["topic"]
    assert topic["type"] == STRING and not topic.get("required")


def test_story_and_digest_commands(bot: BriefBot) -> None:
    commands = by_name(tree_payload(bot.tree))
    query = options(commands["story"])["query"]
    assert query["type"] == STRING and query["required"] and query["autocomplete"]
    digest = commands["digest"]
    assert digest["default_member_permissions"] == MANAGE_CHANNELS
    subcommands = options(digest)
    assert set(subcommands) == {"schedule", "now", "off"}
    schedule = options(subcommands["schedule"])
    assert [c["value"] for c in schedule["cadence"]["choices"]] == ["daily", "weekly"]
    assert (schedule["hour"]["min_value"], schedule["hour"]["max_value"]) == (0, 23)
    assert schedule["timezone"]["autocomplete"] and len(schedule["weekday"]["choices"]) == 7


@pytest.mark.parametrize(("group", "option"), [("subscribe", "topic"), ("feed", "url")])
def test_management_groups(bot: BriefBot, group: str, option: str) -> None:
    command = by_name(tree_payload(bot.tree))[group]
    assert command["default_member_permissions"] == MANAGE_CHANNELS
    subcommands = options(command)
    assert set(subcommands) == {"add", "remove", "list"}
    assert options(subcommands["add"])[option]["required"]
    assert options(subcommands["remove"])[option]["autocomplete"]


@pytest.mark.parametrize("path", ["subscribe add", "subscribe remove", "feed add", "feed remove"])
async def test_manage_channels_is_enforced_by_a_real_check(bot: BriefBot, path: str) -> None:
    group, name = path.split()
    command = next(c for c in bot.tree.get_command(group).commands if c.name == name)  # type: ignore[union-attr]
    member = SimpleNamespace(
        permissions=discord.Permissions(send_messages=True, use_application_commands=True)
    )
    manager = SimpleNamespace(permissions=discord.Permissions(manage_channels=True))
    with pytest.raises(app_commands.MissingPermissions):
        await command._check_can_run(member)  # type: ignore[arg-type]
    assert await command._check_can_run(manager)  # type: ignore[arg-type]


async def test_direct_messages_are_refused(bot: BriefBot) -> None:
    assert isinstance(bot.tree, BriefTree)
    with pytest.raises(app_commands.NoPrivateMessage):
        await bot.tree.interaction_check(SimpleNamespace(guild_id=None))  # type: ignore[arg-type]
    assert await bot.tree.interaction_check(SimpleNamespace(guild_id=1, client=bot))  # type: ignore[arg-type]


async def test_shutdown_waits_for_running_work_and_refuses_new_work(bot: BriefBot) -> None:
    finished: list[str] = []

    async def command() -> None:
        bot.track()
        await asyncio.sleep(0.2)
        finished.append("answered")

    running = asyncio.create_task(command())
    await asyncio.sleep(0)  # the command starts and is tracked
    await bot.close()
    assert finished == ["answered"]
    assert running.done()
    with pytest.raises(ShuttingDown, match="I'm restarting"):
        bot.track()


async def test_without_shard_settings_the_bot_is_one_connection_as_before(settings: Settings) -> None:
    async with make_bot(settings) as client:
        assert type(client) is BriefBot and not isinstance(client, discord.AutoShardedClient)
        assert client.shard_count is None


async def test_shard_settings_make_an_auto_sharded_bot_on_those_shards(tmp_path: Path) -> None:
    sharded = Settings(database_path=tmp_path / "briefbot.db", shard_ids=[1, 3], shard_count=4)
    async with make_bot(sharded) as client:
        assert isinstance(client, ShardedBriefBot) and isinstance(client, discord.AutoShardedClient)
        assert (client.shard_ids, client.shard_count) == ([1, 3], 4)
        assert client.intents == bot_intents() and isinstance(client.tree, BriefTree)
    async with make_bot(Settings(database_path=tmp_path / "briefbot.db", shard_count=2)) as every_shard:
        assert isinstance(every_shard, ShardedBriefBot)
        assert (every_shard.shard_ids, every_shard.shard_count) == (None, 2)  # all of them, in this process


def test_intents_are_the_three_documented_ones() -> None:
    intents = bot_intents()
    enabled = {name for name, value in intents if value}
    assert enabled == {"guilds", "guild_messages", "message_content"}


@pytest.mark.parametrize("entry_point", [run_bot, sync_commands])
def test_without_a_token_it_says_how_to_get_one(
    entry_point: Any, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert entry_point(settings) == 2
    message = capsys.readouterr().err
    assert "DISCORD_TOKEN is not set" in message
    assert "https://discord.com/developers/applications" in message
    assert "Reset Token" in message and ".env" in message


def test_a_blank_token_counts_as_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(discord_token="   ", database_path=tmp_path / "db")
    assert run_bot(settings) == 2
    assert "DISCORD_TOKEN is not set" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("shard_ids", "shard_count", "polls"),
    [(None, None, True), (None, 2, True), ([0, 1], 4, True), ([2, 3], 4, False)],
)
def test_one_process_per_store_polls_the_feeds(
    tmp_path: Path, shard_ids: list[int] | None, shard_count: int | None, polls: bool
) -> None:
    settings = Settings(database_path=tmp_path / "briefbot.db", shard_ids=shard_ids, shard_count=shard_count)
    assert BriefBot(settings).polls_feeds is polls

"""The fake against a real discord.py 2.7 bot: a small bot written here runs as a process through the
e2e harness, so the gateway (zlib-stream, heartbeats, RESUME), REST, interactions, threads, files,
permissions and the enforced limits are all exercised the way the project's bot will use them."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e.harness import BotProcess

from fake_discord import FakeDiscord, FakeDiscordUsageError, Upload

BOT_SCRIPT = """
import asyncio
import os

import discord
from discord import app_commands
from discord.ext import commands


class Pager(discord.ui.View):
    @discord.ui.button(label="Next", custom_id="pager:next")
    async def next_page(self, interaction, button):
        await interaction.response.edit_message(content="page 2", view=None)


class TinyBot(commands.Bot):
    async def setup_hook(self):
        self.tree.add_command(topics)
        await self.tree.sync()


intents = discord.Intents.default()
intents.message_content = True
bot = TinyBot(command_prefix="!", intents=intents)


@bot.tree.command(description="Defer, edit twice, then send a follow-up with an embed")
async def work(interaction):
    await interaction.response.defer(thinking=True)
    await interaction.edit_original_response(content="working")
    await interaction.edit_original_response(content="done", view=Pager())
    embed = discord.Embed(title="Ceasefire talks", description="Both sides met.", url="https://example.org/a")
    embed.add_field(name="Dmitry Peskov", value="Kremlin spokesperson")
    embed.set_footer(text="Brief #1 · extractive · 1.2 s")
    await interaction.followup.send(embed=embed)


@bot.tree.command(description="Answer after the 3 s deadline")
async def late(interaction):
    await asyncio.sleep(3.3)
    try:
        await interaction.response.send_message("too late")
    except discord.NotFound as error:
        print(f"LATE {error.status} {error.code}", flush=True)


@bot.tree.command(description="Send one character over the content limit")
async def overlong(interaction):
    await interaction.response.defer()
    try:
        await interaction.followup.send("x" * 2001)
    except discord.HTTPException as error:
        await interaction.edit_original_response(content=f"{error.status} {error.code} {error.text}")


@bot.tree.command(description="Pick a topic")
async def pick(interaction, topic: str):
    await interaction.response.send_message(f"picked {topic}", ephemeral=True)


@pick.autocomplete("topic")
async def pick_topic(interaction, current: str):
    topics_known = ("climate", "elections", "energy")
    return [app_commands.Choice(name=t, value=t) for t in topics_known if current.lower() in t]


@bot.tree.command(description="Read a file and open a thread on the answer")
async def discuss(interaction, file: discord.Attachment):
    text = (await file.read()).decode()
    await interaction.response.send_message(f"{file.filename}: {len(text.split())} words")
    message = await interaction.original_response()
    thread = await message.create_thread(name="Questions about " + file.filename)
    await thread.send("Ask me here")


@bot.tree.context_menu(name="Echo message")
async def echo(interaction, message: discord.Message):
    await interaction.response.send_message(message.content, ephemeral=True)


topics = app_commands.Group(
    name="topics", description="Channel topics", default_permissions=discord.Permissions(manage_channels=True)
)


@topics.command(description="Subscribe this channel")
@app_commands.checks.has_permissions(manage_channels=True)
async def add(interaction, topic: str):
    await interaction.response.send_message(f"subscribed to {topic}")


@add.error
async def add_error(interaction, error):
    await interaction.response.send_message("You need Manage Channels.", ephemeral=True)


@bot.event
async def on_message(message):
    if not message.author.bot and isinstance(message.channel, discord.Thread):
        await message.reply(f"you said: {message.content}")


bot.run(os.environ["DISCORD_TOKEN"])
"""


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeDiscord]:
    with FakeDiscord(heartbeat_interval_ms=500) as running:
        yield running


@pytest.fixture(scope="module")
def tiny_bot(fake: FakeDiscord, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    workdir: Path = tmp_path_factory.mktemp("tiny_bot")
    script = workdir / "tiny_bot.py"
    script.write_text(BOT_SCRIPT)
    with BotProcess(fake, workdir, command=[sys.executable, str(script)]) as process:
        yield process


@pytest.fixture(autouse=True)
def no_unexpected_violations(fake: FakeDiscord) -> Iterator[None]:
    yield
    fake.wait_for_pending_acks()
    assert fake.take_violations() == []


def test_bot_connects_over_zlib_stream_and_registers_its_commands(
    fake: FakeDiscord, tiny_bot: BotProcess
) -> None:
    [session] = fake.sessions()
    assert session.connected and session.compress == "zlib-stream"
    assert {command["name"] for command in fake.commands()} == {
        "work",
        "late",
        "overlong",
        "pick",
        "discuss",
        "Echo message",
        "topics",
    }
    time.sleep(1.2)
    delays = fake.heartbeat_delays()
    assert delays, "at least two heartbeats arrive within 1.2 s at a 500 ms interval"
    assert all(-50 < delay < 1000 for delay in delays)


async def test_deferred_command_is_edited_then_followed_up(fake: FakeDiscord, tiny_bot: BotProcess) -> None:
    interaction = await fake.slash("work")
    response = await fake.interaction_response(interaction, until=lambda message: message.content == "done")
    assert [version.content for version in response.versions] == ["", "working", "done"]
    assert response.versions[0].flags & 128, "a deferral starts as the 'thinking' placeholder"
    assert not response.loading and not response.ephemeral
    assert [button["custom_id"] for button in response.buttons] == ["pager:next"]
    followup = await fake.wait_for_followup(interaction)
    assert "Kremlin spokesperson" in followup.text and "Brief #1" in followup.text
    assert fake.interaction(interaction).ack_latency_s < 3


async def test_button_click_updates_the_message(fake: FakeDiscord, tiny_bot: BotProcess) -> None:
    interaction = await fake.slash("work")
    response = await fake.interaction_response(interaction, until=lambda message: bool(message.buttons))
    click = await fake.click(response, "pager:next", user="bob")
    updated = await fake.interaction_response(click, until=lambda message: message.content == "page 2")
    assert updated.id == response.id and updated.components == ()


async def test_a_reply_after_three_seconds_is_refused_and_recorded(
    fake: FakeDiscord, tiny_bot: BotProcess
) -> None:
    await fake.slash("late")
    await fake.wait_until(lambda: "LATE 404 10062" in tiny_bot.log(), timeout=10)
    assert sorted(violation.kind for violation in fake.take_violations()) == [
        "ack_deadline",
        "unknown_interaction",
    ]


async def test_a_2001_character_message_gets_discords_400(fake: FakeDiscord, tiny_bot: BotProcess) -> None:
    interaction = await fake.slash("overlong")
    response = await fake.interaction_response(interaction)
    assert response.content.startswith("400 50035")
    assert "Must be 2000 or fewer in length" in response.content
    [violation] = fake.take_violations()
    assert violation.kind == "invalid_form_body" and "In content" in violation.message


async def test_autocomplete_returns_the_bots_choices(fake: FakeDiscord, tiny_bot: BotProcess) -> None:
    choices = await fake.autocomplete("pick", "topic", {"topic": "El"})
    assert choices == [{"name": "elections", "value": "elections"}]
    interaction = await fake.slash("pick", {"topic": "elections"})
    response = await fake.interaction_response(interaction)
    assert response.content == "picked elections" and response.ephemeral


async def test_attachment_is_read_and_a_thread_answers_questions(
    fake: FakeDiscord, tiny_bot: BotProcess
) -> None:
    article = Upload("article.txt", b"Officials said the talks would resume on Monday.")
    interaction = await fake.slash("discuss", {"file": article})
    response = await fake.interaction_response(interaction)
    assert response.content == "article.txt: 8 words"
    thread = await fake.wait_for_thread(response)
    assert thread.id == response.id and thread.name == "Questions about article.txt"
    await fake.wait_for_message(thread, lambda message: message.content == "Ask me here")
    question = await fake.post_message(thread, "Who will meet?", user="bob")
    answer = await fake.wait_for_message(thread, after=question.id)
    assert answer.content == "you said: Who will meet?" and answer.reference_id == question.id


async def test_message_context_menu_sees_the_message(fake: FakeDiscord, tiny_bot: BotProcess) -> None:
    target = await fake.post_message(fake.channel("news"), "Parliament passed the budget.", user="alice")
    interaction = await fake.message_command("Echo message", target, user="bob")
    response = await fake.interaction_response(interaction)
    assert response.content == "Parliament passed the budget." and response.ephemeral


async def test_permissions_reach_the_bots_checks(fake: FakeDiscord, tiny_bot: BotProcess) -> None:
    allowed = await fake.slash("topics add", {"topic": "energy"}, user="mod")
    assert (await fake.interaction_response(allowed)).content == "subscribed to energy"
    with pytest.raises(FakeDiscordUsageError, match="cannot see /topics"):
        await fake.slash("topics add", {"topic": "energy"}, user="alice")
    denied = await fake.slash(
        "topics add", {"topic": "energy"}, user="alice", override_default_permissions=True
    )
    response = await fake.interaction_response(denied)
    assert response.content == "You need Manage Channels." and response.ephemeral


async def test_interactions_sent_while_disconnected_arrive_after_resume(
    fake: FakeDiscord, tiny_bot: BotProcess
) -> None:
    await fake.drop_gateway()
    interaction = await fake.slash("pick", {"topic": "climate"})
    response = await fake.interaction_response(interaction)
    assert response.content == "picked climate"
    [session] = [session for session in fake.sessions() if session.connected]
    assert session.resumes >= 1


async def test_restart_identifies_again_and_keeps_commands(fake: FakeDiscord, tiny_bot: BotProcess) -> None:
    syncs_before = len(fake.command_syncs())
    assert tiny_bot.restart() is tiny_bot
    assert tiny_bot.starts == 2
    assert len(fake.command_syncs()) == syncs_before + 1
    interaction = await fake.slash("pick", {"topic": "energy"})
    assert (await fake.interaction_response(interaction)).content == "picked energy"

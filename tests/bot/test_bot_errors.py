"""bot/errors.py (named so as not to clash with the other packages' test_errors.py)."""

from __future__ import annotations

from unittest.mock import AsyncMock, MagicMock, call

import discord
import pytest
from discord import app_commands

from bot import errors
from bot.errors import ShuttingDown
from service.errors import Busy, NotFound
from summarizer.errors import BlockedAddress, EmptyInput


async def _brief(interaction: discord.Interaction) -> None:
    """A stand-in command callback."""


def invoke_error(original: Exception) -> app_commands.CommandInvokeError:
    command = app_commands.Command(name="brief", description="Brief an article", callback=_brief)
    return app_commands.CommandInvokeError(command, original)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (Busy(11.2, "queue"), "I'm busy with other briefs right now — try again in 12 s."),
        (Busy(6.5, "cooldown"), "You can brief again in 7 s."),
        (NotFound("I couldn't find brief #9 in this server."), "I couldn't find brief #9 in this server."),
        (BlockedAddress("That link points at a private address."), "That link points at a private address."),
        (
            app_commands.MissingPermissions(["manage_channels"]),
            "You need the **Manage Channels** permission to do that.",
        ),
        (
            app_commands.BotMissingPermissions(["create_public_threads"]),
            "I need the **Create Public Threads**",
        ),
        (app_commands.NoPrivateMessage(), "This command only works in a server."),
        (ShuttingDown(), "I'm restarting right now. Please try again in a minute."),
    ],
)
def test_messages_for_users(error: Exception, expected: str) -> None:
    assert (errors.user_message(error) or "").startswith(expected)
    assert (errors.user_message(invoke_error(error)) or "").startswith(expected)


def test_bugs_get_no_message() -> None:
    assert errors.user_message(invoke_error(KeyError("x"))) is None


def interaction(*, done: bool, private: bool | None) -> MagicMock:
    fake = MagicMock(spec=discord.Interaction)
    fake.id = 1
    fake.response.is_done.return_value = done
    fake.response.send_message = AsyncMock()
    fake.edit_original_response = AsyncMock()
    fake.delete_original_response = AsyncMock()
    fake.followup.send = AsyncMock()
    fake.extras = {} if private is None else {errors.PRIVATE_KEY: private}
    fake.command = None
    fake.client.is_closed.return_value = False
    fake.type = discord.InteractionType.application_command
    return fake


async def test_before_any_response_the_reply_is_ephemeral() -> None:
    fake = interaction(done=False, private=None)
    await errors.report(fake, invoke_error(EmptyInput("Give me something to brief.")))
    fake.response.send_message.assert_awaited_once_with("Give me something to brief.", ephemeral=True)


async def test_public_thinking_is_replaced_by_a_private_message() -> None:
    fake = interaction(done=True, private=False)
    calls = MagicMock()
    calls.attach_mock(fake.delete_original_response, "delete")
    calls.attach_mock(fake.followup.send, "followup")
    await errors.report(fake, Busy(3, "queue"))
    # Deleted first: a first follow-up after a deferral would otherwise replace the public message.
    assert calls.mock_calls == [call.delete(), call.followup(str(Busy(3, "queue")), ephemeral=True)]
    fake.edit_original_response.assert_not_called()


async def test_private_thinking_is_edited() -> None:
    fake = interaction(done=True, private=True)
    await errors.report(fake, Busy(3, "cooldown"))
    fake.edit_original_response.assert_awaited_once_with(
        content="You can brief again in 3 s.", embeds=[], view=None
    )


async def test_button_errors_leave_the_message_alone() -> None:
    fake = interaction(done=True, private=None)
    await errors.report(fake, NotFound("gone"))
    fake.followup.send.assert_awaited_once_with("gone", ephemeral=True)
    fake.edit_original_response.assert_not_called()
    fake.delete_original_response.assert_not_called()


async def test_bug_is_logged_and_apologised_for(caplog: pytest.LogCaptureFixture) -> None:
    fake = interaction(done=False, private=None)
    await errors.report(fake, invoke_error(ZeroDivisionError("oops")))
    fake.response.send_message.assert_awaited_once_with(errors.UNEXPECTED, ephemeral=True)
    assert "ZeroDivisionError" in caplog.text


async def test_autocomplete_failures_are_only_logged() -> None:
    fake = interaction(done=False, private=None)
    fake.type = discord.InteractionType.autocomplete
    await errors.report(fake, ShuttingDown())
    fake.response.send_message.assert_not_called()


async def test_nothing_is_sent_after_the_bot_closed() -> None:
    fake = interaction(done=True, private=False)
    fake.client.is_closed.return_value = True
    await errors.report(fake, Busy(3, "queue"))
    fake.followup.send.assert_not_called()
    fake.delete_original_response.assert_not_called()

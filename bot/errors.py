"""Failures as polite, private replies: what the user can do about it, never a traceback."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot import render
from service.errors import Busy, NotFound
from summarizer.errors import BriefError

log = logging.getLogger(__name__)

UNEXPECTED = "Sorry, something went wrong on my side. It has been logged; please try again later."
PRIVATE_KEY = "briefbot_private"  # Interaction.extras: was the (deferred) response ephemeral?


class ShuttingDown(app_commands.CheckFailure):
    """A command arrived while the bot is shutting down (a restart or an upgrade)."""

    def __init__(self) -> None:
        super().__init__("I'm restarting right now. Please try again in a minute.")


def permission_names(permissions: list[str]) -> str:
    return ", ".join(name.replace("_", " ").replace("guild", "server").title() for name in permissions)


def user_message(error: BaseException) -> str | None:
    """The message for an error a user can act on; None for a bug (log it, say sorry)."""
    if isinstance(error, app_commands.CommandInvokeError):
        return user_message(error.original)
    if isinstance(error, app_commands.TransformerError):
        return f"“{error.value}” is not a valid value for that option."
    if isinstance(error, BriefError | Busy | NotFound):
        return str(error)
    if isinstance(error, app_commands.MissingPermissions):
        return f"You need the **{permission_names(error.missing_permissions)}** permission to do that."
    if isinstance(error, app_commands.BotMissingPermissions):
        return f"I need the **{permission_names(error.missing_permissions)}** permission in this channel."
    if isinstance(error, ShuttingDown):
        return str(error)
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    return None


async def send_private(interaction: discord.Interaction, text: str) -> None:
    """Only the user sees it, whether or not the interaction was already answered or deferred.

    A public "thinking…" response is deleted and replaced by a private follow-up, so that a
    refusal is never shown to the whole channel.
    """
    text = render.shorten(text, render.CONTENT_LIMIT)
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(text, ephemeral=True)
        elif interaction.extras.get(PRIVATE_KEY) is True:
            await interaction.edit_original_response(content=text, embeds=[], view=None)
        elif interaction.extras.get(PRIVATE_KEY) is False:
            # In this order: the first follow-up after a deferral would take over the public
            # "thinking…" message (and its visibility) instead of being a new private one.
            await interaction.delete_original_response()
            await interaction.followup.send(text, ephemeral=True)
        else:  # a button press: the message it is on stays as it is
            await interaction.followup.send(text, ephemeral=True)
    except discord.HTTPException:
        log.warning("Could not tell the user about an error (interaction %s).", interaction.id, exc_info=True)


async def defer(interaction: discord.Interaction, *, private: bool) -> None:
    """Acknowledge now (Discord allows 3 s) and remember whether the answer is private."""
    interaction.extras[PRIVATE_KEY] = private
    await interaction.response.defer(thinking=True, ephemeral=private)


async def report(interaction: discord.Interaction, error: BaseException) -> None:
    """The one place every command failure ends: a private message, and a log entry for bugs."""
    if interaction.client.is_closed() or interaction.type is discord.InteractionType.autocomplete:
        # Nothing can be said: the connection is gone, or autocomplete takes choices, not messages.
        log.info("Interaction %s failed and cannot be answered: %s", interaction.id, error)
        return
    message = user_message(error)
    if message is None:
        command = interaction.command.qualified_name if interaction.command else "?"
        log.error("Command /%s failed", command, exc_info=error)
        message = UNEXPECTED
    await send_private(interaction, message)

"""The blocking entry points, `briefbot run` and `briefbot sync`: log in, serve or sync, exit with a
code and one readable line, whatever went wrong.

Kept apart from the client (bot/bot.py) and the sync logic (bot/sync.py), which both serve them.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from http import HTTPStatus

import aiohttp
import discord

from bot.bot import BriefBot, make_bot
from bot.logging import setup_logging
from service.settings import Settings
from summarizer.errors import BriefError

log = logging.getLogger(__name__)

MISSING_TOKEN_HELP = """\
briefbot: DISCORD_TOKEN is not set, so the bot cannot log in to Discord.

To get a token:
  1. Open https://discord.com/developers/applications and create an application (or open yours).
  2. Go to Bot -> Reset Token and copy the token.
  3. On the same page, under Privileged Gateway Intents, turn on Message Content Intent.
  4. Give it to the bot: `export DISCORD_TOKEN=...`, or put `DISCORD_TOKEN=...` in a .env file
     in the folder you start the bot from (see config/example.env).
Then start it again with `briefbot run`. The README explains how to invite the bot to a server."""

MISSING_INTENT_HELP = (
    "Discord refused the Message Content intent. In https://discord.com/developers/applications -> "
    "your application -> Bot -> Privileged Gateway Intents, turn on Message Content Intent."
)
BAD_TOKEN_HELP = (
    "Discord rejected the token. Reset it in https://discord.com/developers/applications -> Bot -> "
    "Reset Token, and update DISCORD_TOKEN."
)


def prepare_run(settings: Settings) -> str | None:
    """The token, with logging set up to redact it; None when there is no token."""
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        return None
    setup_logging([token, settings.engine.abstractive.server_api_key])
    return token


def missing_token_exit() -> int:
    print(MISSING_TOKEN_HELP, file=sys.stderr)
    return 2


def run_bot(settings: Settings, *, distributed: bool = False) -> int:
    """`briefbot run` / `python -m bot`: serve until SIGINT or SIGTERM; returns the exit code.
    `distributed=True` is `briefbot bot`: the NLP is queued for `briefbot worker` processes.

    A login or network failure is one readable line, never a traceback: discord.py's exceptions
    carry the server's answer, and a proxy that echoes request headers would put the token in it.
    """
    token = prepare_run(settings)
    if token is None:
        return missing_token_exit()
    try:
        asyncio.run(_serve(settings, token, distributed))
    except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as err:
        log.error(connection_failure_message(err))
        return 1
    except BriefError as err:  # the service could not start: its database, say
        log.error("The bot could not start: %s", err)
        return 1
    return 0


def connection_failure_message(error: BaseException) -> str:
    """What went wrong logging in or staying connected, from the error's type and status only.

    Never the error's own text: it may hold the server's answer, and with it whatever it echoed.
    """
    if isinstance(error, discord.LoginFailure):
        return BAD_TOKEN_HELP
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return MISSING_INTENT_HELP
    if isinstance(error, discord.HTTPException):
        return (
            f"Discord answered HTTP {_status_text(error.status)} while the bot was logging in; "
            "check https://discordstatus.com and any proxy in between, then start the bot again."
        )
    if isinstance(error, discord.GatewayNotFound | discord.ConnectionClosed):
        return "Discord's gateway could not be reached or closed the connection; start the bot again later."
    if isinstance(error, aiohttp.ClientConnectorError):
        reason = error.os_error.strerror or type(error.os_error).__name__
        return f"Couldn't connect to Discord at {error.host}:{error.port} ({reason}); check the network."
    if isinstance(error, aiohttp.ClientError | OSError | TimeoutError):
        return f"The connection to Discord failed ({type(error).__name__}); check the network."
    return f"The bot stopped: {type(error).__name__}."


def _status_text(status: int) -> str:
    try:
        return f"{status} ({HTTPStatus(status).phrase})"
    except ValueError:
        return str(status)


async def _serve(settings: Settings, token: str, distributed: bool) -> None:
    bot = make_bot(settings, distributed=distributed)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, bot.request_close)
    async with bot:
        await bot.start(token)
    await bot.close()  # when a signal stopped the gateway, wait until the store and workers are closed too


def sync_commands(settings: Settings) -> int:
    """`briefbot sync`: log in, force-sync the command tree, log out. Returns the exit code."""
    token = prepare_run(settings)
    if token is None:
        return missing_token_exit()

    async def force_sync() -> None:
        # Syncing needs the store (for the tree hash) but never the NLP workers: don't wait for models.
        async with BriefBot(settings, force_sync=True, start_workers=False) as bot:
            await bot.login(token)  # runs setup_hook, which syncs

    try:
        asyncio.run(force_sync())
    except discord.LoginFailure:
        log.error("Discord rejected the token. Reset it in the Developer Portal and update DISCORD_TOKEN.")
        return 1
    return 0

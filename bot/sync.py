"""Slash-command sync: only when the command tree changed, judged by a hash kept in the store.

Discord rate-limits command registration, and a global sync takes a while to reach every client,
so a restart with the same commands must not sync again. `briefbot sync` forces it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

if TYPE_CHECKING:
    from service.briefing_service import BriefingService

log = logging.getLogger(__name__)


def tree_payload(
    tree: app_commands.CommandTree, guild: discord.abc.Snowflake | None = None
) -> list[dict[str, Any]]:
    """Exactly what `CommandTree.sync` would send, in a stable order."""
    commands = [command.to_dict(tree) for command in tree.get_commands(guild=guild)]
    return sorted(commands, key=lambda command: (command["type"], command["name"]))


def tree_hash(tree: app_commands.CommandTree, guild: discord.abc.Snowflake | None = None) -> str:
    """Changes when any command, option, choice, permission, or the sync target changes."""
    document = {"target": guild.id if guild else "global", "commands": tree_payload(tree, guild)}
    encoded = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


async def sync_tree(
    tree: app_commands.CommandTree,
    service: BriefingService,
    *,
    dev_guild_id: int | None,
    force: bool = False,
) -> bool:
    """Sync globally, or to the dev guild (instant) when one is set; True when a sync was sent."""
    guild = discord.Object(id=dev_guild_id) if dev_guild_id else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    digest = tree_hash(tree, guild)
    if not force and await service.command_tree_hash() == digest:
        log.info("Slash commands unchanged; not syncing.")
        return False
    synced = await tree.sync(guild=guild)
    await service.set_command_tree_hash(digest)
    target = f"guild {dev_guild_id}" if guild else "all servers (global)"
    log.info("Synced %d slash commands to %s.", len(synced), target)
    return True

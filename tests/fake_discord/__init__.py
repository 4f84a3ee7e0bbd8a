"""A local fake Discord (REST API + gateway on 127.0.0.1) that real discord.py bots talk to in tests.

See README.md in this folder for the API.
"""

from pathlib import Path

from .records import (
    CommandSync,
    FakeDiscordUsageError,
    InteractionHandle,
    InteractionResult,
    Message,
    MessageVersion,
    SessionInfo,
    Upload,
    Violation,
    WebRequest,
)
from .server import FakeDiscord
from .world import Channel, Guild, Overwrite, Role, User, World, deny_bot

# Put this folder on the bot process's PYTHONPATH to point its discord.py at FAKE_DISCORD_URL.
SITECUSTOMIZE_DIR = str(Path(__file__).parent / "sitecustomize")

__all__ = [
    "SITECUSTOMIZE_DIR",
    "Channel",
    "CommandSync",
    "FakeDiscord",
    "FakeDiscordUsageError",
    "Guild",
    "InteractionHandle",
    "InteractionResult",
    "Message",
    "MessageVersion",
    "Overwrite",
    "Role",
    "SessionInfo",
    "Upload",
    "User",
    "Violation",
    "WebRequest",
    "World",
    "deny_bot",
]

"""Immutable snapshots the fake hands to tests, so a test never reads state the fake is changing."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field

EPHEMERAL = 1 << 6
LOADING = 1 << 7


class FakeDiscordUsageError(Exception):
    """A test asked for something the Discord client would not let a user do (unknown command,
    missing required option, a button that is not on the message...)."""


@dataclass(frozen=True)
class Upload:
    """A file a test user attaches to a slash command option or a message."""

    filename: str
    data: bytes
    content_type: str | None = None

    @property
    def media_type(self) -> str:
        return self.content_type or mimetypes.guess_type(self.filename)[0] or "application/octet-stream"


@dataclass(frozen=True)
class MessageVersion:
    """One state of a message: as created, then after each edit. `at` is `time.monotonic()`."""

    content: str
    embeds: tuple[dict, ...]
    components: tuple[dict, ...]
    attachments: tuple[dict, ...]
    flags: int
    at: float


def _component_tree(components: tuple[dict, ...]) -> list[dict]:
    found = []
    for component in components:
        found.append(component)
        found += _component_tree(tuple(component.get("components") or ()))
        if component.get("accessory"):
            found.append(component["accessory"])
    return found


@dataclass(frozen=True)
class Message:
    id: int
    channel_id: int
    guild_id: int | None
    author_id: int
    type: int
    content: str
    embeds: tuple[dict, ...]
    components: tuple[dict, ...]
    attachments: tuple[dict, ...]
    flags: int
    reference_id: int | None
    thread_id: int | None
    interaction_id: int | None
    created_at: float
    deleted: bool
    versions: tuple[MessageVersion, ...] = field(repr=False)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        """Still the "Bot is thinking..." placeholder of a deferred interaction."""
        return bool(self.flags & LOADING)

    @property
    def buttons(self) -> list[dict]:
        return [component for component in _component_tree(self.components) if component.get("type") == 2]

    @property
    def text(self) -> str:
        """Content plus every embed's visible text, for `assert "Kremlin" in message.text`."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [
                (embed.get("author") or {}).get("name", ""),
                embed.get("title", ""),
                embed.get("description", ""),
            ]
            for item in embed.get("fields") or []:
                parts += [str(item.get("name", "")), str(item.get("value", ""))]
            parts.append((embed.get("footer") or {}).get("text", ""))
        return "\n".join(part for part in parts if part)


@dataclass(frozen=True)
class InteractionHandle:
    """What a test gets back for an interaction it sent; pass it to the fake's wait helpers."""

    id: int
    token: str
    type: int
    name: str
    user_id: int
    channel_id: int
    created_at: float


@dataclass(frozen=True)
class InteractionResult:
    """Everything the bot did with one interaction so far."""

    handle: InteractionHandle
    ack_type: int | None
    acked_at: float | None
    original: Message | None
    followups: tuple[Message, ...]
    choices: tuple[dict, ...] | None
    modal: dict | None

    @property
    def ack_latency_s(self) -> float | None:
        return None if self.acked_at is None else self.acked_at - self.handle.created_at


@dataclass(frozen=True)
class Violation:
    """A broken Discord rule. Real Discord would have shown the user an error or dropped the request."""

    kind: str
    message: str
    at: float
    route: str | None = None
    interaction_id: int | None = None

    def __str__(self) -> str:
        where = f" [{self.route}]" if self.route else ""
        return f"{self.kind}{where}: {self.message}"


@dataclass(frozen=True)
class CommandSync:
    """One bulk overwrite of application commands; `guild_id` None means global."""

    guild_id: int | None
    names: tuple[str, ...]
    at: float


@dataclass(frozen=True)
class SessionInfo:
    session_id: str
    compress: str | None
    intents: int
    identified_at: float
    resumes: int
    connected: bool
    shard: tuple[int, int] | None = None  # (id, count) from IDENTIFY; None: unsharded


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    status: int
    at: float


@dataclass(frozen=True)
class WebRequest:
    """A request for a page the test serves with `FakeDiscord.serve`."""

    method: str
    path: str
    headers: dict[str, str]
    status: int
    at: float

"""Everything the fake Discord knows and every rule it enforces. Lives on the fake's event loop only.

REST handlers and the test-side API both call into `FakeState`; it never awaits between reading and
changing its data, so no locks are needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import discord

from . import limits
from .records import (
    EPHEMERAL,
    LOADING,
    CommandSync,
    InteractionHandle,
    InteractionResult,
    Message,
    MessageVersion,
    RequestRecord,
    Upload,
    Violation,
    WebRequest,
)
from .world import PUBLIC_THREAD, Channel, Guild, User, World, iso_now

if TYPE_CHECKING:
    from .gateway import Gateway

T = TypeVar("T")

GUILDS_INTENT = 1 << 0
GUILD_MESSAGES_INTENT = 1 << 9

APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4

CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL = 9
ALLOWED_CALLBACKS = {
    APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {
        CHANNEL_MESSAGE,
        DEFERRED_CHANNEL_MESSAGE,
        DEFERRED_UPDATE_MESSAGE,
        UPDATE_MESSAGE,
        MODAL,
    },
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
}

DEFAULT_MESSAGE = 0
THREAD_CREATED_MESSAGE = 18
REPLY_MESSAGE = 19
CHAT_INPUT_COMMAND_MESSAGE = 20
CONTEXT_MENU_COMMAND_MESSAGE = 23
# Flags a sender may set; EPHEMERAL only counts for interaction responses and follow-ups.
SETTABLE_FLAGS = discord.MessageFlags(
    suppress_embeds=True, suppress_notifications=True, ephemeral=True, components_v2=True
).value
EDITABLE_FLAGS = discord.MessageFlags(suppress_embeds=True).value
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024

SEND_MESSAGES = discord.Permissions(send_messages=True).value
SEND_IN_THREADS = discord.Permissions(send_messages_in_threads=True).value
ATTACH_FILES = discord.Permissions(attach_files=True).value
READ_HISTORY = discord.Permissions(read_message_history=True).value
MANAGE_MESSAGES = discord.Permissions(manage_messages=True).value
MANAGE_THREADS = discord.Permissions(manage_threads=True).value
CREATE_PUBLIC_THREADS = discord.Permissions(create_public_threads=True).value
CREATE_PRIVATE_THREADS = discord.Permissions(create_private_threads=True).value
ADD_REACTIONS = discord.Permissions(add_reactions=True).value

MENTION = re.compile(r"<@!?(\d+)>")
# Interaction tokens look like Discord's (base64 of "interaction:" plus random); logs redact them.
TOKEN_PREFIX = "aW50ZXJhY3Rpb246"
RECHECK_S = 0.1
NONCE_CHARS = 25  # Discord's limit on a message nonce
HELD_POST_LIMIT_S = 120.0  # a held answer is given up after this, so a forgotten hold cannot hang the fake


class ApiError(Exception):
    """An HTTP error in Discord's shape. `violation` names the broken rule when the bot is at fault."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        violation: str | None = None,
        detail: str | None = None,
        errors: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"message": message, "code": code}
        if errors is not None:
            self.body["errors"] = errors
        self.violation = violation
        self.detail = detail or message


def form_error(errors: list[limits.FormError]) -> ApiError:
    body = limits.invalid_form_body(errors)
    return ApiError(
        400,
        50035,
        body["message"],
        violation="invalid_form_body",
        detail="; ".join(str(error) for error in errors),
        errors=body["errors"],
    )


def empty_message() -> ApiError:
    return ApiError(400, 50006, "Cannot send an empty message", violation="empty_message")


def missing_permissions() -> ApiError:
    return ApiError(403, 50013, "Missing Permissions")


def unknown_message() -> ApiError:
    return ApiError(404, 10008, "Unknown Message")


@dataclass
class NewFile:
    """A file uploaded with a request (multipart `files[n]`)."""

    index: int
    filename: str
    data: bytes
    content_type: str


@dataclass(eq=False)
class StoredMessage:
    id: int
    channel: Channel
    guild: Guild
    author: User
    type: int
    content: str
    embeds: list[dict]
    components: list[dict]
    attachments: list[dict]
    flags: int
    created_at: float
    timestamp: str
    reference: StoredMessage | None = None
    interaction: StoredInteraction | None = None
    webhook_id: int | None = None
    thread_id: int | None = None
    edited_timestamp: str | None = None
    deleted: bool = False
    mention_ids: list[int] = field(default_factory=list)
    reactions: dict[str, set[int]] = field(default_factory=dict)
    versions: list[MessageVersion] = field(default_factory=list)
    nonce: str | None = None

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    def record_version(self) -> None:
        self.versions.append(
            MessageVersion(
                content=self.content,
                embeds=tuple(copy.deepcopy(self.embeds)),
                components=tuple(copy.deepcopy(self.components)),
                attachments=tuple(copy.deepcopy(self.attachments)),
                flags=self.flags,
                at=time.monotonic(),
            )
        )

    def snapshot(self) -> Message:
        return Message(
            id=self.id,
            channel_id=self.channel.id,
            guild_id=self.guild.id,
            author_id=self.author.id,
            type=self.type,
            content=self.content,
            embeds=tuple(copy.deepcopy(self.embeds)),
            components=tuple(copy.deepcopy(self.components)),
            attachments=tuple(copy.deepcopy(self.attachments)),
            flags=self.flags,
            reference_id=self.reference.id if self.reference else None,
            thread_id=self.thread_id,
            interaction_id=self.interaction.id if self.interaction else None,
            created_at=self.created_at,
            deleted=self.deleted,
            versions=tuple(self.versions),
        )


@dataclass(eq=False)
class StoredInteraction:
    id: int
    token: str
    type: int
    name: str
    data: dict
    user: User
    channel: Channel
    guild: Guild
    created_at: float
    component_message: StoredMessage | None = None
    ack_type: int | None = None
    acked_at: float | None = None
    original: StoredMessage | None = None
    followups: list[StoredMessage] = field(default_factory=list)
    choices: list[dict] | None = None
    modal: dict | None = None
    deadline: asyncio.TimerHandle | None = None

    def handle(self) -> InteractionHandle:
        return InteractionHandle(
            self.id, self.token, self.type, self.name, self.user.id, self.channel.id, self.created_at
        )

    def snapshot(self) -> InteractionResult:
        return InteractionResult(
            handle=self.handle(),
            ack_type=self.ack_type,
            acked_at=self.acked_at,
            original=self.original.snapshot() if self.original else None,
            followups=tuple(message.snapshot() for message in self.followups),
            choices=tuple(copy.deepcopy(self.choices)) if self.choices is not None else None,
            modal=copy.deepcopy(self.modal),
        )

    def describe(self) -> str:
        kind = {APPLICATION_COMMAND: "/", AUTOCOMPLETE: "autocomplete /"}.get(self.type, "")
        return f"{kind}{self.name} (interaction {self.id}) by {self.user.name}"


@dataclass
class Page:
    body: bytes
    content_type: str
    status: int
    etag: str
    last_modified: str


class FakeState:
    def __init__(
        self,
        world: World,
        *,
        token: str,
        ack_deadline_s: float,
        token_ttl_s: float,
        nonce_window_s: float = 300.0,
    ) -> None:
        self.world = world
        self.token = token
        self.ack_deadline_s = ack_deadline_s
        self.token_ttl_s = token_ttl_s
        self.nonce_window_s = nonce_window_s
        # (channel, author, nonce) -> the message created with it, oldest first (pruned past the window)
        self.nonces: dict[tuple[int, int, str], StoredMessage] = {}
        self.held_channels: set[int] = set()  # the bot's posts there get their answer only on release
        self.base_url = ""
        self.gateway: Gateway
        self.messages: dict[int, StoredMessage] = {}
        self.interactions: dict[int, StoredInteraction] = {}
        self.interactions_by_token: dict[str, StoredInteraction] = {}
        self.commands: dict[int | None, list[dict]] = {}
        self.command_ids: dict[tuple[int | None, int, str], int] = {}
        self.command_syncs: list[CommandSync] = []
        self.violations: list[Violation] = []
        self.files: dict[str, tuple[bytes, str]] = {}
        self.pages: dict[str, Page] = {}
        self.web_requests: list[WebRequest] = []
        self.requests: list[RequestRecord] = []
        self.changed = asyncio.Event()

    # -- bookkeeping ------------------------------------------------------------------------------

    @property
    def bot(self) -> User:
        return self.world.bot

    def next_id(self) -> int:
        return self.world.snowflakes.next()

    def notify(self) -> None:
        """Wake every waiter; each re-checks its condition against the new state."""
        self.changed.set()
        self.changed = asyncio.Event()

    async def wait_until(self, check: Callable[[], T | None]) -> T:
        """Re-check after every change (and every 0.1 s, for conditions on things outside the fake)
        until `check()` returns neither None nor False; the caller bounds the wait."""
        while True:
            changed = self.changed
            result = check()
            if result is not None and result is not False:
                return result
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(RECHECK_S):
                    await changed.wait()

    def record_violation(
        self, kind: str, message: str, *, route: str | None = None, interaction_id: int | None = None
    ) -> None:
        self.violations.append(Violation(kind, message, time.monotonic(), route, interaction_id))
        self.notify()

    def find_channel(self, channel_id: int) -> tuple[Guild, Channel] | None:
        for guild in self.world.guilds.values():
            if channel_id in guild.channels:
                return guild, guild.channels[channel_id]
        return None

    def find_user(self, user_id: int) -> User | None:
        if user_id == self.bot.id:
            return self.bot
        return next((user for user in self.world.users.values() if user.id == user_id), None)

    def guild(self, guild_id: int) -> Guild:
        guild = self.world.guilds.get(guild_id)
        if guild is None:
            raise ApiError(404, 10004, "Unknown Guild")
        return guild

    def bot_channel(self, channel_id: int) -> tuple[Guild, Channel, int]:
        """The channel and the bot's permissions in it, or the error Discord gives the bot."""
        found = self.find_channel(channel_id)
        if found is None:
            raise ApiError(404, 10003, "Unknown Channel")
        guild, channel = found
        permissions = guild.permissions_in(self.bot.id, channel)
        if not permissions:
            raise ApiError(403, 50001, "Missing Access")
        return guild, channel, permissions

    # -- files and pages --------------------------------------------------------------------------

    def store_file(self, channel_id: int, filename: str, data: bytes, content_type: str) -> dict:
        """Keep the bytes on the fake's "CDN" and return Discord's attachment object for them."""
        attachment_id = self.next_id()
        path = f"/attachments/{channel_id}/{attachment_id}/{filename}"
        self.files[path] = (data, content_type)
        url = f"{self.base_url}{path}"
        return {
            "id": str(attachment_id),
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "content_type": content_type,
        }

    def store_upload(self, channel_id: int, upload: Upload) -> dict:
        return self.store_file(channel_id, upload.filename, upload.data, upload.media_type)

    def serve_page(self, path: str, body: bytes, content_type: str, status: int) -> str:
        self.pages[path] = Page(
            body=body,
            content_type=content_type,
            status=status,
            etag=f'"{secrets.token_hex(8)}"',
            last_modified=time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime()),
        )
        return f"{self.base_url}/web/{path}"

    # -- message payloads -------------------------------------------------------------------------

    def message_payload(self, message: StoredMessage, *, gateway: bool = False) -> dict:
        data: dict[str, Any] = {
            "id": str(message.id),
            "channel_id": str(message.channel.id),
            "author": message.author.payload(),
            "content": message.content,
            "timestamp": message.timestamp,
            "edited_timestamp": message.edited_timestamp,
            "tts": False,
            "mention_everyone": False,
            "mentions": [user.payload() for user in map(self.find_user, message.mention_ids) if user],
            "mention_roles": [],
            "attachments": copy.deepcopy(message.attachments),
            "embeds": copy.deepcopy(message.embeds),
            "pinned": False,
            "type": message.type,
            "flags": message.flags,
            "components": copy.deepcopy(message.components),
        }
        if message.nonce is not None:
            data["nonce"] = message.nonce
        if message.reactions:
            data["reactions"] = [
                {"count": len(users), "me": self.bot.id in users, "emoji": {"id": None, "name": emoji}}
                for emoji, users in message.reactions.items()
                if users
            ]
        if message.webhook_id:
            data["webhook_id"] = str(message.webhook_id)
            data["application_id"] = str(self.world.application_id)
        if message.interaction:
            interaction = message.interaction
            data["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user.payload(),
                "authorizing_integration_owners": {"0": str(message.guild.id)},
            }
            data["interaction"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "name": interaction.name,
                "user": interaction.user.payload(),
            }
        if message.reference:
            data["message_reference"] = {
                "type": 0,
                "message_id": str(message.reference.id),
                "channel_id": str(message.reference.channel.id),
                "guild_id": str(message.guild.id),
            }
            referenced = None
            if not message.reference.deleted:
                # One level deep, as Discord sends it.
                referenced = self.message_payload(message.reference, gateway=gateway)
                referenced.pop("referenced_message", None)
            data["referenced_message"] = referenced
        if message.thread_id:
            data["thread"] = message.guild.channels[message.thread_id].payload()
        if gateway:
            data["guild_id"] = str(message.guild.id)
            member = message.guild.members.get(message.author.id)
            if member and not message.webhook_id:
                data["member"] = {key: value for key, value in member.payload().items() if key != "user"}
        return data

    def dispatch_message(self, event: str, message: StoredMessage) -> None:
        """MESSAGE_CREATE/UPDATE to bots with the GUILD_MESSAGES intent; ephemeral messages are never sent."""
        if message.ephemeral:
            return
        content_is_public = message.author.id == self.bot.id or self.bot.id in message.mention_ids
        self.gateway.dispatch(
            event,
            self.message_payload(message, gateway=True),
            guild_id=message.guild.id,
            intent=GUILD_MESSAGES_INTENT,
            private_content=not content_is_public,
        )

    # -- creating and editing messages ------------------------------------------------------------

    def _attachments_from(self, body: dict, files: list[NewFile], channel_id: int) -> list[dict]:
        described = {str(item.get("id")): item for item in body.get("attachments") or []}
        attachments = []
        for upload in files:
            attachment = self.store_file(channel_id, upload.filename, upload.data, upload.content_type)
            description = described.get(str(upload.index), {}).get("description")
            if description:
                attachment["description"] = description
            attachments.append(attachment)
        return attachments

    def create_message(
        self,
        guild: Guild,
        channel: Channel,
        author: User,
        body: dict,
        files: list[NewFile],
        *,
        message_type: int = DEFAULT_MESSAGE,
        flags: int = 0,
        reference: StoredMessage | None = None,
        interaction: StoredInteraction | None = None,
        mention_ids: list[int] | None = None,
        nonce: str | None = None,
    ) -> StoredMessage:
        content = body.get("content") or ""
        message = StoredMessage(
            id=self.next_id(),
            channel=channel,
            guild=guild,
            author=author,
            type=message_type,
            content=content,
            embeds=[{"type": "rich", **embed} for embed in body.get("embeds") or []],
            components=list(body.get("components") or []),
            attachments=self._attachments_from(body, files, channel.id),
            flags=flags,
            created_at=time.monotonic(),
            timestamp=iso_now(),
            reference=reference,
            interaction=interaction,
            webhook_id=self.world.application_id if interaction else None,
            mention_ids=mention_ids if mention_ids is not None else self._mentions(content),
            nonce=nonce,
        )
        message.record_version()
        self.messages[message.id] = message
        if not message.ephemeral:
            channel.last_message_id = message.id
            if channel.is_thread:
                channel.message_count += 1
        self.dispatch_message("MESSAGE_CREATE", message)
        self.notify()
        return message

    def _mentions(self, content: str) -> list[int]:
        return [int(user_id) for user_id in MENTION.findall(content) if self.find_user(int(user_id))]

    def edit_message(self, message: StoredMessage, body: dict, files: list[NewFile]) -> StoredMessage:
        """Apply an edit the way Discord does: present fields replace, absent fields stay."""
        merged = {
            "content": message.content,
            "embeds": message.embeds,
            "components": message.components,
            "attachments": message.attachments,
            "flags": message.flags,
        }
        for key in ("content", "embeds", "components"):
            if key in body:
                merged[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        if "attachments" in body:
            kept_ids = {str(item.get("id")) for item in body["attachments"] or []}
            merged["attachments"] = [item for item in message.attachments if item["id"] in kept_ids]
        with_files = {**merged, "attachments": [*merged["attachments"], *files]}
        errors = limits.check_message(with_files)
        if errors:
            raise form_error(errors)
        if limits.is_empty_message(with_files):
            raise empty_message()
        message.content = merged["content"] or ""
        message.embeds = [{"type": "rich", **embed} for embed in merged["embeds"] or []]
        message.components = list(merged["components"] or [])
        message.attachments = list(merged["attachments"]) + self._attachments_from(
            body, files, message.channel.id
        )
        if "flags" in body and body["flags"] is not None:
            message.flags = (message.flags & ~EDITABLE_FLAGS) | (body["flags"] & EDITABLE_FLAGS)
        message.flags &= ~LOADING
        message.mention_ids = self._mentions(message.content)
        message.edited_timestamp = iso_now()
        message.record_version()
        self.dispatch_message("MESSAGE_UPDATE", message)
        self.notify()
        return message

    def delete_message(self, message: StoredMessage) -> None:
        message.deleted = True
        if not message.ephemeral:
            self.gateway.dispatch(
                "MESSAGE_DELETE",
                {
                    "id": str(message.id),
                    "channel_id": str(message.channel.id),
                    "guild_id": str(message.guild.id),
                },
                guild_id=message.guild.id,
                intent=GUILD_MESSAGES_INTENT,
            )
        self.notify()

    def validate_new_message(self, body: dict, files: list[NewFile], path: limits.Path = ()) -> None:
        with_files = {**body, "attachments": files}
        errors = limits.check_message(with_files, path)
        if errors:
            raise form_error(errors)
        if limits.is_empty_message(with_files):
            raise empty_message()

    # -- the bot's channel messages ---------------------------------------------------------------

    def post_channel_message(self, channel_id: int, body: dict, files: list[NewFile]) -> StoredMessage:
        guild, channel, permissions = self.bot_channel(channel_id)
        if not permissions & (SEND_IN_THREADS if channel.is_thread else SEND_MESSAGES):
            raise missing_permissions()
        if files and not permissions & ATTACH_FILES:
            raise missing_permissions()
        self.validate_new_message(body, files)
        nonce = self._nonce(body)
        if nonce is not None and body.get("enforce_nonce"):
            earlier = self._recent_nonce(channel.id, nonce)
            if earlier is not None:
                # Discord: the message that nonce created is returned and nothing new is created;
                # when that message was deleted since, the send fails instead.
                if earlier.deleted:
                    raise unknown_message()
                return earlier
        reference = self._reference(channel, body.get("message_reference"))
        mention_ids = self._mentions(body.get("content") or "")
        if reference and (body.get("allowed_mentions") or {}).get("replied_user", True):
            mention_ids.append(reference.author.id)
        message = self.create_message(
            guild,
            channel,
            self.bot,
            body,
            files,
            message_type=REPLY_MESSAGE if reference else DEFAULT_MESSAGE,
            flags=(body.get("flags") or 0) & SETTABLE_FLAGS & ~EPHEMERAL,
            reference=reference,
            mention_ids=mention_ids,
            nonce=nonce,
        )
        if nonce is not None:
            self.nonces[(channel.id, self.bot.id, nonce)] = message
        return message

    def _nonce(self, body: dict) -> str | None:
        """The request's nonce as Discord keeps it (a string; integers are sent as their digits)."""
        nonce = body.get("nonce")
        if nonce is None:
            return None
        nonce = str(nonce)
        if len(nonce) > NONCE_CHARS:
            raise form_error(
                [
                    limits.FormError(
                        ("nonce",), "BASE_TYPE_MAX_LENGTH", f"Must be {NONCE_CHARS} or fewer in length."
                    )
                ]
            )
        return nonce

    def _recent_nonce(self, channel_id: int, nonce: str) -> StoredMessage | None:
        """The bot's message created with `nonce` in this channel within the nonce window, if any."""
        horizon = time.monotonic() - self.nonce_window_s
        while self.nonces:
            oldest = next(iter(self.nonces))
            if self.nonces[oldest].created_at >= horizon:
                break
            del self.nonces[oldest]
        return self.nonces.get((channel_id, self.bot.id, nonce))

    async def answer_when_released(self, channel_id: int) -> None:
        """Hold the answer to a post in a held channel (the message exists already) until released."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(HELD_POST_LIMIT_S):
                await self.wait_until(lambda: channel_id not in self.held_channels)

    def _reference(self, channel: Channel, reference: dict | None) -> StoredMessage | None:
        if not reference or reference.get("message_id") is None:
            return None
        target = self.messages.get(int(reference["message_id"]))
        if target is None or target.deleted or target.ephemeral or target.channel.id != channel.id:
            if reference.get("fail_if_not_exists", True):
                raise form_error(
                    [
                        limits.FormError(
                            ("message_reference",), "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
                        )
                    ]
                )
            return None
        return target

    def channel_message(self, channel_id: int, message_id: int) -> StoredMessage:
        message = self.messages.get(message_id)
        if message is None or message.deleted or message.ephemeral or message.channel.id != channel_id:
            raise unknown_message()
        return message

    def read_channel_message(self, channel_id: int, message_id: int) -> StoredMessage:
        _, _, permissions = self.bot_channel(channel_id)
        if not permissions & READ_HISTORY:
            raise missing_permissions()
        return self.channel_message(channel_id, message_id)

    def edit_channel_message(
        self, channel_id: int, message_id: int, body: dict, files: list[NewFile]
    ) -> dict:
        self.bot_channel(channel_id)
        message = self.channel_message(channel_id, message_id)
        if message.author.id != self.bot.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        return self.message_payload(self.edit_message(message, body, files))

    def delete_channel_message(self, channel_id: int, message_id: int) -> None:
        _, _, permissions = self.bot_channel(channel_id)
        message = self.channel_message(channel_id, message_id)
        if message.author.id != self.bot.id and not permissions & MANAGE_MESSAGES:
            raise missing_permissions()
        self.delete_message(message)

    def channel_history(self, channel_id: int, query: dict[str, str]) -> list[dict]:
        _, _, permissions = self.bot_channel(channel_id)
        if not permissions & READ_HISTORY:
            return []
        limit = min(int(query.get("limit", 50)), 100)
        visible = [
            message
            for message in self.messages.values()
            if message.channel.id == channel_id and not message.deleted and not message.ephemeral
        ]
        if "before" in query:
            visible = [message for message in visible if message.id < int(query["before"])]
        if "after" in query:
            visible = [message for message in visible if message.id > int(query["after"])]
            visible = sorted(visible, key=lambda message: message.id)[:limit]
        if "around" in query:
            around = int(query["around"])
            visible = sorted(visible, key=lambda message: abs(message.id - around))[:limit]
        visible = sorted(visible, key=lambda message: message.id, reverse=True)[:limit]
        return [self.message_payload(message) for message in visible]

    def react(self, channel_id: int, message_id: int, emoji: str, *, add: bool) -> None:
        _, _, permissions = self.bot_channel(channel_id)
        message = self.channel_message(channel_id, message_id)
        if add and not permissions & ADD_REACTIONS and emoji not in message.reactions:
            raise missing_permissions()
        users = message.reactions.setdefault(emoji, set())
        if add:
            users.add(self.bot.id)
        else:
            users.discard(self.bot.id)
        self.notify()

    # -- threads ----------------------------------------------------------------------------------

    def _new_thread(self, guild: Guild, parent: Channel, body: dict, *, thread_id: int, kind: int) -> Channel:
        errors = limits.check_thread_name(body.get("name"), ("name",))
        if errors:
            raise form_error(errors)
        thread = Channel(
            id=thread_id,
            guild_id=guild.id,
            name=body["name"],
            type=kind,
            parent_id=parent.id,
            owner_id=self.bot.id,
            auto_archive_duration=body.get("auto_archive_duration") or 1440,
            member_ids={self.bot.id},
        )
        guild.channels[thread.id] = thread
        payload = {
            **thread.payload(),
            "newly_created": True,
            "member": {
                "id": str(thread.id),
                "user_id": str(self.bot.id),
                "join_timestamp": iso_now(),
                "flags": 0,
            },
        }
        self.gateway.dispatch("THREAD_CREATE", payload, guild_id=guild.id, intent=GUILDS_INTENT)
        self.notify()
        return thread

    def start_thread_from_message(self, channel_id: int, message_id: int, body: dict) -> dict:
        guild, channel, permissions = self.bot_channel(channel_id)
        if channel.is_thread:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        if not permissions & CREATE_PUBLIC_THREADS:
            raise missing_permissions()
        message = self.channel_message(channel_id, message_id)
        if message.thread_id:
            raise ApiError(400, 160004, "A thread has already been created for this message")
        # A thread started from a message has the message's id.
        thread = self._new_thread(guild, channel, body, thread_id=message.id, kind=PUBLIC_THREAD)
        message.thread_id = thread.id
        return thread.payload()

    def start_thread(self, channel_id: int, body: dict) -> dict:
        guild, channel, permissions = self.bot_channel(channel_id)
        kind = body.get("type") or PUBLIC_THREAD
        needed = CREATE_PUBLIC_THREADS if kind == PUBLIC_THREAD else CREATE_PRIVATE_THREADS
        if channel.is_thread:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        if not permissions & needed:
            raise missing_permissions()
        thread = self._new_thread(guild, channel, body, thread_id=self.next_id(), kind=kind)
        if kind == PUBLIC_THREAD:
            self.create_message(
                guild, channel, self.bot, {"content": thread.name}, [], message_type=THREAD_CREATED_MESSAGE
            )
        return thread.payload()

    def edit_thread(self, channel_id: int, body: dict) -> dict:
        guild, channel, permissions = self.bot_channel(channel_id)
        if not channel.is_thread:
            raise ApiError(404, 0, "the fake Discord only edits threads", violation="unsupported_route")
        if channel.owner_id != self.bot.id and not permissions & MANAGE_THREADS:
            raise missing_permissions()
        if "name" in body:
            errors = limits.check_thread_name(body["name"], ("name",))
            if errors:
                raise form_error(errors)
            channel.name = body["name"]
        for key in ("archived", "locked", "auto_archive_duration"):
            if key in body:
                setattr(channel, key, body[key])
        self.gateway.dispatch("THREAD_UPDATE", channel.payload(), guild_id=guild.id, intent=GUILDS_INTENT)
        self.notify()
        return channel.payload()

    def thread_members(self, channel_id: int) -> list[dict]:
        _, channel, _ = self.bot_channel(channel_id)
        return [
            {"id": str(channel.id), "user_id": str(user_id), "join_timestamp": channel.created_at, "flags": 0}
            for user_id in sorted(channel.member_ids)
        ]

    def set_thread_member(self, channel_id: int, user_id: int, *, join: bool) -> None:
        _, channel, _ = self.bot_channel(channel_id)
        if not channel.is_thread:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        if join:
            channel.member_ids.add(user_id)
        else:
            channel.member_ids.discard(user_id)
        self.notify()

    # -- application commands ---------------------------------------------------------------------

    def check_application(self, application_id: int) -> None:
        if application_id != self.world.application_id:
            raise ApiError(404, 10002, "Unknown Application")

    def overwrite_commands(self, guild_id: int | None, commands: list[dict]) -> list[dict]:
        if guild_id is not None:
            self.guild(guild_id)
        errors = limits.check_commands(commands)
        if errors:
            raise form_error(errors)
        stored = []
        for command in commands:
            kind = command.get("type", limits.CHAT_INPUT)
            command_id = self.command_ids.setdefault((guild_id, kind, command["name"]), self.next_id())
            entry = {
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                **command,
                "id": str(command_id),
                "application_id": str(self.world.application_id),
                "type": kind,
                "version": str(self.next_id()),
            }
            if guild_id is not None:
                entry["guild_id"] = str(guild_id)
            stored.append(entry)
        self.commands[guild_id] = stored
        self.command_syncs.append(CommandSync(guild_id, tuple(c["name"] for c in stored), time.monotonic()))
        self.notify()
        return copy.deepcopy(stored)

    def find_command(self, guild_id: int, name: str, kind: int) -> dict | None:
        for scope in (guild_id, None):
            for command in self.commands.get(scope, []):
                if command["name"] == name and command["type"] == kind:
                    return command
        return None

    # -- interactions -----------------------------------------------------------------------------

    def create_interaction(
        self,
        kind: int,
        name: str,
        data: dict,
        user: User,
        channel: Channel,
        *,
        component_message: StoredMessage | None = None,
    ) -> StoredInteraction:
        guild = self.world.guilds[channel.guild_id]
        user_permissions = guild.permissions_in(user.id, channel)
        interaction_id = self.next_id()
        token = f"{TOKEN_PREFIX}{secrets.token_urlsafe(48)}"
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.world.application_id),
            "type": kind,
            "data": data,
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
            "channel_id": str(channel.id),
            "channel": {**channel.payload(), "permissions": str(user_permissions)},
            "member": guild.members[user.id].payload(permissions=user_permissions),
            "token": token,
            "version": 1,
            "app_permissions": str(guild.permissions_in(self.bot.id, channel)),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if component_message is not None:
            payload["message"] = self.message_payload(component_message)
        interaction = StoredInteraction(
            id=interaction_id,
            token=token,
            type=kind,
            name=name,
            data=data,
            user=user,
            channel=channel,
            guild=guild,
            created_at=time.monotonic(),
            component_message=component_message,
        )
        self.interactions[interaction.id] = interaction
        self.interactions_by_token[token] = interaction
        interaction.deadline = asyncio.get_running_loop().call_later(
            self.ack_deadline_s, self._check_acknowledged, interaction
        )
        self.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=guild.id)
        self.notify()
        return interaction

    def _check_acknowledged(self, interaction: StoredInteraction) -> None:
        if interaction.ack_type is None:
            self.record_violation(
                "ack_deadline",
                f"{interaction.describe()} was not acknowledged within {self.ack_deadline_s:g} s "
                "(Discord shows the user 'The application did not respond')",
                interaction_id=interaction.id,
            )

    def interaction_callback(self, interaction_id: int, token: str, body: dict, files: list[NewFile]) -> dict:
        interaction = self.interactions.get(interaction_id)
        if interaction is None or interaction.token != token:
            raise ApiError(404, 10062, "Unknown interaction", violation="unknown_interaction")
        now = time.monotonic()
        if interaction.ack_type is not None:
            raise ApiError(
                400,
                40060,
                "Interaction has already been acknowledged.",
                violation="already_acknowledged",
                detail=f"{interaction.describe()} was already acknowledged with type {interaction.ack_type}",
            )
        elapsed = now - interaction.created_at
        if elapsed > self.ack_deadline_s:
            raise ApiError(
                404,
                10062,
                "Unknown interaction",
                violation="unknown_interaction",
                detail=f"{interaction.describe()}: callback arrived {elapsed:.2f} s after the interaction, "
                f"the limit is {self.ack_deadline_s:g} s",
            )
        callback_type = body.get("type")
        data = body.get("data") or {}
        if callback_type not in ALLOWED_CALLBACKS[interaction.type]:
            raise form_error(
                [
                    limits.FormError(
                        ("type",),
                        "INTERACTION_RESPONSE_TYPE_INVALID",
                        f"Callback type {callback_type} is not valid for interaction type {interaction.type}",
                    )
                ]
            )
        resource: dict[str, Any] = {"type": callback_type}
        if callback_type == CHANNEL_MESSAGE:
            self.validate_new_message(data, files, ("data",))
            interaction.original = self._interaction_message(interaction, data, files, data.get("flags") or 0)
        elif callback_type == DEFERRED_CHANNEL_MESSAGE:
            flags = LOADING | ((data.get("flags") or 0) & EPHEMERAL)
            interaction.original = self._interaction_message(interaction, {}, [], flags)
        elif callback_type in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE):
            if callback_type == UPDATE_MESSAGE and interaction.component_message is not None:
                self.edit_message(interaction.component_message, data, files)
            interaction.original = interaction.component_message
        elif callback_type == AUTOCOMPLETE_RESULT:
            errors = limits.check_choices(data.get("choices"), ("data", "choices"))
            if errors:
                raise form_error(errors)
            interaction.choices = list(data["choices"])
        elif callback_type == MODAL:
            errors = limits.check_modal(data, ("data",))
            if errors:
                raise form_error(errors)
            interaction.modal = data
        interaction.ack_type = callback_type
        interaction.acked_at = now
        if interaction.deadline:
            interaction.deadline.cancel()
        original = interaction.original
        if original is not None and callback_type in (
            CHANNEL_MESSAGE,
            DEFERRED_CHANNEL_MESSAGE,
            UPDATE_MESSAGE,
        ):
            resource["message"] = self.message_payload(original)
        self.notify()
        return {
            "interaction": {
                "id": str(interaction.id),
                "type": interaction.type,
                "response_message_id": str(original.id) if original else None,
                "response_message_loading": callback_type == DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": bool(original and original.ephemeral),
            },
            "resource": resource,
        }

    def _interaction_message(
        self, interaction: StoredInteraction, body: dict, files: list[NewFile], flags: int
    ) -> StoredMessage:
        if interaction.type == APPLICATION_COMMAND:
            command_type = interaction.data.get("type", limits.CHAT_INPUT)
            message_type = CHAT_INPUT_COMMAND_MESSAGE if command_type == 1 else CONTEXT_MENU_COMMAND_MESSAGE
        else:
            message_type = DEFAULT_MESSAGE
        return self.create_message(
            interaction.guild,
            interaction.channel,
            self.bot,
            body,
            files,
            message_type=message_type,
            flags=flags & (SETTABLE_FLAGS | LOADING),
            interaction=interaction,
        )

    def webhook_interaction(self, application_id: int, token: str) -> StoredInteraction:
        interaction = self.interactions_by_token.get(token)
        if (
            interaction is None
            or application_id != self.world.application_id
            or interaction.type == AUTOCOMPLETE
        ):
            raise ApiError(404, 10015, "Unknown Webhook", violation="unknown_webhook")
        age = time.monotonic() - interaction.created_at
        if age > self.token_ttl_s:
            raise ApiError(
                401,
                50027,
                "Invalid Webhook Token",
                violation="webhook_expired",
                detail=f"{interaction.describe()}: token used {age:.0f} s after the interaction, "
                f"tokens last {self.token_ttl_s:g} s",
            )
        if interaction.ack_type is None:
            raise ApiError(
                404,
                10015,
                "Unknown Webhook",
                violation="webhook_before_ack",
                detail=f"{interaction.describe()}: webhook used before the interaction was acknowledged",
            )
        return interaction

    def followup(self, application_id: int, token: str, body: dict, files: list[NewFile]) -> StoredMessage:
        interaction = self.webhook_interaction(application_id, token)
        self.validate_new_message(body, files)
        original = interaction.original
        if original is not None and original.loading and not original.deleted:
            # The first follow-up after a deferral resolves the "thinking" message, keeping its visibility.
            return self.edit_message(original, body, files)
        message = self._interaction_message(interaction, body, files, body.get("flags") or 0)
        interaction.followups.append(message)
        return message

    def webhook_message(self, application_id: int, token: str, message_ref: str) -> StoredMessage:
        interaction = self.webhook_interaction(application_id, token)
        if message_ref == "@original":
            message = interaction.original
        else:
            candidates = [interaction.original, *interaction.followups]
            message = next((item for item in candidates if item and item.id == int(message_ref)), None)
        if message is None or message.deleted:
            raise unknown_message()
        return message

    # -- test-side actions ------------------------------------------------------------------------

    def user_message(
        self,
        channel: Channel,
        author: User,
        content: str,
        *,
        reply_to: StoredMessage | None,
        uploads: list[Upload],
    ) -> StoredMessage:
        guild = self.world.guilds[channel.guild_id]
        mention_ids = self._mentions(content)
        if reply_to is not None:
            mention_ids.append(reply_to.author.id)
        if channel.is_thread:
            channel.member_ids.add(author.id)
        files = [
            NewFile(index, upload.filename, upload.data, upload.media_type)
            for index, upload in enumerate(uploads)
        ]
        return self.create_message(
            guild,
            channel,
            author,
            {"content": content},
            files,
            message_type=REPLY_MESSAGE if reply_to else DEFAULT_MESSAGE,
            reference=reply_to,
            mention_ids=mention_ids,
        )

    def request_log(self, method: str, path: str, status: int) -> None:
        self.requests.append(RequestRecord(method, path, status, time.monotonic()))

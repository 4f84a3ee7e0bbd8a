"""The guilds, channels, roles and users the fake Discord serves, and Discord's permission arithmetic.

Objects here are created before the fake starts (or on its event loop) and are handed to tests as
read-only references: tests use their `id` and `name`, the fake owns every change.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import discord

DISCORD_EPOCH_MS = 1_420_070_400_000

ALL_PERMISSIONS = discord.Permissions.all().value
ADMINISTRATOR = discord.Permissions(administrator=True).value
VIEW_CHANNEL = discord.Permissions(view_channel=True).value

# What a fresh server grants @everyone (the parts a text-only bot can observe).
EVERYONE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    add_reactions=True,
    use_application_commands=True,
    use_external_emojis=True,
    change_nickname=True,
    create_instant_invite=True,
).value
MODERATOR_PERMISSIONS = discord.Permissions(
    manage_channels=True, manage_messages=True, manage_threads=True
).value
# What the bot's invite link asks for: read, write, embed, attach, start and speak in threads.
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    add_reactions=True,
    use_application_commands=True,
).value

TEXT_CHANNEL = 0
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
THREAD_TYPES = (10, PUBLIC_THREAD, PRIVATE_THREAD)


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


class Snowflakes:
    """Time-based, strictly increasing ids, so `after=<id>` means "later than" like on Discord."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(candidate, self._last + 1)
        return self._last

    def next_on_shard(self, shard_id: int, shard_count: int) -> int:
        """The next id whose guild Discord routes to `shard_id` of `shard_count` ((id >> 22) % count):
        the timestamp part is moved on by at most `shard_count - 1` ms."""
        candidate = self.next()
        while (candidate >> 22) % shard_count != shard_id:
            candidate = ((candidate >> 22) + 1) << 22
        self._last = candidate
        return candidate


@dataclass(eq=False)
class User:
    id: int
    name: str
    bot: bool = False

    def payload(self) -> dict:
        data = {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": None if self.bot else self.name.title(),
            "avatar": None,
            "public_flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass(eq=False)
class Role:
    id: int
    name: str
    permissions: int
    position: int
    managed: bool = False

    def payload(self) -> dict:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": False,
            "flags": 0,
        }


@dataclass(eq=False)
class Overwrite:
    """A channel permission overwrite; `kind` 0 targets a role, 1 a member."""

    target_id: int
    kind: int
    allow: int = 0
    deny: int = 0

    def payload(self) -> dict:
        return {
            "id": str(self.target_id),
            "type": self.kind,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


@dataclass(eq=False)
class Channel:
    """A text channel or a thread (then `parent_id` is set and permissions come from the parent)."""

    id: int
    guild_id: int
    name: str
    type: int = TEXT_CHANNEL
    position: int = 0
    overwrites: list[Overwrite] = field(default_factory=list)
    parent_id: int | None = None
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    created_at: str = field(default_factory=iso_now)
    member_ids: set[int] = field(default_factory=set)
    message_count: int = 0
    last_message_id: int | None = None

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    def payload(self) -> dict:
        if self.is_thread:
            return {
                "id": str(self.id),
                "type": self.type,
                "guild_id": str(self.guild_id),
                "parent_id": str(self.parent_id),
                "owner_id": str(self.owner_id),
                "name": self.name,
                "last_message_id": str(self.last_message_id) if self.last_message_id else None,
                "rate_limit_per_user": 0,
                "message_count": self.message_count,
                "member_count": len(self.member_ids),
                "total_message_sent": self.message_count,
                "flags": 0,
                "thread_metadata": {
                    "archived": self.archived,
                    "auto_archive_duration": self.auto_archive_duration,
                    "archive_timestamp": self.created_at,
                    "locked": self.locked,
                    "create_timestamp": self.created_at,
                },
            }
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [overwrite.payload() for overwrite in self.overwrites],
            "nsfw": False,
            "topic": None,
            "rate_limit_per_user": 0,
            "last_message_id": str(self.last_message_id) if self.last_message_id else None,
            "parent_id": None,
            "flags": 0,
        }


@dataclass(eq=False)
class Member:
    user: User
    role_ids: list[int]
    joined_at: str = field(default_factory=iso_now)

    def payload(self, *, permissions: int | None = None) -> dict:
        data = {
            "user": self.user.payload(),
            "roles": [str(role_id) for role_id in self.role_ids],
            "nick": None,
            "avatar": None,
            "banner": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass(eq=False)
class Guild:
    id: int
    name: str
    owner_id: int
    snowflakes: Snowflakes
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)

    @property
    def everyone_role(self) -> Role:
        return self.roles[self.id]

    def role(self, name: str) -> Role:
        return next(role for role in self.roles.values() if role.name == name)

    def add_role(self, name: str, permissions: int, *, managed: bool = False) -> Role:
        role = Role(self.snowflakes.next(), name, permissions, position=len(self.roles), managed=managed)
        self.roles[role.id] = role
        return role

    def add_member(self, user: User, *roles: Role) -> Member:
        member = Member(user, [role.id for role in roles])
        self.members[user.id] = member
        return member

    def add_text_channel(self, name: str, *overwrites: Overwrite) -> Channel:
        position = sum(1 for channel in self.channels.values() if not channel.is_thread)
        channel = Channel(
            self.snowflakes.next(), self.id, name, position=position, overwrites=list(overwrites)
        )
        self.channels[channel.id] = channel
        return channel

    def text_channels(self) -> list[Channel]:
        return [channel for channel in self.channels.values() if not channel.is_thread]

    def threads(self) -> list[Channel]:
        return [channel for channel in self.channels.values() if channel.is_thread]

    def base_permissions(self, user_id: int) -> int:
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        member = self.members[user_id]
        permissions = self.everyone_role.permissions
        for role_id in member.role_ids:
            permissions |= self.roles[role_id].permissions
        return ALL_PERMISSIONS if permissions & ADMINISTRATOR else permissions

    def permissions_in(self, user_id: int, channel: Channel) -> int:
        """Discord's documented order: base, @everyone overwrite, role overwrites, member overwrite."""
        permissions = self.base_permissions(user_id)
        if permissions & ADMINISTRATOR:
            return ALL_PERMISSIONS
        source = self.channels[channel.parent_id] if channel.is_thread else channel
        overwrites = {(overwrite.kind, overwrite.target_id): overwrite for overwrite in source.overwrites}
        everyone = overwrites.get((0, self.id))
        if everyone:
            permissions = (permissions & ~everyone.deny) | everyone.allow
        role_allow = role_deny = 0
        for role_id in self.members[user_id].role_ids:
            overwrite = overwrites.get((0, role_id))
            if overwrite:
                role_allow |= overwrite.allow
                role_deny |= overwrite.deny
        permissions = (permissions & ~role_deny) | role_allow
        member_overwrite = overwrites.get((1, user_id))
        if member_overwrite:
            permissions = (permissions & ~member_overwrite.deny) | member_overwrite.allow
        return permissions if permissions & VIEW_CHANNEL else 0

    def payload(self, bot_user_id: int) -> dict:
        """The full GUILD_CREATE body; member_count equals the members sent, so no chunking is needed."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "region": "deprecated",
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "features": [],
            "roles": [role.payload() for role in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "joined_at": self.members[bot_user_id].joined_at,
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "members": [member.payload() for member in self.members.values()],
            "channels": [channel.payload() for channel in self.text_channels()],
            "threads": [channel.payload() for channel in self.threads() if not channel.archived],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "application_id": None,
        }


def deny_bot(bot: User, **permissions: bool) -> Overwrite:
    """A member overwrite that takes the named permissions away from the bot in one channel."""
    return Overwrite(bot.id, kind=1, deny=discord.Permissions(**permissions).value)


@dataclass(eq=False)
class World:
    """Everything the fake serves; build it before `FakeDiscord.start()`.

    `World.default()` suits most tests."""

    snowflakes: Snowflakes = field(default_factory=Snowflakes)
    application_id: int = 0
    bot: User = field(init=False)
    users: dict[str, User] = field(default_factory=dict)
    guilds: dict[int, Guild] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.application_id = self.application_id or self.snowflakes.next()
        # Bots created since 2019 share their application's id.
        self.bot = User(self.application_id, "Briefbot", bot=True)

    def add_user(self, name: str) -> User:
        user = User(self.snowflakes.next(), name)
        self.users[name] = user
        return user

    def add_guild(
        self,
        name: str,
        owner: User,
        *,
        bot_permissions: int = BOT_PERMISSIONS,
        shard: tuple[int, int] | None = None,
    ) -> Guild:
        """A guild with @everyone, a managed role for the bot, and the owner and the bot as members.
        `shard=(id, count)` gives it an id that Discord routes to that shard."""
        guild_id = self.snowflakes.next() if shard is None else self.snowflakes.next_on_shard(*shard)
        guild = Guild(guild_id, name, owner.id, self.snowflakes)
        guild.roles[guild.id] = Role(guild.id, "@everyone", EVERYONE_PERMISSIONS, position=0)
        bot_role = guild.add_role(self.bot.name, bot_permissions, managed=True)
        guild.add_member(self.bot, bot_role)
        guild.add_member(owner)
        self.guilds[guild.id] = guild
        return guild

    def all_channels(self) -> list[Channel]:
        return [channel for guild in self.guilds.values() for channel in guild.channels.values()]

    @classmethod
    def default(cls) -> World:
        """Two guilds. "Briefbot Test": #general, #news, #sports, #no-threads (the bot may not start or
        speak in threads), #read-only (the bot may not send); users alice and bob (plain members),
        mod (Moderator role: Manage Channels/Messages/Threads) and owner. "Other Guild": #general,
        with alice and mod (a Moderator there too)."""
        world = cls()
        owner, alice, bob, mod = (world.add_user(name) for name in ("owner", "alice", "bob", "mod"))
        main = world.add_guild("Briefbot Test", owner)
        moderator = main.add_role("Moderator", MODERATOR_PERMISSIONS)
        main.add_member(alice)
        main.add_member(bob)
        main.add_member(mod, moderator)
        for name in ("general", "news", "sports"):
            main.add_text_channel(name)
        main.add_text_channel(
            "no-threads", deny_bot(world.bot, create_public_threads=True, send_messages_in_threads=True)
        )
        main.add_text_channel("read-only", deny_bot(world.bot, send_messages=True))
        other = world.add_guild("Other Guild", owner)
        other_moderator = other.add_role("Moderator", MODERATOR_PERMISSIONS)
        other.add_member(alice)
        other.add_member(mod, other_moderator)
        other.add_text_channel("general")
        return world

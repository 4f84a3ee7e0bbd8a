"""Turn a test's "alice runs /subscribe add topic:climate in #news" into the interaction data Discord
sends, checked against the commands the bot registered, as the Discord client would check them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .records import FakeDiscordUsageError, Upload
from .state import FakeState, StoredMessage
from .world import ADMINISTRATOR, Channel, Guild, Role, User

STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
SUBCOMMAND_TYPES = (1, 2)
CHAT_INPUT, USER_COMMAND, MESSAGE_COMMAND = 1, 2, 3


@dataclass
class Resolved:
    """The `resolved` object: full objects for the ids that options carry."""

    users: dict[str, dict] = field(default_factory=dict)
    members: dict[str, dict] = field(default_factory=dict)
    channels: dict[str, dict] = field(default_factory=dict)
    roles: dict[str, dict] = field(default_factory=dict)
    attachments: dict[str, dict] = field(default_factory=dict)

    def payload(self) -> dict:
        return {key: value for key, value in vars(self).items() if value}


class CommandInvocation:
    """Builds `data` for one invocation in one channel."""

    def __init__(self, state: FakeState, guild: Guild, channel: Channel, user: User) -> None:
        self.state = state
        self.guild = guild
        self.channel = channel
        self.user = user
        self.resolved = Resolved()

    def command(self, name: str, kind: int) -> dict:
        command = self.state.find_command(self.guild.id, name, kind)
        if command is None:
            known = sorted(
                c["name"] for scope in (self.guild.id, None) for c in self.state.commands.get(scope, [])
            )
            raise FakeDiscordUsageError(f"no registered command {name!r} of type {kind}; registered: {known}")
        return command

    def check_default_permissions(self, command: dict, *, override: bool) -> None:
        """Discord hides a command from members lacking `default_member_permissions` unless a server
        admin granted it in Server Settings > Integrations (what `override=True` stands for)."""
        required = command.get("default_member_permissions")
        if required is None or override:
            return
        permissions = self.guild.permissions_in(self.user.id, self.channel)
        allowed = bool(permissions & ADMINISTRATOR) or (
            int(required) != 0 and permissions & int(required) == int(required)
        )
        if not allowed:
            raise FakeDiscordUsageError(
                f"{self.user.name} cannot see /{command['name']} (default_member_permissions={required}); "
                "pass override_default_permissions=True to act as if an admin allowed it"
            )

    def data(
        self, command: dict, path: list[str], options: Mapping[str, Any], *, focused: str | None
    ) -> dict:
        """Walk subcommand groups/subcommands named in `path`, then convert the leaf options."""
        schema = command.get("options") or []
        nested: list[dict] = []
        top = nested
        for name in path:
            sub = next((o for o in schema if o["name"] == name and o["type"] in SUBCOMMAND_TYPES), None)
            if sub is None:
                raise FakeDiscordUsageError(f"/{command['name']} has no subcommand {name!r}")
            entry: dict[str, Any] = {"name": name, "type": sub["type"], "options": []}
            nested.append(entry)
            nested = entry["options"]
            schema = sub.get("options") or []
        if any(option["type"] in SUBCOMMAND_TYPES for option in schema):
            choices = [option["name"] for option in schema]
            raise FakeDiscordUsageError(
                f"/{' '.join([command['name'], *path])} needs a subcommand: {choices}"
            )
        nested.extend(self._options(schema, options, focused=focused))
        data: dict[str, Any] = {"id": command["id"], "name": command["name"], "type": command["type"]}
        if top:
            data["options"] = top
        resolved = self.resolved.payload()
        if resolved:
            data["resolved"] = resolved
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return data

    def _options(self, schema: list[dict], given: Mapping[str, Any], *, focused: str | None) -> list[dict]:
        by_name = {option["name"]: option for option in schema}
        unknown = set(given) - set(by_name)
        if unknown:
            raise FakeDiscordUsageError(
                f"unknown options {sorted(unknown)}; the command has {sorted(by_name)}"
            )
        if focused is None:
            missing = [o["name"] for o in schema if o.get("required") and o["name"] not in given]
            if missing:
                raise FakeDiscordUsageError(f"missing required options {missing}")
        elif focused not in given:
            raise FakeDiscordUsageError(
                f"the focused option {focused!r} needs a value (what the user has typed)"
            )
        converted = []
        for name, value in given.items():
            option = by_name[name]
            if name == focused:
                converted.append({"name": name, "type": option["type"], "value": str(value), "focused": True})
            else:
                converted.append({"name": name, "type": option["type"], "value": self._value(option, value)})
        return converted

    def _value(self, option: dict, value: Any) -> Any:
        kind = option["type"]
        name = option["name"]
        if kind == STRING:
            self._expect(isinstance(value, str), name, "a str", value)
            length = len(value)
            if length < option.get("min_length", 0) or length > option.get("max_length", 6000):
                raise FakeDiscordUsageError(f"{name}: length {length} outside the option's limits")
        elif kind in (INTEGER, NUMBER):
            numeric = int if kind == INTEGER else (int, float)
            self._expect(isinstance(value, numeric) and not isinstance(value, bool), name, "a number", value)
            if value < option.get("min_value", value) or value > option.get("max_value", value):
                raise FakeDiscordUsageError(f"{name}: {value} outside the option's range")
        elif kind == BOOLEAN:
            self._expect(isinstance(value, bool), name, "a bool", value)
        elif kind in (USER, MENTIONABLE) and isinstance(value, User):
            return self._resolve_user(value)
        elif kind in (ROLE, MENTIONABLE) and isinstance(value, Role):
            self.resolved.roles[str(value.id)] = value.payload()
            return str(value.id)
        elif kind == CHANNEL:
            self._expect(isinstance(value, Channel), name, "a Channel", value)
            return self._resolve_channel(option, value)
        elif kind == ATTACHMENT:
            self._expect(isinstance(value, Upload), name, "an Upload", value)
            attachment = {**self.state.store_upload(self.channel.id, value), "ephemeral": True}
            self.resolved.attachments[attachment["id"]] = attachment
            return attachment["id"]
        else:
            raise FakeDiscordUsageError(f"{name}: cannot pass {value!r} to an option of type {kind}")
        choices = option.get("choices")
        if choices and value not in [choice["value"] for choice in choices]:
            raise FakeDiscordUsageError(f"{name}: {value!r} is not one of the choices {choices}")
        return value

    @staticmethod
    def _expect(ok: bool, name: str, wanted: str, value: Any) -> None:
        if not ok:
            raise FakeDiscordUsageError(f"option {name} wants {wanted}, got {value!r}")

    def _resolve_user(self, user: User) -> str:
        self.resolved.users[str(user.id)] = user.payload()
        member = self.guild.members.get(user.id)
        if member is not None:
            permissions = self.guild.permissions_in(user.id, self.channel)
            data = member.payload(permissions=permissions)
            del data["user"]
            self.resolved.members[str(user.id)] = data
        return str(user.id)

    def _resolve_channel(self, option: dict, channel: Channel) -> str:
        allowed = option.get("channel_types")
        if allowed and channel.type not in allowed:
            raise FakeDiscordUsageError(f"{option['name']}: channel type {channel.type} not in {allowed}")
        data = channel.payload()
        data["permissions"] = str(self.guild.permissions_in(self.user.id, channel))
        self.resolved.channels[str(channel.id)] = data
        return str(channel.id)

    def message_command_data(self, command: dict, message: StoredMessage) -> dict:
        data: dict[str, Any] = {
            "id": command["id"],
            "name": command["name"],
            "type": MESSAGE_COMMAND,
            "target_id": str(message.id),
            "resolved": {"messages": {str(message.id): self.state.message_payload(message)}},
        }
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return data


def find_component(message: StoredMessage, custom_id: str) -> dict:
    """The enabled component with this custom_id; Discord's client offers nothing else to click."""
    pending = list(message.components)
    while pending:
        component = pending.pop()
        pending += component.get("components") or []
        if component.get("accessory"):
            pending.append(component["accessory"])
        if component.get("custom_id") == custom_id:
            if component.get("disabled"):
                raise FakeDiscordUsageError(f"component {custom_id!r} on message {message.id} is disabled")
            return component
    raise FakeDiscordUsageError(f"message {message.id} has no component with custom_id {custom_id!r}")

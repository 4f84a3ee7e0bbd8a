"""`FakeDiscord`: the server in a background thread with its own event loop, and the API tests use.

The server thread owns all state. Async test methods run their work on that loop and await the
result from the test's loop (any loop, any pytest-asyncio scope); plain methods block briefly for
a snapshot. Everything a test receives is an immutable snapshot (`records.py`) or a world object
(`world.py`) to be read, not changed.
"""

# Waiting helpers take `timeout=` so a missing reply from the bot fails the test quickly and says what
# was awaited, instead of hanging until the suite's timeout.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, TypeVar

from aiohttp import web

from . import interactions as builder
from .gateway import PRIVILEGED_INTENTS, Gateway
from .records import (
    CommandSync,
    FakeDiscordUsageError,
    InteractionHandle,
    InteractionResult,
    Message,
    RequestRecord,
    SessionInfo,
    Upload,
    Violation,
    WebRequest,
)
from .rest import build_app
from .state import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    FakeState,
    StoredInteraction,
    StoredMessage,
)
from .world import Channel, Guild, User, World

SELECT_MENU = 3  # component type of a string select

T = TypeVar("T")
log = logging.getLogger("fake_discord")

DEFAULT_TOKEN = "fake-bot-token.for-tests-only"


class FakeDiscord:
    """A local Discord: REST under `{url}/api/v10`, the gateway at `{ws_url}`, files and pages.

    `heartbeat_interval_ms` is what HELLO announces (Discord uses 41250; tests use ~1000 so
    heartbeat lateness shows up quickly). `ack_deadline_s` and `token_ttl_s` are Discord's 3 s and
    15 min. `privileged_intents` are the ones "enabled in the developer portal"; asking for others
    closes the gateway with 4014 like Discord does. `shard_count` is what GET /gateway/bot
    recommends; sessions that IDENTIFY with `shard: [id, count]` get only their shard's guilds.
    `nonce_window_s` is how long a message nonce sent with `enforce_nonce` is remembered ("a few
    minutes" on Discord).
    """

    def __init__(
        self,
        *,
        world: World | None = None,
        token: str = DEFAULT_TOKEN,
        heartbeat_interval_ms: int = 41_250,
        ack_deadline_s: float = 3.0,
        token_ttl_s: float = 900.0,
        privileged_intents: int = PRIVILEGED_INTENTS,
        shard_count: int = 1,
        nonce_window_s: float = 300.0,
    ) -> None:
        self.world = world or World.default()
        self.token = token
        self._settings = {
            "heartbeat_interval_ms": heartbeat_interval_ms,
            "ack_deadline_s": ack_deadline_s,
            "token_ttl_s": token_ttl_s,
            "privileged_intents": privileged_intents,
            "shard_count": shard_count,
            "nonce_window_s": nonce_window_s,
        }
        self.url = ""
        self.ws_url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread_id: int | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._startup_error: BaseException | None = None
        self._stopping: asyncio.Event | None = None

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> FakeDiscord:
        self._thread = threading.Thread(target=self._serve, name="fake-discord", daemon=True)
        self._thread.start()
        self._started.wait(timeout=30)
        if self._startup_error is not None:
            raise RuntimeError("the fake Discord did not start") from self._startup_error
        log.info("fake Discord listening on %s", self.url)
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None or self._stopping is None:
            return
        self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(timeout=30)
        self._loop = None

    def __enter__(self) -> FakeDiscord:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _serve(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        try:
            self._loop = asyncio.get_running_loop()
            self._thread_id = threading.get_ident()
            self._stopping = asyncio.Event()
            settings = self._settings
            self._state = FakeState(
                self.world,
                token=self.token,
                ack_deadline_s=settings["ack_deadline_s"],
                token_ttl_s=settings["token_ttl_s"],
                nonce_window_s=settings["nonce_window_s"],
            )
            self._gateway = Gateway(
                self._state,
                heartbeat_interval_ms=settings["heartbeat_interval_ms"],
                privileged_intents=settings["privileged_intents"],
                shard_count=settings["shard_count"],
            )
            self._state.gateway = self._gateway
            runner = web.AppRunner(build_app(self._state, self._gateway), handle_signals=False)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            host, port = runner.addresses[0][:2]
            self.url = f"http://{host}:{port}"
            self.ws_url = f"ws://{host}:{port}/gateway"
            self._state.base_url = self.url
            self._gateway.url = self.ws_url
        except BaseException as error:
            self._startup_error = error
            self._started.set()
            raise
        self._started.set()
        try:
            await self._stopping.wait()
        finally:
            for connection in self._gateway.open_connections():
                await connection.ws.close(code=1001)
            await runner.cleanup()

    # -- running code on the fake's loop ----------------------------------------------------------

    def _call(self, function: Callable[[], T]) -> T:
        """Run `function` on the fake's loop and return its result. Run it directly when already on
        that loop, or after `stop()`: then nothing changes the state any more and it stays readable."""
        if self._thread_id is None:
            raise RuntimeError("the fake Discord was not started")
        if self._loop is None or threading.get_ident() == self._thread_id:
            return function()
        result: concurrent.futures.Future[T] = concurrent.futures.Future()

        def run() -> None:
            try:
                result.set_result(function())
            except BaseException as error:
                result.set_exception(error)

        self._loop.call_soon_threadsafe(run)
        return result.result(timeout=30)

    async def _run(self, coroutine: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Await `coroutine()` running on the fake's loop, from whatever loop the test uses."""
        if self._loop is None:
            raise RuntimeError("the fake Discord is not running")
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine(), self._loop))

    async def wait_until(self, condition: Callable[[], T | None], timeout: float = 10.0) -> T:
        """Wait until `condition()` (run on the fake's loop after every change) returns neither None
        nor False, and return that. It may call this object's plain methods, e.g.
        `lambda: len(fake.messages(channel)) >= 2`."""
        return await self._wait(condition, timeout, "the condition")

    async def _wait(self, condition: Callable[[], T | None], timeout: float, what: str) -> T:
        async def wait() -> T:
            try:
                async with asyncio.timeout(timeout):
                    return await self._state.wait_until(condition)
            except TimeoutError:
                raise TimeoutError(f"waited {timeout:g} s for {what}") from None

        return await self._run(wait)

    # -- the world --------------------------------------------------------------------------------

    @property
    def application_id(self) -> int:
        return self.world.application_id

    @property
    def bot_user(self) -> User:
        return self.world.bot

    # The world changes on the fake's loop (threads appear), so lookups run there too.

    def guild(self, name: str | None = None) -> Guild:
        """A guild by name; the first one ("Briefbot Test" in the default world) without a name."""
        guilds = list(self.world.guilds.values())
        if name is None:
            return guilds[0]
        return self._named(guilds, name, "guild")

    def channel(self, name: str, guild: Guild | None = None) -> Channel:
        """A text channel by name, in `guild` or the first guild."""
        return self._call(lambda: self._named((guild or self.guild()).text_channels(), name, "channel"))

    def user(self, name: str) -> User:
        user = self.world.users.get(name)
        if user is None:
            raise FakeDiscordUsageError(f"no user {name!r}; the world has {sorted(self.world.users)}")
        return user

    @staticmethod
    def _named(items: Any, name: str, kind: str) -> Any:
        for item in items:
            if item.name == name:
                return item
        raise FakeDiscordUsageError(f"no {kind} named {name!r}; there are {[item.name for item in items]}")

    def _resolve(self, channel: Channel | int | None, user: User | str | None) -> tuple[Guild, Channel, User]:
        state = self._state
        channel_id = channel.id if isinstance(channel, Channel) else channel
        found = state.find_channel(channel_id) if channel_id is not None else None
        if channel_id is not None and found is None:
            raise FakeDiscordUsageError(f"no channel {channel_id}")
        guild, resolved_channel = found or (self.guild(), self.channel("general"))
        resolved_user = self.user(user) if isinstance(user, str) else user or self.user("alice")
        if resolved_user.id not in guild.members:
            raise FakeDiscordUsageError(f"{resolved_user.name} is not a member of {guild.name}")
        if not guild.permissions_in(resolved_user.id, resolved_channel):
            raise FakeDiscordUsageError(f"{resolved_user.name} cannot see #{resolved_channel.name}")
        return guild, resolved_channel, resolved_user

    def _stored(self, message: Message | int) -> StoredMessage:
        message_id = message.id if isinstance(message, Message) else message
        stored = self._state.messages.get(message_id)
        if stored is None or stored.deleted:
            raise FakeDiscordUsageError(f"no message {message_id}")
        return stored

    # -- what users do ----------------------------------------------------------------------------

    async def slash(
        self,
        command: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: User | str | None = None,
        channel: Channel | int | None = None,
        override_default_permissions: bool = False,
    ) -> InteractionHandle:
        """Run `/command` ("subscribe add" for a subcommand) as `user` (default alice) in `channel`
        (default #general). Option values: str/int/float/bool, a `User`, a `Channel`, or an `Upload`
        for an attachment option. Checked against the registered command like the Discord client."""

        async def send() -> InteractionHandle:
            guild, target, member = self._resolve(channel, user)
            name, *path = command.split()
            invocation = builder.CommandInvocation(self._state, guild, target, member)
            registered = invocation.command(name, builder.CHAT_INPUT)
            invocation.check_default_permissions(registered, override=override_default_permissions)
            data = invocation.data(registered, path, options or {}, focused=None)
            return self._state.create_interaction(APPLICATION_COMMAND, command, data, member, target).handle()

        return await self._run(send)

    async def message_command(
        self, name: str, message: Message | int, *, user: User | str | None = None
    ) -> InteractionHandle:
        """Run the message context-menu command `name` ("Apps > name" on a message) as `user`."""

        async def send() -> InteractionHandle:
            stored = self._stored(message)
            guild, target, member = self._resolve(stored.channel, user)
            invocation = builder.CommandInvocation(self._state, guild, target, member)
            registered = invocation.command(name, builder.MESSAGE_COMMAND)
            invocation.check_default_permissions(registered, override=False)
            data = invocation.message_command_data(registered, stored)
            return self._state.create_interaction(APPLICATION_COMMAND, name, data, member, target).handle()

        return await self._run(send)

    async def autocomplete(
        self,
        command: str,
        focused: str,
        options: Mapping[str, Any],
        *,
        user: User | str | None = None,
        channel: Channel | int | None = None,
        timeout: float = 5.0,
    ) -> list[dict]:
        """Type into option `focused` of `/command` (its value in `options` is the typed text) and
        return the choices the bot answered with (each {"name", "value"})."""

        async def send() -> StoredInteraction:
            guild, target, member = self._resolve(channel, user)
            name, *path = command.split()
            invocation = builder.CommandInvocation(self._state, guild, target, member)
            registered = invocation.command(name, builder.CHAT_INPUT)
            data = invocation.data(registered, path, options, focused=focused)
            interaction = self._state.create_interaction(AUTOCOMPLETE, command, data, member, target)
            return interaction

        interaction = await self._run(send)
        await self._wait(
            lambda: interaction.choices is not None, timeout, f"autocomplete choices for /{command} {focused}"
        )
        return list(interaction.choices or [])

    async def click(
        self,
        message: Message | int,
        custom_id: str,
        *,
        user: User | str | None = None,
        values: list[str] | None = None,
    ) -> InteractionHandle:
        """Press the button `custom_id` on `message` as `user`, or pick `values` in that select menu."""

        async def send() -> InteractionHandle:
            stored = self._stored(message)
            component = builder.find_component(stored, custom_id)
            _, target, member = self._resolve(stored.channel, user)
            data: dict = {"custom_id": custom_id, "component_type": component["type"]}
            if component["type"] == SELECT_MENU:
                offered = [option["value"] for option in component.get("options") or []]
                picked = list(values or [])
                if not picked or any(value not in offered for value in picked):
                    raise FakeDiscordUsageError(f"select {custom_id!r} offers {offered}, not {picked}")
                data["values"] = picked
            interaction = self._state.create_interaction(
                MESSAGE_COMPONENT, custom_id, data, member, target, component_message=stored
            )
            return interaction.handle()

        return await self._run(send)

    async def post_message(
        self,
        channel: Channel | int,
        content: str,
        *,
        user: User | str | None = None,
        reply_to: Message | int | None = None,
        attachments: tuple[Upload, ...] = (),
    ) -> Message:
        """`user` writes in a channel or thread (a reply pings the replied-to author, as by default)."""

        async def send() -> Message:
            _, target, author = self._resolve(channel, user)
            reference = self._stored(reply_to) if reply_to is not None else None
            stored = self._state.user_message(
                target, author, content, reply_to=reference, uploads=list(attachments)
            )
            return stored.snapshot()

        return await self._run(send)

    # -- waiting for the bot ----------------------------------------------------------------------

    async def wait_for_message(
        self,
        channel: Channel | int,
        predicate: Callable[[Message], bool] | None = None,
        *,
        after: int | None = None,
        from_bot: bool = True,
        timeout: float = 10.0,
    ) -> Message:
        """The first message in `channel` (existing or future, oldest first) that matches; "thinking"
        placeholders are skipped until resolved. `after` takes an id (message or interaction; ids
        grow with time) to skip older messages."""
        channel_id = channel.id if isinstance(channel, Channel) else channel

        def found() -> Message | None:
            for message in self.messages(channel_id, include_ephemeral=True):
                if after is not None and message.id <= after:
                    continue
                if message.loading or (from_bot and message.author_id != self.bot_user.id):
                    continue
                if predicate is None or predicate(message):
                    return message
            return None

        return await self._wait(found, timeout, f"a matching message in channel {channel_id}")

    async def interaction_response(
        self,
        interaction: InteractionHandle,
        until: Callable[[Message], bool] | None = None,
        *,
        timeout: float = 10.0,
    ) -> Message:
        """The interaction's original response once `until(message)` holds (default: it is no longer
        the "thinking" placeholder). Pass `until` when the bot edits in steps, e.g.
        `until=lambda m: bool(m.embeds)`. `message.versions` lists every state, in order."""
        wanted = until or (lambda message: not message.loading)

        def found() -> Message | None:
            stored = self._state.interactions[interaction.id]
            if stored.original is None or stored.ack_type is None:
                return None
            message = stored.original.snapshot()
            return message if wanted(message) else None

        return await self._wait(found, timeout, f"the response to {interaction.name} ({interaction.id})")

    async def wait_for_followup(
        self,
        interaction: InteractionHandle,
        predicate: Callable[[Message], bool] | None = None,
        *,
        timeout: float = 10.0,
    ) -> Message:
        def found() -> Message | None:
            followups = [m.snapshot() for m in self._state.interactions[interaction.id].followups]
            return next((m for m in followups if predicate is None or predicate(m)), None)

        return await self._wait(found, timeout, f"a follow-up to {interaction.name} ({interaction.id})")

    async def wait_for_thread(self, message: Message | int, *, timeout: float = 10.0) -> Channel:
        """The thread started on `message`."""
        message_id = message.id if isinstance(message, Message) else message

        def found() -> Channel | None:
            stored = self._state.messages.get(message_id)
            if stored is None or stored.thread_id is None:
                return None
            return stored.guild.channels[stored.thread_id]

        return await self._wait(found, timeout, f"a thread on message {message_id}")

    # -- looking at what happened (plain methods) -------------------------------------------------

    def messages(self, channel: Channel | int, *, include_ephemeral: bool = False) -> list[Message]:
        """Messages in a channel or thread, oldest first; deleted ones are left out."""
        channel_id = channel.id if isinstance(channel, Channel) else channel
        return self._call(
            lambda: [
                message.snapshot()
                for message in self._state.messages.values()
                if message.channel.id == channel_id
                and not message.deleted
                and (include_ephemeral or not message.ephemeral)
            ]
        )

    def message(self, message: Message | int) -> Message:
        """The current state of a message (after the bot's later edits)."""
        return self._call(lambda: self._stored(message).snapshot())

    def threads(self, channel: Channel | int) -> list[Channel]:
        channel_id = channel.id if isinstance(channel, Channel) else channel
        return self._call(
            lambda: [thread for thread in self._state.world.all_channels() if thread.parent_id == channel_id]
        )

    def interaction(self, interaction: InteractionHandle) -> InteractionResult:
        return self._call(lambda: self._state.interactions[interaction.id].snapshot())

    def commands(self, guild: Guild | None = None) -> list[dict]:
        """Registered commands: global, or those of `guild`."""
        scope = guild.id if guild else None
        return self._call(lambda: [dict(command) for command in self._state.commands.get(scope, [])])

    def command_syncs(self) -> list[CommandSync]:
        """Every bulk overwrite of commands, oldest first (to check the bot syncs only on change)."""
        return self._call(lambda: list(self._state.command_syncs))

    @property
    def violations(self) -> list[Violation]:
        return self._call(lambda: list(self._state.violations))

    def take_violations(self) -> list[Violation]:
        """Return and forget the recorded violations (a test that provokes one on purpose calls this)."""

        def take() -> list[Violation]:
            taken = list(self._state.violations)
            self._state.violations.clear()
            return taken

        return self._call(take)

    def heartbeat_delays(self, since: float | None = None) -> list[float]:
        """Heartbeat lateness in ms (actual gap between two heartbeats minus the interval), for every
        gateway connection; `since` (a `time.monotonic()` value) keeps only later heartbeats."""
        return self._call(lambda: self._gateway.heartbeat_delays(since))

    def sessions(self) -> list[SessionInfo]:
        return self._call(self._gateway.sessions_info)

    def hold_posts(self, channel: Channel) -> None:
        """From now on the bot's messages to `channel` are created (and dispatched) at once, but the
        HTTP answer waits until `release_posts` (at most 120 s): a response lost on the way back,
        so a test can kill the bot between posting a message and recording it."""
        self._call(lambda: self._state.held_channels.add(channel.id))

    def release_posts(self, channel: Channel) -> None:
        def release() -> None:
            self._state.held_channels.discard(channel.id)
            self._state.notify()

        self._call(release)

    def requests(self) -> list[RequestRecord]:
        """Every HTTP request the fake answered, oldest first."""
        return self._call(lambda: list(self._state.requests))

    def attachment_bytes(self, attachment: dict) -> bytes:
        path = attachment["url"].removeprefix(self.url)
        return self._call(lambda: self._state.files[path][0])

    def serve(
        self,
        path: str,
        body: str | bytes,
        *,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
    ) -> str:
        """Serve a page or feed at `{url}/web/{path}` (with ETag and Last-Modified); returns its URL.
        Serving the same path again replaces it (and changes its ETag)."""
        data = body.encode() if isinstance(body, str) else body
        return self._call(lambda: self._state.serve_page(path, data, content_type, status))

    def web_requests(self, path: str | None = None) -> list[WebRequest]:
        return self._call(lambda: [r for r in self._state.web_requests if path is None or r.path == path])

    def wait_for_bot_ready(
        self, since: float, *, require_commands: bool, timeout: float, alive: Callable[[], bool]
    ) -> None:
        """Block until a bot identified after `since` got READY and its guilds (and, if asked, some
        commands are registered). Used by the e2e harness; `alive` aborts when the process died."""

        def ready() -> bool:
            identified = any(s.identified_at >= since and s.connected for s in self._gateway.sessions_info())
            has_commands = any(self._state.commands.values())
            return identified and (has_commands or not require_commands)

        deadline = time.monotonic() + timeout
        while not self._call(ready):
            if not alive():
                raise RuntimeError("the bot process exited before it was ready")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the bot was not ready within {timeout} s")
            time.sleep(0.05)

    def wait_for_pending_acks(self, timeout: float = 10.0) -> None:
        """Block until every interaction is acknowledged or past its deadline (then recorded as a
        violation), so a missing acknowledgement is charged to the test that sent the interaction."""
        margin_s = 0.2

        def pending() -> bool:
            now = time.monotonic()
            return any(
                interaction.ack_type is None
                and now - interaction.created_at < self._state.ack_deadline_s + margin_s
                for interaction in self._state.interactions.values()
            )

        deadline = time.monotonic() + timeout
        while self._call(pending) and time.monotonic() < deadline:
            time.sleep(0.05)

    # -- gateway controls -------------------------------------------------------------------------

    async def reconnect_gateway(self) -> None:
        """Send op 7 RECONNECT; the client reconnects and RESUMEs, missing nothing."""
        await self._run_sync(self._gateway.request_reconnect)

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close the socket like a network failure; discord.py reconnects and RESUMEs."""
        await self._run_sync(lambda: self._gateway.drop_connections(code))

    async def invalidate_session(self) -> None:
        """Send op 9 INVALID_SESSION (not resumable); the client IDENTIFYs again."""
        await self._run_sync(self._gateway.invalidate_sessions)

    async def _run_sync(self, function: Callable[[], None]) -> None:
        async def run() -> None:
            function()

        await self._run(run)

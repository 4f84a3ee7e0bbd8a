"""The gateway WebSocket: HELLO, IDENTIFY/READY/GUILD_CREATE, heartbeats, dispatch with sequence
numbers, RESUME (replaying what a dropped connection missed) and INVALID_SESSION.

Sharding as Discord does it: each IDENTIFY may name `shard: [id, count]`; a session then gets only
the guilds, and the events of the guilds, whose shard is `(guild_id >> 22) % count` (DMs: shard 0).

Compression is zlib-stream (one zlib context per connection, each message flushed with
Z_SYNC_FLUSH so it ends in 00 00 ff ff) or none; zstd-stream is refused because `zstandard` is
not installed here.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import secrets
import time
import zlib
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .records import SessionInfo
from .state import GUILDS_INTENT, FakeState

log = logging.getLogger("fake_discord.gateway")

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE_STATE, RESUME, RECONNECT = 0, 1, 2, 3, 4, 6, 7
REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 8, 9, 10, 11

GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT

REPLAY_BUFFER = 10_000
RESUME_WINDOW_S = 120.0
CLOSE = object()


@dataclass(eq=False)
class Connection:
    ws: web.WebSocketResponse
    compress: str | None
    heartbeat_interval_s: float
    opened_at: float = field(default_factory=time.monotonic)
    heartbeats: list[float] = field(default_factory=list)
    outbox: asyncio.Queue = field(default_factory=asyncio.Queue)
    session: Session | None = None

    def __post_init__(self) -> None:
        self._compressor = zlib.compressobj() if self.compress == "zlib-stream" else None

    def send(self, payload: dict) -> None:
        self.outbox.put_nowait(payload)

    def close(self, code: int) -> None:
        """Close after everything queued before has been sent."""
        self.outbox.put_nowait((CLOSE, code))

    async def write_loop(self) -> None:
        """The only writer, so frames leave in order and share one zlib stream."""
        while True:
            item = await self.outbox.get()
            if isinstance(item, tuple) and item[0] is CLOSE:
                await self.ws.close(code=item[1])
                return
            text = json.dumps(item, separators=(",", ":"))
            if self._compressor is None:
                await self.ws.send_str(text)
            else:
                data = self._compressor.compress(text.encode()) + self._compressor.flush(zlib.Z_SYNC_FLUSH)
                await self.ws.send_bytes(data)


@dataclass(eq=False)
class Session:
    id: str
    intents: int
    shard: tuple[int, int] | None  # (shard id, shard count); None: unsharded, gets every guild
    identified_at: float = field(default_factory=time.monotonic)
    seq: int = 0
    buffer: deque[tuple[int, dict]] = field(default_factory=lambda: deque(maxlen=REPLAY_BUFFER))
    connection: Connection | None = None
    disconnected_at: float | None = None
    resumes: int = 0

    def dispatch(self, event: str, data: Any) -> None:
        self.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
        self.buffer.append((self.seq, payload))
        if self.connection is not None:
            self.connection.send(payload)

    def serves(self, guild_id: int | None) -> bool:
        """Whether this session's shard gets the guild's events."""
        return self.shard is None or shard_of(guild_id, self.shard[1]) == self.shard[0]

    def info(self) -> SessionInfo:
        return SessionInfo(
            session_id=self.id,
            compress=self.connection.compress if self.connection else None,
            intents=self.intents,
            identified_at=self.identified_at,
            resumes=self.resumes,
            connected=self.connection is not None,
            shard=self.shard,
        )


def shard_of(guild_id: int | None, shard_count: int) -> int:
    """Discord's routing rule: a guild's events go to shard `(guild_id >> 22) % shard_count`, DMs to 0."""
    return 0 if guild_id is None else (guild_id >> 22) % shard_count


def _valid_shard(shard: object) -> tuple[int, int] | None:
    """`[id, count]` with 0 <= id < count, as IDENTIFY must send it; None for anything else."""
    if not isinstance(shard, list | tuple) or len(shard) != 2:
        return None
    shard_id, count = shard
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (shard_id, count)):
        return None
    return (shard_id, count) if 0 <= shard_id < count else None


def _redact_content(data: dict) -> dict:
    """What a bot without the MESSAGE_CONTENT intent receives for other people's messages."""
    return {**data, "content": "", "embeds": [], "attachments": [], "components": []}


class Gateway:
    def __init__(
        self, state: FakeState, *, heartbeat_interval_ms: int, privileged_intents: int, shard_count: int = 1
    ) -> None:
        self.state = state
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.privileged_intents = privileged_intents
        self.shard_count = shard_count  # what GET /gateway/bot recommends
        self.url = ""
        self.sessions: dict[str, Session] = {}
        self.connections: list[Connection] = []

    # -- events to the bot ------------------------------------------------------------------------

    def live_sessions(self) -> list[Session]:
        now = time.monotonic()
        return [
            session
            for session in self.sessions.values()
            if session.connection is not None
            or (session.disconnected_at is not None and now - session.disconnected_at < RESUME_WINDOW_S)
        ]

    def dispatch(
        self,
        event: str,
        data: dict,
        *,
        guild_id: int | None,
        intent: int = 0,
        private_content: bool = False,
    ) -> None:
        """Send to every session whose shard has the guild and that may receive the event;
        disconnected sessions buffer it for RESUME."""
        for session in self.live_sessions():
            if intent and not session.intents & intent:
                continue
            if not session.serves(guild_id):
                continue
            hidden = private_content and not session.intents & MESSAGE_CONTENT
            session.dispatch(event, _redact_content(data) if hidden else data)

    # -- test controls ----------------------------------------------------------------------------

    def request_reconnect(self) -> None:
        for connection in self.open_connections():
            connection.send({"op": RECONNECT, "d": None})

    def drop_connections(self, code: int) -> None:
        for connection in self.open_connections():
            connection.close(code)

    def invalidate_sessions(self) -> None:
        for connection in self.open_connections():
            connection.send({"op": INVALID_SESSION, "d": False})

    def open_connections(self) -> list[Connection]:
        return [connection for connection in self.connections if not connection.ws.closed]

    def heartbeat_delays(self, since: float | None) -> list[float]:
        """Per connection: gap between consecutive heartbeats minus the interval, in ms."""
        delays = []
        interval_ms = self.heartbeat_interval_ms
        for connection in self.connections:
            beats = connection.heartbeats
            for previous, current in itertools.pairwise(beats):
                if since is None or current >= since:
                    delays.append((current - previous) * 1000 - interval_ms)
        return delays

    # -- the WebSocket ----------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        compress = request.query.get("compress")
        connection = Connection(ws, compress, self.heartbeat_interval_ms / 1000)
        self.connections.append(connection)
        writer = asyncio.create_task(connection.write_loop())
        try:
            if request.query.get("encoding", "json") != "json":
                connection.close(4002)
                await writer
            elif compress not in (None, "zlib-stream"):
                log.error("the fake Discord speaks zlib-stream or no compression, not %s", compress)
                connection.close(4000)
                await writer
            else:
                connection.send({"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
                async for message in ws:
                    if message.type is not WSMsgType.TEXT:
                        break
                    self._receive(connection, json.loads(message.data))
                    self.state.notify()
        finally:
            session = connection.session
            if session is not None and session.connection is connection:
                session.connection = None
                session.disconnected_at = time.monotonic()
            writer.cancel()
            self.state.notify()
        return ws

    def _receive(self, connection: Connection, payload: dict) -> None:
        op = payload.get("op")
        data = payload.get("d")
        if op == HEARTBEAT:
            connection.heartbeats.append(time.monotonic())
            connection.send({"op": HEARTBEAT_ACK})
        elif op == IDENTIFY:
            self._identify(connection, data)
        elif op == RESUME:
            self._resume(connection, data)
        elif op == REQUEST_MEMBERS:
            self._send_members(connection, data)
        elif op not in (PRESENCE, VOICE_STATE):
            connection.close(4001)

    def _identify(self, connection: Connection, data: dict) -> None:
        if connection.session is not None:
            connection.close(4005)
            return
        if data.get("token") != self.state.token:
            connection.close(4004)
            return
        intents = data.get("intents")
        if intents is None:
            connection.close(4013)
            return
        if intents & PRIVILEGED_INTENTS & ~self.privileged_intents:
            connection.close(4014)
            return
        shard = _valid_shard(data["shard"]) if data.get("shard") is not None else None
        if data.get("shard") is not None and shard is None:
            connection.close(4010)  # Invalid shard
            return
        # A new IDENTIFY means a new bot process: forget sessions nobody can resume any more.
        self.sessions = {key: value for key, value in self.sessions.items() if value.connection is not None}
        session = Session(secrets.token_hex(16), intents, shard)
        session.connection = connection
        connection.session = session
        self.sessions[session.id] = session
        session.dispatch("READY", self._ready(session))
        if intents & GUILDS_INTENT:
            for guild in self.state.world.guilds.values():
                if session.serves(guild.id):
                    session.dispatch("GUILD_CREATE", guild.payload(self.state.bot.id))

    def _ready(self, session: Session) -> dict:
        world = self.state.world
        ready = {
            "v": 10,
            "user": {
                **world.bot.payload(),
                "verified": True,
                "mfa_enabled": False,
                "flags": 0,
                "email": None,
            },
            "guilds": [{"id": str(guild_id), "unavailable": True} for guild_id in self._guild_ids(session)],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.url,
            "application": {"id": str(world.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
        }
        if session.shard is not None:
            ready["shard"] = list(session.shard)
        return ready

    def _guild_ids(self, session: Session) -> list[int]:
        return [guild_id for guild_id in self.state.world.guilds if session.serves(guild_id)]

    def _resume(self, connection: Connection, data: dict) -> None:
        session = self.sessions.get(data.get("session_id", ""))
        last_seq = data.get("seq") or 0
        if (
            session is None
            or session not in self.live_sessions()
            or data.get("token") != self.state.token
            or (session.buffer and last_seq < session.buffer[0][0] - 1)
        ):
            connection.send({"op": INVALID_SESSION, "d": False})
            return
        previous = session.connection
        if previous is not None:
            # The client gave up on that socket before the fake noticed; it is a zombie now.
            previous.session = None
            previous.close(4000)
        replay = [payload for seq, payload in session.buffer if seq > last_seq]
        session.connection = connection
        session.disconnected_at = None
        session.resumes += 1
        connection.session = session
        for payload in replay:
            connection.send(payload)
        session.dispatch("RESUMED", {})

    def _send_members(self, connection: Connection, data: dict) -> None:
        if connection.session is None:
            connection.close(4003)
            return
        guild = self.state.world.guilds.get(int(data["guild_id"]))
        if guild is None:
            return
        chunk = {
            "guild_id": str(guild.id),
            "members": [member.payload() for member in guild.members.values()],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        connection.session.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    def sessions_info(self) -> list[SessionInfo]:
        return [session.info() for session in self.sessions.values()]

"""The fake's wire protocol checked frame by frame and request by request with a plain aiohttp client:
what discord.py relies on, and every rule the fake enforces, including the ones discord.py never
trips in the other self-test."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest

from fake_discord import FakeDiscord, FakeDiscordUsageError, InteractionHandle, Upload, World

GUILDS, GUILD_MESSAGES, MESSAGE_CONTENT = 1 << 0, 1 << 9, 1 << 15
SYNC_FLUSH_SUFFIX = b"\x00\x00\xff\xff"


@pytest.fixture
def fake() -> Iterator[FakeDiscord]:
    with FakeDiscord(heartbeat_interval_ms=200) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


class Api:
    """Requests as the bot makes them (Authorization: Bot <token>)."""

    def __init__(self, fake: FakeDiscord, http: aiohttp.ClientSession) -> None:
        self.fake = fake
        self.http = http

    async def __call__(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        headers = {"Authorization": f"Bot {self.fake.token}"}
        async with self.http.request(
            method, f"{self.fake.url}/api/v10{path}", headers=headers, **kwargs
        ) as response:
            text = await response.text()
            body = json.loads(text) if response.headers.get("Content-Type") == "application/json" else text
            return response.status, body


@pytest.fixture
def api(fake: FakeDiscord, http: aiohttp.ClientSession) -> Api:
    return Api(fake, http)


class GatewayClient:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse, *, compressed: bool) -> None:
        self.ws = ws
        self.inflator = zlib.decompressobj() if compressed else None

    async def receive(self) -> dict:
        message = await self.ws.receive(timeout=5)
        if message.type is aiohttp.WSMsgType.BINARY:
            assert self.inflator is not None and message.data.endswith(SYNC_FLUSH_SUFFIX)
            return json.loads(self.inflator.decompress(message.data))
        assert message.type is aiohttp.WSMsgType.TEXT and self.inflator is None, message
        return json.loads(message.data)

    async def receive_event(self, name: str) -> dict:
        while True:
            payload = await self.receive()
            if payload.get("t") == name:
                return payload

    async def send(self, op: int, data: Any) -> None:
        await self.ws.send_str(json.dumps({"op": op, "d": data}))

    async def identify(self, token: str, intents: int) -> dict:
        await self.send(2, {"token": token, "intents": intents, "properties": {}})
        return await self.receive_event("READY")


async def connect(
    fake: FakeDiscord, http: aiohttp.ClientSession, *, compressed: bool = True
) -> GatewayClient:
    query = "?v=10&encoding=json" + ("&compress=zlib-stream" if compressed else "")
    client = GatewayClient(await http.ws_connect(fake.ws_url + query), compressed=compressed)
    hello = await client.receive()
    assert hello == {"op": 10, "d": {"heartbeat_interval": 200}}
    return client


async def test_handshake_guilds_and_heartbeats_over_zlib_stream(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    client = await connect(fake, http)
    ready = await client.identify(fake.token, GUILDS | GUILD_MESSAGES)
    assert ready["s"] == 1
    assert ready["d"]["application"]["id"] == str(fake.application_id)
    assert {guild["unavailable"] for guild in ready["d"]["guilds"]} == {True}
    guild_create = await client.receive()
    assert (guild_create["t"], guild_create["s"]) == ("GUILD_CREATE", 2)
    assert {"general", "news", "no-threads"} <= {channel["name"] for channel in guild_create["d"]["channels"]}
    assert guild_create["d"]["member_count"] == len(guild_create["d"]["members"])
    assert (await client.receive())["t"] == "GUILD_CREATE"
    sent_at = []
    for pause in (0.25, 0.4, 0):
        sent_at.append(time.monotonic())
        await client.send(1, 3)
        assert await client.receive() == {"op": 11}
        await asyncio.sleep(pause)
    expected = [(later - earlier) * 1000 - 200 for earlier, later in itertools.pairwise(sent_at)]
    delays = fake.heartbeat_delays()
    assert len(delays) == 2 and all(abs(got - want) < 100 for got, want in zip(delays, expected, strict=True))
    assert fake.heartbeat_delays(since=sent_at[2]) == delays[1:]


async def test_uncompressed_gateway_and_a_wrong_token(fake: FakeDiscord, http: aiohttp.ClientSession) -> None:
    client = await connect(fake, http, compressed=False)
    await client.send(2, {"token": "not-the-token", "intents": GUILDS, "properties": {}})
    closing = await client.ws.receive(timeout=5)
    assert closing.type is aiohttp.WSMsgType.CLOSE and closing.data == 4004


async def test_privileged_intents_must_be_enabled(http: aiohttp.ClientSession) -> None:
    with FakeDiscord(heartbeat_interval_ms=200, privileged_intents=0) as fake:
        client = await connect(fake, http)
        await client.send(2, {"token": fake.token, "intents": GUILDS | MESSAGE_CONTENT, "properties": {}})
        closing = await client.ws.receive(timeout=5)
        assert closing.data == 4014


async def test_resume_replays_what_the_connection_missed(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    client = await connect(fake, http)
    ready = await client.identify(fake.token, GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT)
    last_seen = (await client.receive())["s"]
    await client.ws.close()
    posted = await fake.post_message(fake.channel("news"), "Markets fell sharply.", user="bob")
    resumed = await connect(fake, http)
    await resumed.send(6, {"token": fake.token, "session_id": ready["d"]["session_id"], "seq": last_seen})
    replayed = [await resumed.receive() for _ in range(3)]
    assert [(event["t"], event["s"]) for event in replayed] == [
        ("GUILD_CREATE", last_seen + 1),
        ("MESSAGE_CREATE", last_seen + 2),
        ("RESUMED", last_seen + 3),
    ]
    assert replayed[1]["d"]["id"] == str(posted.id)
    [session] = fake.sessions()
    assert session.resumes == 1 and session.connected
    stranger = await connect(fake, http)
    await stranger.send(6, {"token": fake.token, "session_id": "unknown", "seq": 1})
    assert await stranger.receive() == {"op": 9, "d": False}


async def test_message_content_needs_the_intent_unless_the_bot_is_mentioned(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    client = await connect(fake, http)
    await client.identify(fake.token, GUILDS | GUILD_MESSAGES)
    general = fake.channel("general")
    await fake.post_message(general, "Who said the talks failed?")
    hidden = await client.receive_event("MESSAGE_CREATE")
    assert hidden["d"]["content"] == ""
    await fake.post_message(general, f"<@{fake.bot_user.id}> who said the talks failed?")
    mentioned = await client.receive_event("MESSAGE_CREATE")
    assert mentioned["d"]["content"].endswith("who said the talks failed?")


async def test_rest_needs_the_bot_token_and_answers_plain_json(
    fake: FakeDiscord, http: aiohttp.ClientSession, api: Api
) -> None:
    async with http.get(f"{fake.url}/api/v10/users/@me") as response:
        assert response.status == 401
    async with http.get(
        f"{fake.url}/api/v10/users/@me", headers={"Authorization": f"Bot {fake.token}"}
    ) as response:
        assert response.headers["Content-Type"] == "application/json"
        assert (await response.json())["id"] == str(fake.bot_user.id)
    assert fake.violations == []


async def test_a_route_the_fake_lacks_is_a_violation(fake: FakeDiscord, api: Api) -> None:
    status, _ = await api("GET", f"/guilds/{fake.guild().id}/audit-logs")
    assert status == 404
    [violation] = fake.take_violations()
    assert violation.kind == "unsupported_route" and "audit-logs" in (violation.route or "")


async def test_channel_messages_follow_discords_rules(fake: FakeDiscord, api: Api) -> None:
    general = fake.channel("general").id
    status, body = await api("POST", f"/channels/{general}/messages", json={"content": "x" * 2001})
    assert (status, body["code"]) == (400, 50035)
    assert body["errors"]["content"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    status, body = await api("POST", f"/channels/{general}/messages", json={"content": ""})
    assert (status, body["code"]) == (400, 50006)
    reply = {"content": "hi", "message_reference": {"message_id": "1"}}
    status, _ = await api("POST", f"/channels/{general}/messages", json=reply)
    assert status == 400
    assert [v.kind for v in fake.take_violations()] == [
        "invalid_form_body",
        "empty_message",
        "invalid_form_body",
    ]
    read_only = fake.channel("read-only").id
    status, body = await api("POST", f"/channels/{read_only}/messages", json={"content": "hi"})
    assert (status, body["code"]) == (403, 50013)
    assert fake.violations == [], "a permission error is the bot's to handle, not a broken rule"
    status, sent = await api("POST", f"/channels/{general}/messages", json={"content": "Brief #4 is ready"})
    status, edited = await api(
        "PATCH", f"/channels/{general}/messages/{sent['id']}", json={"content": "Brief #4"}
    )
    assert status == 200 and edited["content"] == "Brief #4" and edited["edited_timestamp"]
    assert [version.content for version in fake.message(int(sent["id"])).versions] == [
        "Brief #4 is ready",
        "Brief #4",
    ]


async def test_uploaded_files_are_served_from_the_fake(
    fake: FakeDiscord, http: aiohttp.ClientSession, api: Api
) -> None:
    form = aiohttp.FormData(quote_fields=False)
    payload = {"content": "Full briefing attached", "attachments": [{"id": 0, "filename": "brief.md"}]}
    form.add_field("payload_json", json.dumps(payload))
    document = b"# Brief\nSummary."
    form.add_field("files[0]", document, filename="brief.md", content_type="text/markdown")
    status, message = await api("POST", f"/channels/{fake.channel('general').id}/messages", data=form)
    assert status == 200
    [attachment] = message["attachments"]
    assert attachment["filename"] == "brief.md" and attachment["size"] == len(document)
    async with http.get(attachment["url"]) as response:
        assert await response.read() == document
    assert fake.attachment_bytes(attachment) == document


async def test_threads_on_messages(fake: FakeDiscord, api: Api) -> None:
    general = fake.channel("general").id
    _, starter = await api("POST", f"/channels/{general}/messages", json={"content": "Brief #7"})
    threads = f"/channels/{general}/messages/{starter['id']}/threads"
    status, thread = await api("POST", threads, json={"name": "Questions about brief #7"})
    assert status == 201 and thread["id"] == starter["id"] and thread["type"] == 11
    status, body = await api("POST", threads, json={"name": "again"})
    assert (status, body["code"]) == (400, 160004)
    _, other = await api("POST", f"/channels/{general}/messages", json={"content": "Brief #8"})
    status, _ = await api(
        "POST", f"/channels/{general}/messages/{other['id']}/threads", json={"name": "t" * 101}
    )
    assert status == 400
    assert [v.kind for v in fake.take_violations()] == ["invalid_form_body"]
    no_threads = fake.channel("no-threads").id
    _, blocked = await api("POST", f"/channels/{no_threads}/messages", json={"content": "Brief #9"})
    status, body = await api(
        "POST", f"/channels/{no_threads}/messages/{blocked['id']}/threads", json={"name": "x"}
    )
    assert (status, body["code"]) == (403, 50013)


async def register(api: Api, fake: FakeDiscord) -> None:
    commands = [
        {
            "name": "brief",
            "description": "Brief an article",
            "options": [
                {"name": "text", "description": "Pasted text", "type": 3},
                {
                    "name": "length",
                    "description": "Length",
                    "type": 3,
                    "choices": [{"name": "short", "value": "short"}, {"name": "long", "value": "long"}],
                },
                {"name": "file", "description": "A file", "type": 11},
            ],
        }
    ]
    status, _ = await api("PUT", f"/applications/{fake.application_id}/commands", json=commands)
    assert status == 200


async def test_interaction_callbacks_and_webhooks(fake: FakeDiscord, api: Api) -> None:
    await register(api, fake)
    interaction = await fake.slash("brief", {"text": "Officials met on Monday.", "length": "short"})
    callback = f"/interactions/{interaction.id}/{interaction.token}/callback?with_response=1"
    status, _ = await api("POST", callback, json={"type": 8, "data": {"choices": []}})
    assert status == 400
    status, body = await api("POST", callback, json={"type": 5})
    assert status == 200 and body["resource"]["message"]["flags"] & 128
    assert body["interaction"]["response_message_loading"] is True
    status, body = await api("POST", callback, json={"type": 4, "data": {"content": "again"}})
    assert (status, body["code"]) == (400, 40060)
    assert [v.kind for v in fake.take_violations()] == ["invalid_form_body", "already_acknowledged"]

    webhook = f"/webhooks/{fake.application_id}/{interaction.token}"
    status, first = await api(
        "POST", f"{webhook}?wait=1", json={"content": "Summary: talks resume.", "flags": 64}
    )
    original = await fake.interaction_response(interaction)
    assert first["id"] == str(original.id) and not original.ephemeral, (
        "the first follow-up resolves the deferral"
    )
    status, second = await api("POST", f"{webhook}?wait=1", json={"content": "Sources: 2"})
    assert second["id"] != first["id"]
    assert [m.content for m in fake.interaction(interaction).followups] == ["Sources: 2"]
    status, edited = await api(
        "PATCH", f"{webhook}/messages/@original", json={"embeds": [{"title": "Brief #1"}]}
    )
    assert edited["content"] == "Summary: talks resume." and edited["embeds"][0]["title"] == "Brief #1"
    status, _ = await api("DELETE", f"{webhook}/messages/{second['id']}")
    assert status == 204 and [m.content for m in fake.messages(fake.channel("general"))] == [
        "Summary: talks resume."
    ]


async def deferred(api: Api, fake: FakeDiscord) -> tuple[InteractionHandle, str]:
    """A /brief acknowledged with a public "thinking" response, and its webhook path."""
    interaction = await fake.slash("brief", {"text": "Officials met on Monday."})
    await api("POST", f"/interactions/{interaction.id}/{interaction.token}/callback", json={"type": 5})
    return interaction, f"/webhooks/{fake.application_id}/{interaction.token}"


async def test_an_ephemeral_follow_up_cannot_hide_a_public_deferral(fake: FakeDiscord, api: Api) -> None:
    await register(api, fake)
    refusal = {"content": "That link is blocked.", "flags": 64}

    interaction, webhook = await deferred(api, fake)
    _, sent = await api("POST", f"{webhook}?wait=1", json=refusal)
    await api("DELETE", f"{webhook}/messages/@original")
    result = fake.interaction(interaction)
    assert result.original is not None and sent["id"] == str(result.original.id)
    assert result.original.deleted and result.followups == (), (
        "the refusal replaced the deferral, then was deleted"
    )

    interaction, webhook = await deferred(api, fake)
    await api("DELETE", f"{webhook}/messages/@original")
    await api("POST", f"{webhook}?wait=1", json=refusal)
    result = fake.interaction(interaction)
    assert [(m.content, m.ephemeral) for m in result.followups] == [("That link is blocked.", True)]


async def test_webhook_use_before_acknowledging_is_a_violation(fake: FakeDiscord, api: Api) -> None:
    await register(api, fake)
    interaction = await fake.slash("brief", {"text": "Officials met on Monday."})
    status, body = await api(
        "POST", f"/webhooks/{fake.application_id}/{interaction.token}", json={"content": "x"}
    )
    assert (status, body["code"]) == (404, 10015)
    await api("POST", f"/interactions/{interaction.id}/{interaction.token}/callback", json={"type": 5})
    assert [v.kind for v in fake.take_violations()] == ["webhook_before_ack"]


async def test_interaction_tokens_expire(http: aiohttp.ClientSession) -> None:
    with FakeDiscord(token_ttl_s=0.3) as fake:
        api = Api(fake, http)
        await register(api, fake)
        interaction = await fake.slash("brief", {"text": "Officials met on Monday."})
        await api("POST", f"/interactions/{interaction.id}/{interaction.token}/callback", json={"type": 5})
        await asyncio.sleep(0.4)
        status, body = await api(
            "PATCH", f"/webhooks/{fake.application_id}/{interaction.token}/messages/@original"
        )
        assert (status, body["code"]) == (401, 50027)
        assert [v.kind for v in fake.take_violations()] == ["webhook_expired"]


async def test_an_unanswered_interaction_is_a_violation(http: aiohttp.ClientSession) -> None:
    with FakeDiscord(ack_deadline_s=0.2) as fake:
        await register(Api(fake, http), fake)
        await fake.slash("brief", {"text": "Officials met on Monday."})
        fake.wait_for_pending_acks()
        [violation] = fake.take_violations()
        assert violation.kind == "ack_deadline" and "/brief" in violation.message


async def test_slash_options_are_checked_like_the_discord_client(fake: FakeDiscord, api: Api) -> None:
    await register(api, fake)
    with pytest.raises(FakeDiscordUsageError, match="no registered command 'ask'"):
        await fake.slash("ask", {"question": "Who?"})
    with pytest.raises(FakeDiscordUsageError, match="not one of the choices"):
        await fake.slash("brief", {"length": "medium"})
    with pytest.raises(FakeDiscordUsageError, match="unknown options"):
        await fake.slash("brief", {"url": "https://example.org"})
    with pytest.raises(FakeDiscordUsageError, match="wants an Upload"):
        await fake.slash("brief", {"file": b"raw bytes"})


async def test_interaction_payload_has_what_discord_py_reads(
    fake: FakeDiscord, http: aiohttp.ClientSession, api: Api
) -> None:
    await register(api, fake)
    client = await connect(fake, http)
    await client.identify(fake.token, GUILDS)
    news = fake.channel("news")
    interaction = await fake.slash(
        "brief", {"file": Upload("story.html", b"<p>Hi</p>")}, user="mod", channel=news
    )
    event = (await client.receive_event("INTERACTION_CREATE"))["d"]
    assert (event["id"], event["token"], event["version"]) == (str(interaction.id), interaction.token, 1)
    assert event["attachment_size_limit"] > 0 and event["channel_id"] == str(news.id)
    [option] = event["data"]["options"]
    attachment = event["data"]["resolved"]["attachments"][option["value"]]
    assert option["type"] == 11 and attachment["filename"] == "story.html"
    async with http.get(attachment["url"]) as response:
        assert await response.read() == b"<p>Hi</p>"
    moderator_permissions = int(event["member"]["permissions"])
    assert moderator_permissions & (1 << 4), "mod has Manage Channels"
    assert event["member"]["user"]["username"] == "mod" and int(event["app_permissions"]) & (1 << 11)
    await api("POST", f"/interactions/{interaction.id}/{interaction.token}/callback", json={"type": 5})


async def test_subcommands_nest_their_options(
    fake: FakeDiscord, http: aiohttp.ClientSession, api: Api
) -> None:
    group = {
        "name": "subscribe",
        "description": "Topics",
        "options": [
            {
                "name": "add",
                "description": "Add",
                "type": 1,
                "options": [{"name": "topic", "description": "Topic", "type": 3, "required": True}],
            }
        ],
    }
    guild = fake.guild()
    await api("PUT", f"/applications/{fake.application_id}/guilds/{guild.id}/commands", json=[group])
    client = await connect(fake, http)
    await client.identify(fake.token, GUILDS)
    with pytest.raises(FakeDiscordUsageError, match="missing required options"):
        await fake.slash("subscribe add", {})
    with pytest.raises(FakeDiscordUsageError, match="needs a subcommand"):
        await fake.slash("subscribe", {})
    interaction = await fake.slash("subscribe add", {"topic": "energy"})
    data = (await client.receive_event("INTERACTION_CREATE"))["d"]["data"]
    assert data["guild_id"] == str(guild.id)
    assert data["options"] == [
        {"name": "add", "type": 1, "options": [{"name": "topic", "type": 3, "value": "energy"}]}
    ]
    await api("POST", f"/interactions/{interaction.id}/{interaction.token}/callback", json={"type": 5})


async def test_command_overwrites_keep_ids_and_are_recorded(fake: FakeDiscord, api: Api) -> None:
    path = f"/applications/{fake.application_id}/commands"
    _, first = await api("PUT", path, json=[{"name": "history", "description": "Recent briefs"}])
    _, second = await api(
        "PUT", path, json=[{"name": "history", "description": "Recent briefs of this server"}]
    )
    assert first[0]["id"] == second[0]["id"]
    status, listed = await api("GET", path)
    assert listed[0]["description"] == "Recent briefs of this server"
    assert [sync.names for sync in fake.command_syncs()] == [("history",), ("history",)]
    status, _ = await api("PUT", path, json=[{"name": "History", "description": "x"}])
    assert status == 400 and [v.kind for v in fake.take_violations()] == ["invalid_form_body"]


async def test_served_pages_answer_conditional_requests(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    url = fake.serve("feeds/world.xml", "<rss><channel/></rss>", content_type="application/rss+xml")
    async with http.get(url) as response:
        assert response.status == 200 and response.headers["Content-Type"] == "application/rss+xml"
        etag = response.headers["ETag"]
    async with http.get(url, headers={"If-None-Match": etag}) as response:
        assert response.status == 304
    fake.serve("feeds/world.xml", "<rss><channel><item/></channel></rss>", content_type="application/rss+xml")
    async with http.get(url, headers={"If-None-Match": etag}) as response:
        assert response.status == 200
    assert [request.status for request in fake.web_requests("feeds/world.xml")] == [200, 304, 200]


# -- shards -----------------------------------------------------------------------------------------


def two_shard_world() -> World:
    """One guild on each shard of two, each with #general, owner and alice."""
    world = World()
    owner, alice = world.add_user("owner"), world.add_user("alice")
    for shard_id in (0, 1):
        guild = world.add_guild(f"Shard {shard_id} Guild", owner, shard=(shard_id, 2))
        guild.add_member(alice)
        guild.add_text_channel("general")
    return world


async def test_each_shard_gets_only_its_guilds_and_their_events(http: aiohttp.ClientSession) -> None:
    with FakeDiscord(heartbeat_interval_ms=200, world=two_shard_world(), shard_count=2) as fake:
        api = Api(fake, http)
        _, gateway = await api("GET", "/gateway/bot")
        assert gateway["shards"] == 2
        zero, one = fake.guild("Shard 0 Guild"), fake.guild("Shard 1 Guild")
        assert ((zero.id >> 22) % 2, (one.id >> 22) % 2) == (0, 1)  # Discord's formula
        clients = []
        for shard_id, guild in ((0, zero), (1, one)):
            client = await connect(fake, http)
            await client.send(
                2, {"token": fake.token, "intents": GUILDS | GUILD_MESSAGES, "shard": [shard_id, 2]}
            )
            ready = await client.receive_event("READY")
            assert ready["d"]["shard"] == [shard_id, 2]
            assert [g["id"] for g in ready["d"]["guilds"]] == [str(guild.id)]
            created = await client.receive()
            assert (created["t"], created["d"]["id"]) == ("GUILD_CREATE", str(guild.id))
            clients.append(client)
        assert sorted(session.shard for session in fake.sessions()) == [(0, 2), (1, 2)]

        await register(api, fake)
        interaction = await fake.slash(
            "brief", {"text": "Talks resume."}, channel=fake.channel("general", one)
        )
        posted = await fake.post_message(fake.channel("general", zero), "Markets fell.", user="alice")
        # Each shard's next event is its own guild's: shard 0 never saw the interaction of shard 1's guild.
        first_for_zero = await clients[0].receive()
        assert (first_for_zero["t"], first_for_zero["d"]["id"]) == ("MESSAGE_CREATE", str(posted.id))
        first_for_one = await clients[1].receive()
        assert (first_for_one["t"], first_for_one["d"]["id"]) == ("INTERACTION_CREATE", str(interaction.id))
        callback = f"/interactions/{interaction.id}/{interaction.token}/callback"
        assert (await api("POST", callback, json={"type": 4, "data": {"content": "ok"}}))[0] == 204


async def test_an_invalid_shard_is_refused_with_4010(fake: FakeDiscord, http: aiohttp.ClientSession) -> None:
    for shard in ([2, 2], [0, 0], [-1, 2], [0]):
        client = await connect(fake, http)
        await client.send(2, {"token": fake.token, "intents": GUILDS, "shard": shard})
        closing = await client.ws.receive(timeout=5)
        assert (closing.type, closing.data) == (aiohttp.WSMsgType.CLOSE, 4010), shard


# -- message nonces ---------------------------------------------------------------------------------


async def test_enforced_nonce_returns_the_existing_message(fake: FakeDiscord, api: Api) -> None:
    general, news = fake.channel("general"), fake.channel("news")
    path = f"/channels/{general.id}/messages"
    body = {"content": "Feed item", "nonce": "8731", "enforce_nonce": True}
    status, first = await api("POST", path, json=body)
    assert status == 200 and first["nonce"] == "8731"
    status, again = await api("POST", path, json={**body, "content": "Feed item, retried"})
    assert status == 200 and again["id"] == first["id"] and again["content"] == "Feed item"
    assert [m.content for m in fake.messages(general)] == ["Feed item"]

    # Only with enforce_nonce, only in the same channel.
    _, unenforced = await api("POST", path, json={"content": "Feed item", "nonce": "8731"})
    _, elsewhere = await api("POST", f"/channels/{news.id}/messages", json=body)
    assert len({first["id"], unenforced["id"], elsewhere["id"]}) == 3
    status, refused = await api("POST", path, json={**body, "nonce": "9" * 26})
    assert (status, refused["code"]) == (400, 50035)
    assert refused["errors"]["nonce"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    assert [v.kind for v in fake.take_violations()] == ["invalid_form_body"]

    # The nonce of a message deleted since: the send fails (discord.py raises NotFound).
    assert (await api("DELETE", f"/channels/{news.id}/messages/{elsewhere['id']}"))[0] == 204
    status, gone = await api("POST", f"/channels/{news.id}/messages", json=body)
    assert (status, gone["code"]) == (404, 10008)


async def test_a_nonce_is_forgotten_after_the_window(http: aiohttp.ClientSession) -> None:
    with FakeDiscord(heartbeat_interval_ms=200, nonce_window_s=0.3) as fake:
        api = Api(fake, http)
        path = f"/channels/{fake.channel('general').id}/messages"
        body = {"content": "Feed item", "nonce": 1234567890123, "enforce_nonce": True}
        _, first = await api("POST", path, json=body)
        assert first["nonce"] == "1234567890123"  # an integer nonce is kept as its digits
        await asyncio.sleep(0.4)
        _, later = await api("POST", path, json=body)
        assert later["id"] != first["id"]


async def test_held_posts_exist_before_their_answer(fake: FakeDiscord, api: Api) -> None:
    news = fake.channel("news")
    fake.hold_posts(news)
    sending = asyncio.create_task(api("POST", f"/channels/{news.id}/messages", json={"content": "Held"}))
    created = await fake.wait_for_message(news, lambda m: m.content == "Held", timeout=5)
    await asyncio.sleep(0.2)
    assert not sending.done()  # created, but the bot has no answer yet
    fake.release_posts(news)
    status, body = await asyncio.wait_for(sending, timeout=5)
    assert status == 200 and body["id"] == str(created.id)

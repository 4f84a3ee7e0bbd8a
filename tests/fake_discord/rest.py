"""The HTTP API (routes discord.py 2.7 calls), the "CDN" for attachments, and test-served web pages.

Handlers only parse and serialise; `FakeState` decides. An `ApiError` becomes Discord's JSON error,
and when it names a violation the fake records it so the test fails.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from .gateway import Gateway
from .records import WebRequest
from .state import TOKEN_PREFIX, ApiError, FakeState, NewFile

log = logging.getLogger("fake_discord.rest")

API = r"/api/v{version:\d+}"
UNAUTHENTICATED = re.compile(r"/api/v\d+/(interactions|webhooks)/")
FILE_FIELD = re.compile(r"files\[(\d+)\]")
INTERACTION_TOKEN = re.compile(rf"{TOKEN_PREFIX}[\w-]+")
MAX_REQUEST_BYTES = 64 * 1024 * 1024

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

STATE = web.AppKey("state", FakeState)
GATEWAY = web.AppKey("gateway", Gateway)


def json_response(data: object, status: int = 200) -> web.Response:
    # discord.py only decodes JSON when Content-Type is exactly "application/json" (no charset).
    return web.Response(body=json.dumps(data).encode(), status=status, content_type="application/json")


def no_content() -> web.Response:
    return web.Response(status=204)


def state_of(request: web.Request) -> FakeState:
    return request.app[STATE]


def snowflake(request: web.Request, key: str) -> int:
    try:
        return int(request.match_info[key])
    except ValueError:
        raise ApiError(404, 0, "404: Not Found") from None


async def read_body(request: web.Request) -> tuple[dict, list[NewFile]]:
    """JSON, or multipart with `payload_json` and `files[n]` parts (how discord.py uploads files)."""
    if request.content_type == "multipart/form-data":
        form = await request.post()
        body = json.loads(str(form.get("payload_json") or "{}"))
        files = []
        for key, value in form.items():
            match = FILE_FIELD.fullmatch(key)
            if match and isinstance(value, web.FileField):
                files.append(NewFile(int(match[1]), value.filename, value.file.read(), value.content_type))
        return body, files
    text = await request.text()
    if not text:
        return {}, []
    try:
        return json.loads(text), []
    except json.JSONDecodeError:
        raise ApiError(400, 50109, "The request body contains invalid JSON.") from None


@web.middleware
async def discord_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Auth, Discord-shaped errors, violations and the request log."""
    state = state_of(request)
    path = INTERACTION_TOKEN.sub("<token>", request.path)
    route = f"{request.method} {path}"
    try:
        needs_auth = request.path.startswith("/api/") and not UNAUTHENTICATED.match(request.path)
        if needs_auth and request.headers.get("Authorization") != f"Bot {state.token}":
            raise ApiError(401, 0, "401: Unauthorized")
        response = await handler(request)
    except ApiError as error:
        if error.violation:
            state.record_violation(error.violation, error.detail, route=route)
            log.warning("violation %s on %s: %s", error.violation, route, error.detail)
        response = json_response(error.body, error.status)
    except Exception as error:
        # A bug in the fake: fail the test loudly, and answer 400 so discord.py does not retry a 500.
        log.exception("the fake Discord failed on %s", route)
        state.record_violation("fake_error", f"the fake Discord raised {error!r}", route=route)
        response = json_response({"message": f"fake Discord error: {error!r}", "code": 0}, 400)
    state.request_log(request.method, path, response.status)
    return response


# -- identity -------------------------------------------------------------------------------------


async def get_me(request: web.Request) -> web.Response:
    return json_response(
        {**state_of(request).bot.payload(), "verified": True, "mfa_enabled": False, "flags": 0}
    )


async def get_user(request: web.Request) -> web.Response:
    user = state_of(request).find_user(snowflake(request, "user_id"))
    if user is None:
        raise ApiError(404, 10013, "Unknown User")
    return json_response(user.payload())


async def get_application(request: web.Request) -> web.Response:
    state = state_of(request)
    world = state.world
    owner = world.guilds[next(iter(world.guilds))].owner_id if world.guilds else world.bot.id
    return json_response(
        {
            "id": str(world.application_id),
            "name": world.bot.name,
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": (state.find_user(owner) or world.bot).payload(),
            "verify_key": "0" * 64,
            "team": None,
            "flags": 0,
            "bot": world.bot.payload(),
            "interactions_endpoint_url": None,
            "install_params": {"scopes": ["bot", "applications.commands"], "permissions": "0"},
        }
    )


async def get_gateway(request: web.Request) -> web.Response:
    gateway = request.app[GATEWAY]
    return json_response(
        {
            "url": gateway.url,
            "shards": gateway.shard_count,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
        }
    )


# -- application commands -------------------------------------------------------------------------


def command_scope(request: web.Request) -> int | None:
    state_of(request).check_application(snowflake(request, "application_id"))
    return snowflake(request, "guild_id") if "guild_id" in request.match_info else None


async def get_commands(request: web.Request) -> web.Response:
    scope = command_scope(request)
    return json_response(state_of(request).commands.get(scope, []))


async def put_commands(request: web.Request) -> web.Response:
    scope = command_scope(request)
    body = json.loads(await request.text() or "[]")
    return json_response(state_of(request).overwrite_commands(scope, body))


# -- guilds ---------------------------------------------------------------------------------------


async def get_guild(request: web.Request) -> web.Response:
    state = state_of(request)
    data = state.guild(snowflake(request, "guild_id")).payload(state.bot.id)
    for key in ("members", "channels", "threads", "presences", "voice_states"):
        data.pop(key)
    return json_response(data)


async def get_guild_channels(request: web.Request) -> web.Response:
    guild = state_of(request).guild(snowflake(request, "guild_id"))
    return json_response([channel.payload() for channel in guild.text_channels()])


async def get_guild_roles(request: web.Request) -> web.Response:
    guild = state_of(request).guild(snowflake(request, "guild_id"))
    return json_response([role.payload() for role in guild.roles.values()])


async def get_guild_member(request: web.Request) -> web.Response:
    guild = state_of(request).guild(snowflake(request, "guild_id"))
    member = guild.members.get(snowflake(request, "user_id"))
    if member is None:
        raise ApiError(404, 10007, "Unknown Member")
    return json_response(member.payload())


async def get_active_threads(request: web.Request) -> web.Response:
    guild = state_of(request).guild(snowflake(request, "guild_id"))
    threads = [thread for thread in guild.threads() if not thread.archived]
    return json_response({"threads": [thread.payload() for thread in threads], "members": []})


# -- channels, messages, threads ------------------------------------------------------------------


async def get_channel(request: web.Request) -> web.Response:
    _, channel, _ = state_of(request).bot_channel(snowflake(request, "channel_id"))
    return json_response(channel.payload())


async def patch_channel(request: web.Request) -> web.Response:
    body, _ = await read_body(request)
    return json_response(state_of(request).edit_thread(snowflake(request, "channel_id"), body))


async def get_messages(request: web.Request) -> web.Response:
    return json_response(
        state_of(request).channel_history(snowflake(request, "channel_id"), dict(request.query))
    )


async def post_message(request: web.Request) -> web.Response:
    state = state_of(request)
    body, files = await read_body(request)
    channel_id = snowflake(request, "channel_id")
    message = state.post_channel_message(channel_id, body, files)
    if channel_id in state.held_channels:
        await state.answer_when_released(channel_id)
    return json_response(state.message_payload(message))


async def get_message(request: web.Request) -> web.Response:
    state = state_of(request)
    message = state.read_channel_message(snowflake(request, "channel_id"), snowflake(request, "message_id"))
    return json_response(state.message_payload(message))


async def patch_message(request: web.Request) -> web.Response:
    body, files = await read_body(request)
    payload = state_of(request).edit_channel_message(
        snowflake(request, "channel_id"), snowflake(request, "message_id"), body, files
    )
    return json_response(payload)


async def delete_message(request: web.Request) -> web.Response:
    state_of(request).delete_channel_message(
        snowflake(request, "channel_id"), snowflake(request, "message_id")
    )
    return no_content()


async def put_reaction(request: web.Request) -> web.Response:
    state_of(request).react(
        snowflake(request, "channel_id"),
        snowflake(request, "message_id"),
        request.match_info["emoji"],
        add=True,
    )
    return no_content()


async def delete_reaction(request: web.Request) -> web.Response:
    state_of(request).react(
        snowflake(request, "channel_id"),
        snowflake(request, "message_id"),
        request.match_info["emoji"],
        add=False,
    )
    return no_content()


async def post_typing(request: web.Request) -> web.Response:
    state_of(request).bot_channel(snowflake(request, "channel_id"))
    return no_content()


async def post_message_thread(request: web.Request) -> web.Response:
    body, _ = await read_body(request)
    payload = state_of(request).start_thread_from_message(
        snowflake(request, "channel_id"), snowflake(request, "message_id"), body
    )
    return json_response(payload, 201)


async def post_thread(request: web.Request) -> web.Response:
    body, _ = await read_body(request)
    return json_response(state_of(request).start_thread(snowflake(request, "channel_id"), body), 201)


async def get_thread_members(request: web.Request) -> web.Response:
    return json_response(state_of(request).thread_members(snowflake(request, "channel_id")))


def thread_member_id(request: web.Request) -> int:
    if request.match_info["user_id"] == "@me":
        return state_of(request).bot.id
    return snowflake(request, "user_id")


async def put_thread_member(request: web.Request) -> web.Response:
    state_of(request).set_thread_member(
        snowflake(request, "channel_id"), thread_member_id(request), join=True
    )
    return no_content()


async def delete_thread_member(request: web.Request) -> web.Response:
    state_of(request).set_thread_member(
        snowflake(request, "channel_id"), thread_member_id(request), join=False
    )
    return no_content()


# -- interactions and their webhooks --------------------------------------------------------------


async def interaction_callback(request: web.Request) -> web.Response:
    body, files = await read_body(request)
    result = state_of(request).interaction_callback(
        snowflake(request, "interaction_id"), request.match_info["token"], body, files
    )
    return json_response(result) if request.query.get("with_response") in ("1", "true") else no_content()


async def execute_webhook(request: web.Request) -> web.Response:
    state = state_of(request)
    body, files = await read_body(request)
    message = state.followup(snowflake(request, "application_id"), request.match_info["token"], body, files)
    if request.query.get("wait") in ("1", "true"):
        return json_response(state.message_payload(message))
    return no_content()


async def get_webhook_message(request: web.Request) -> web.Response:
    state = state_of(request)
    message = state.webhook_message(
        snowflake(request, "application_id"), request.match_info["token"], request.match_info["message_id"]
    )
    return json_response(state.message_payload(message))


async def patch_webhook_message(request: web.Request) -> web.Response:
    state = state_of(request)
    body, files = await read_body(request)
    message = state.webhook_message(
        snowflake(request, "application_id"), request.match_info["token"], request.match_info["message_id"]
    )
    return json_response(state.message_payload(state.edit_message(message, body, files)))


async def delete_webhook_message(request: web.Request) -> web.Response:
    state = state_of(request)
    message = state.webhook_message(
        snowflake(request, "application_id"), request.match_info["token"], request.match_info["message_id"]
    )
    state.delete_message(message)
    return no_content()


# -- files, pages, and everything else ------------------------------------------------------------


async def get_attachment(request: web.Request) -> web.Response:
    stored = state_of(request).files.get(request.path)
    if stored is None:
        return web.Response(status=404, text="Not Found")
    data, content_type = stored
    return web.Response(body=data, content_type=content_type)


async def get_page(request: web.Request) -> web.Response:
    """A page or feed a test serves; honours If-None-Match / If-Modified-Since with 304."""
    state = state_of(request)
    path = request.match_info["path"]
    page = state.pages.get(path)
    if page is None:
        response = web.Response(status=404, text="Not Found")
    elif page.etag == request.headers.get("If-None-Match") or (
        "If-None-Match" not in request.headers
        and page.last_modified == request.headers.get("If-Modified-Since")
    ):
        response = web.Response(status=304, headers={"ETag": page.etag, "Last-Modified": page.last_modified})
    else:
        response = web.Response(
            body=page.body,
            status=page.status,
            headers={
                "Content-Type": page.content_type,
                "ETag": page.etag,
                "Last-Modified": page.last_modified,
            },
        )
    state.web_requests.append(
        WebRequest(request.method, path, dict(request.headers), response.status, time.monotonic())
    )
    state.notify()
    return response


async def unsupported(request: web.Request) -> web.Response:
    raise ApiError(
        404,
        0,
        "404: Not Found",
        violation="unsupported_route",
        detail="the fake Discord does not implement this route; add it to tests/fake_discord/rest.py",
    )


def build_app(state: FakeState, gateway: Gateway) -> web.Application:
    app = web.Application(middlewares=[discord_errors], client_max_size=MAX_REQUEST_BYTES)
    app[STATE] = state
    app[GATEWAY] = gateway
    channel = f"{API}/channels/{{channel_id}}"
    message = f"{channel}/messages/{{message_id}}"
    webhook = f"{API}/webhooks/{{application_id}}/{{token}}"
    commands = f"{API}/applications/{{application_id}}"
    guild = f"{API}/guilds/{{guild_id}}"
    app.add_routes(
        [
            web.get("/gateway", gateway.handle),
            web.get(f"{API}/gateway", get_gateway),
            web.get(f"{API}/gateway/bot", get_gateway),
            web.get(f"{API}/users/@me", get_me),
            web.get(f"{API}/users/{{user_id}}", get_user),
            web.get(f"{API}/oauth2/applications/@me", get_application),
            web.get(f"{API}/applications/@me", get_application),
            web.get(f"{commands}/commands", get_commands),
            web.put(f"{commands}/commands", put_commands),
            web.get(f"{commands}/guilds/{{guild_id}}/commands", get_commands),
            web.put(f"{commands}/guilds/{{guild_id}}/commands", put_commands),
            web.get(guild, get_guild),
            web.get(f"{guild}/channels", get_guild_channels),
            web.get(f"{guild}/roles", get_guild_roles),
            web.get(f"{guild}/members/{{user_id}}", get_guild_member),
            web.get(f"{guild}/threads/active", get_active_threads),
            web.get(channel, get_channel),
            web.patch(channel, patch_channel),
            web.get(f"{channel}/messages", get_messages),
            web.post(f"{channel}/messages", post_message),
            web.get(message, get_message),
            web.patch(message, patch_message),
            web.delete(message, delete_message),
            web.put(f"{message}/reactions/{{emoji}}/@me", put_reaction),
            web.delete(f"{message}/reactions/{{emoji}}/@me", delete_reaction),
            web.post(f"{message}/threads", post_message_thread),
            web.post(f"{channel}/threads", post_thread),
            web.post(f"{channel}/typing", post_typing),
            web.get(f"{channel}/thread-members", get_thread_members),
            web.put(f"{channel}/thread-members/{{user_id}}", put_thread_member),
            web.delete(f"{channel}/thread-members/{{user_id}}", delete_thread_member),
            web.post(f"{API}/interactions/{{interaction_id}}/{{token}}/callback", interaction_callback),
            web.post(webhook, execute_webhook),
            web.get(f"{webhook}/messages/{{message_id}}", get_webhook_message),
            web.patch(f"{webhook}/messages/{{message_id}}", patch_webhook_message),
            web.delete(f"{webhook}/messages/{{message_id}}", delete_webhook_message),
            web.get("/attachments/{channel_id}/{attachment_id}/{filename}", get_attachment),
            web.get("/web/{path:.*}", get_page),
            web.route("*", "/{tail:.*}", unsupported),
        ]
    )
    return app

"""Point discord.py at the fake Discord named by FAKE_DISCORD_URL, without touching the bot's code.

Python imports `sitecustomize` at start-up from the first folder on sys.path that has one; the e2e
harness puts this folder on PYTHONPATH of the bot process only.
"""

import os

_fake_url = os.environ.get("FAKE_DISCORD_URL")
if _fake_url:
    import discord.asset
    import discord.gateway
    import discord.http
    import yarl

    _gateway_url = f"{_fake_url.replace('http', 'ws', 1)}/gateway"
    discord.http.Route.BASE = f"{_fake_url}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(_gateway_url)
    discord.asset.Asset.BASE = f"{_fake_url}/cdn"

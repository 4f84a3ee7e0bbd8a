"""`briefbot run` against servers that fail the login: one readable line each, and never the token.

The bot runs as a real process, pointed at a local server by the fake Discord's `sitecustomize`.
The server echoes every request header back in its error page, as some proxies do, so the token
reaches the process's output unless the bot keeps the server's answer to itself.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest
from fake_discord import SITECUSTOMIZE_DIR

REPO_ROOT = Path(__file__).resolve().parents[2]
TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0.GkLmNo.pQrStUvWxYz0123456789abcdefghijklmnopq"


class _EchoingHandler(BaseHTTPRequestHandler):
    """Answers every request with the status in its path's first segment and the request headers."""

    def _echo(self) -> None:
        status = int(self.server.status)  # type: ignore[attr-defined]
        body = "".join(f"{name}: {value}\n" for name, value in self.headers.items()).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _echo

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(params=[403, 404])  # a 5xx takes discord.py ~25 s of retries, then fails the same way
def echoing_server(request: pytest.FixtureRequest) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoingHandler)
    server.status = request.param  # type: ignore[attr-defined]
    thread = Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there once the probe is closed


def _run_bot(discord_url: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("BRIEFBOT_", "DISCORD_"))}
    env.update(
        DISCORD_TOKEN=TOKEN,
        FAKE_DISCORD_URL=discord_url,
        BRIEFBOT_DATABASE_PATH=str(workdir / "briefbot.db"),
        BRIEFBOT_CONFIG=str(REPO_ROOT / "config" / "settings.toml"),
        PYTHONPATH=os.pathsep.join([SITECUSTOMIZE_DIR, str(REPO_ROOT)]),
    )
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _assert_one_readable_error(result: subprocess.CompletedProcess[str], expected: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert TOKEN not in output
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if "ERROR" in line or "CRITICAL" in line]
    assert len(errors) == 1, output
    assert expected in errors[0]


def test_an_echoed_authorization_header_never_reaches_the_output(echoing_server: str, tmp_path: Path) -> None:
    result = _run_bot(echoing_server, tmp_path)
    _assert_one_readable_error(result, "Discord answered HTTP ")


def test_a_closed_port_is_one_readable_line(tmp_path: Path) -> None:
    result = _run_bot(_closed_port_url(), tmp_path)
    _assert_one_readable_error(result, "Couldn't connect to Discord at 127.0.0.1:")

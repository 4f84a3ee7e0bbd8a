"""Run the real bot (`python -m bot`) as a process against a `FakeDiscord`.

The process gets a throwaway working directory (so a developer's `.env` never leaks in), its own
database, the fake's URL and token, and `PYTHONPATH` with the fake's `sitecustomize` (which points
discord.py at the fake) and the repository. Its stdout and stderr go to `bot.log` in the working
directory, which the e2e conftest attaches to the report of a failing test.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from fake_discord import SITECUSTOMIZE_DIR, FakeDiscord, World

REPO_ROOT = Path(__file__).resolve().parents[2]
BOT_COMMAND = (sys.executable, "-m", "bot")
# Settings every bot under test needs; tests add or override through `env`.
BASE_ENV = {
    "BRIEFBOT_CONFIG": str(REPO_ROOT / "config" / "settings.toml"),
    "BRIEFBOT_ENGINE__FETCH__ALLOW_PRIVATE_ADDRESSES": "true",
    # The 30 s default guards production; a loaded test machine must not trip it (test_worker checks it).
    "BRIEFBOT_JOB_BUDGET_S": "300",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "PYTHONUNBUFFERED": "1",
}
# Never inherited from the developer's shell: a real token, or settings that change what is tested.
SCRUBBED_PREFIXES = ("BRIEFBOT_", "DISCORD_", "FAKE_DISCORD_")


class BotProcess:
    """One bot under test. `start()` waits until it is usable; `restart()` keeps its database."""

    def __init__(
        self,
        fake: FakeDiscord,
        workdir: Path,
        *,
        env: Mapping[str, str] | None = None,
        command: Sequence[str] = BOT_COMMAND,
    ) -> None:
        self.fake = fake
        self.workdir = workdir
        self.database_path = workdir / "briefbot.db"
        self.log_path = workdir / "bot.log"
        self.extra_env = dict(env or {})
        self.command = list(command)
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def environment(self) -> dict[str, str]:
        inherited = {key: value for key, value in os.environ.items() if not key.startswith(SCRUBBED_PREFIXES)}
        return {
            **inherited,
            **BASE_ENV,
            "DISCORD_TOKEN": self.fake.token,
            "FAKE_DISCORD_URL": self.fake.url,
            "BRIEFBOT_DATABASE_PATH": str(self.database_path),
            "PYTHONPATH": os.pathsep.join([SITECUSTOMIZE_DIR, str(REPO_ROOT)]),
            **self.extra_env,
        }

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, *, timeout: float = 90.0, require_commands: bool = True) -> BotProcess:
        """Start and wait until the bot has READY and its guilds and, by default, its commands are
        registered with the fake (kept by the fake across restarts of the bot)."""
        if self.running:
            raise RuntimeError("the bot is already running")
        self.starts += 1
        started_at = time.monotonic()
        with self.log_path.open("ab") as log:
            log.write(f"\n===== start {self.starts}: {' '.join(self.command)} =====\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                self.command,
                cwd=self.workdir,
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self.fake.wait_for_bot_ready(
                started_at, require_commands=require_commands, timeout=timeout, alive=lambda: self.running
            )
        except (RuntimeError, TimeoutError) as error:
            self.stop()
            raise RuntimeError(f"{error}; bot log:\n{self.log_tail()}") from None
        return self

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM, then SIGKILL after `timeout` s. Returns the exit code (-9 when it had to be killed)."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def restart(self, *, timeout: float = 90.0, require_commands: bool = True) -> BotProcess:
        self.stop()
        return self.start(timeout=timeout, require_commands=require_commands)

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log(self, since: int = 0) -> str:
        """The captured output from byte offset `since` (see `log_size()`)."""
        if not self.log_path.exists():
            return ""
        with self.log_path.open("rb") as log:
            log.seek(since)
            return log.read().decode(errors="replace")

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def __enter__(self) -> BotProcess:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def world_with_readers(count: int) -> World:
    """The default world plus `count` members ("reader0", …) in its server: one per concurrent user
    of a load test, since each user has a cooldown of their own."""
    world = World.default()
    guild = next(iter(world.guilds.values()))
    for n in range(count):
        guild.add_member(world.add_user(f"reader{n}"))
    return world

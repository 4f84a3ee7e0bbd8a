"""End-to-end fixtures: a fake Discord and the real bot process talking to it, one pair per module.

- `fake_discord`: a running `FakeDiscord` (heartbeat interval 1 s).
- `bot_env`: extra environment for the module's bot; override it in a test module to change settings.
- `bot`: the started `BotProcess` (READY, guilds received, commands registered); stopped after the
  module, when it must exit with code 0 on SIGTERM.
- Every test ends with `fake_discord.violations` empty, or fails listing the broken Discord rules.
- A failing test's report gets the bot's output during that test and the fake's last requests.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parents[1]
# The fake lives in tests/fake_discord; make it importable when only tests/e2e is collected.
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

from e2e.harness import BotProcess  # noqa: E402
from fake_discord import FakeDiscord  # noqa: E402

E2E_DIR = Path(__file__).resolve().parent
HEARTBEAT_INTERVAL_MS = 1000
LOG_START = pytest.StashKey[dict[int, int]]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="module")
def fake_discord() -> Iterator[FakeDiscord]:
    with FakeDiscord(heartbeat_interval_ms=HEARTBEAT_INTERVAL_MS) as fake:
        yield fake


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return {}


@pytest.fixture(scope="module")
def bot(
    fake_discord: FakeDiscord, bot_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotProcess]:
    """The module's bot; at the end it must shut down cleanly on SIGTERM (exit code 0, as under
    `docker stop`) without breaking a rule on the way out."""
    process = BotProcess(fake_discord, tmp_path_factory.mktemp("bot"), env=bot_env).start()
    try:
        yield process
    finally:
        exit_code = process.stop()
    problems = [f"  - {violation}" for violation in fake_discord.take_violations()]
    if exit_code != 0:
        problems.append(f"  - exit code {exit_code} after SIGTERM; log tail:\n{process.log_tail()}")
    if problems:
        pytest.fail("when the bot shut down:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture(autouse=True)
def discord_rules(fake_discord: FakeDiscord) -> Iterator[None]:
    """Fail the test if the bot broke a Discord rule while it ran (or while its module started)."""
    yield
    fake_discord.wait_for_pending_acks()
    violations = fake_discord.take_violations()
    if violations:
        listed = "\n".join(f"  - {violation}" for violation in violations)
        pytest.fail(f"the bot broke Discord rules:\n{listed}", pytrace=False)


def _bots(item: pytest.Item) -> list[BotProcess]:
    funcargs = getattr(item, "funcargs", {})
    return [value for value in funcargs.values() if isinstance(value, BotProcess)]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    item.stash[LOG_START] = {id(process): process.log_size() for process in _bots(item)}
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    report = yield
    if report.failed and call.when in ("call", "teardown"):
        starts = item.stash.get(LOG_START, {})
        for process in _bots(item):
            output = process.log(since=starts.get(id(process), 0))
            if not output.strip():
                output = f"(nothing during this test; the last lines before it:)\n{process.log_tail(20)}"
            report.sections.append((f"bot output ({process.log_path})", output))
        fake = getattr(item, "funcargs", {}).get("fake_discord")
        if isinstance(fake, FakeDiscord):
            recent = "\n".join(f"{r.status} {r.method} {r.path}" for r in fake.requests()[-40:])
            report.sections.append(("fake Discord: last requests", recent or "(none)"))
    return report

"""compose.yaml stays true to the code: its commands exist, its settings load, its shards cover every
shard once. (Containers cannot be pulled where the tests run; this is what can be checked here.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import build_parser
from service.settings import load_settings

COMPOSE = Path(__file__).resolve().parents[1] / "compose.yaml"
SECRETS = {"POSTGRES_PASSWORD": "pw", "DISCORD_TOKEN": "token"}


def _services() -> dict[str, dict[str, Any]]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]  # type: ignore[no-any-return]


def _briefbot_services() -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in _services().items()
        if service.get("command", [""])[0] == "briefbot"
    }


def _environment(service: dict[str, Any]) -> dict[str, str]:
    """The service's variables with compose's `${NAME:?message}` filled from SECRETS."""
    filled = {}
    for key, value in service.get("environment", {}).items():
        text = str(value)
        for name, secret in SECRETS.items():
            text = text.replace(f"${{{name}:?set {name}}}", secret)
        assert "${" not in text, f"{key} uses a variable the test does not know: {text}"
        filled[key] = text
    return filled


def test_every_briefbot_service_runs_a_real_command_of_the_distributed_mode() -> None:
    services = _briefbot_services()
    assert {service["command"][1] for service in services.values()} == {"bot", "worker", "poller"}
    for name, service in services.items():
        build_parser().parse_args(service["command"][1:])  # exits (SystemExit) on an unknown command
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy", name


@pytest.mark.parametrize("name", sorted(_briefbot_services()))
def test_each_service_settings_load_and_point_at_the_compose_database(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env or settings file of the developer's
    for key, value in _environment(_briefbot_services()[name]).items():
        monkeypatch.setenv(key, value)
    settings = load_settings()
    assert settings.database_url is not None
    assert settings.database_url.get_secret_value() == "postgresql://briefbot:pw@postgres:5432/briefbot"


def test_the_bot_shards_cover_each_shard_exactly_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    shards: list[int] = []
    counts = set()
    for service in _briefbot_services().values():
        if service["command"][1] != "bot":
            continue
        for key, value in _environment(service).items():
            monkeypatch.setenv(key, value)
        settings = load_settings()
        assert settings.shard_ids and settings.shard_count
        shards += settings.shard_ids
        counts.add(settings.shard_count)
    assert len(counts) == 1
    assert sorted(shards) == list(range(counts.pop()))

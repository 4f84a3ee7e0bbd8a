"""`briefbot run --shard-ids/--shard-count`: options that win over the other sources and are checked
like them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.cli import build_parser, main, setting_overrides
from service.settings import load_settings


@pytest.fixture(autouse=True)
def clean_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.upper().startswith("BRIEFBOT_") or key.upper() == "DISCORD_TOKEN":
            monkeypatch.delenv(key)
    monkeypatch.setenv("BRIEFBOT_CONFIG", str(tmp_path / "settings.toml"))
    return tmp_path


def overrides(*argv: str) -> dict[str, object]:
    return setting_overrides(build_parser().parse_args(["run", *argv]))


def test_shard_options_become_settings() -> None:
    assert overrides() == {}
    settings = load_settings(overrides=overrides("--shard-ids", "0,1", "--shard-count", "4"))
    assert (settings.shard_ids, settings.shard_count) == ([0, 1], 4)


def test_options_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFBOT_SHARD_IDS", "2,3")
    monkeypatch.setenv("BRIEFBOT_SHARD_COUNT", "4")
    settings = load_settings(overrides=overrides("--shard-ids", "1"))
    assert (settings.shard_ids, settings.shard_count) == ([1], 4)


def test_bad_shard_options_stop_before_connecting(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--shard-ids", "0,5", "--shard-count", "2"]) == 2
    error = capsys.readouterr().err
    assert "the configuration has errors" in error and "[5] are outside" in error

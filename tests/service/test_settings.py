"""Strict settings: a misspelt key in the TOML file, in .env or in BRIEFBOT_* variables is an error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from service.settings import SettingsError, load_settings, setting_keys


@pytest.fixture(autouse=True)
def clean_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory of our own (no developer .env) and no BRIEFBOT_ variables from the shell."""
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.upper().startswith("BRIEFBOT_") or key.upper() == "DISCORD_TOKEN":
            monkeypatch.delenv(key)
    monkeypatch.setenv("BRIEFBOT_CONFIG", str(tmp_path / "settings.toml"))
    return tmp_path


def test_the_shipped_configuration_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = Path(__file__).resolve().parents[2] / "config" / "settings.toml"
    monkeypatch.setenv("BRIEFBOT_CONFIG", str(shipped))
    assert load_settings().queue_limit == 20


def test_a_misspelt_variable_names_the_nearest_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFBOT_QUEUE_LIMITT", "5")
    with pytest.raises(SettingsError, match=r"BRIEFBOT_QUEUE_LIMITT .*did you mean BRIEFBOT_QUEUE_LIMIT\?"):
        load_settings()


def test_nested_variables_are_checked_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFBOT_ENGINE__FETCH__ALLOW_PRIVATE_ADRESSES", "true")
    with pytest.raises(SettingsError, match="did you mean BRIEFBOT_ENGINE__FETCH__ALLOW_PRIVATE_ADDRESSES"):
        load_settings()


def test_valid_variables_still_work(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFBOT_QUEUE_LIMIT", "5")
    monkeypatch.setenv("BRIEFBOT_ENGINE__FETCH__MAX_BYTES", "1000")
    settings = load_settings()
    assert (settings.queue_limit, settings.engine.fetch.max_bytes) == (5, 1000)


def test_unknown_keys_in_the_toml_file_are_named_with_the_nearest_valid_one(clean_directory: Path) -> None:
    (clean_directory / "settings.toml").write_text(
        "queue_limt = 3\n[engine]\nmax_input_char = 5000\n[engine.fetch]\nallow_private_adresses = true\n"
    )
    with pytest.raises(SettingsError) as raised:
        load_settings()
    lines = str(raised.value).splitlines()
    assert any("queue_limt" in line and "did you mean queue_limit?" in line for line in lines)
    assert any("engine.max_input_char " in line and "engine.max_input_chars?" in line for line in lines)
    assert any("allow_private_adresses" in line and "allow_private_addresses?" in line for line in lines)


def test_unknown_keys_in_dotenv_are_errors_other_programs_variables_are_not(clean_directory: Path) -> None:
    (clean_directory / ".env").write_text("DISCORD_TOKEN=abc\nHF_HOME=/models\nBRIEFBOT_WORKRS=2\n")
    with pytest.raises(SettingsError, match=r"BRIEFBOT_WORKRS in \.env \(did you mean BRIEFBOT_WORKERS\?\)"):
        load_settings()
    (clean_directory / ".env").write_text("DISCORD_TOKEN=abc\nHF_HOME=/models\nBRIEFBOT_WORKERS=2\n")
    assert load_settings().workers == 2


def test_an_invalid_value_names_its_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFBOT_ENGINE__FETCH__MAX_BYTES", "three megabytes")
    with pytest.raises(SettingsError, match=r"invalid value for engine\.fetch\.max_bytes"):
        load_settings()


def test_torch_threads_default_to_the_pool_sharing_the_cores_and_must_be_positive(
    clean_directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_settings().torch_threads is None
    monkeypatch.setenv("BRIEFBOT_TORCH_THREADS", "1")
    assert load_settings().torch_threads == 1
    monkeypatch.setenv("BRIEFBOT_TORCH_THREADS", "0")
    with pytest.raises(SettingsError, match=r"invalid value for torch_threads"):
        load_settings()


def test_every_setting_has_a_key() -> None:
    keys = {".".join(path) for path in setting_keys()}
    assert {"queue_limit", "job_budget_s", "engine.max_sentence_chars", "engine.fetch.max_bytes"} <= keys


def test_shards_are_unset_by_default_and_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert (settings.shard_ids, settings.shard_count, settings.sharded) == (None, None, False)
    monkeypatch.setenv("BRIEFBOT_SHARD_IDS", " 1, 0 ")
    monkeypatch.setenv("BRIEFBOT_SHARD_COUNT", "4")
    settings = load_settings()
    assert (settings.shard_ids, settings.shard_count, settings.sharded) == ([0, 1], 4, True)
    monkeypatch.delenv("BRIEFBOT_SHARD_IDS")
    assert load_settings().shard_ids is None  # a count alone: this process runs every shard


def test_shards_in_the_toml_file(clean_directory: Path) -> None:
    (clean_directory / "settings.toml").write_text("shard_ids = [2, 3]\nshard_count = 4\n")
    settings = load_settings()
    assert (settings.shard_ids, settings.shard_count) == ([2, 3], 4)


@pytest.mark.parametrize(
    ("ids", "count", "message"),
    [
        ("0,4", "4", r"invalid value for shard_ids: .*from 0 to shard_count - 1 \(3\); \[4\] are outside"),
        ("-1", "2", r"invalid value for shard_ids: .*\[-1\] are outside"),
        ("1", None, r"invalid value for shard_ids: .*need shard_count too \(BRIEFBOT_SHARD_COUNT\)"),
        ("0,0", "2", r"invalid value for shard_ids: .*repeated"),
        ("zero", "2", r"invalid value for shard_ids\.0: .*valid integer"),
        (None, "0", r"invalid value for shard_count: .*greater than or equal to 1"),
    ],
)
def test_bad_shard_settings_are_refused_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, ids: str | None, count: str | None, message: str
) -> None:
    if ids is not None:
        monkeypatch.setenv("BRIEFBOT_SHARD_IDS", ids)
    if count is not None:
        monkeypatch.setenv("BRIEFBOT_SHARD_COUNT", count)
    with pytest.raises(SettingsError, match=message):
        load_settings()

"""Application settings from env, `.env` and a TOML file, via pydantic-settings.

Precedence (highest first): init arguments, environment (`BRIEFBOT_...`, nested with `__`),
`.env`, the TOML file named by `BRIEFBOT_CONFIG` (default `config/settings.toml`), defaults.

Strict: a key no setting has (`BRIEFBOT_QUEUE_LIMITT`, `[engine] max_input_char`) is an error
naming the key and the nearest valid one, in the TOML file, in `.env` and in the environment.
pydantic-settings only sees variables that match a field, so the environment is checked here.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from dotenv import dotenv_values
from pydantic import (
    AliasChoices,
    BaseModel,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from summarizer.config import EngineConfig

DEFAULT_CONFIG_FILE = Path("config/settings.toml")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="BRIEFBOT_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",  # a .env file may hold other programs' variables; ours are checked below
    )

    # DISCORD_TOKEN is the conventional name; BRIEFBOT_DISCORD_TOKEN works too.
    discord_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("DISCORD_TOKEN", "BRIEFBOT_DISCORD_TOKEN", "discord_token"),
    )
    database_path: Path = Path("data/briefbot.db")
    # postgresql://user:password@host/db: keep history in PostgreSQL (the distributed mode's store)
    # instead of the SQLite file. A secret: it may carry a password.
    database_url: SecretStr | None = None
    dev_guild_id: int | None = None  # commands sync instantly to this guild when set

    # Sharding: None for both is one connection for every server, as always. `shard_count` alone:
    # this process runs all the shards; with `shard_ids` ("0,1"), only those, so that several
    # processes (on several machines) share the servers between them.
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: Annotated[list[int] | None, NoDecode] = None

    engine: EngineConfig = Field(default_factory=EngineConfig)

    # worker pool and limits
    workers: int = 1  # NLP processes; each loads its own models
    # torch threads per NLP process; None: the cores shared among this process's NLP processes. Set
    # it when several `briefbot worker`s share a machine: each would otherwise take every core.
    torch_threads: int | None = Field(default=None, ge=1)
    job_budget_s: float = 30.0  # one NLP task's wall-clock limit: over it, the task is stopped
    queue_limit: int = 20  # briefs waiting or running, across all users
    user_cooldown_s: float = 10.0  # between two /brief of the same user
    max_file_bytes: int = 2 * 1024 * 1024
    feed_interval_s: float = 900.0
    feed_max_items_per_poll: int = 5
    digest_check_interval_s: float = 60.0  # how often scheduled digests are checked for being due
    # Tests only: the digest schedule's clock starts at this UTC time and runs on from there, so a
    # test sees a digest fall due without waiting hours. None: the real clock.
    digest_clock_start: datetime | None = None
    topic_threshold: float = 0.4  # summarizer.topics.TOPIC_THRESHOLD, chosen on labelled dev data

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _split_shard_ids(cls, value: object) -> object:
        """`0,1` (the environment's form) as well as a list (TOML, init arguments)."""
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",")]
            return [part for part in parts if part] or None
        return value

    @field_validator("shard_ids")
    @classmethod
    def _check_shard_ids(cls, ids: list[int] | None, info: ValidationInfo) -> list[int] | None:
        if ids is None:
            return None
        count = info.data.get("shard_count")
        if count is None:
            raise ValueError(
                "shard ids need shard_count too (BRIEFBOT_SHARD_COUNT): how many shards there are"
            )
        if not ids:
            raise ValueError("give at least one shard id")
        if len(set(ids)) != len(ids):
            raise ValueError(f"a shard id is repeated in {ids}")
        outside = [shard_id for shard_id in ids if not 0 <= shard_id < count]
        if outside:
            raise ValueError(f"shard ids go from 0 to shard_count - 1 ({count - 1}); {outside} are outside")
        return sorted(ids)

    @property
    def sharded(self) -> bool:
        return self.shard_count is not None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = Path(os.environ.get("BRIEFBOT_CONFIG", DEFAULT_CONFIG_FILE))
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=toml_file),
        )


ENV_PREFIX = "BRIEFBOT_"
CONFIG_ENV = "BRIEFBOT_CONFIG"  # the TOML file's path: not a setting itself
# Our variables that are not settings: the TOML file's path, and the benchmarks' model option.
NOT_SETTINGS = frozenset({CONFIG_ENV, "BRIEFBOT_BENCH_ABSTRACTIVE_MODEL"})


class SettingsError(ValueError):
    """The configuration cannot be used; `str(err)` says which key and what to do, one per line."""


def load_settings(
    environ: Mapping[str, str] | None = None, overrides: Mapping[str, object] | None = None
) -> Settings:
    """Settings from every source, refusing unknown keys and invalid values with readable errors.

    `overrides` (command-line options) win over every source and are validated like them.
    """
    environ = os.environ if environ is None else environ
    problems = [
        *_unknown_env_keys(environ, "the environment"),
        *_unknown_env_keys(_dotenv(Path(".env")), ".env"),
        *_unknown_toml_keys(_toml_path(environ)),
    ]
    if problems:
        raise SettingsError("\n".join(problems))
    try:
        return Settings(**dict(overrides or {}))
    except ValidationError as err:
        raise SettingsError("\n".join(_describe(error) for error in err.errors())) from err


def setting_keys(
    model: type[BaseModel] = Settings, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """Every setting as a path of field names: ("engine", "fetch", "max_bytes")."""
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from setting_keys(annotation, (*prefix, name))
        else:
            yield (*prefix, name)


def _unknown_env_keys(environ: Mapping[str, str | None], where: str) -> Iterator[str]:
    valid = {ENV_PREFIX + "__".join(path).upper() for path in setting_keys()}
    sections = {ENV_PREFIX + "__".join(path[:-1]).upper() for path in setting_keys() if len(path) > 1}
    for key in sorted(environ):
        upper = key.upper()
        if not upper.startswith(ENV_PREFIX) or upper in NOT_SETTINGS or upper in valid:
            continue
        if upper in sections:  # a whole section as JSON: pydantic-settings checks its keys
            continue
        yield f"unknown setting {key} in {where}{_nearest(upper, valid | NOT_SETTINGS)}"


def _unknown_toml_keys(path: Path) -> Iterator[str]:
    if not path.is_file():
        return
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        yield f"{path} is not valid TOML: {err}"
        return
    valid = {".".join(key) for key in setting_keys()}
    for key in _toml_keys(table):
        if key not in valid:
            yield f"unknown setting {key} in {path}{_nearest(key, valid)}"


def _toml_keys(table: dict[str, Any], prefix: str = "") -> Iterator[str]:
    sections = {".".join(path[:-1]) for path in setting_keys() if len(path) > 1}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict) and key in sections:
            yield from _toml_keys(value, f"{key}.")
        else:
            yield key


def _dotenv(path: Path) -> Mapping[str, str | None]:
    return dotenv_values(path) if path.is_file() else {}


def _toml_path(environ: Mapping[str, str]) -> Path:
    return Path(environ.get(CONFIG_ENV, DEFAULT_CONFIG_FILE))


def _nearest(key: str, valid: set[str]) -> str:
    match = difflib.get_close_matches(key, sorted(valid), n=1, cutoff=0.6)
    return f" (did you mean {match[0]}?)" if match else ""


def _describe(error: Any) -> str:
    """One pydantic error as a line: the setting's dotted name and what is wrong with its value."""
    key = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        valid = {".".join(path) for path in setting_keys()}
        return f"unknown setting {key}{_nearest(key, valid)}"
    return f"invalid value for {key}: {error['msg']}"

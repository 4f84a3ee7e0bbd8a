"""Application settings from env, `.env` and a TOML file, via pydantic-settings.

Precedence (highest first): init arguments, environment (`BRIEFBOT_...`, nested with `__`),
`.env`, the TOML file named by `BRIEFBOT_CONFIG` (default `config/settings.toml`), defaults.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
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
        extra="ignore",
    )

    # DISCORD_TOKEN is the conventional name; BRIEFBOT_DISCORD_TOKEN works too.
    discord_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("DISCORD_TOKEN", "BRIEFBOT_DISCORD_TOKEN", "discord_token"),
    )
    database_path: Path = Path("data/briefbot.db")
    dev_guild_id: int | None = None  # commands sync instantly to this guild when set

    engine: EngineConfig = Field(default_factory=EngineConfig)

    # worker pool and limits
    workers: int = 1  # NLP processes; each loads its own models
    queue_limit: int = 20  # briefs waiting or running, across all users
    user_cooldown_s: float = 10.0  # between two /brief of the same user
    max_file_bytes: int = 2 * 1024 * 1024
    feed_interval_s: float = 900.0
    feed_max_items_per_poll: int = 5
    topic_threshold: float = 0.4  # summarizer.topics.TOPIC_THRESHOLD, chosen on labelled dev data

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

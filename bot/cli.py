"""The `briefbot` command: `run` the bot, `sync` its slash commands, `brief` articles or print a
`digest` of them offline."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from service.settings import SettingsError, load_settings
from summarizer.cli import add_brief_arguments, add_digest_arguments, run_brief, run_digest


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefbot", description="News briefings for Discord, offline.")
    commands = parser.add_subparsers(dest="command", required=True)
    add_shard_arguments(commands.add_parser("run", help="start the Discord bot (needs DISCORD_TOKEN)"))
    commands.add_parser("sync", help="force-sync the slash commands with Discord, then exit")
    add_brief_arguments(commands.add_parser("brief", help="brief files, links or stdin in the terminal"))
    add_digest_arguments(
        commands.add_parser("digest", help="group files or links into stories and print a ranked digest")
    )
    return parser


def add_shard_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--shard-ids", metavar="IDS", help="the shards this process runs, e.g. 0,1 (BRIEFBOT_SHARD_IDS)"
    )
    parser.add_argument(
        "--shard-count",
        type=int,
        metavar="N",
        help="how many shards the bot has in all (BRIEFBOT_SHARD_COUNT)",
    )


def setting_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given as options: they win over the environment, .env and the TOML file."""
    given = {"shard_ids": getattr(args, "shard_ids", None), "shard_count": getattr(args, "shard_count", None)}
    return {key: value for key, value in given.items() if value is not None}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(overrides=setting_overrides(args))
    except SettingsError as err:
        lines = "\n".join(f"  {line}" for line in str(err).splitlines())
        print(f"briefbot: the configuration has errors:\n{lines}", file=sys.stderr)
        return 2
    if args.command == "brief":
        return run_brief(args, settings.engine)
    if args.command == "digest":
        return run_digest(args, settings.engine)
    # Imported here so `briefbot brief` and `briefbot digest` never load discord.py.
    from bot.entry import run_bot, sync_commands

    return run_bot(settings) if args.command == "run" else sync_commands(settings)


if __name__ == "__main__":
    sys.exit(main())

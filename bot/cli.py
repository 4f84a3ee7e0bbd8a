"""The `briefbot` command: `run` the bot, `sync` its slash commands, `brief` articles or print a
`digest` of them offline; in the distributed mode, `bot`, `worker` and `poller`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from pydantic import SecretStr

from service.settings import SettingsError, load_settings
from summarizer.cli import add_brief_arguments, add_digest_arguments, run_brief, run_digest

DISTRIBUTED_COMMANDS = ("bot", "worker", "poller")
DISTRIBUTED_HELP = (
    "briefbot: `briefbot {command}` belongs to the distributed mode, which keeps everything in PostgreSQL: "
    "set BRIEFBOT_DATABASE_URL=postgresql://user:password@host/database (see the README, Distributed mode). "
    "For one process with SQLite, use `briefbot run`."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefbot", description="News briefings for Discord, offline.")
    commands = parser.add_subparsers(dest="command", required=True)
    add_shard_arguments(commands.add_parser("run", help="start the Discord bot (needs DISCORD_TOKEN)"))
    commands.add_parser("sync", help="force-sync the slash commands with Discord, then exit")
    add_shard_arguments(
        commands.add_parser("bot", help="distributed mode: the bot; the NLP runs in `briefbot worker`")
    )
    worker = commands.add_parser("worker", help="distributed mode: run the queued NLP jobs")
    worker.add_argument(
        "--concurrency", type=_positive, default=1, help="jobs at a time, one NLP process each (default 1)"
    )
    commands.add_parser("poller", help="distributed mode: poll the feeds that are due")
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
    if args.command in DISTRIBUTED_COMMANDS and not _postgres(settings.database_url):
        print(DISTRIBUTED_HELP.format(command=args.command), file=sys.stderr)
        return 2
    if args.command in ("worker", "poller"):  # no Discord in these
        from bot.processes import run_poller, run_worker

        return run_worker(settings, args.concurrency) if args.command == "worker" else run_poller(settings)
    # Imported here so `briefbot brief` and `briefbot digest` never load discord.py.
    from bot.entry import run_bot, sync_commands

    if args.command == "sync":
        return sync_commands(settings)
    return run_bot(settings, distributed=args.command == "bot")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _postgres(url: SecretStr | None) -> bool:
    return url is not None and url.get_secret_value().startswith(("postgresql://", "postgres://"))


if __name__ == "__main__":
    sys.exit(main())

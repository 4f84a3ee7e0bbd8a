"""The processes of bench/distributed.py: a durable throwaway PostgreSQL cluster, the fake Discord,
and `briefbot bot` / `worker` / `poller` / `run` as real processes, each logging to its own file.

Kept apart from the scenarios so that each scenario reads as what it does to the stack and what it
checks, not how processes are started and stopped.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import psutil
import psycopg
from common import ROOT

sys.path.insert(0, str(ROOT / "tests"))  # the fake Discord, its harness and the throwaway cluster
from e2e.harness import BASE_ENV, SCRUBBED_PREFIXES, BotProcess
from fake_discord import FakeDiscord, World
from postgres_cluster import PostgresCluster, server_bindir

CLI = (sys.executable, "-m", "bot.cli")
BOT_START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 30.0


def sql_one(dsn: str, query: str, params: Sequence[object] = ()) -> object:
    """The first column of the first row (None when there is none)."""
    with psycopg.connect(dsn, connect_timeout=5) as conn:
        row = conn.execute(query, params).fetchone()  # type: ignore[arg-type]
    return None if row is None else row[0]


def kill_tree(pid: int) -> None:
    """SIGKILL a process and its children at once, as when its machine is lost."""
    with contextlib.suppress(psutil.NoSuchProcess):
        root = psutil.Process(pid)
        for process in (*root.children(recursive=True), root):
            with contextlib.suppress(psutil.NoSuchProcess):
                process.send_signal(signal.SIGKILL)


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


class Stack:
    """One benchmark run's world: start pieces with the methods, everything stops on `close()`."""

    def __init__(self, world: World, *, shard_count: int = 1) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="briefbot-bench-distributed-"))
        self.fake = FakeDiscord(heartbeat_interval_ms=1000, world=world, shard_count=shard_count).start()
        self.cluster: PostgresCluster | None = None
        self.dsn = ""
        self.bots: list[BotProcess] = []
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start_database(self) -> str:
        bindir = server_bindir()
        if bindir is None:
            raise SystemExit("PostgreSQL server binaries not found (apt-get install -y postgresql)")
        self.cluster = PostgresCluster(bindir, durable=True)
        self.cluster.start()
        self.dsn = self.cluster.new_database("bench_distributed")
        return self.dsn

    def environment(self, extra: dict[str, str]) -> dict[str, str]:
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED_PREFIXES)}
        return {
            **inherited,
            **BASE_ENV,
            "BRIEFBOT_DATABASE_URL": self.dsn,
            "PYTHONPATH": str(ROOT),
            **extra,
        }

    def start_process(self, name: str, args: Sequence[str], env: dict[str, str] | None = None) -> int:
        """`briefbot <args>` (worker, poller) logging to <name>.log; returns its pid."""
        with open(self.folder / f"{name}.log", "ab") as log:
            process = subprocess.Popen(
                [*CLI, *args],
                cwd=self.folder,
                env=self.environment(env or {}),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.processes[name] = process
        return process.pid

    def start_bot(self, name: str, command: str, env: dict[str, str]) -> BotProcess:
        """`briefbot bot` or `briefbot run`, waited for until READY with its commands registered."""
        workdir = self.folder / name
        workdir.mkdir()
        extra = {"BRIEFBOT_DATABASE_URL": self.dsn} if command == "bot" else {}
        bot = BotProcess(self.fake, workdir, env={**extra, **env}, command=(*CLI, command))
        self.bots.append(bot)
        return bot.start(timeout=BOT_START_TIMEOUT_S)

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop_process(self, name: str) -> int | None:
        process = self.processes[name]
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                kill_tree(process.pid)
                process.wait(timeout=STOP_TIMEOUT_S)
        return process.returncode

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system) used so far by each kind of process of the stack, children (NLP
        processes) included, and PostgreSQL's server: what a brief costs whatever else runs."""
        roots: list[tuple[str, int]] = [
            (bot.command[-1], bot.process.pid) for bot in self.bots if bot.process is not None and bot.running
        ]
        live = [(name, process) for name, process in self.processes.items() if process.poll() is None]
        roots += [(name.rstrip("0123456789"), process.pid) for name, process in live]
        used: dict[str, float] = {}
        for kind, pid in roots:
            with contextlib.suppress(psutil.NoSuchProcess):
                root = psutil.Process(pid)
                for process in (root, *root.children(recursive=True)):
                    with contextlib.suppress(psutil.NoSuchProcess):
                        times = process.cpu_times()
                        used[kind] = used.get(kind, 0.0) + times.user + times.system
        if self.cluster is not None:
            used["postgres"] = self.cluster.cpu_seconds()
        return used

    def close(self) -> None:
        for bot in self.bots:
            bot.stop(timeout=STOP_TIMEOUT_S)
        for name in self.processes:
            self.stop_process(name)
        self.fake.stop()
        if self.cluster is not None:
            self.cluster.stop()


@contextlib.contextmanager
def running_stack(world: World, *, shard_count: int = 1, keep_logs: bool = False) -> Iterator[Stack]:
    stack = Stack(world, shard_count=shard_count)
    started = time.monotonic()
    try:
        yield stack
    finally:
        stack.close()
        print(f"(stack up {time.monotonic() - started:.0f} s; logs in {stack.folder})", flush=True)
        if not keep_logs:
            for path in stack.folder.rglob("*.db*"):
                path.unlink()


WORKER_REGISTER_TIMEOUT_S = 120.0


def registered(dsn: str, worker_id: int) -> bool:
    """Whether procrastinate worker `worker_id` exists (the first worker creates the tables)."""
    try:
        return sql_one(dsn, "SELECT 1 FROM procrastinate_workers WHERE id = %s", (worker_id,)) == 1
    except psycopg.errors.UndefinedTable:
        return False


def start_workers(stack: Stack, count: int, env: dict[str, str] | None = None) -> dict[int, int]:
    """`briefbot worker` processes, each started once the previous one registered with procrastinate,
    so that procrastinate's worker ids (1, 2, …) map to processes: {worker id: pid}."""
    pids: dict[int, int] = {}
    for n in range(count):
        pids[n + 1] = stack.start_process(f"worker{n}", ["worker"], env)
        deadline = time.monotonic() + WORKER_REGISTER_TIMEOUT_S
        while not registered(stack.dsn, n + 1):
            if time.monotonic() > deadline:
                raise TimeoutError(f"worker{n} did not register within {WORKER_REGISTER_TIMEOUT_S:.0f} s")
            time.sleep(0.1)
    return pids

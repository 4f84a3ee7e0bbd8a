"""A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temporary folder, listening on
127.0.0.1 only, on a free port, stopped and deleted afterwards.

`initdb` refuses to run as root, so as root the cluster runs as the `postgres` user that Debian's
package creates. The server binaries come from Debian's `postgresql` package (`.ci/run` installs it).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

import psutil
import psycopg
from psycopg import sql

SUPERUSER = "briefbot"


def server_bindir() -> Path | None:
    """The newest installed server's bin folder (Debian keeps them versioned under /usr/lib/postgresql)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def cut_connections(dsn: str) -> int:
    """What a server restart does to the clients of `dsn`'s database: every other session is
    terminated, and this returns (with their count) once they are gone, waiting up to 5 s."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresCluster:
    def __init__(
        self, bindir: Path, *, durable: bool = False, settings: Mapping[str, str] | None = None
    ) -> None:
        """`durable=False` (tests) turns off fsync and synchronous commit; benchmarks keep them on.
        `settings` are server parameters (`shared_buffers` ...) passed at start."""
        self._bindir = bindir
        self._durable = durable
        self._settings = dict(settings or {})
        self._folder = Path(tempfile.mkdtemp(prefix="briefbot-pg-"))
        self._data = self._folder / "data"
        self.port = _free_port()
        self._user = "postgres" if os.geteuid() == 0 else None
        if self._user is not None:
            account = pwd.getpwnam(self._user)
            os.chown(self._folder, account.pw_uid, account.pw_gid)

    def _run(self, *args: str) -> None:
        subprocess.run(
            [str(self._bindir / args[0]), *args[1:]],
            check=True,
            capture_output=True,
            user=self._user,
            cwd=self._folder,
            timeout=120,
        )

    def start(self) -> None:
        self._run("initdb", "-D", str(self._data), "-A", "trust", "-U", SUPERUSER, "-E", "UTF8", "--no-sync")
        self.start_server()

    def start_server(self) -> None:
        """Start the server on the cluster's port (again, after `stop_server()`)."""
        options = f"-p {self.port} -k {self._folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not self._durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        options += "".join(f" -c {name}={value}" for name, value in self._settings.items())
        self._run(
            "pg_ctl", "-D", str(self._data), "-o", options, "-l", str(self._folder / "log"), "-w", "start"
        )

    def stop_server(self) -> None:
        """Stop the server as an administrator's restart does (`-m fast`: sessions are cut, the data
        kept), for fault tests; `start_server()` brings it back on the same port."""
        self._run("pg_ctl", "-D", str(self._data), "-m", "fast", "-w", "stop")

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def new_database(self, name: str) -> str:
        """Create an empty database and return its DSN."""
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.dsn(name)

    def cpu_seconds(self) -> float:
        """CPU time of the server's live processes (postmaster, backends, background workers): what the
        database costs beside its clients. Backends that have exited are not counted."""
        postmaster = psutil.Process(int((self._data / "postmaster.pid").read_text().split()[0]))
        total = 0.0
        for process in (postmaster, *postmaster.children(recursive=True)):
            with contextlib.suppress(psutil.NoSuchProcess):
                times = process.cpu_times()
                total += times.user + times.system
        return total

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self._data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self._folder, ignore_errors=True)

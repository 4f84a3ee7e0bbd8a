"""Database failures become one readable sentence: damaged file, read-only, full disk."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from service.briefing_service import BriefingService
from service.settings import Settings
from storage import SqliteStore
from storage.errors import DatabaseUnavailable, describe, readable_database_errors


async def test_a_damaged_file_is_named_and_explained(tmp_path: Path) -> None:
    path = tmp_path / "briefbot.db"
    path.write_bytes(b"these are not the bytes of an SQLite database " * 100)
    damaged = r"briefbot\.db is damaged or is not a briefbot database"
    with pytest.raises(DatabaseUnavailable, match=damaged), readable_database_errors(path):
        await SqliteStore.open(path)


async def test_the_service_refuses_to_start_on_a_damaged_file_with_a_brief_error(tmp_path: Path) -> None:
    path = tmp_path / "briefbot.db"
    path.write_bytes(b"\x00garbage" * 512)
    with pytest.raises(DatabaseUnavailable, match="restore it from a backup"):
        await BriefingService.open(Settings(database_path=path), start_workers=False)


async def test_a_folder_that_cannot_be_created_is_explained(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database folder should be")
    path = blocker / "db" / "briefbot.db"
    not_created = r"cannot be created \(Not a directory\)"
    with pytest.raises(DatabaseUnavailable, match=not_created), readable_database_errors(path):
        await SqliteStore.open(path)


def test_a_read_only_database_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "briefbot.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    read_only = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as raised:
        read_only.execute("INSERT INTO t VALUES (1)")
    read_only.close()
    assert "is read-only; give the bot write access" in str(describe(raised.value, path))


def test_a_full_disk_is_explained(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "briefbot.db")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("PRAGMA max_page_count = 3")  # a database that cannot grow, like one on a full disk
    with pytest.raises(sqlite3.OperationalError) as raised:
        conn.executemany("INSERT INTO t VALUES (?)", [("x" * 4000,)] * 50)
    conn.close()
    assert str(describe(raised.value)) == "The bot's database cannot grow: the disk is full; free some space."


def test_other_errors_outside_opening_are_not_relabelled() -> None:
    with pytest.raises(PermissionError), readable_database_errors():
        raise PermissionError("not a database problem")

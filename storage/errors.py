"""Database failures in words an operator can act on: damaged file, read-only, full disk.

SQLite reports all of them as `sqlite3.OperationalError` or `DatabaseError` with terse messages
("file is not a database"); callers wrap their store calls in `readable_database_errors` and get a
`DatabaseUnavailable` (a BriefError, so a user sees a polite sentence and never a traceback).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from summarizer.errors import BriefError

# (fragment of SQLite's message, what it means), first match wins.
_MEANINGS = (
    ("not a database", "is damaged or is not a briefbot database; restore it from a backup or move it away"),
    ("malformed", "is damaged; restore it from a backup or move it away"),
    ("readonly", "is read-only; give the bot write access to the file and its folder"),
    ("read-only", "is read-only; give the bot write access to the file and its folder"),
    ("disk is full", "cannot grow: the disk is full; free some space"),
    ("unable to open", "cannot be opened; check that its folder exists and the bot may write there"),
    ("disk i/o error", "could not be read or written (a disk error); check the disk"),
)


class DatabaseUnavailable(BriefError):
    code = "database"


def describe(error: sqlite3.Error | OSError, path: Path | str | None = None) -> DatabaseUnavailable:
    """A DatabaseUnavailable saying what went wrong, naming the file when `path` is given."""
    text = str(error).lower()
    meaning = next((meaning for fragment, meaning in _MEANINGS if fragment in text), None)
    if meaning is None and isinstance(error, OSError):  # creating its folder failed
        meaning = (
            f"cannot be created ({error.strerror or error}); check its folder and the bot's rights there"
        )
    if meaning is None:
        meaning = f"reported an error ({error})"
    subject = f"The database file {path}" if path is not None else "The bot's database"
    return DatabaseUnavailable(f"{subject} {meaning}.")


@contextmanager
def readable_database_errors(path: Path | str | None = None) -> Iterator[None]:
    """Turn SQLite failures inside the block into a DatabaseUnavailable.

    With `path` (opening the file) file system failures too, such as a folder it may not create.
    """
    try:
        yield
    except sqlite3.Error as error:
        raise describe(error, path) from error
    except OSError as error:
        if path is None:
            raise
        raise describe(error, path) from error

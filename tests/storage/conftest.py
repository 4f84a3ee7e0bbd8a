"""The store fixture: every contract test runs against each store implementation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from store_builders import Reopen

from storage import SqliteStore, Store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "briefbot.db"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    opened = await SqliteStore.open(db_path)
    yield opened
    await opened.close()


@pytest.fixture
def reopen(db_path: Path) -> Reopen:
    """Close a store and open the same database again: what a restart does."""

    async def again(old: Store) -> Store:
        await old.close()
        return await SqliteStore.open(db_path)

    return again

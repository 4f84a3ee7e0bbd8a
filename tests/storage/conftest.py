"""The store fixtures: every contract test runs against each store implementation, PostgreSQL on the
session's throwaway cluster (tests/conftest.py)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from postgres_cluster import PostgresCluster
from store_builders import Reopen

from storage import PostgresStore, SqliteStore, Store

_databases = itertools.count(1)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "briefbot.db"


@pytest.fixture(params=["sqlite", "postgres"])
def store_location(request: pytest.FixtureRequest, db_path: Path) -> str:
    """Where the store under test lives: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(db_path)
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    return cluster.new_database(f"contract_{next(_databases)}")


async def open_store(location: str) -> Store:
    if location.startswith("postgresql://"):
        return await PostgresStore.open(location)
    return await SqliteStore.open(location)


@pytest.fixture
async def store(store_location: str) -> AsyncIterator[Store]:
    opened = await open_store(store_location)
    yield opened
    await opened.close()


@pytest.fixture
async def second_store(store_location: str) -> AsyncIterator[Store]:
    """Another store on the same database, as another process of the distributed mode opens it."""
    opened = await open_store(store_location)
    yield opened
    await opened.close()


@pytest.fixture
async def reopen(store_location: str) -> AsyncIterator[Reopen]:
    """Close a store and open the same database again: what a restart does (closed after the test)."""
    opened: list[Store] = []

    async def again(old: Store) -> Store:
        await old.close()
        opened.append(await open_store(store_location))
        return opened[-1]

    yield again
    for store in opened:
        await store.close()

"""Fixtures for the service tests: real NLP workers, a temporary store, and a local news site.

The worker pool (one process with the real spaCy and MiniLM models) is started once per session;
each test gets its own database file, so tests stay independent while models load only once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from newsroom import STORIES, NewsSite, Services, Story, make_settings, serve_news_site
from postgres_cluster import PostgresCluster

from service.worker import WorkerPool


@pytest.fixture
def news_site() -> Iterator[NewsSite]:
    with serve_news_site() as site:
        yield site


@pytest.fixture
def stories() -> dict[str, Story]:
    return STORIES


@pytest.fixture(scope="session")
def worker_pool() -> Iterator[WorkerPool]:
    """One NLP process with the real models, shared by the session (loading them takes seconds)."""
    # A generous budget: the 30 s default guards production; a loaded test machine must not trip it
    # (tests/service/test_worker.py checks the budget itself).
    pool = WorkerPool(1, make_settings(Path("unused.db")).engine, job_budget_s=300.0)
    yield pool
    asyncio.run(pool.close())


@pytest.fixture
async def services(tmp_path: Path, worker_pool: WorkerPool) -> AsyncIterator[Services]:
    opened = Services(tmp_path / "briefbot.db", worker_pool)
    yield opened
    await opened.close()


@pytest.fixture(params=["sqlite", "postgres"])
async def services_on_each_store(
    request: pytest.FixtureRequest, tmp_path: Path, worker_pool: WorkerPool
) -> AsyncIterator[Services]:
    """Like `services`, once on SQLite and once on a fresh PostgreSQL database."""
    database_url = None
    if request.param == "postgres":
        cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
        database_url = cluster.new_database(f"service_{request.node.name.split('[')[0][-40:]}")
    opened = Services(tmp_path / "briefbot.db", worker_pool, database_url)
    yield opened
    await opened.close()

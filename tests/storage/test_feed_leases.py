"""Pollers on PostgreSQL: concurrent leases of due feeds never overlap (SELECT … FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import asyncio

from postgres_cluster import PostgresCluster

from storage import PostgresStore

FEEDS = 60


async def test_concurrent_pollers_lease_disjoint_feeds_covering_all(
    postgres_cluster: PostgresCluster,
) -> None:
    dsn = postgres_cluster.new_database("feed_leases")
    pollers = [await PostgresStore.open(dsn) for _ in range(3)]
    try:
        for n in range(FEEDS):
            await pollers[0].add_feed(1, f"https://news.example/{n}.xml", 7)

        async def lease_all(store: PostgresStore) -> list[int]:
            taken: list[int] = []
            while batch := await store.lease_due_feeds(3600.0, limit=4):
                taken += [feed.id for feed in batch]
                await asyncio.sleep(0)  # let the other pollers in between batches
            return taken

        leases = await asyncio.gather(*(lease_all(store) for store in pollers))
        every = [feed_id for taken in leases for feed_id in taken]
        assert len(every) == len(set(every)) == FEEDS  # each feed to exactly one poller
        assert sum(1 for taken in leases if taken) >= 2  # and the work was shared
    finally:
        for store in pollers:
            await store.close()

"""Feeds and their deliveries in the database: one feed row per URL followed by guilds, the items
seen and settled, and what was posted where. Mixed into SqlStore."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from storage.codec import utc_now
from storage.indexing import pack_briefs
from storage.records import Feed, FeedFollower, FeedRoute, PendingDelivery
from storage.sql import Row
from storage.sql_base import RECORD_MESSAGE, SqlBase
from storage.writes import insert_briefs

_FEED_COLUMNS = "id, url, created_at, etag, last_modified, last_polled_at, last_error"
_FEED_ITEM_COLUMNS = "feed_id, item_key, item_url, settled, attempts, error, seen_at"


class FeedSql(SqlBase):
    # --- feeds --------------------------------------------------------------------------------

    async def add_feed(self, guild_id: int, url: str, user_id: int) -> bool:
        now = self._now()
        async with self._transaction() as tx:
            feed = await tx.fetchone(
                "INSERT INTO feeds (url, created_at) VALUES (?, ?) "
                "ON CONFLICT (url) DO UPDATE SET url = excluded.url RETURNING id",
                (url, now),
            )
            if feed is None:
                raise RuntimeError("The database returned no id for a feed")
            changed = await tx.execute(
                "INSERT INTO feed_follows (guild_id, feed_id, added_by, created_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (guild_id, feed["id"], user_id, now),
            )
        return changed == 1

    async def remove_feed(self, guild_id: int, url: str) -> bool:
        async with self._transaction() as tx:
            changed = await tx.execute(
                "DELETE FROM feed_follows WHERE guild_id = ? AND feed_id = (SELECT id "
                "FROM feeds WHERE url = ?)",
                (guild_id, url),
            )
            if changed == 0:
                return False
            # Nobody follows it any more: stop polling it (its items and their bookkeeping go too).
            await tx.execute(
                "DELETE FROM feeds WHERE url = ? AND NOT EXISTS "
                "(SELECT 1 FROM feed_follows f WHERE f.feed_id = feeds.id)",
                (url,),
            )
        return True

    async def list_feeds(self, guild_id: int | None = None) -> list[Feed]:
        if guild_id is None:
            rows = await self._fetchall(
                f"SELECT {_FEED_COLUMNS} FROM feeds WHERE EXISTS "
                "(SELECT 1 FROM feed_follows f WHERE f.feed_id = feeds.id) ORDER BY id"
            )
        else:
            rows = await self._fetchall(
                f"SELECT {_FEED_COLUMNS} FROM feeds WHERE id IN "
                "(SELECT feed_id FROM feed_follows WHERE guild_id = ?) ORDER BY id",
                (guild_id,),
            )
        return [self._feed(row) for row in rows]

    async def lease_due_feeds(self, interval_s: float, limit: int, hold_s: float = 0.0) -> list[Feed]:
        now = utc_now()
        async with self._transaction() as tx:
            rows = await tx.fetchall(
                f"SELECT {_FEED_COLUMNS} FROM feeds WHERE (last_polled_at IS NULL OR last_polled_at <= ?) "
                "AND EXISTS (SELECT 1 FROM feed_follows f WHERE f.feed_id = feeds.id) "
                f"ORDER BY last_polled_at NULLS FIRST, id LIMIT ?{self.dialect.lock_rows_skip_locked}",
                (self.dialect.time_param(now - timedelta(seconds=interval_s)), limit),
            )
            if rows:
                membership, ids = self.dialect.in_list("id", [row["id"] for row in rows])
                await tx.execute(
                    f"UPDATE feeds SET last_polled_at = ? WHERE {membership}",
                    (self.dialect.time_param(now + timedelta(seconds=hold_s)), ids),
                )
        return [self._feed(row) for row in rows]

    async def feed_followers(self, feed_id: int) -> list[FeedFollower]:
        rows = await self._fetchall(
            "SELECT guild_id, added_by FROM feed_follows WHERE feed_id = ? ORDER BY guild_id", (feed_id,)
        )
        return [FeedFollower(row["guild_id"], row["added_by"]) for row in rows]

    async def feed_polled(
        self, feed_id: int, *, error: str = "", validators: tuple[str | None, str | None] | None = None
    ) -> None:
        if validators is None:
            await self._write(
                "UPDATE feeds SET last_polled_at = ?, last_error = ? WHERE id = ?",
                (self._now(), error, feed_id),
            )
        else:
            await self._write(
                "UPDATE feeds SET last_polled_at = ?, last_error = ?, etag = ?, "
                "last_modified = ? WHERE id = ?",
                (self._now(), error, *validators, feed_id),
            )

    async def has_feed_items(self, feed_id: int) -> bool:
        return (
            await self._fetchone("SELECT 1 AS one FROM feed_items WHERE feed_id = ? LIMIT 1", (feed_id,))
            is not None
        )

    async def settled_item_keys(self, feed_id: int, keys: list[str]) -> set[str]:
        membership, values = self.dialect.in_list("item_key", keys)
        rows = await self._fetchall(
            f"SELECT item_key FROM feed_items WHERE feed_id = ? AND settled = TRUE AND {membership}",
            (feed_id, values),
        )
        return {row["item_key"] for row in rows}

    async def record_feed_item(
        self, feed_id: int, item_key: str, item_url: str, routes: Sequence[FeedRoute]
    ) -> list[int]:
        packed = await pack_briefs([route.brief for route in routes if not isinstance(route.brief, int)])
        created_at = utc_now()
        now = self.dialect.time_param(created_at)
        async with self._transaction() as tx:
            item = await tx.fetchone(
                f"INSERT INTO feed_items ({_FEED_ITEM_COLUMNS}) VALUES (?, ?, ?, TRUE, 1, '', ?) "
                "ON CONFLICT (feed_id, item_key) DO UPDATE SET "
                "settled = TRUE, attempts = feed_items.attempts + 1, error = '' RETURNING id",
                (feed_id, item_key, item_url, now),
            )
            if item is None:
                raise RuntimeError("The database returned no id for a feed item")
            inserted = await insert_briefs(tx, packed, created_at, written_names=self._written_names)
            new_ids = iter(inserted.ids)
            brief_ids = [route.brief if isinstance(route.brief, int) else next(new_ids) for route in routes]
            await tx.executemany(
                "INSERT INTO deliveries (brief_id, channel_id, feed_item_id, created_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (brief_id, channel_id) DO NOTHING",
                [
                    (brief_id, channel_id, item["id"], now)
                    for route, brief_id in zip(routes, brief_ids, strict=True)
                    for channel_id in route.channel_ids
                ],
            )
        self._written_names.remember(inserted.names)
        return brief_ids

    async def record_feed_item_failure(
        self, feed_id: int, item_key: str, item_url: str, error: str, *, give_up_after: int
    ) -> None:
        await self._write(
            f"INSERT INTO feed_items ({_FEED_ITEM_COLUMNS}) VALUES (?, ?, ?, ? <= 1, 1, ?, ?) "
            "ON CONFLICT (feed_id, item_key) DO UPDATE SET attempts = feed_items.attempts + 1, "
            "settled = feed_items.attempts + 1 >= ?, error = excluded.error",
            (feed_id, item_key, item_url, give_up_after, error, self._now(), give_up_after),
        )

    async def skip_feed_items(self, feed_id: int, items: list[tuple[str, str]], reason: str) -> None:
        now = self._now()
        async with self._transaction() as tx:
            await tx.executemany(
                f"INSERT INTO feed_items ({_FEED_ITEM_COLUMNS}) VALUES (?, ?, ?, TRUE, 0, ?, ?) "
                "ON CONFLICT (feed_id, item_key) DO NOTHING",
                [(feed_id, key, url, reason, now) for key, url in items],
            )

    # --- deliveries ---------------------------------------------------------------------------

    async def pending_deliveries(self, *, max_offers: int) -> list[PendingDelivery]:
        async with self._transaction() as tx:
            rows = await tx.fetchall(
                "SELECT d.id, b.guild_id, d.brief_id, d.channel_id, f.url AS feed_url, i.item_url "
                "FROM deliveries d JOIN feed_items i ON i.id = d.feed_item_id "
                "JOIN feeds f ON f.id = i.feed_id JOIN briefs b ON b.id = d.brief_id "
                "JOIN feed_follows w ON w.feed_id = f.id AND w.guild_id = b.guild_id "
                "WHERE d.message_id IS NULL AND d.offers < ? ORDER BY d.id",
                (max_offers,),
            )
            await tx.executemany(
                "UPDATE deliveries SET offers = offers + 1 WHERE id = ?", [(row["id"],) for row in rows]
            )
        return [
            PendingDelivery(
                row["guild_id"], row["brief_id"], row["channel_id"], row["feed_url"], row["item_url"]
            )
            for row in rows
        ]

    async def mark_delivered(self, brief_id: int, channel_id: int, message_id: int) -> bool:
        now = self._now()
        async with self._transaction() as tx:
            changed = await tx.execute(
                "INSERT INTO deliveries (brief_id, channel_id, message_id, created_at, delivered_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (brief_id, channel_id) DO UPDATE SET "
                "message_id = excluded.message_id, delivered_at = excluded.delivered_at "
                "WHERE deliveries.message_id IS NULL",
                (brief_id, channel_id, message_id, now, now),
            )
            if changed == 1:  # the same step: a delivery is never done without its message on record
                await tx.execute(RECORD_MESSAGE, (message_id, brief_id, channel_id, None, now))
        return changed == 1

    def _feed(self, row: Row) -> Feed:
        polled = row["last_polled_at"]
        return Feed(
            id=row["id"],
            url=row["url"],
            created_at=self.dialect.time_value(row["created_at"]),
            etag=row["etag"],
            last_modified=row["last_modified"],
            last_polled_at=self.dialect.time_value(polled) if polled is not None else None,
            last_error=row["last_error"],
        )

"""The PostgreSQL store of the distributed mode: the same data and answers as SqliteStore, shared by
every process of the bot (shards, workers, pollers) through a connection pool.

Every query mirrors its SQLite twin and is driven by the same indexes; search is PostgreSQL's own
full-text index (a GIN over words plus guild and privacy lexemes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from storage.base import Store
from storage.codec import (
    name_key,
    positions_of,
    prefix_upper_bound,
    restore_briefing,
    unpack_statements,
    unpack_text,
    utc_now,
    whole_word_bound,
)
from storage.indexing import guild_key, pack_briefs, search_words
from storage.postgres_migrations import migrate
from storage.postgres_writes import insert_briefs
from storage.records import (
    ActorStatement,
    BriefRow,
    Feed,
    FeedFollower,
    FeedRoute,
    HistoryPage,
    NewBrief,
    PendingDelivery,
    PostedMessage,
    StoredBrief,
    StoredQuestion,
    Subscription,
)
from summarizer.models import Answer, Briefing

POOL_SIZE = 8
TIMELINE_KEYS = 50
_BRIEF_ROW_COLUMNS = "id, title, source, source_kind, created_at, channel_id, user_id"
_FULL_BRIEF = (
    "SELECT b.id, b.guild_id, b.channel_id, b.user_id, b.created_at, b.private, b.title, b.source, "
    "b.source_kind, b.reading, a.content_hash, a.text, g.computation FROM briefs b "
    "JOIN articles a ON a.id = b.article_id JOIN briefings g ON g.id = b.briefing_id"
)
_VISIBLE_TO = "(b.private = FALSE OR b.user_id = %s)"
_FEED_COLUMNS = "id, url, created_at, etag, last_modified, last_polled_at, last_error"


class PostgresStore(Store):
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    @classmethod
    async def open(cls, dsn: str, *, pool_size: int = POOL_SIZE) -> PostgresStore:
        """Connect (the pool keeps retrying a database that is not up yet) and migrate."""
        pool = AsyncConnectionPool(
            dsn,
            min_size=1,
            max_size=pool_size,
            open=False,
            kwargs={"autocommit": True, "row_factory": dict_row},
        )
        await pool.open(wait=True, timeout=30)
        try:
            async with pool.connection() as conn:
                await migrate(conn)
        except BaseException:
            await pool.close()
            raise
        return cls(pool)

    async def close(self) -> None:
        await self._pool.close()

    async def _fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(sql, params)  # type: ignore[arg-type]  # our own constant SQL
            return await cursor.fetchall()  # type: ignore[return-value]

    async def _fetchone(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        rows = await self._fetchall(sql, params)
        return rows[0] if rows else None

    async def _write(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(sql, params)  # type: ignore[arg-type]
            return cursor.rowcount

    # --- briefs -------------------------------------------------------------------------------

    async def save_brief(self, new: NewBrief) -> StoredBrief:
        created_at = utc_now()
        (brief_id,) = await self._save([new], created_at)
        return StoredBrief(
            brief_id, new.guild_id, new.channel_id, new.user_id, created_at, new.briefing, private=new.private
        )

    async def save_briefs(self, news: Sequence[NewBrief]) -> list[int]:
        return await self._save(news, utc_now())

    async def _save(self, news: Sequence[NewBrief], created_at: Any) -> list[int]:
        packed = await pack_briefs(news)
        async with self._pool.connection() as conn, conn.transaction():
            return await insert_briefs(conn, packed, created_at)

    async def find_brief(
        self,
        guild_id: int | None,
        *,
        method: str,
        sentences: int,
        url: str | None = None,
        content_hash: str | None = None,
        viewer_id: int | None = None,
    ) -> StoredBrief | None:
        if url is not None:
            article = "(SELECT article_id FROM article_urls WHERE url = %s)"
            key = url
        elif content_hash is not None:
            article = "(SELECT id FROM articles WHERE content_hash = %s)"
            key = content_hash
        else:
            raise ValueError("find_brief needs a url or a content_hash")
        row = await self._fetchone(
            f"{_FULL_BRIEF} WHERE b.article_id = {article} AND b.guild_id = %s AND b.method = %s "
            f"AND b.sentences = %s AND {_VISIBLE_TO} ORDER BY b.id DESC LIMIT 1",
            (key, guild_key(guild_id), method, sentences, viewer_id),
        )
        return _stored_brief(row) if row else None

    async def find_briefing_elsewhere(
        self, content_hash: str, *, method: str, sentences: int
    ) -> Briefing | None:
        row = await self._fetchone(
            "SELECT a.text, g.computation FROM articles a JOIN briefings g ON g.article_id = a.id "
            "WHERE a.content_hash = %s AND g.method = %s AND g.sentences = %s ORDER BY g.id DESC LIMIT 1",
            (content_hash, method, sentences),
        )
        if row is None:
            return None
        reading = {
            "title": "",
            "byline": "",
            "date": "",
            "language": "en",
            "source_kind": "text",
            "source": "",
        }
        return restore_briefing(row["computation"], unpack_text(row["text"]), reading, content_hash)

    async def get_brief(
        self, guild_id: int | None, brief_id: int, *, viewer_id: int | None = None
    ) -> StoredBrief | None:
        row = await self._fetchone(
            f"{_FULL_BRIEF} WHERE b.id = %s AND b.guild_id = %s AND {_VISIBLE_TO}",
            (brief_id, guild_key(guild_id), viewer_id),
        )
        return _stored_brief(row) if row else None

    async def history(
        self,
        guild_id: int | None,
        *,
        limit: int,
        before: int | None = None,
        after: int | None = None,
        viewer_id: int | None = None,
    ) -> HistoryPage:
        guild = guild_key(guild_id)
        visible = "guild_id = %s AND (private = FALSE OR user_id = %s)"
        if after is not None:
            rows = await self._fetchall(
                f"SELECT {_BRIEF_ROW_COLUMNS} FROM briefs WHERE {visible} AND id > %s ORDER BY id LIMIT %s",
                (guild, viewer_id, after, limit + 1),
            )
            more_newer = len(rows) > limit
            rows = list(reversed(rows[:limit]))
        else:
            rows = await self._fetchall(
                f"SELECT {_BRIEF_ROW_COLUMNS} FROM briefs WHERE {visible} AND id < %s "
                "ORDER BY id DESC LIMIT %s",
                (guild, viewer_id, before if before is not None else 2**63 - 1, limit + 1),
            )
            more_older = len(rows) > limit
            rows = rows[:limit]
        if rows:
            newest, oldest = rows[0]["id"], rows[-1]["id"]
            has_newer = (
                more_newer
                if after is not None
                else await self._exists(visible, guild, viewer_id, ">", newest)
            )
            has_older = (
                more_older if after is None else await self._exists(visible, guild, viewer_id, "<", oldest)
            )
        else:
            has_newer = has_older = False
        total = await self._fetchone(
            "SELECT COALESCE(SUM(briefs), 0) AS n FROM brief_counts WHERE "
            "guild_id = %s AND owner_id IN (0, %s)",
            (guild, viewer_id if viewer_id is not None else 0),
        )
        return HistoryPage(
            [_brief_row(row) for row in rows], int(total["n"]) if total else 0, has_newer, has_older
        )

    async def _exists(self, visible: str, guild: int, viewer_id: int | None, op: str, brief_id: int) -> bool:
        row = await self._fetchone(
            f"SELECT 1 FROM briefs WHERE {visible} AND id {op} %s LIMIT 1", (guild, viewer_id, brief_id)
        )
        return row is not None

    async def search_briefs(
        self, guild_id: int | None, query: str, *, limit: int, viewer_id: int | None = None
    ) -> list[BriefRow]:
        guild = guild_key(guild_id)
        needle = query.strip().lstrip("#")
        if not needle:
            return (await self.history(guild_id, limit=limit, viewer_id=viewer_id)).rows
        found: list[dict[str, Any]] = []
        if needle.isdigit():
            found += await self._fetchall(
                f"SELECT {_BRIEF_ROW_COLUMNS} FROM briefs b WHERE id = %s AND "
                f"guild_id = %s AND {_VISIBLE_TO}",
                (int(needle), guild, viewer_id),
            )
        words = search_words(needle)
        if words:
            scope = f"g{guild} & (pub" + (f" | u{viewer_id})" if viewer_id else ")")
            terms = " & ".join(f"{word}:*" for word in words)
            found += await self._fetchall(
                f"SELECT {_BRIEF_ROW_COLUMNS} FROM briefs WHERE search @@ to_tsquery('simple', %s) "
                "ORDER BY id DESC LIMIT %s",
                (f"{scope} & ({terms})", limit),
            )
        rows: dict[int, dict[str, Any]] = {}
        for row in found:
            rows.setdefault(row["id"], row)
        return [_brief_row(row) for row in list(rows.values())[:limit]]

    async def latest_brief_id(
        self, guild_id: int | None, channel_id: int, *, viewer_id: int | None = None
    ) -> int | None:
        row = await self._fetchone(
            f"SELECT b.id FROM briefs b WHERE b.guild_id = %s AND b.channel_id = %s AND {_VISIBLE_TO} "
            "ORDER BY b.id DESC LIMIT 1",
            (guild_key(guild_id), channel_id, viewer_id),
        )
        return row["id"] if row else None

    # --- messages and threads -----------------------------------------------------------------

    async def record_message(
        self, brief_id: int, channel_id: int, message_id: int, thread_id: int | None
    ) -> None:
        await self._write(
            "INSERT INTO brief_messages (message_id, brief_id, channel_id, thread_id, created_at) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (message_id) DO UPDATE SET "
            "brief_id = excluded.brief_id, channel_id = excluded.channel_id, thread_id = excluded.thread_id",
            (message_id, brief_id, channel_id, thread_id, utc_now()),
        )

    async def brief_for_thread(self, thread_id: int) -> int | None:
        row = await self._fetchone(
            "SELECT brief_id FROM brief_messages WHERE thread_id = %s ORDER BY created_at DESC LIMIT 1",
            (thread_id,),
        )
        return row["brief_id"] if row else None

    async def brief_for_message(self, message_id: int) -> int | None:
        row = await self._fetchone("SELECT brief_id FROM brief_messages WHERE message_id = %s", (message_id,))
        return row["brief_id"] if row else None

    # --- actors -------------------------------------------------------------------------------

    async def actor_names(self, guild_id: int | None, prefix: str, *, limit: int) -> list[str]:
        key = name_key(prefix)
        guild = guild_key(guild_id)
        rank = "ORDER BY a.speaks > 0 DESC, a.briefs DESC, a.last_brief_id DESC LIMIT %s"
        if not key:
            rows = await self._fetchall(
                f"SELECT a.name FROM guild_actors a WHERE a.guild_id = %s {rank}", (guild, limit)
            )
        else:
            rows = await self._fetchall(
                "SELECT a.name FROM (SELECT DISTINCT t.key FROM actor_terms t "
                "WHERE t.guild_id = %s AND t.term >= %s AND t.term < %s) m "
                f"JOIN guild_actors a ON a.guild_id = %s AND a.key = m.key {rank}",
                (guild, key, prefix_upper_bound(key), guild, limit),
            )
        return [row["name"] for row in rows]

    async def actor_timeline(self, guild_id: int | None, name: str, *, limit: int) -> list[ActorStatement]:
        guild = guild_key(guild_id)
        key = name_key(name)
        keys = [key]
        brief_ids = await self._speaker_briefs(guild, keys, limit)
        if not brief_ids:
            rows = await self._fetchall(
                "SELECT DISTINCT key FROM actor_terms WHERE guild_id = %s AND term "
                ">= %s AND term < %s LIMIT %s",
                (guild, key, whole_word_bound(key), TIMELINE_KEYS),
            )
            keys = [row["key"] for row in rows]
            brief_ids = await self._speaker_briefs(guild, keys, limit)
        if not brief_ids:
            return []
        briefs = await self._fetchall(
            "SELECT b.id, b.title, b.source, b.created_at, b.channel_id, g.computation FROM briefs b "
            "JOIN briefings g ON g.id = b.briefing_id WHERE b.id = ANY(%s) ORDER BY b.id DESC",
            (brief_ids,),
        )
        messages = await self._posted_messages({row["id"]: row["channel_id"] for row in briefs})
        wanted = set(keys)
        statements: list[ActorStatement] = []
        for row in briefs:
            actors, positions = unpack_statements(row["computation"])
            statements.extend(
                ActorStatement(
                    brief_id=row["id"],
                    title=row["title"],
                    source=row["source"],
                    created_at=row["created_at"],
                    channel_id=row["channel_id"],
                    position=position,
                    message=messages.get(row["id"]),
                )
                for position in positions_of(actors, positions, wanted)
            )
        return statements[:limit]

    async def _speaker_briefs(self, guild: int, keys: list[str], limit: int) -> list[int]:
        if not keys:
            return []
        rows = await self._fetchall(
            "SELECT s.brief_id FROM unnest(%s::text[]) AS k(key) CROSS JOIN LATERAL ("
            'SELECT brief_id FROM speakers WHERE guild_id = %s AND key = k.key COLLATE "C" '
            "ORDER BY brief_id DESC LIMIT %s) s",
            (keys, guild, limit),
        )
        return sorted({row["brief_id"] for row in rows}, reverse=True)[:limit]

    async def _posted_messages(self, home_channels: dict[int, int]) -> dict[int, PostedMessage]:
        ids = list(home_channels)
        rows = await self._fetchall(
            "SELECT brief_id, channel_id, message_id, created_at AS posted_at FROM brief_messages "
            "WHERE brief_id = ANY(%s) "
            "UNION ALL SELECT brief_id, channel_id, message_id, delivered_at FROM deliveries "
            "WHERE message_id IS NOT NULL AND brief_id = ANY(%s) ORDER BY posted_at, message_id",
            (ids, ids),
        )
        found: dict[int, PostedMessage] = {}
        for row in rows:
            brief_id = row["brief_id"]
            at_home = row["channel_id"] == home_channels[brief_id]
            current = found.get(brief_id)
            if current is None or (at_home and current.channel_id != home_channels[brief_id]):
                found[brief_id] = PostedMessage(row["channel_id"], row["message_id"])
        return found

    # --- questions ----------------------------------------------------------------------------

    async def add_question(self, brief_id: int, user_id: int, answer: Answer) -> int:
        row = await self._fetchone(
            "INSERT INTO questions (brief_id, user_id, question, answer, created_at) "
            "VALUES (%s, %s, %s, %s, %s) RETURNING id",
            (brief_id, user_id, answer.question, Jsonb(asdict(answer)), utc_now()),
        )
        assert row is not None  # RETURNING always yields the row
        return int(row["id"])

    async def questions(self, brief_id: int) -> list[StoredQuestion]:
        rows = await self._fetchall(
            "SELECT id, brief_id, user_id, answer, created_at FROM questions WHERE brief_id = %s ORDER BY id",
            (brief_id,),
        )
        return [
            StoredQuestion(
                row["id"], row["brief_id"], row["user_id"], Answer(**row["answer"]), row["created_at"]
            )
            for row in rows
        ]

    # --- subscriptions ------------------------------------------------------------------------

    async def add_subscription(self, guild_id: int, channel_id: int, topic: str, user_id: int) -> bool:
        changed = await self._write(
            "INSERT INTO subscriptions (guild_id, channel_id, topic, created_by, created_at) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (guild_id, channel_id, topic, user_id, utc_now()),
        )
        return changed == 1

    async def remove_subscription(self, guild_id: int, channel_id: int, topic: str) -> bool:
        changed = await self._write(
            "DELETE FROM subscriptions WHERE guild_id = %s AND channel_id = %s AND lower(topic) = lower(%s)",
            (guild_id, channel_id, topic),
        )
        return changed > 0

    async def list_subscriptions(self, guild_id: int, channel_id: int | None = None) -> list[Subscription]:
        rows = await self._fetchall(
            "SELECT id, guild_id, channel_id, topic, created_by, created_at FROM subscriptions "
            "WHERE guild_id = %s AND (%s::bigint IS NULL OR channel_id = %s) "
            "ORDER BY channel_id, lower(topic)",
            (guild_id, channel_id, channel_id),
        )
        return [
            Subscription(
                row["id"],
                row["guild_id"],
                row["channel_id"],
                row["topic"],
                row["created_by"],
                row["created_at"],
            )
            for row in rows
        ]

    # --- feeds --------------------------------------------------------------------------------

    async def add_feed(self, guild_id: int, url: str, user_id: int) -> bool:
        now = utc_now()
        async with self._pool.connection() as conn, conn.transaction():
            cursor = await conn.execute(
                "INSERT INTO feeds (url, created_at) VALUES (%s, %s) "
                "ON CONFLICT (url) DO UPDATE SET url = excluded.url RETURNING id",
                (url, now),
            )
            feed = await cursor.fetchone()
            assert feed is not None  # RETURNING always yields the row
            cursor = await conn.execute(
                "INSERT INTO feed_follows (guild_id, feed_id, added_by, created_at) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT DO NOTHING",
                (guild_id, feed["id"], user_id, now),
            )
            return cursor.rowcount == 1

    async def remove_feed(self, guild_id: int, url: str) -> bool:
        async with self._pool.connection() as conn, conn.transaction():
            cursor = await conn.execute(
                "DELETE FROM feed_follows WHERE guild_id = %s AND feed_id = (SELECT "
                "id FROM feeds WHERE url = %s)",
                (guild_id, url),
            )
            if cursor.rowcount == 0:
                return False
            await conn.execute(
                "DELETE FROM feeds WHERE url = %s AND NOT EXISTS "
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
                "(SELECT feed_id FROM feed_follows WHERE guild_id = %s) ORDER BY id",
                (guild_id,),
            )
        return [Feed(**row) for row in rows]

    async def feed_followers(self, feed_id: int) -> list[FeedFollower]:
        rows = await self._fetchall(
            "SELECT guild_id, added_by FROM feed_follows WHERE feed_id = %s ORDER BY guild_id", (feed_id,)
        )
        return [FeedFollower(row["guild_id"], row["added_by"]) for row in rows]

    async def feed_polled(
        self, feed_id: int, *, error: str = "", validators: tuple[str | None, str | None] | None = None
    ) -> None:
        if validators is None:
            await self._write(
                "UPDATE feeds SET last_polled_at = %s, last_error = %s WHERE id = %s",
                (utc_now(), error, feed_id),
            )
        else:
            await self._write(
                "UPDATE feeds SET last_polled_at = %s, last_error = %s, etag = %s, last_modified = %s "
                "WHERE id = %s",
                (utc_now(), error, *validators, feed_id),
            )

    async def has_feed_items(self, feed_id: int) -> bool:
        return (
            await self._fetchone("SELECT 1 FROM feed_items WHERE feed_id = %s LIMIT 1", (feed_id,))
            is not None
        )

    async def settled_item_keys(self, feed_id: int, keys: list[str]) -> set[str]:
        rows = await self._fetchall(
            "SELECT item_key FROM feed_items WHERE feed_id = %s AND settled AND item_key = ANY(%s)",
            (feed_id, keys),
        )
        return {row["item_key"] for row in rows}

    async def record_feed_item(
        self, feed_id: int, item_key: str, item_url: str, routes: Sequence[FeedRoute]
    ) -> list[int]:
        packed = await pack_briefs([route.brief for route in routes if not isinstance(route.brief, int)])
        now = utc_now()
        async with self._pool.connection() as conn, conn.transaction():
            cursor = await conn.execute(
                "INSERT INTO feed_items (feed_id, item_key, item_url, settled, attempts, error, seen_at) "
                "VALUES (%s, %s, %s, TRUE, 1, '', %s) ON CONFLICT (feed_id, item_key) DO UPDATE SET "
                "settled = TRUE, attempts = feed_items.attempts + 1, error = '' RETURNING id",
                (feed_id, item_key, item_url, now),
            )
            item = await cursor.fetchone()
            assert item is not None  # RETURNING always yields the row
            new_ids = iter(await insert_briefs(conn, packed, now))
            brief_ids = [route.brief if isinstance(route.brief, int) else next(new_ids) for route in routes]
            async with conn.cursor() as deliveries:
                await deliveries.executemany(
                    "INSERT INTO deliveries (brief_id, channel_id, feed_item_id, created_at) "
                    "VALUES (%s, %s, %s, %s) ON CONFLICT (brief_id, channel_id) DO NOTHING",
                    [
                        (brief_id, channel_id, item["id"], now)
                        for route, brief_id in zip(routes, brief_ids, strict=True)
                        for channel_id in route.channel_ids
                    ],
                )
        return brief_ids

    async def record_feed_item_failure(
        self, feed_id: int, item_key: str, item_url: str, error: str, *, give_up_after: int
    ) -> None:
        await self._write(
            "INSERT INTO feed_items (feed_id, item_key, item_url, settled, attempts, error, seen_at) "
            "VALUES (%s, %s, %s, %s <= 1, 1, %s, %s) ON CONFLICT (feed_id, item_key) DO UPDATE SET "
            "attempts = feed_items.attempts + 1, settled = feed_items.attempts + "
            "1 >= %s, error = excluded.error",
            (feed_id, item_key, item_url, give_up_after, error, utc_now(), give_up_after),
        )

    async def skip_feed_items(self, feed_id: int, items: list[tuple[str, str]], reason: str) -> None:
        now = utc_now()
        async with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cursor:
            await cursor.executemany(
                "INSERT INTO feed_items (feed_id, item_key, item_url, settled, attempts, error, seen_at) "
                "VALUES (%s, %s, %s, TRUE, 0, %s, %s) ON CONFLICT (feed_id, item_key) DO NOTHING",
                [(feed_id, key, url, reason, now) for key, url in items],
            )

    # --- deliveries ---------------------------------------------------------------------------

    async def pending_deliveries(self, *, max_offers: int) -> list[PendingDelivery]:
        rows = await self._fetchall(
            "UPDATE deliveries d SET offers = d.offers + 1 FROM feed_items i, "
            "feeds f, briefs b, feed_follows w "
            "WHERE d.id IN (SELECT id FROM deliveries WHERE message_id IS NULL AND offers < %s "
            "ORDER BY id FOR UPDATE SKIP LOCKED) "
            "AND i.id = d.feed_item_id AND f.id = i.feed_id AND b.id = d.brief_id "
            "AND w.feed_id = f.id AND w.guild_id = b.guild_id "
            "RETURNING d.id, b.guild_id, d.brief_id, d.channel_id, f.url AS feed_url, i.item_url",
            (max_offers,),
        )
        rows.sort(key=lambda row: row["id"])
        return [
            PendingDelivery(
                row["guild_id"], row["brief_id"], row["channel_id"], row["feed_url"], row["item_url"]
            )
            for row in rows
        ]

    async def mark_delivered(self, brief_id: int, channel_id: int, message_id: int) -> bool:
        now = utc_now()
        changed = await self._write(
            "INSERT INTO deliveries (brief_id, channel_id, message_id, created_at, delivered_at) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (brief_id, channel_id) DO UPDATE SET "
            "message_id = excluded.message_id, delivered_at = excluded.delivered_at "
            "WHERE deliveries.message_id IS NULL",
            (brief_id, channel_id, message_id, now, now),
        )
        return changed == 1

    # --- meta ---------------------------------------------------------------------------------

    async def get_meta(self, key: str) -> str | None:
        row = await self._fetchone("SELECT value FROM meta WHERE key = %s", (key,))
        return row["value"] if row else None

    async def set_meta(self, key: str, value: str) -> None:
        await self._write(
            "INSERT INTO meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO "
            "UPDATE SET value = excluded.value",
            (key, value),
        )


def _stored_brief(row: dict[str, Any]) -> StoredBrief:
    reading = {**row["reading"], "source": row["source"], "source_kind": row["source_kind"]}
    briefing = restore_briefing(row["computation"], unpack_text(row["text"]), reading, row["content_hash"])
    return StoredBrief(
        id=row["id"],
        guild_id=row["guild_id"] or None,
        channel_id=row["channel_id"],
        user_id=row["user_id"],
        created_at=row["created_at"],
        briefing=briefing,
        private=row["private"],
    )


def _brief_row(row: dict[str, Any]) -> BriefRow:
    return BriefRow(**row)

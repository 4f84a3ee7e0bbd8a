"""The SQLite store (the default): every SQL statement of the embedded mode lives here, in
sqlite_writes.py and in migrations.py.

One aiosqlite connection in autocommit mode. Writes that touch several rows run in an explicit
`BEGIN IMMEDIATE` transaction guarded by an asyncio lock, because all coroutines share the connection
and an interleaved statement would otherwise join (or be rolled back with) someone else's transaction.
Every query is driven by an index on the predicate it filters on; none walks a guild's history.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import aiosqlite

from storage.base import Store
from storage.codec import (
    iso,
    name_key,
    parse_iso,
    positions_of,
    prefix_upper_bound,
    restore_briefing,
    to_json,
    unpack_statements,
    unpack_text,
    utc_now,
    whole_word_bound,
)
from storage.indexing import guild_key, pack_briefs, search_words
from storage.migrations import migrate
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
from storage.sqlite_writes import insert_briefs
from summarizer.models import Answer, Briefing

BUSY_TIMEOUT_MS = 5000
TIMELINE_KEYS = 50  # names a whole-word search may expand to
_BRIEF_ROW_COLUMNS = "id, title, source, source_kind, created_at, channel_id, user_id"
_FULL_BRIEF = (
    "SELECT b.id, b.guild_id, b.channel_id, b.user_id, b.created_at, b.private, b.title, b.source, "
    "b.source_kind, b.reading, a.content_hash, a.text, g.computation FROM briefs b "
    "JOIN articles a ON a.id = b.article_id JOIN briefings g ON g.id = b.briefing_id"
)
# A brief `viewer_id` may see: every public one, and their own private ones (None: public only).
_VISIBLE_TO = "(b.private = 0 OR b.user_id = ?)"
_FEED_COLUMNS = "id, url, created_at, etag, last_modified, last_polled_at, last_error"
_FEED_ITEM_COLUMNS = "feed_id, item_key, item_url, settled, attempts, error, seen_at"


class SqliteStore(Store):
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._write_lock = asyncio.Lock()
        self._saved_at = utc_now()  # when the last save committed: a saved brief's created_at

    @classmethod
    async def open(cls, path: Path | str) -> SqliteStore:
        """Open (creating folders and file as needed) and bring the schema up to date."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await _enable_wal(conn)
            await conn.execute("PRAGMA synchronous = NORMAL")  # durable enough with WAL, much faster
            await conn.execute("PRAGMA foreign_keys = OFF")  # see migrate()
            await migrate(conn)
            await conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            await conn.close()
            raise
        return cls(conn)

    async def close(self) -> None:
        await self._conn.close()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

    async def _fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return list(await self._conn.execute_fetchall(sql, tuple(params)))

    async def _fetchone(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        rows = await self._fetchall(sql, params)
        return rows[0] if rows else None

    async def _write(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One statement under the write lock; returns the number of rows changed."""
        async with self._write_lock:
            cursor = await self._conn.execute(sql, tuple(params))
            return cursor.rowcount

    # --- briefs -------------------------------------------------------------------------------

    async def save_brief(self, new: NewBrief) -> StoredBrief:
        (brief_id,) = await self.save_briefs([new])
        return StoredBrief(
            brief_id,
            new.guild_id,
            new.channel_id,
            new.user_id,
            self._saved_at,
            new.briefing,
            private=new.private,
        )

    async def save_briefs(self, news: Sequence[NewBrief]) -> list[int]:
        packed = await pack_briefs(news)
        async with self._transaction() as conn:
            self._saved_at = utc_now()
            return await insert_briefs(conn, packed, self._saved_at)

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
        article_id = await self._article_id(url=url, content_hash=content_hash)
        if article_id is None:
            return None
        row = await self._fetchone(
            f"{_FULL_BRIEF} WHERE b.article_id = ? AND b.guild_id = ? AND b.method = ? AND b.sentences = ? "
            f"AND {_VISIBLE_TO} ORDER BY b.id DESC LIMIT 1",
            (article_id, guild_key(guild_id), method, sentences, viewer_id),
        )
        return _stored_brief(row) if row else None

    async def _article_id(self, *, url: str | None, content_hash: str | None) -> int | None:
        if url is not None:
            row = await self._fetchone("SELECT article_id FROM article_urls WHERE url = ?", (url,))
        elif content_hash is not None:
            row = await self._fetchone("SELECT id FROM articles WHERE content_hash = ?", (content_hash,))
        else:
            raise ValueError("find_brief needs a url or a content_hash")
        return row[0] if row else None

    async def find_briefing_elsewhere(
        self, content_hash: str, *, method: str, sentences: int
    ) -> Briefing | None:
        row = await self._fetchone(
            "SELECT a.text, g.computation FROM articles a JOIN briefings g ON g.article_id = a.id "
            "WHERE a.content_hash = ? AND g.method = ? AND g.sentences = ? ORDER BY g.id DESC LIMIT 1",
            (content_hash, method, sentences),
        )
        if row is None:
            return None
        text = unpack_text(row["text"])
        reading = {
            "title": "",
            "byline": "",
            "date": "",
            "language": "en",
            "source_kind": "text",
            "source": "",
        }
        return restore_briefing(row["computation"], text, reading, content_hash)

    async def get_brief(
        self, guild_id: int | None, brief_id: int, *, viewer_id: int | None = None
    ) -> StoredBrief | None:
        row = await self._fetchone(
            f"{_FULL_BRIEF} WHERE b.id = ? AND b.guild_id = ? AND {_VISIBLE_TO}",
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
        visible = "guild_id = ? AND (private = 0 OR user_id = ?)"
        if after is not None:
            rows = await self._fetchall(
                f"SELECT {_BRIEF_ROW_COLUMNS} FROM briefs WHERE {visible} AND id > ? ORDER BY id LIMIT ?",
                (guild, viewer_id, after, limit + 1),
            )
            more_newer = len(rows) > limit
            rows = list(reversed(rows[:limit]))
        else:
            rows = await self._fetchall(
                f"SELECT {_BRIEF_ROW_COLUMNS} FROM briefs WHERE {visible} AND id < ? "
                "ORDER BY id DESC LIMIT ?",
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
            "SELECT COALESCE(SUM(briefs), 0) FROM brief_counts WHERE guild_id = ? AND owner_id IN (0, ?)",
            (guild, viewer_id if viewer_id is not None else 0),
        )
        return HistoryPage(
            [_brief_row(row) for row in rows], int(total[0]) if total else 0, has_newer, has_older
        )

    async def _exists(self, visible: str, guild: int, viewer_id: int | None, op: str, brief_id: int) -> bool:
        row = await self._fetchone(
            f"SELECT 1 FROM briefs WHERE {visible} AND id {op} ? LIMIT 1", (guild, viewer_id, brief_id)
        )
        return row is not None

    async def search_briefs(
        self, guild_id: int | None, query: str, *, limit: int, viewer_id: int | None = None
    ) -> list[BriefRow]:
        guild = guild_key(guild_id)
        needle = query.strip().lstrip("#")
        if not needle:
            return (await self.history(guild_id, limit=limit, viewer_id=viewer_id)).rows
        found: list[sqlite3.Row] = []
        if needle.isdigit():
            found += await self._fetchall(
                f"SELECT {_BRIEF_ROW_COLUMNS} FROM briefs b WHERE id = ? AND guild_id = ? AND {_VISIBLE_TO}",
                (int(needle), guild, viewer_id),
            )
        words = search_words(needle)
        if words:
            scope = f"scope:g{guild} AND (scope:pub" + (f" OR scope:u{viewer_id})" if viewer_id else ")")
            terms = " AND ".join(f'"{word}"*' for word in words)
            found += await self._fetchall(
                f"SELECT {_BRIEF_ROW_COLUMNS} FROM briefs WHERE id IN (SELECT rowid FROM brief_search "
                "WHERE brief_search MATCH ? ORDER BY rowid DESC LIMIT ?) ORDER BY id DESC",
                (f"{scope} AND {{title source}} : ({terms})", limit),
            )
        rows: dict[int, sqlite3.Row] = {}
        for row in found:
            rows.setdefault(row["id"], row)
        return [_brief_row(row) for row in list(rows.values())[:limit]]

    async def latest_brief_id(
        self, guild_id: int | None, channel_id: int, *, viewer_id: int | None = None
    ) -> int | None:
        row = await self._fetchone(
            f"SELECT b.id FROM briefs b WHERE b.guild_id = ? AND b.channel_id = ? AND {_VISIBLE_TO} "
            "ORDER BY b.id DESC LIMIT 1",
            (guild_key(guild_id), channel_id, viewer_id),
        )
        return row[0] if row else None

    # --- messages and threads -----------------------------------------------------------------

    async def record_message(
        self, brief_id: int, channel_id: int, message_id: int, thread_id: int | None
    ) -> None:
        await self._write(
            "INSERT INTO brief_messages (message_id, brief_id, channel_id, thread_id, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_id) DO UPDATE SET "
            "brief_id = excluded.brief_id, channel_id = excluded.channel_id, thread_id = excluded.thread_id",
            (message_id, brief_id, channel_id, thread_id, iso(utc_now())),
        )

    async def brief_for_thread(self, thread_id: int) -> int | None:
        row = await self._fetchone(
            "SELECT brief_id FROM brief_messages WHERE thread_id = ? ORDER BY created_at DESC LIMIT 1",
            (thread_id,),
        )
        return row[0] if row else None

    async def brief_for_message(self, message_id: int) -> int | None:
        row = await self._fetchone("SELECT brief_id FROM brief_messages WHERE message_id = ?", (message_id,))
        return row[0] if row else None

    # --- actors -------------------------------------------------------------------------------

    async def actor_names(self, guild_id: int | None, prefix: str, *, limit: int) -> list[str]:
        key = name_key(prefix)
        rank = "ORDER BY a.speaks > 0 DESC, a.briefs DESC, a.last_brief_id DESC LIMIT ?"
        if not key:
            rows = await self._fetchall(
                f"SELECT a.name FROM guild_actors a WHERE a.guild_id = ? {rank}", (guild_key(guild_id), limit)
            )
        else:
            # CROSS JOIN keeps SQLite's planner on the prefix range: walking the rank index instead
            # and testing every actor against the matches is fast for "j" and slow for "jonat".
            rows = await self._fetchall(
                "SELECT a.name FROM (SELECT DISTINCT t.key FROM actor_terms t "
                "WHERE t.guild_id = ? AND t.term >= ? AND t.term < ?) m "
                f"CROSS JOIN guild_actors a ON a.guild_id = ? AND a.key = m.key {rank}",
                (guild_key(guild_id), key, prefix_upper_bound(key), guild_key(guild_id), limit),
            )
        return [row["name"] for row in rows]

    async def actor_timeline(self, guild_id: int | None, name: str, *, limit: int) -> list[ActorStatement]:
        guild = guild_key(guild_id)
        key = name_key(name)
        keys = [key]
        brief_ids = await self._speaker_briefs(guild, keys, limit)
        if not brief_ids:
            # No name is exactly `name`: names that contain it as whole words ("Peskov" -> "Dmitry Peskov").
            rows = await self._fetchall(
                "SELECT DISTINCT key FROM actor_terms WHERE guild_id = ? AND term >= ? AND term < ? LIMIT ?",
                (guild, key, whole_word_bound(key), TIMELINE_KEYS),
            )
            keys = [row["key"] for row in rows]
            brief_ids = await self._speaker_briefs(guild, keys, limit)
        if not brief_ids:
            return []
        briefs = await self._fetchall(
            "SELECT b.id, b.title, b.source, b.created_at, b.channel_id, g.computation FROM briefs b "
            "JOIN briefings g ON g.id = b.briefing_id WHERE b.id IN (SELECT value FROM json_each(?)) "
            "ORDER BY b.id DESC",
            (to_json(brief_ids),),
        )
        messages = await self._posted_messages({row["id"]: row["channel_id"] for row in briefs})
        wanted = set(keys)
        statements: list[ActorStatement] = []
        for row in briefs:
            actors, positions = unpack_statements(row["computation"])
            for position in positions_of(actors, positions, wanted):
                statements.append(
                    ActorStatement(
                        brief_id=row["id"],
                        title=row["title"],
                        source=row["source"],
                        created_at=parse_iso(row["created_at"]),
                        channel_id=row["channel_id"],
                        position=position,
                        message=messages.get(row["id"]),
                    )
                )
        return statements[:limit]

    async def _speaker_briefs(self, guild: int, keys: list[str], limit: int) -> list[int]:
        """The newest `limit` public briefs where one of `keys` speaks (one index range per key)."""
        found: set[int] = set()
        for key in keys:
            rows = await self._fetchall(
                "SELECT brief_id FROM speakers WHERE guild_id = ? AND key = ? ORDER BY brief_id DESC LIMIT ?",
                (guild, key, limit),
            )
            found.update(row[0] for row in rows)
        return sorted(found, reverse=True)[:limit]

    async def _posted_messages(self, home_channels: dict[int, int]) -> dict[int, PostedMessage]:
        """For each brief id, its first message in its own channel, else its first post anywhere
        (a cross-post or a feed delivery); briefs never posted (private ones) have none."""
        ids = to_json(list(home_channels))
        rows = await self._fetchall(
            "SELECT brief_id, channel_id, message_id, created_at AS posted_at FROM brief_messages "
            "WHERE brief_id IN (SELECT value FROM json_each(?)) "
            "UNION ALL SELECT brief_id, channel_id, message_id, delivered_at FROM deliveries "
            "WHERE message_id IS NOT NULL AND brief_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY posted_at, message_id",
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
        async with self._write_lock:
            cursor = await self._conn.execute(
                "INSERT INTO questions (brief_id, user_id, question, answer, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (brief_id, user_id, answer.question, to_json(asdict(answer)), iso(utc_now())),
            )
            return _rowid(cursor)

    async def questions(self, brief_id: int) -> list[StoredQuestion]:
        rows = await self._fetchall(
            "SELECT id, brief_id, user_id, answer, created_at FROM questions WHERE brief_id = ? ORDER BY id",
            (brief_id,),
        )
        return [
            StoredQuestion(
                row["id"],
                row["brief_id"],
                row["user_id"],
                Answer(**json.loads(row["answer"])),
                parse_iso(row["created_at"]),
            )
            for row in rows
        ]

    # --- subscriptions ------------------------------------------------------------------------

    async def add_subscription(self, guild_id: int, channel_id: int, topic: str, user_id: int) -> bool:
        changed = await self._write(
            "INSERT INTO subscriptions (guild_id, channel_id, topic, created_by, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, channel_id, topic, user_id, iso(utc_now())),
        )
        return changed == 1

    async def remove_subscription(self, guild_id: int, channel_id: int, topic: str) -> bool:
        changed = await self._write(
            "DELETE FROM subscriptions WHERE guild_id = ? AND channel_id = ? AND topic = ? COLLATE NOCASE",
            (guild_id, channel_id, topic),
        )
        return changed > 0

    async def list_subscriptions(self, guild_id: int, channel_id: int | None = None) -> list[Subscription]:
        rows = await self._fetchall(
            "SELECT id, guild_id, channel_id, topic, created_by, created_at FROM subscriptions "
            "WHERE guild_id = ? AND (? IS NULL OR channel_id = ?) ORDER BY channel_id, topic COLLATE NOCASE",
            (guild_id, channel_id, channel_id),
        )
        return [
            Subscription(
                row["id"],
                row["guild_id"],
                row["channel_id"],
                row["topic"],
                row["created_by"],
                parse_iso(row["created_at"]),
            )
            for row in rows
        ]

    # --- feeds --------------------------------------------------------------------------------

    async def add_feed(self, guild_id: int, url: str, user_id: int) -> bool:
        now = iso(utc_now())
        async with self._transaction() as conn:
            rows = await conn.execute_fetchall(
                "INSERT INTO feeds (url, created_at) VALUES (?, ?) "
                "ON CONFLICT (url) DO UPDATE SET url = excluded.url RETURNING id",
                (url, now),
            )
            feed_id = next(iter(rows))[0]
            cursor = await conn.execute(
                "INSERT INTO feed_follows (guild_id, feed_id, added_by, created_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (guild_id, feed_id, user_id, now),
            )
            return cursor.rowcount == 1

    async def remove_feed(self, guild_id: int, url: str) -> bool:
        async with self._transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM feed_follows WHERE guild_id = ? "
                "AND feed_id = (SELECT id FROM feeds WHERE url = ?)",
                (guild_id, url),
            )
            if cursor.rowcount == 0:
                return False
            # Nobody follows it any more: stop polling it (its items and their bookkeeping go too).
            await conn.execute(
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
        return [_feed(row) for row in rows]

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
                (iso(utc_now()), error, feed_id),
            )
        else:
            await self._write(
                "UPDATE feeds SET last_polled_at = ?, last_error = ?, etag = ?, last_modified = ? "
                "WHERE id = ?",
                (iso(utc_now()), error, *validators, feed_id),
            )

    async def has_feed_items(self, feed_id: int) -> bool:
        return (
            await self._fetchone("SELECT 1 FROM feed_items WHERE feed_id = ? LIMIT 1", (feed_id,)) is not None
        )

    async def settled_item_keys(self, feed_id: int, keys: list[str]) -> set[str]:
        rows = await self._fetchall(
            "SELECT item_key FROM feed_items WHERE feed_id = ? AND settled = 1 "
            "AND item_key IN (SELECT value FROM json_each(?))",
            (feed_id, to_json(keys)),
        )
        return {row[0] for row in rows}

    async def record_feed_item(
        self, feed_id: int, item_key: str, item_url: str, routes: Sequence[FeedRoute]
    ) -> list[int]:
        packed = await pack_briefs([route.brief for route in routes if not isinstance(route.brief, int)])
        created_at = utc_now()
        now = iso(created_at)
        async with self._transaction() as conn:
            rows = await conn.execute_fetchall(
                f"INSERT INTO feed_items ({_FEED_ITEM_COLUMNS}) "
                "VALUES (?, ?, ?, 1, 1, '', ?) ON CONFLICT (feed_id, item_key) DO UPDATE SET "
                "settled = 1, attempts = attempts + 1, error = '' RETURNING id",
                (feed_id, item_key, item_url, now),
            )
            item_id = next(iter(rows))[0]
            new_ids = iter(await insert_briefs(conn, packed, created_at))
            brief_ids = [route.brief if isinstance(route.brief, int) else next(new_ids) for route in routes]
            await conn.executemany(
                "INSERT INTO deliveries (brief_id, channel_id, feed_item_id, created_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (brief_id, channel_id) DO NOTHING",
                [
                    (brief_id, channel_id, item_id, now)
                    for route, brief_id in zip(routes, brief_ids, strict=True)
                    for channel_id in route.channel_ids
                ],
            )
        return brief_ids

    async def record_feed_item_failure(
        self, feed_id: int, item_key: str, item_url: str, error: str, *, give_up_after: int
    ) -> None:
        await self._write(
            f"INSERT INTO feed_items ({_FEED_ITEM_COLUMNS}) "
            "VALUES (?, ?, ?, ? <= 1, 1, ?, ?) ON CONFLICT (feed_id, item_key) DO UPDATE SET "
            "attempts = attempts + 1, settled = attempts + 1 >= ?, error = excluded.error",
            (feed_id, item_key, item_url, give_up_after, error, iso(utc_now()), give_up_after),
        )

    async def skip_feed_items(self, feed_id: int, items: list[tuple[str, str]], reason: str) -> None:
        now = iso(utc_now())
        async with self._transaction() as conn:
            await conn.executemany(
                f"INSERT INTO feed_items ({_FEED_ITEM_COLUMNS}) "
                "VALUES (?, ?, ?, 1, 0, ?, ?) ON CONFLICT (feed_id, item_key) DO NOTHING",
                [(feed_id, key, url, reason, now) for key, url in items],
            )

    # --- deliveries ---------------------------------------------------------------------------

    async def pending_deliveries(self, *, max_offers: int) -> list[PendingDelivery]:
        async with self._transaction() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "SELECT d.id, b.guild_id, d.brief_id, d.channel_id, f.url AS feed_url, i.item_url "
                    "FROM deliveries d JOIN feed_items i ON i.id = d.feed_item_id "
                    "JOIN feeds f ON f.id = i.feed_id JOIN briefs b ON b.id = d.brief_id "
                    "JOIN feed_follows w ON w.feed_id = f.id AND w.guild_id = b.guild_id "
                    "WHERE d.message_id IS NULL AND d.offers < ? ORDER BY d.id",
                    (max_offers,),
                )
            )
            await conn.executemany(
                "UPDATE deliveries SET offers = offers + 1 WHERE id = ?", [(row["id"],) for row in rows]
            )
        return [
            PendingDelivery(
                row["guild_id"], row["brief_id"], row["channel_id"], row["feed_url"], row["item_url"]
            )
            for row in rows
        ]

    async def mark_delivered(self, brief_id: int, channel_id: int, message_id: int) -> bool:
        now = iso(utc_now())
        changed = await self._write(
            "INSERT INTO deliveries (brief_id, channel_id, message_id, created_at, delivered_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (brief_id, channel_id) DO UPDATE SET "
            "message_id = excluded.message_id, delivered_at = excluded.delivered_at "
            "WHERE deliveries.message_id IS NULL",
            (brief_id, channel_id, message_id, now, now),
        )
        return changed == 1

    # --- meta ---------------------------------------------------------------------------------

    async def get_meta(self, key: str) -> str | None:
        row = await self._fetchone("SELECT value FROM meta WHERE key = ?", (key,))
        return row[0] if row else None

    async def set_meta(self, key: str, value: str) -> None:
        await self._write(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


async def _enable_wal(conn: aiosqlite.Connection) -> None:
    """Switch to WAL (persistent in the file, so this only changes something on a new database).

    SQLite answers a journal-mode change with "database is locked" at once, without the busy
    handler, while another connection is setting up the same new file; so retry for a while.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.02)


def _stored_brief(row: sqlite3.Row) -> StoredBrief:
    reading = {**json.loads(row["reading"]), "source": row["source"], "source_kind": row["source_kind"]}
    briefing = restore_briefing(row["computation"], unpack_text(row["text"]), reading, row["content_hash"])
    return StoredBrief(
        id=row["id"],
        guild_id=row["guild_id"] or None,
        channel_id=row["channel_id"],
        user_id=row["user_id"],
        created_at=parse_iso(row["created_at"]),
        briefing=briefing,
        private=bool(row["private"]),
    )


def _brief_row(row: sqlite3.Row) -> BriefRow:
    return BriefRow(
        id=row["id"],
        title=row["title"],
        source=row["source"],
        source_kind=row["source_kind"],
        created_at=parse_iso(row["created_at"]),
        channel_id=row["channel_id"],
        user_id=row["user_id"],
    )


def _feed(row: sqlite3.Row) -> Feed:
    return Feed(
        id=row["id"],
        url=row["url"],
        created_at=parse_iso(row["created_at"]),
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_polled_at=parse_iso(row["last_polled_at"]) if row["last_polled_at"] else None,
        last_error=row["last_error"],
    )


def _rowid(cursor: aiosqlite.Cursor) -> int:
    rowid = cursor.lastrowid
    if rowid is None:
        raise RuntimeError("SQLite returned no rowid for an INSERT")
    return rowid

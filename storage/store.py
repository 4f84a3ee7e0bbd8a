"""The SQLite store: every SQL statement of briefbot lives here (and the schema in migrations.py).

One aiosqlite connection in autocommit mode. Writes that touch several rows run in an explicit
`BEGIN IMMEDIATE` transaction guarded by an asyncio lock, because all coroutines share the connection
and an interleaved statement would otherwise join (or be rolled back with) someone else's transaction.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from storage.migrations import migrate
from storage.records import (
    ActorStatement,
    BriefRow,
    Feed,
    PendingDelivery,
    PostedMessage,
    StoredBrief,
    StoredQuestion,
    Subscription,
)
from summarizer.models import Answer, Briefing, Position

BUSY_TIMEOUT_MS = 5000
LABEL_CHARS = 100  # listing label of a brief without a title
_BRIEF_ROW_COLUMNS = "id, title, source, source_kind, created_at, channel_id, user_id"
_BRIEF_COLUMNS = "id, guild_id, channel_id, user_id, created_at, record, private"
# A brief `viewer_id` may see: every public one, and their own private ones (None: public only).
_VISIBLE_TO = "(private = 0 OR user_id IS ?)"
_FEED_ITEM_COLUMNS = "feed_id, item_key, item_url, brief_id, settled, attempts, error, seen_at"


@dataclass(slots=True, frozen=True)
class NewBrief:
    """A computed briefing about to be stored for one guild."""

    guild_id: int | None
    channel_id: int
    user_id: int
    briefing: Briefing
    sentences: int  # the length asked for: part of the cache key with the method
    urls: tuple[str, ...] = ()  # links known to lead to this article: a /brief of one is answered at once
    private: bool = False  # seen only by `user_id`


def name_key(name: str) -> str:
    """How actor names are compared: whitespace-collapsed and casefolded (Unicode-aware)."""
    return " ".join(name.split()).casefold()


def utc_now() -> datetime:
    return datetime.now(UTC)


class Store:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        """Open (creating folders and file as needed) and bring the schema up to date."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await _enable_wal(conn)
            await conn.execute("PRAGMA synchronous = NORMAL")  # durable enough with WAL, much faster
            await conn.execute("PRAGMA foreign_keys = ON")
            await migrate(conn)
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
        async with self._transaction() as conn:
            brief_id, created_at = await _insert_brief(conn, new)
        return StoredBrief(
            brief_id, new.guild_id, new.channel_id, new.user_id, created_at, new.briefing, private=new.private
        )

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
        """The newest brief of this guild for the article behind `url` or with this `content_hash`
        that `viewer_id` may see (None: public briefs only, so a public answer never leaks a private one)."""
        if url is not None:
            article = "(SELECT article_id FROM article_urls WHERE url = ?)"
            key: str = url
        elif content_hash is not None:
            article = "(SELECT id FROM articles WHERE content_hash = ?)"
            key = content_hash
        else:
            raise ValueError("find_brief needs a url or a content_hash")
        row = await self._fetchone(
            f"SELECT {_BRIEF_COLUMNS} FROM briefs WHERE article_id = {article} AND guild_id IS ? "
            f"AND method = ? AND sentences = ? AND {_VISIBLE_TO} ORDER BY id DESC LIMIT 1",
            (key, guild_id, method, sentences, viewer_id),
        )
        return _stored_brief(row) if row else None

    async def find_briefing_elsewhere(
        self, content_hash: str, *, method: str, sentences: int
    ) -> Briefing | None:
        """A briefing of the same text computed for any guild: reusable as is, the NLP is deterministic."""
        row = await self._fetchone(
            "SELECT record FROM briefs WHERE article_id = (SELECT id FROM articles WHERE content_hash = ?) "
            "AND method = ? AND sentences = ? ORDER BY id DESC LIMIT 1",
            (content_hash, method, sentences),
        )
        return Briefing.from_record(json.loads(row["record"])) if row else None

    async def get_brief(
        self, guild_id: int | None, brief_id: int, *, viewer_id: int | None = None
    ) -> StoredBrief | None:
        row = await self._fetchone(
            f"SELECT {_BRIEF_COLUMNS} FROM briefs WHERE id = ? AND guild_id IS ? AND {_VISIBLE_TO}",
            (brief_id, guild_id, viewer_id),
        )
        return _stored_brief(row) if row else None

    async def history(
        self, guild_id: int | None, *, limit: int, offset: int, viewer_id: int | None = None
    ) -> tuple[list[BriefRow], int]:
        rows = await self._fetchall(
            f"SELECT {_BRIEF_ROW_COLUMNS} FROM briefs WHERE guild_id IS ? AND {_VISIBLE_TO} "
            "ORDER BY id DESC LIMIT ? OFFSET ?",
            (guild_id, viewer_id, limit, offset),
        )
        total = await self._fetchone(
            f"SELECT COUNT(*) FROM briefs WHERE guild_id IS ? AND {_VISIBLE_TO}", (guild_id, viewer_id)
        )
        return [_brief_row(row) for row in rows], int(total[0]) if total else 0

    async def search_briefs(
        self, guild_id: int | None, query: str, *, limit: int, viewer_id: int | None = None
    ) -> list[BriefRow]:
        """Recent briefs whose title or source contains `query`, or whose id starts with it."""
        needle = query.strip().lstrip("#")
        pattern = f"%{_escape_like(needle)}%"
        rows = await self._fetchall(
            f"SELECT {_BRIEF_ROW_COLUMNS} FROM briefs WHERE guild_id IS ? AND {_VISIBLE_TO} AND "
            r"(title LIKE ? ESCAPE '\' OR source LIKE ? ESCAPE '\' OR CAST(id AS TEXT) LIKE ? ESCAPE '\') "
            "ORDER BY id DESC LIMIT ?",
            (guild_id, viewer_id, pattern, pattern, f"{_escape_like(needle)}%", limit),
        )
        return [_brief_row(row) for row in rows]

    async def latest_brief_id(
        self, guild_id: int | None, channel_id: int, *, viewer_id: int | None = None
    ) -> int | None:
        row = await self._fetchone(
            f"SELECT MAX(id) FROM briefs WHERE guild_id IS ? AND channel_id = ? AND {_VISIBLE_TO}",
            (guild_id, channel_id, viewer_id),
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
            (message_id, brief_id, channel_id, thread_id, _iso(utc_now())),
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
        """Canonical names whose name or alias, or a word of it, starts with `prefix`.

        Actors recorded as saying something come first, then those seen in more briefs. Private
        briefs are left out, for their owner too: /actor answers in public.
        """
        key = _escape_like(name_key(prefix))
        rows = await self._fetchall(
            "SELECT a.name, COUNT(DISTINCT a.brief_id) AS briefs, "
            "MAX(EXISTS (SELECT 1 FROM positions p WHERE p.actor_id = a.id)) AS speaks "
            "FROM actors a JOIN briefs b ON b.id = a.brief_id "
            "WHERE b.guild_id IS ? AND b.private = 0 AND a.id IN (SELECT actor_id FROM actor_names "
            r"WHERE key LIKE ? ESCAPE '\' OR key LIKE ? ESCAPE '\') "
            "GROUP BY a.key ORDER BY speaks DESC, briefs DESC, MAX(a.brief_id) DESC LIMIT ?",
            (guild_id, f"{key}%", f"% {key}%", limit),
        )
        return [row["name"] for row in rows]

    async def actor_timeline(self, guild_id: int | None, name: str, *, limit: int) -> list[ActorStatement]:
        """Positions of the actor called `name` (canonical or alias), newest brief first.

        When no name or alias is exactly `name`, names containing it as whole words are used instead,
        so "Peskov" finds "Dmitry Peskov" in articles that always give the full name. Like
        `actor_names`, only public briefs count.
        """
        key = name_key(name)
        exact = "p.actor_key = ? OR p.actor_id IN (SELECT actor_id FROM actor_names WHERE key = ?)"
        rows = await self._positions(guild_id, exact, (key, key), limit)
        if not rows:
            words = f"% {_escape_like(key)} %"
            contains = (
                r"' ' || p.actor_key || ' ' LIKE ? ESCAPE '\' OR p.actor_id IN "
                r"(SELECT actor_id FROM actor_names WHERE ' ' || key || ' ' LIKE ? ESCAPE '\')"
            )
            rows = await self._positions(guild_id, contains, (words, words), limit)
        messages = await self._posted_messages({row["brief_id"]: row["channel_id"] for row in rows})
        return [
            ActorStatement(
                brief_id=row["brief_id"],
                title=row["title"],
                source=row["source"],
                created_at=_dt(row["created_at"]),
                channel_id=row["channel_id"],
                position=Position(
                    actor=row["actor"],
                    text=row["text"],
                    kind=row["kind"],
                    cue=row["cue"],
                    sentence=row["sentence"],
                ),
                message=messages.get(row["brief_id"]),
            )
            for row in rows
        ]

    async def _posted_messages(self, home_channels: dict[int, int]) -> dict[int, PostedMessage]:
        """For each brief id, its first message in its own channel, else its first post anywhere
        (a cross-post or a feed delivery); briefs never posted (private ones) have none."""
        rows = await self._fetchall(
            "SELECT brief_id, channel_id, message_id, created_at AS posted_at FROM brief_messages "
            "WHERE brief_id IN (SELECT value FROM json_each(?)) "
            "UNION ALL SELECT brief_id, channel_id, message_id, delivered_at FROM deliveries "
            "WHERE message_id IS NOT NULL AND brief_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY posted_at, message_id",
            (_json(list(home_channels)), _json(list(home_channels))),
        )
        found: dict[int, PostedMessage] = {}
        for row in rows:
            brief_id = row["brief_id"]
            at_home = row["channel_id"] == home_channels[brief_id]
            current = found.get(brief_id)
            if current is None or (at_home and current.channel_id != home_channels[brief_id]):
                found[brief_id] = PostedMessage(row["channel_id"], row["message_id"])
        return found

    async def _positions(
        self, guild_id: int | None, actor_matches: str, params: tuple[str, ...], limit: int
    ) -> list[sqlite3.Row]:
        return await self._fetchall(
            "SELECT b.id AS brief_id, b.title, b.source, b.created_at, b.channel_id, "
            "p.actor, p.text, p.kind, p.cue, p.sentence "
            "FROM positions p JOIN briefs b ON b.id = p.brief_id "
            f"WHERE b.guild_id IS ? AND b.private = 0 AND ({actor_matches}) "
            "ORDER BY b.id DESC, p.sentence, p.id LIMIT ?",
            (guild_id, *params, limit),
        )

    # --- questions ----------------------------------------------------------------------------

    async def add_question(self, brief_id: int, user_id: int, answer: Answer) -> int:
        async with self._write_lock:
            cursor = await self._conn.execute(
                "INSERT INTO questions (brief_id, user_id, question, answer, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (brief_id, user_id, answer.question, _json(asdict(answer)), _iso(utc_now())),
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
                _dt(row["created_at"]),
            )
            for row in rows
        ]

    # --- subscriptions ------------------------------------------------------------------------

    async def add_subscription(self, guild_id: int, channel_id: int, topic: str, user_id: int) -> bool:
        changed = await self._write(
            "INSERT INTO subscriptions (guild_id, channel_id, topic, created_by, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, channel_id, topic, user_id, _iso(utc_now())),
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
                _dt(row["created_at"]),
            )
            for row in rows
        ]

    # --- feeds --------------------------------------------------------------------------------

    async def add_feed(self, guild_id: int, url: str, user_id: int) -> bool:
        changed = await self._write(
            "INSERT INTO feeds (guild_id, url, added_by, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (guild_id, url, user_id, _iso(utc_now())),
        )
        return changed == 1

    async def remove_feed(self, guild_id: int, url: str) -> bool:
        return await self._write("DELETE FROM feeds WHERE guild_id = ? AND url = ?", (guild_id, url)) > 0

    async def list_feeds(self, guild_id: int | None = None) -> list[Feed]:
        """The feeds of one guild, or of every guild when `guild_id` is None (the poller)."""
        rows = await self._fetchall(
            "SELECT * FROM feeds WHERE ? IS NULL OR guild_id = ? ORDER BY id", (guild_id, guild_id)
        )
        return [
            Feed(
                id=row["id"],
                guild_id=row["guild_id"],
                url=row["url"],
                added_by=row["added_by"],
                created_at=_dt(row["created_at"]),
                etag=row["etag"],
                last_modified=row["last_modified"],
                last_polled_at=_dt(row["last_polled_at"]) if row["last_polled_at"] else None,
                last_error=row["last_error"],
            )
            for row in rows
        ]

    async def feed_polled(
        self, feed_id: int, *, error: str = "", validators: tuple[str | None, str | None] | None = None
    ) -> None:
        """Record a poll; pass `validators` (ETag, Last-Modified) once every item it listed is settled."""
        if validators is None:
            await self._write(
                "UPDATE feeds SET last_polled_at = ?, last_error = ? WHERE id = ?",
                (_iso(utc_now()), error, feed_id),
            )
        else:
            await self._write(
                "UPDATE feeds SET last_polled_at = ?, last_error = ?, etag = ?, last_modified = ? "
                "WHERE id = ?",
                (_iso(utc_now()), error, *validators, feed_id),
            )

    async def has_feed_items(self, feed_id: int) -> bool:
        return (
            await self._fetchone("SELECT 1 FROM feed_items WHERE feed_id = ? LIMIT 1", (feed_id,)) is not None
        )

    async def settled_item_keys(self, feed_id: int, keys: list[str]) -> set[str]:
        rows = await self._fetchall(
            "SELECT item_key FROM feed_items, json_each(?) AS wanted "
            "WHERE feed_id = ? AND item_key = wanted.value AND settled = 1",
            (_json(keys), feed_id),
        )
        return {row[0] for row in rows}

    async def record_feed_item(
        self, feed_id: int, item_key: str, item_url: str, brief: NewBrief | int, channel_ids: list[int]
    ) -> int:
        """Settle an item as briefed (a new brief, or an existing one's id) and queue it for `channel_ids`.

        One transaction: after a crash either nothing is recorded (the item is briefed again) or the
        item is settled and its undelivered channels are offered by the next poll.
        """
        async with self._transaction() as conn:
            brief_id = brief if isinstance(brief, int) else (await _insert_brief(conn, brief))[0]
            now = _iso(utc_now())
            rows = await conn.execute_fetchall(
                f"INSERT INTO feed_items ({_FEED_ITEM_COLUMNS}) "
                "VALUES (?, ?, ?, ?, 1, 1, '', ?) ON CONFLICT (feed_id, item_key) DO UPDATE SET "
                "brief_id = excluded.brief_id, settled = 1, attempts = attempts + 1, error = '' "
                "RETURNING id",
                (feed_id, item_key, item_url, brief_id, now),
            )
            item_id = next(iter(rows))[0]
            await conn.executemany(
                "INSERT INTO deliveries (brief_id, channel_id, feed_item_id, created_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (brief_id, channel_id) DO NOTHING",
                [(brief_id, channel_id, item_id, now) for channel_id in channel_ids],
            )
        return brief_id

    async def record_feed_item_failure(
        self, feed_id: int, item_key: str, item_url: str, error: str, *, give_up_after: int
    ) -> None:
        """Count a failed attempt; the item settles (is never tried again) after `give_up_after` attempts."""
        await self._write(
            f"INSERT INTO feed_items ({_FEED_ITEM_COLUMNS}) "
            "VALUES (?, ?, ?, NULL, ? <= 1, 1, ?, ?) ON CONFLICT (feed_id, item_key) DO UPDATE SET "
            "attempts = attempts + 1, settled = attempts + 1 >= ?, error = excluded.error",
            (feed_id, item_key, item_url, give_up_after, error, _iso(utc_now()), give_up_after),
        )

    async def skip_feed_items(self, feed_id: int, items: list[tuple[str, str]], reason: str) -> None:
        """Settle (key, url) items without briefing them: the backlog present when a feed is added."""
        now = _iso(utc_now())
        async with self._transaction() as conn:
            await conn.executemany(
                f"INSERT INTO feed_items ({_FEED_ITEM_COLUMNS}) "
                "VALUES (?, ?, ?, NULL, 1, 0, ?, ?) ON CONFLICT (feed_id, item_key) DO NOTHING",
                [(feed_id, key, url, reason, now) for key, url in items],
            )

    # --- deliveries ---------------------------------------------------------------------------

    async def pending_deliveries(self, *, max_offers: int) -> list[PendingDelivery]:
        """Feed briefs not yet posted to a channel, each offered at most `max_offers` times.

        The cap keeps a channel the bot can no longer post to from being retried forever.
        """
        async with self._transaction() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "SELECT d.id, f.guild_id, d.brief_id, d.channel_id, f.url AS feed_url, i.item_url "
                    "FROM deliveries d JOIN feed_items i ON i.id = d.feed_item_id "
                    "JOIN feeds f ON f.id = i.feed_id "
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
        """False when this brief was already delivered to this channel."""
        now = _iso(utc_now())
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


async def _insert_brief(conn: aiosqlite.Connection, new: NewBrief) -> tuple[int, datetime]:
    """Insert the article (once), the brief, its actors and positions; call inside a transaction."""
    briefing = new.briefing
    article = briefing.article
    created_at = utc_now()
    now = _iso(created_at)
    content_hash = article.content_hash or hashlib.sha256(article.text.encode()).hexdigest()
    rows = await conn.execute_fetchall(
        "INSERT INTO articles (content_hash, created_at) VALUES (?, ?) "
        "ON CONFLICT (content_hash) DO UPDATE SET content_hash = content_hash RETURNING id",
        (content_hash, now),
    )
    article_id = next(iter(rows))[0]
    urls = {url for url in new.urls if url}
    await conn.executemany(
        "INSERT INTO article_urls (url, article_id) VALUES (?, ?) "
        "ON CONFLICT (url) DO UPDATE SET article_id = excluded.article_id",
        [(url, article_id) for url in sorted(urls)],
    )
    cursor = await conn.execute(
        "INSERT INTO briefs (guild_id, channel_id, user_id, article_id, method, sentences, title, source, "
        "source_kind, record, created_at, private) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new.guild_id,
            new.channel_id,
            new.user_id,
            article_id,
            briefing.summary.method,
            new.sentences,
            _label(briefing),
            article.source,
            article.source_kind,
            _json(briefing.to_record()),
            now,
            int(new.private),
        ),
    )
    brief_id = _rowid(cursor)
    actor_ids: dict[str, int] = {}
    for actor in briefing.actors:
        cursor = await conn.execute(
            "INSERT INTO actors (brief_id, name, key, kind, role, aliases, mentions, salience) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                brief_id,
                actor.name,
                name_key(actor.name),
                actor.kind,
                actor.role,
                _json(actor.aliases),
                actor.mentions,
                actor.salience,
            ),
        )
        actor_id = _rowid(cursor)
        keys = {name_key(actor.name), *(name_key(alias) for alias in actor.aliases)} - {""}
        await conn.executemany(
            "INSERT INTO actor_names (actor_id, key) VALUES (?, ?)", [(actor_id, key) for key in sorted(keys)]
        )
        for key in keys:
            actor_ids.setdefault(key, actor_id)
    await conn.executemany(
        "INSERT INTO positions (brief_id, actor_id, actor, actor_key, text, kind, cue, sentence) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                brief_id,
                actor_ids.get(name_key(p.actor)),
                p.actor,
                name_key(p.actor),
                p.text,
                p.kind,
                p.cue,
                p.sentence,
            )
            for p in briefing.positions
        ],
    )
    return brief_id, created_at


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


def _label(briefing: Briefing) -> str:
    """What listings show and search: the title, else the article's opening words (pasted text)."""
    if briefing.article.title:
        return briefing.article.title
    opening = " ".join(briefing.article.text.split())
    if len(opening) <= LABEL_CHARS:
        return opening
    return opening[:LABEL_CHARS].rsplit(" ", 1)[0] + "…"


def _stored_brief(row: sqlite3.Row) -> StoredBrief:
    return StoredBrief(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        user_id=row["user_id"],
        created_at=_dt(row["created_at"]),
        briefing=Briefing.from_record(json.loads(row["record"])),
        private=bool(row["private"]),
    )


def _brief_row(row: sqlite3.Row) -> BriefRow:
    return BriefRow(
        id=row["id"],
        title=row["title"],
        source=row["source"],
        source_kind=row["source_kind"],
        created_at=_dt(row["created_at"]),
        channel_id=row["channel_id"],
        user_id=row["user_id"],
    )


def _rowid(cursor: aiosqlite.Cursor) -> int:
    rowid = cursor.lastrowid
    if rowid is None:
        raise RuntimeError("SQLite returned no rowid for an INSERT")
    return rowid


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

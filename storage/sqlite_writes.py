"""Writing briefs into SQLite: the article once, the computation once, the brief and its indexes.

Batch-first: a batch of briefs costs one statement per table, not one per brief, so a save is a
handful of round trips to the connection's thread whatever its size. Shared by the store (every
save, a single brief being a batch of one) and the v2 -> v3 migration (which re-saves old briefs
with their ids and titles). Call inside a `BEGIN IMMEDIATE` transaction: ids are handed out from
MAX(id), which only the one writer SQLite allows can read and use safely.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from storage.codec import READING_KEYS, iso, reading_of, to_json
from storage.indexing import PackedBrief, actor_index_rows, guild_key, search_scope
from summarizer.models import Briefing


async def insert_briefs(
    conn: aiosqlite.Connection,
    batch: Sequence[PackedBrief],
    created_at: datetime,
    *,
    ids: Sequence[int] | None = None,
) -> list[int]:
    """Insert packed briefs with everything they need; returns their ids (given `ids`, those)."""
    if not batch:
        return []
    now = iso(created_at)
    article_ids = await _article_ids(conn, batch, now)
    await conn.executemany(
        "INSERT INTO article_urls (url, article_id) VALUES (?, ?) "
        "ON CONFLICT (url) DO UPDATE SET article_id = excluded.article_id",
        [
            (url, article_ids[item.new.briefing.article.content_hash])
            for item in batch
            for url in sorted({url for url in item.new.urls if url})
        ],
    )
    briefing_ids = await _briefing_ids(conn, batch, article_ids, now)
    brief_ids = list(ids) if ids is not None else await _next_ids(conn, "briefs", len(batch))
    rows, search_rows, counts = [], [], Counter[tuple[int, int]]()
    for item, brief_id, briefing_id in zip(batch, brief_ids, briefing_ids, strict=True):
        new = item.new
        article = new.briefing.article
        guild = guild_key(new.guild_id)
        reading = reading_of(article)
        rows.append(
            (
                brief_id,
                guild,
                int(new.private),
                new.user_id,
                new.channel_id,
                article_ids[article.content_hash],
                briefing_id,
                new.briefing.summary.method,
                new.sentences,
                now,
                item.title,
                article.source,
                article.source_kind,
                to_json({key: reading[key] for key in READING_KEYS}),
            )
        )
        search_rows.append(
            (brief_id, item.title, article.source, search_scope(guild, new.private, new.user_id))
        )
        counts[guild, new.user_id if new.private else 0] += 1
    await conn.executemany(
        "INSERT INTO briefs (id, guild_id, private, user_id, channel_id, article_id, briefing_id, method, "
        "sentences, created_at, title, source, source_kind, reading) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    await conn.executemany(
        "INSERT INTO brief_search (rowid, title, source, scope) VALUES (?, ?, ?, ?)", search_rows
    )
    await conn.executemany(
        "INSERT INTO brief_counts (guild_id, owner_id, briefs) VALUES (?, ?, ?) "
        "ON CONFLICT (guild_id, owner_id) DO UPDATE SET briefs = briefs + excluded.briefs",
        [(guild, owner, n) for (guild, owner), n in counts.items()],
    )
    await _index_actors(
        conn,
        [
            (guild_key(i.new.guild_id), b, i.new.briefing)
            for i, b in zip(batch, brief_ids, strict=True)
            if not i.new.private
        ],
    )
    return brief_ids


async def _next_ids(conn: aiosqlite.Connection, table: str, count: int) -> list[int]:
    async with conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}") as cursor:
        row = await cursor.fetchone()
    start = int(row[0]) + 1 if row else 1
    return list(range(start, start + count))


async def _article_ids(conn: aiosqlite.Connection, batch: Sequence[PackedBrief], now: str) -> dict[str, int]:
    """content hash -> article id, inserting the texts not stored yet (and filling rows from before
    v3, which kept no text)."""
    texts = {item.new.briefing.article.content_hash: item.text for item in batch}
    await conn.executemany(
        "INSERT INTO articles (content_hash, created_at, text) VALUES (?, ?, ?) "
        "ON CONFLICT (content_hash) DO UPDATE SET text = excluded.text WHERE articles.text IS NULL",
        [(content_hash, now, text) for content_hash, text in texts.items()],
    )
    rows = await conn.execute_fetchall(
        "SELECT content_hash, id FROM articles WHERE content_hash IN (SELECT value FROM json_each(?))",
        (to_json(list(texts)),),
    )
    return {content_hash: article_id for content_hash, article_id in rows}


async def _briefing_ids(
    conn: aiosqlite.Connection, batch: Sequence[PackedBrief], article_ids: dict[str, int], now: str
) -> list[int]:
    """Per brief, the newest identical computation of its article (a cache hit from another guild, or
    a recomputation that came out the same), else a new row."""
    keys = [
        (
            article_ids[item.new.briefing.article.content_hash],
            item.new.briefing.summary.method,
            item.new.sentences,
        )
        for item in batch
    ]
    rows = await conn.execute_fetchall(
        "SELECT article_id, method, sentences, id, computation FROM briefings "
        "WHERE article_id IN (SELECT value FROM json_each(?)) ORDER BY id",
        (to_json(sorted({key[0] for key in keys})),),
    )
    newest: dict[tuple[int, str, int], tuple[int, bytes]] = {
        (article_id, method, sentences): (briefing_id, bytes(computation))
        for article_id, method, sentences, briefing_id, computation in rows
    }
    fresh = await _next_ids(conn, "briefings", len(batch))
    inserts, ids = [], []
    for key, item in zip(keys, batch, strict=True):
        known = newest.get(key)
        if known is not None and known[1] == item.computation:
            ids.append(known[0])
            continue
        briefing_id = fresh[len(inserts)]
        inserts.append((briefing_id, *key, item.computation, now))
        newest[key] = (briefing_id, item.computation)
        ids.append(briefing_id)
    await conn.executemany(
        "INSERT INTO briefings (id, article_id, method, sentences, computation, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        inserts,
    )
    return ids


async def _index_actors(conn: aiosqlite.Connection, public: list[tuple[int, int, Briefing]]) -> None:
    """Autocomplete and timeline rows of public briefs."""
    rows = actor_index_rows(public)
    await conn.executemany(
        "INSERT INTO guild_actors (guild_id, key, name, briefs, speaks, last_brief_id) "
        "VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (guild_id, key) DO UPDATE SET name = excluded.name, "
        "briefs = briefs + 1, speaks = speaks + excluded.speaks, "
        "last_brief_id = MAX(last_brief_id, excluded.last_brief_id)",
        rows.actors,
    )
    await conn.executemany(
        "INSERT OR IGNORE INTO actor_terms (guild_id, term, key) VALUES (?, ?, ?)", rows.terms
    )
    await conn.executemany(
        "INSERT OR IGNORE INTO speakers (guild_id, key, brief_id) VALUES (?, ?, ?)", rows.speakers
    )

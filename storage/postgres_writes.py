"""Writing briefs into PostgreSQL: the same rows as sqlite_writes.py, for many writers at once.
The store's connections return rows as dicts.

Processes write concurrently here (bot shards, workers, pollers), so ids come from the sequences
(`nextval` over a series: a block of ids in one round trip) and upserts touch rows in sorted order
(no deadlocks between two batches). psycopg pipelines `executemany`, so a batch is a few round trips.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from storage.codec import READING_KEYS, reading_of
from storage.indexing import PackedBrief, actor_index_rows, guild_key, search_scope, search_words


def search_document(title: str, source: str, scope: str) -> str:
    """What `to_tsvector('simple', …)` indexes: the words as both stores tokenise them, and the scope."""
    return " ".join([*search_words(f"{title} {source}"), scope])


async def insert_briefs(
    conn: AsyncConnection, batch: Sequence[PackedBrief], created_at: datetime
) -> list[int]:
    """Insert packed briefs with everything they need, inside the caller's transaction; returns ids."""
    if not batch:
        return []
    article_ids = await _article_ids(conn, batch, created_at)
    async with conn.cursor() as cursor:
        await cursor.executemany(
            "INSERT INTO article_urls (url, article_id) VALUES (%s, %s) "
            "ON CONFLICT (url) DO UPDATE SET article_id = excluded.article_id",
            sorted(
                {
                    (url, article_ids[item.new.briefing.article.content_hash])
                    for item in batch
                    for url in item.new.urls
                    if url
                }
            ),
        )
    briefing_ids = await _briefing_ids(conn, batch, article_ids, created_at)
    brief_ids = await _next_ids(conn, "briefs", len(batch))
    rows, counts = [], Counter[tuple[int, int]]()
    for item, brief_id, briefing_id in zip(batch, brief_ids, briefing_ids, strict=True):
        new = item.new
        article = new.briefing.article
        guild = guild_key(new.guild_id)
        reading = reading_of(article)
        rows.append(
            (
                brief_id,
                guild,
                new.private,
                new.user_id,
                new.channel_id,
                article_ids[article.content_hash],
                briefing_id,
                new.briefing.summary.method,
                new.sentences,
                created_at,
                item.title,
                article.source,
                article.source_kind,
                Jsonb({key: reading[key] for key in READING_KEYS}),
                search_document(item.title, article.source, search_scope(guild, new.private, new.user_id)),
            )
        )
        counts[guild, new.user_id if new.private else 0] += 1
    public = [
        (guild_key(item.new.guild_id), brief_id, item.new.briefing)
        for item, brief_id in zip(batch, brief_ids, strict=True)
        if not item.new.private
    ]
    index = actor_index_rows(public)
    async with conn.cursor() as cursor:
        await cursor.executemany(
            "INSERT INTO briefs (id, guild_id, private, user_id, channel_id, "
            "article_id, briefing_id, method, "
            "sentences, created_at, title, source, source_kind, reading, search) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, to_tsvector('simple', %s))",
            rows,
        )
        await cursor.executemany(
            "INSERT INTO brief_counts (guild_id, owner_id, briefs) VALUES (%s, %s, %s) "
            "ON CONFLICT (guild_id, owner_id) DO UPDATE SET briefs = brief_counts.briefs + excluded.briefs",
            sorted((guild, owner, n) for (guild, owner), n in counts.items()),
        )
        await cursor.executemany(
            "INSERT INTO guild_actors (guild_id, key, name, briefs, speaks, last_brief_id) "
            "VALUES (%s, %s, %s, 1, %s, %s) ON CONFLICT (guild_id, key) DO UPDATE SET name = excluded.name, "
            "briefs = guild_actors.briefs + 1, speaks = guild_actors.speaks + excluded.speaks, "
            "last_brief_id = GREATEST(guild_actors.last_brief_id, excluded.last_brief_id)",
            index.actors,
        )
        await cursor.executemany(
            "INSERT INTO actor_terms (guild_id, term, key) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
            index.terms,
        )
        await cursor.executemany(
            "INSERT INTO speakers (guild_id, key, brief_id) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
            index.speakers,
        )
    return brief_ids


async def _next_ids(conn: AsyncConnection, table: str, count: int) -> list[int]:
    cursor = await conn.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", (table, count)
    )
    return [row["nextval"] for row in await cursor.fetchall()]  # type: ignore[call-overload]


async def _article_ids(
    conn: AsyncConnection, batch: Sequence[PackedBrief], created_at: datetime
) -> dict[str, int]:
    texts = {item.new.briefing.article.content_hash: item.text for item in batch}
    async with conn.cursor() as cursor:
        await cursor.executemany(
            "INSERT INTO articles (content_hash, created_at, text) VALUES (%s, %s, %s) "
            "ON CONFLICT (content_hash) DO NOTHING",
            [(content_hash, created_at, text) for content_hash, text in sorted(texts.items())],
        )
    cursor = await conn.execute(
        "SELECT content_hash, id FROM articles WHERE content_hash = ANY(%s)", (list(texts),)
    )
    return {row["content_hash"]: row["id"] for row in await cursor.fetchall()}  # type: ignore[call-overload]


async def _briefing_ids(
    conn: AsyncConnection, batch: Sequence[PackedBrief], article_ids: dict[str, int], created_at: datetime
) -> list[int]:
    """Per brief, the newest identical computation of its article, else a new row (see sqlite_writes)."""
    keys = [
        (
            article_ids[item.new.briefing.article.content_hash],
            item.new.briefing.summary.method,
            item.new.sentences,
        )
        for item in batch
    ]
    cursor = await conn.execute(
        "SELECT article_id, method, sentences, id, computation FROM briefings "
        "WHERE article_id = ANY(%s) ORDER BY id",
        (sorted({key[0] for key in keys}),),
    )
    newest = {
        (row["article_id"], row["method"], row["sentences"]): (row["id"], bytes(row["computation"]))
        for row in await cursor.fetchall()  # type: ignore[call-overload]
    }
    fresh = await _next_ids(conn, "briefings", len(batch))
    inserts, ids = [], []
    for key, item in zip(keys, batch, strict=True):
        known = newest.get(key)
        if known is not None and known[1] == item.computation:
            ids.append(known[0])
            continue
        briefing_id = fresh[len(inserts)]
        inserts.append((briefing_id, *key, item.computation, created_at))
        newest[key] = (briefing_id, item.computation)
        ids.append(briefing_id)
    async with conn.cursor() as cursor:
        await cursor.executemany(
            "INSERT INTO briefings (id, article_id, method, sentences, computation, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            inserts,
        )
    return ids

"""Writing briefs: the article once, the computation once, the brief and its indexes, in either store.

Batch-first: a batch costs one statement per table, not one per brief, so a save is a handful of
round trips whatever its size. Used for every save (a single brief is a batch of one) and by the
SQLite v2 -> v3 migration (which re-saves old briefs with their ids and titles). Call inside a
transaction. Upserts touch rows in sorted order, so concurrent writers (PostgreSQL) never deadlock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.codec import READING_KEYS, reading_of
from storage.indexing import PackedBrief, actor_index_rows, guild_key, search_scope, term_rows
from storage.sql import Tx

BRIEF_COLUMNS = (
    "id bigint",
    "guild_id bigint",
    "private boolean",
    "user_id bigint",
    "channel_id bigint",
    "article_id bigint",
    "briefing_id bigint",
    "method text",
    "sentences integer",
    "created_at timestamptz",
    "title text",
    "source text",
    "source_kind text",
    "reading jsonb",
)
GUILD_ACTOR_COLUMNS = (
    "guild_id bigint",
    "key text",
    "name text",
    "briefs integer",
    "speaks integer",
    "last_brief_id bigint",
)
GuildNames = dict[int, set[tuple[str, str]]]  # guild -> (a name key the actor is found under, actor key)


class WrittenNames:
    """Names whose prefix-term rows a store has committed, so the next saves skip them.

    Most briefs name actors already indexed (names are Zipf-distributed), and the upsert of their terms
    was a fifth of a save; checking a name, rather than each of its terms, also skips working the
    terms out. A name is only remembered once all its terms are committed, and terms are never
    deleted, so a name found here has its rows in the database; one evicted, or written by another
    process, is upserted again (`ON CONFLICT DO NOTHING`): the cache only ever saves work, it never
    loses a row. Kept per guild, so a batch's check is one set difference per guild; past `capacity`
    names, the guilds written to least recently are forgotten first.
    """

    def __init__(self, capacity: int = 100_000) -> None:
        self._guilds: GuildNames = {}
        self._size = 0
        self._capacity = capacity

    def __len__(self) -> int:
        return self._size

    def unwritten(self, names: GuildNames) -> GuildNames:
        unwritten = {guild: pairs - self._guilds.get(guild, set()) for guild, pairs in names.items()}
        return {guild: pairs for guild, pairs in unwritten.items() if pairs}

    def remember(self, names: GuildNames) -> None:
        """Call after the transaction that wrote `names` has committed."""
        for guild, pairs in names.items():
            known = self._guilds.pop(guild, set())  # re-inserted at the end: the newest
            self._size += len(pairs - known)
            known |= pairs
            self._guilds[guild] = known
        while self._size > self._capacity:
            oldest = next(iter(self._guilds))
            self._size -= len(self._guilds.pop(oldest))


@dataclass(slots=True, frozen=True)
class Inserted:
    ids: list[int]
    names: GuildNames  # names whose terms were written: for `WrittenNames.remember` once committed


async def insert_briefs(
    tx: Tx,
    batch: Sequence[PackedBrief],
    created_at: datetime,
    *,
    ids: Sequence[int] | None = None,
    written_names: WrittenNames | None = None,
) -> Inserted:
    """Insert packed briefs with everything they need: their ids (given `ids`, those) and the names
    whose prefix terms were written, skipping those `written_names` knows."""
    if not batch:
        return Inserted([], {})
    dialect = tx.dialect
    now = dialect.time_param(created_at)
    article_ids = await _article_ids(tx, batch, now)
    await tx.insert_rows(
        "article_urls",
        ("url text", "article_id bigint"),
        sorted(
            {
                (url, article_ids[item.new.briefing.article.content_hash])
                for item in batch
                for url in item.new.urls
                if url
            }
        ),
        "ON CONFLICT (url) DO UPDATE SET article_id = excluded.article_id",
    )
    briefing_ids = await _briefing_ids(tx, batch, article_ids, now)
    brief_ids = list(ids) if ids is not None else await dialect.next_ids(tx, "briefs", len(batch))
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
                new.private,
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
                dialect.json_param({key: reading[key] for key in READING_KEYS}),
            )
        )
        search_rows.append(
            (brief_id, item.title, article.source, search_scope(guild, new.private, new.user_id))
        )
        counts[guild, new.user_id if new.private else 0] += 1
    await tx.insert_rows("briefs", BRIEF_COLUMNS, rows)
    await dialect.index_search(tx, search_rows)
    index = actor_index_rows(
        [
            (guild_key(item.new.guild_id), brief_id, item.actors)
            for item, brief_id in zip(batch, brief_ids, strict=True)
        ]
    )
    await tx.insert_rows(
        "speakers",
        ("guild_id bigint", "key text", "brief_id bigint"),
        index.speakers,
        "ON CONFLICT DO NOTHING",
    )
    names = index.names if written_names is None else written_names.unwritten(index.names)
    await tx.insert_rows(
        "actor_terms",
        ("guild_id bigint", "term text", "key text"),
        term_rows(names),
        "ON CONFLICT DO NOTHING",
    )
    # Last: every save of a guild updates the same directory and count rows, and a concurrent save
    # (PostgreSQL) waits for those row locks until this transaction commits; taken here, it has done
    # everything else by then.
    last_brief = dialect.greatest("guild_actors.last_brief_id", "excluded.last_brief_id")
    await tx.insert_rows(
        "guild_actors",
        GUILD_ACTOR_COLUMNS,
        index.actors,
        "ON CONFLICT (guild_id, key) DO UPDATE SET name = excluded.name, "
        "briefs = guild_actors.briefs + excluded.briefs, speaks = guild_actors.speaks + excluded.speaks, "
        f"last_brief_id = {last_brief}",
    )
    await tx.insert_rows(
        "brief_counts",
        ("guild_id bigint", "owner_id bigint", "briefs bigint"),
        sorted((guild, owner, n) for (guild, owner), n in counts.items()),
        "ON CONFLICT (guild_id, owner_id) DO UPDATE SET briefs = brief_counts.briefs + excluded.briefs",
    )
    return Inserted(brief_ids, names)


async def _article_ids(tx: Tx, batch: Sequence[PackedBrief], now: object) -> dict[str, int]:
    """content hash -> article id, inserting the texts not stored yet (and filling SQLite rows from
    before v3, which kept no text)."""
    texts = {item.new.briefing.article.content_hash: item.packed.text for item in batch}
    await tx.insert_rows(
        "articles",
        ("content_hash text", "created_at timestamptz", "text bytea"),
        [(content_hash, now, text) for content_hash, text in sorted(texts.items())],
        "ON CONFLICT (content_hash) DO UPDATE SET text = excluded.text WHERE articles.text IS NULL",
    )
    membership, values = tx.dialect.in_list("content_hash", list(texts))
    rows = await tx.fetchall(f"SELECT content_hash, id FROM articles WHERE {membership}", (values,))
    return {row["content_hash"]: row["id"] for row in rows}


async def _briefing_ids(
    tx: Tx, batch: Sequence[PackedBrief], article_ids: dict[str, int], now: object
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
    membership, values = tx.dialect.in_list("article_id", sorted({key[0] for key in keys}))
    rows = await tx.fetchall(
        "SELECT article_id, method, sentences, id, computation FROM briefings "
        f"WHERE {membership} ORDER BY id",
        (values,),
    )
    newest = {
        (row["article_id"], row["method"], row["sentences"]): (row["id"], bytes(row["computation"]))
        for row in rows
    }
    fresh = await tx.dialect.next_ids(tx, "briefings", len(batch))
    inserts, ids = [], []
    for key, item in zip(keys, batch, strict=True):
        known = newest.get(key)
        if known is not None and known[1] == item.packed.computation:
            ids.append(known[0])
            continue
        briefing_id = fresh[len(inserts)]
        inserts.append((briefing_id, *key, item.packed.computation, now))
        newest[key] = (briefing_id, item.packed.computation)
        ids.append(briefing_id)
    await tx.insert_rows(
        "briefings",
        (
            "id bigint",
            "article_id bigint",
            "method text",
            "sentences integer",
            "computation bytea",
            "created_at timestamptz",
        ),
        inserts,
    )
    return ids

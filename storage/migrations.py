"""Versioned schema: `MIGRATIONS[n]` takes a database from `PRAGMA user_version` n to n + 1.

Steps are append-only: never edit a released step, add a new one. Each step runs in its own
`BEGIN IMMEDIATE` transaction together with the version bump, so a crash leaves the database at a
whole version and a second process opening the same file waits instead of migrating twice. A step is
SQL statements and, where data must be rewritten in Python (compression, JSON reshaping), a function
run in the same transaction after them. Foreign keys are off while migrating (tables are rebuilt the
way SQLite documents: create, copy, drop, rename) and checked before the version is committed.
Dates are ISO-8601 UTC text; ids of Discord objects are INTEGER (snowflakes fit in 64 bits).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiosqlite

from storage.legacy import convert_v2_briefs, merge_v2_feeds
from storage.sql import Tx

_V1 = (
    # One row per distinct article text, shared by every guild: the dedupe hub.
    """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        content_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    ) STRICT
    """,
    # The last article each URL was read as (a page can change; the newest reading wins).
    """
    CREATE TABLE article_urls (
        url TEXT PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
    ) STRICT
    """,
    # A briefing as shown in one guild; `record` is Briefing.to_record() as JSON.
    """
    CREATE TABLE briefs (
        id INTEGER PRIMARY KEY,
        guild_id INTEGER,
        channel_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        method TEXT NOT NULL CHECK (method IN ('extractive', 'abstractive')),
        sentences INTEGER NOT NULL,
        title TEXT NOT NULL,
        source TEXT NOT NULL,
        source_kind TEXT NOT NULL,
        record TEXT NOT NULL,
        created_at TEXT NOT NULL
    ) STRICT
    """,
    "CREATE INDEX briefs_by_guild ON briefs(guild_id, id)",
    "CREATE INDEX briefs_by_channel ON briefs(guild_id, channel_id, id)",
    "CREATE INDEX briefs_by_article ON briefs(article_id, guild_id, method, sentences)",
    # `key` columns hold casefolded names: Unicode-aware case-insensitive matching.
    """
    CREATE TABLE actors (
        id INTEGER PRIMARY KEY,
        brief_id INTEGER NOT NULL REFERENCES briefs(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        key TEXT NOT NULL,
        kind TEXT NOT NULL,
        role TEXT NOT NULL,
        aliases TEXT NOT NULL,
        mentions INTEGER NOT NULL,
        salience REAL NOT NULL
    ) STRICT
    """,
    "CREATE INDEX actors_by_brief ON actors(brief_id)",
    # Canonical name and every alias of an actor, so "/actor Biden" is an index lookup.
    """
    CREATE TABLE actor_names (
        actor_id INTEGER NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        PRIMARY KEY (actor_id, key)
    ) STRICT, WITHOUT ROWID
    """,
    "CREATE INDEX actor_names_by_key ON actor_names(key)",
    # actor_id is NULL when the speaker is described ("a Cabinet Office spokeswoman"), not an actor.
    """
    CREATE TABLE positions (
        id INTEGER PRIMARY KEY,
        brief_id INTEGER NOT NULL REFERENCES briefs(id) ON DELETE CASCADE,
        actor_id INTEGER REFERENCES actors(id) ON DELETE CASCADE,
        actor TEXT NOT NULL,
        actor_key TEXT NOT NULL,
        text TEXT NOT NULL,
        kind TEXT NOT NULL,
        cue TEXT NOT NULL,
        sentence INTEGER NOT NULL
    ) STRICT
    """,
    "CREATE INDEX positions_by_brief ON positions(brief_id)",
    "CREATE INDEX positions_by_actor ON positions(actor_id)",
    "CREATE INDEX positions_by_actor_key ON positions(actor_key)",
    """
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        brief_id INTEGER NOT NULL REFERENCES briefs(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        created_at TEXT NOT NULL
    ) STRICT
    """,
    "CREATE INDEX questions_by_brief ON questions(brief_id)",
    """
    CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY,
        guild_id INTEGER NOT NULL,
        channel_id INTEGER NOT NULL,
        topic TEXT NOT NULL,
        created_by INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (guild_id, channel_id, topic COLLATE NOCASE)
    ) STRICT
    """,
    """
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        guild_id INTEGER NOT NULL,
        url TEXT NOT NULL,
        added_by INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        last_polled_at TEXT,
        last_error TEXT NOT NULL DEFAULT '',
        UNIQUE (guild_id, url)
    ) STRICT
    """,
    # An item is settled once briefed, skipped, or failed for good; unsettled ones are retried.
    """
    CREATE TABLE feed_items (
        id INTEGER PRIMARY KEY,
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        item_key TEXT NOT NULL,
        item_url TEXT NOT NULL,
        brief_id INTEGER REFERENCES briefs(id) ON DELETE SET NULL,
        settled INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        error TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        UNIQUE (feed_id, item_key)
    ) STRICT
    """,
    # A (brief, channel) pair is posted at most once, ever; message_id NULL = not posted yet.
    """
    CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        brief_id INTEGER NOT NULL REFERENCES briefs(id) ON DELETE CASCADE,
        channel_id INTEGER NOT NULL,
        feed_item_id INTEGER REFERENCES feed_items(id) ON DELETE SET NULL,
        message_id INTEGER,
        offers INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        delivered_at TEXT,
        UNIQUE (brief_id, channel_id)
    ) STRICT
    """,
    "CREATE INDEX deliveries_pending ON deliveries(id) WHERE message_id IS NULL",
    """
    CREATE TABLE brief_messages (
        message_id INTEGER PRIMARY KEY,
        brief_id INTEGER NOT NULL REFERENCES briefs(id) ON DELETE CASCADE,
        channel_id INTEGER NOT NULL,
        thread_id INTEGER,
        created_at TEXT NOT NULL
    ) STRICT
    """,
    "CREATE INDEX brief_messages_by_thread ON brief_messages(thread_id) WHERE thread_id IS NOT NULL",
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT",
)

_V2 = (
    # A private brief (/brief private:true) is seen only by the user who asked for it: listings,
    # searches, timelines and the dedupe cache of everyone else leave it out.
    "ALTER TABLE briefs ADD COLUMN private INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1))",
)


_V3 = (
    # v3: history at scale (issue 12) and shared feeds. The article text is kept once per content hash,
    # compressed; a computation (`briefings`) once per article, method and length, shared by every
    # guild; a brief is a narrow per-guild row pointing at both. Guild 0 is direct messages (no NULLs:
    # plain equality uses the indexes, in SQLite and PostgreSQL alike). The old tables are renamed
    # without rewriting the references to them (legacy_alter_table), so questions, messages and
    # deliveries point at the new tables once the old ones are converted and dropped.
    "PRAGMA legacy_alter_table = ON",
    "DROP INDEX briefs_by_guild",
    "DROP INDEX briefs_by_channel",
    "DROP INDEX briefs_by_article",
    "ALTER TABLE briefs RENAME TO briefs_v2",
    "ALTER TABLE feeds RENAME TO feeds_v2",
    "ALTER TABLE feed_items RENAME TO feed_items_v2",
    "ALTER TABLE articles ADD COLUMN text BLOB",
    """
    CREATE TABLE briefings (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        method TEXT NOT NULL CHECK (method IN ('extractive', 'abstractive')),
        sentences INTEGER NOT NULL,
        computation BLOB NOT NULL,
        created_at TEXT NOT NULL
    ) STRICT
    """,
    "CREATE INDEX briefings_by_article ON briefings(article_id, method, sentences, id)",
    # `private` sits before the wide columns so reading it never follows an overflow page.
    """
    CREATE TABLE briefs (
        id INTEGER PRIMARY KEY,
        guild_id INTEGER NOT NULL,
        private INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),
        user_id INTEGER NOT NULL,
        channel_id INTEGER NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        briefing_id INTEGER NOT NULL REFERENCES briefings(id),
        method TEXT NOT NULL CHECK (method IN ('extractive', 'abstractive')),
        sentences INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        title TEXT NOT NULL,
        source TEXT NOT NULL,
        source_kind TEXT NOT NULL,
        reading TEXT NOT NULL
    ) STRICT
    """,
    "CREATE INDEX briefs_by_guild ON briefs(guild_id, id)",
    "CREATE INDEX briefs_by_channel ON briefs(guild_id, channel_id, id)",
    "CREATE INDEX briefs_by_article ON briefs(article_id, guild_id, method, sentences, id)",
    # Titles and sources for search; contentless (the text is in `briefs`), rowid = brief id. `scope`
    # holds "g<guild>" and "pub" or "u<owner>", so the guild and privacy filter is part of the match.
    "CREATE VIRTUAL TABLE brief_search USING fts5(title, source, scope, content='', columnsize=0, "
    "detail=column, tokenize='unicode61 remove_diacritics 2')",
    # Public briefs only, per guild: one row per actor (canonical name key) for autocomplete ranking,
    # one per word-suffix of each of its names for prefix search, one per (speaker name, brief) for
    # timelines. The first two grow with distinct names, not with history; `speakers` is read
    # newest-first from its key and never scanned.
    """
    CREATE TABLE guild_actors (
        guild_id INTEGER NOT NULL,
        key TEXT NOT NULL,
        name TEXT NOT NULL,
        briefs INTEGER NOT NULL,
        speaks INTEGER NOT NULL,
        last_brief_id INTEGER NOT NULL,
        PRIMARY KEY (guild_id, key)
    ) STRICT, WITHOUT ROWID
    """,
    # Autocomplete with nothing typed yet reads the top of this index instead of sorting every actor.
    "CREATE INDEX guild_actors_by_rank "
    "ON guild_actors(guild_id, speaks > 0 DESC, briefs DESC, last_brief_id DESC)",
    """
    CREATE TABLE actor_terms (
        guild_id INTEGER NOT NULL,
        term TEXT NOT NULL,
        key TEXT NOT NULL,
        PRIMARY KEY (guild_id, term, key)
    ) STRICT, WITHOUT ROWID
    """,
    """
    CREATE TABLE speakers (
        guild_id INTEGER NOT NULL,
        key TEXT NOT NULL,
        brief_id INTEGER NOT NULL,
        PRIMARY KEY (guild_id, key, brief_id)
    ) STRICT, WITHOUT ROWID
    """,
    # Listing totals without counting history: owner 0 counts public briefs, else one user's private ones.
    """
    CREATE TABLE brief_counts (
        guild_id INTEGER NOT NULL,
        owner_id INTEGER NOT NULL,
        briefs INTEGER NOT NULL,
        PRIMARY KEY (guild_id, owner_id)
    ) STRICT, WITHOUT ROWID
    """,
    # Feeds: one row per URL, polled once however many guilds follow it.
    """
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        last_polled_at TEXT,
        last_error TEXT NOT NULL DEFAULT ''
    ) STRICT
    """,
    """
    CREATE TABLE feed_follows (
        guild_id INTEGER NOT NULL,
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        added_by INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (guild_id, feed_id)
    ) STRICT
    """,
    "CREATE INDEX feed_follows_by_feed ON feed_follows(feed_id)",
    """
    CREATE TABLE feed_items (
        id INTEGER PRIMARY KEY,
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        item_key TEXT NOT NULL,
        item_url TEXT NOT NULL,
        settled INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        error TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        UNIQUE (feed_id, item_key)
    ) STRICT
    """,
    "CREATE INDEX brief_messages_by_brief ON brief_messages(brief_id)",
    "CREATE INDEX deliveries_by_item ON deliveries(feed_item_id) WHERE feed_item_id IS NOT NULL",
)

_V3_DROP = (
    "DROP TABLE positions",
    "DROP TABLE actor_names",
    "DROP TABLE actors",
    "DROP TABLE briefs_v2",
    "DROP TABLE feed_items_v2",
    "DROP TABLE feeds_v2",
    "PRAGMA legacy_alter_table = OFF",
)


_V4 = (
    # v4: stories across outlets and digests (issue 10). A story's grouping profile (sums and counts)
    # is one compact blob; `story_keys` indexes it by actor/place key, newest update first, so finding
    # candidates is an index range per key. Guild 0 is direct messages, as for briefs.
    """
    CREATE TABLE stories (
        id INTEGER PRIMARY KEY,
        guild_id INTEGER NOT NULL,
        title TEXT NOT NULL,
        size INTEGER NOT NULL,
        first_published TEXT,
        last_published TEXT,
        updated_at TEXT NOT NULL,
        profile BLOB NOT NULL
    ) STRICT
    """,
    "CREATE INDEX stories_by_update ON stories(guild_id, updated_at)",
    """
    CREATE TABLE story_keys (
        guild_id INTEGER NOT NULL,
        key TEXT NOT NULL,
        story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        count INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (guild_id, key, story_id)
    ) STRICT, WITHOUT ROWID
    """,
    "CREATE INDEX story_keys_recent ON story_keys(guild_id, key, updated_at)",
    "CREATE INDEX story_keys_by_story ON story_keys(story_id)",
    """
    CREATE TABLE story_briefs (
        brief_id INTEGER PRIMARY KEY REFERENCES briefs(id) ON DELETE CASCADE,
        story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE
    ) STRICT
    """,
    "CREATE INDEX story_briefs_by_story ON story_briefs(story_id, brief_id)",
    """
    CREATE TABLE digest_schedules (
        channel_id INTEGER PRIMARY KEY,
        guild_id INTEGER NOT NULL,
        cadence TEXT NOT NULL CHECK (cadence IN ('daily', 'weekly')),
        hour INTEGER NOT NULL,
        timezone TEXT NOT NULL,
        weekday INTEGER NOT NULL,
        created_by INTEGER NOT NULL
    ) STRICT
    """,
    "CREATE INDEX digest_schedules_by_guild ON digest_schedules(guild_id)",
    # One row per channel and period (e.g. "daily:2026-11-30"): the claim that makes a digest post once.
    """
    CREATE TABLE digest_posts (
        channel_id INTEGER NOT NULL,
        period TEXT NOT NULL,
        claimed_at TEXT NOT NULL,
        message_id INTEGER,
        PRIMARY KEY (channel_id, period)
    ) STRICT
    """,
)


_V5 = (
    # v5: a story is named by its briefs' titles when shown (they follow a brief that moves to another
    # story); the title the first brief left on the row was never read, so it goes.
    "ALTER TABLE stories DROP COLUMN title",
)


async def _convert_v2(tx: Tx) -> None:
    await convert_v2_briefs(tx)
    await merge_v2_feeds(tx)
    for statement in _V3_DROP:
        await tx.execute(statement)


Step = tuple[tuple[str, ...], Callable[[Tx], Awaitable[None]] | None]

MIGRATIONS: tuple[Step, ...] = (
    (_V1, None),
    (_V2, None),
    (_V3, _convert_v2),
    (_V4, None),
    (_V5, None),
)
LATEST_VERSION = len(MIGRATIONS)


class SchemaTooNew(RuntimeError):
    """The database was written by a newer briefbot; running old code on it could corrupt it."""


async def schema_version(conn: aiosqlite.Connection) -> int:
    rows = await conn.execute_fetchall("PRAGMA user_version")
    return int(next(iter(rows))[0])


async def migrate(conn: aiosqlite.Connection, tx: Tx) -> int:
    """Apply the missing steps in order; returns the version reached.

    Needs an autocommit connection with foreign keys off (turn them on after: SQLite ignores the
    pragma inside a transaction, and rebuilding a table with them on would cascade deletes).
    """
    while True:
        await conn.execute("BEGIN IMMEDIATE")
        try:
            version = await schema_version(conn)
            if version > LATEST_VERSION:
                raise SchemaTooNew(
                    f"The database is at schema version {version}, newer than this briefbot "
                    f"({LATEST_VERSION}); upgrade briefbot."
                )
            if version == LATEST_VERSION:
                await conn.execute("COMMIT")
                return version
            statements, convert = MIGRATIONS[version]
            for statement in statements:
                await conn.execute(statement)
            if convert is not None:
                await convert(tx)
            problems = await conn.execute_fetchall("PRAGMA foreign_key_check")
            if problems:
                raise RuntimeError(
                    f"Migration to version {version + 1} broke foreign keys: {list(problems)[:3]}"
                )
            # PRAGMA takes no bound parameters; the value is our own integer.
            await conn.execute(f"PRAGMA user_version = {version + 1}")
            await conn.execute("COMMIT")
        except BaseException:
            await conn.execute("ROLLBACK")
            raise

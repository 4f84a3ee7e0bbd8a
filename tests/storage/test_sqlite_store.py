"""The SQLite store's own concerns: the file, WAL, migrations from every earlier schema, sharing."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from store_builders import (
    CHANNEL,
    GUILD,
    OTHER_GUILD,
    USER,
    kremlin_briefing,
    save,
    summit_briefing,
)

from storage import SqliteStore
from storage.migrations import LATEST_VERSION, MIGRATIONS, SchemaTooNew
from storage.story_store import candidates_sql

OWNER = USER
STRANGER = 8


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[SqliteStore]:
    """This file's tests are about SQLite alone (the contract tests run on every store)."""
    opened = await SqliteStore.open(db_path)
    yield opened
    await opened.close()


# --- schema ------------------------------------------------------------------------------------


async def test_open_creates_folder_schema_wal_and_foreign_keys(store: SqliteStore, db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {
        "articles",
        "article_urls",
        "briefs",
        "briefings",
        "guild_actors",
        "actor_terms",
        "speakers",
        "brief_counts",
        "feed_follows",
        "questions",
        "subscriptions",
        "feeds",
        "feed_items",
        "deliveries",
        "brief_messages",
        "meta",
    } <= tables
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        await store.record_message(brief_id=999, channel_id=CHANNEL, message_id=1, thread_id=None)


async def test_reopen_is_idempotent_and_keeps_everything(db_path: Path) -> None:
    first = await SqliteStore.open(db_path)
    brief_id = await save(first, kremlin_briefing())
    await first.add_subscription(GUILD, CHANNEL, "Ukraine war", USER)
    await first.set_command_tree_hash("abc")
    await first.close()

    second = await SqliteStore.open(db_path)
    try:
        stored = await second.get_brief(GUILD, brief_id)
        assert stored is not None
        assert stored.briefing == kremlin_briefing()
        assert [s.topic for s in await second.list_subscriptions(GUILD)] == ["Ukraine war"]
        assert await second.command_tree_hash() == "abc"
    finally:
        await second.close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION


async def test_two_processes_opening_a_new_file_migrate_once(db_path: Path) -> None:
    stores = await asyncio.gather(SqliteStore.open(db_path), SqliteStore.open(db_path))
    for opened in stores:
        await opened.close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION


async def test_refuses_a_database_from_a_newer_version(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(SchemaTooNew, match="newer than this briefbot"):
        await SqliteStore.open(db_path)


async def test_upgrading_a_version_1_database_keeps_its_briefs_public(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as conn:
        for statement in MIGRATIONS[0][0]:
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
        conn.execute("INSERT INTO articles (id, content_hash, created_at) VALUES (1, 'abc', '2026-11-01')")
        conn.execute(
            "INSERT INTO briefs (guild_id, channel_id, user_id, article_id, method, sentences, title, "
            "source, source_kind, record, created_at) VALUES (?, ?, ?, 1, 'extractive', 3, 'Old brief', "
            "'pasted', 'text', ?, '2026-11-01T00:00:00.000000+00:00')",
            (GUILD, CHANNEL, OWNER, json.dumps(kremlin_briefing().to_record())),
        )
    store = await SqliteStore.open(db_path)
    try:
        page = await store.history(GUILD, limit=5)
        assert page.total == 1 and page.rows[0].title == "Old brief"
        stored = await store.get_brief(GUILD, page.rows[0].id)
        assert stored is not None and stored.private is False
    finally:
        await store.close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION >= 2
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute("UPDATE briefs SET private = 2")


async def test_same_text_is_one_article_row_and_newest_brief_wins(store: SqliteStore, db_path: Path) -> None:
    older = await save(store, kremlin_briefing())
    newer = await save(store, kremlin_briefing(), channel_id=CHANNEL + 1)
    found = await store.find_brief(
        GUILD, method="extractive", sentences=3, content_hash=kremlin_briefing().article.content_hash
    )
    assert found is not None and found.id == newer > older
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1
        assert conn.execute("SELECT COUNT(*) FROM briefings").fetchone()[0] == 1  # one computation


def make_v2_database(db_path: Path) -> None:
    """A database as briefbot wrote it before v3: per-guild feeds, whole records, private briefs."""
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as conn:
        for statements, _ in MIGRATIONS[:2]:
            for statement in statements:
                conn.execute(statement)
        conn.execute("PRAGMA user_version = 2")
        briefings = [kremlin_briefing(), summit_briefing(), kremlin_briefing()]
        hashes = {b.article.content_hash for b in briefings}
        for article_id, content_hash in enumerate(sorted(hashes), start=1):
            conn.execute(
                "INSERT INTO articles (id, content_hash, created_at) VALUES (?, ?, '2026-11-01')",
                (article_id, content_hash),
            )
        article_of = {h: i for i, h in enumerate(sorted(hashes), start=1)}
        conn.execute(
            "INSERT INTO article_urls (url, article_id) VALUES (?, ?)",
            ("https://news.example/kremlin-truce", article_of[briefings[0].article.content_hash]),
        )
        briefs = [(GUILD, OWNER, 0), (GUILD, OWNER, 1), (OTHER_GUILD, STRANGER, 0)]
        for brief_id, (briefing, (guild, user, private)) in enumerate(zip(briefings, briefs, strict=True), 1):
            conn.execute(
                "INSERT INTO briefs (id, guild_id, channel_id, user_id, article_id, method, sentences, "
                "title, source, source_kind, record, created_at, private) "
                "VALUES (?, ?, ?, ?, ?, 'extractive', 3, ?, ?, ?, ?, ?, ?)",
                (
                    brief_id,
                    guild,
                    CHANNEL,
                    user,
                    article_of[briefing.article.content_hash],
                    briefing.article.title,
                    briefing.article.source,
                    briefing.article.source_kind,
                    json.dumps(briefing.to_record()),
                    f"2026-11-0{brief_id}T00:00:00.000000+00:00",
                    private,
                ),
            )
        conn.execute(
            "INSERT INTO questions (brief_id, user_id, question, answer, created_at) "
            "VALUES (1, ?, 'Who?', ?, '2026-11-02')",
            (OWNER, json.dumps({"question": "Who?", "text": "Peskov.", "citations": [1], "found": True})),
        )
        conn.execute("INSERT INTO brief_messages VALUES (5001, 1, ?, 6001, '2026-11-02')", (CHANNEL,))
        # The same feed followed by two guilds (two rows in v2), with one item each and a pending post.
        for feed_id, guild in ((1, GUILD), (2, OTHER_GUILD)):
            conn.execute(
                "INSERT INTO feeds (id, guild_id, url, added_by, created_at, etag) VALUES (?, ?, ?, ?, ?, ?)",
                (feed_id, guild, "https://news.example/rss.xml", OWNER, "2026-11-01", f'"e{feed_id}"'),
            )
            conn.execute(
                "INSERT INTO feed_items (id, feed_id, item_key, item_url, brief_id, settled, attempts, "
                "error, seen_at) "
                "VALUES (?, ?, 'guid-1', 'https://news.example/1', ?, 1, 1, '', '2026-11-01')",
                (feed_id, feed_id, 1 if guild == GUILD else 3),
            )
        conn.execute(
            "INSERT INTO deliveries (brief_id, channel_id, feed_item_id, created_at) "
            "VALUES (3, 77, 2, '2026-11-03')"
        )


async def test_upgrading_a_version_2_database_loses_nothing(db_path: Path) -> None:
    make_v2_database(db_path)
    store = await SqliteStore.open(db_path)
    try:
        for guild, brief_id, viewer, briefing in (
            (GUILD, 1, None, kremlin_briefing()),
            (GUILD, 2, OWNER, summit_briefing()),
            (OTHER_GUILD, 3, None, kremlin_briefing()),
        ):
            stored = await store.get_brief(guild, brief_id, viewer_id=viewer)
            assert stored is not None and stored.briefing == briefing, brief_id
        assert await store.get_brief(GUILD, 2) is None  # still private
        assert [row.id for row in (await store.history(GUILD, limit=5)).rows] == [1]
        assert (await store.history(GUILD, limit=5, viewer_id=OWNER)).total == 2
        assert await store.actor_names(GUILD, "pes", limit=5) == ["Dmitry Peskov"]
        assert [s.brief_id for s in await store.actor_timeline(GUILD, "Peskov", limit=5)] == [1]
        assert [row.id for row in await store.search_briefs(GUILD, "kremlin", limit=5)] == [1]
        found = await store.find_brief(
            GUILD, method="extractive", sentences=3, url="https://news.example/kremlin-truce"
        )
        assert found is not None and found.id == 1
        assert [q.answer.text for q in await store.questions(1)] == ["Peskov."]
        assert await store.brief_for_thread(6001) == 1
        (feed,) = await store.list_feeds()
        assert feed.etag == '"e1"'
        assert [f.guild_id for f in await store.feed_followers(feed.id)] == [GUILD, OTHER_GUILD]
        assert await store.settled_item_keys(feed.id, ["guid-1"]) == {"guid-1"}
        assert [
            (p.guild_id, p.brief_id, p.channel_id) for p in await store.pending_deliveries(max_offers=3)
        ] == [(OTHER_GUILD, 3, 77)]
    finally:
        await store.close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT COUNT(*) FROM articles WHERE text IS NULL").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM briefings").fetchone()[0] == 2  # one per distinct text


async def test_story_candidates_and_digests_read_indexes_not_tables(
    store: SqliteStore, db_path: Path
) -> None:
    """The lookups behind a join and a digest, as storage/story_store.py writes them."""
    queries = [
        ("SELECT story_id FROM story_keys WHERE guild_id = 1 AND key = 'person:x' "
         "ORDER BY updated_at DESC LIMIT 32", "story_keys_recent"),
        ("SELECT id FROM stories WHERE guild_id = 1 AND updated_at >= '2026' ORDER BY updated_at DESC "
         "LIMIT 40", "stories_by_update"),
        ("SELECT brief_id FROM story_briefs WHERE story_id = 3 ORDER BY brief_id LIMIT 12",
         "story_briefs_by_story"),
    ]  # fmt: skip
    with sqlite3.connect(db_path) as conn:
        for sql, index in queries:
            plan = " ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
            assert index in plan and "TEMP B-TREE" not in plan, plan
        # The candidates of three keys in one statement: an index range per key, the stories by
        # primary key; only the at most 3 x per_key rows found are grouped and sorted.
        params = [1, "person:x", 32, 1, "place:y", 32, 1, "org:z", 32, "2026-01-01", "2026-01-09", 128]
        plan = [
            row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {candidates_sql(3, windowed=True)}", params)
        ]
        assert sum("story_keys USING COVERING INDEX story_keys_recent" in step for step in plan) == 3, plan
        assert "SEARCH s USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
        assert not [step for step in plan if step.startswith(("SCAN s", "SCAN story_keys", "SCAN stories"))]

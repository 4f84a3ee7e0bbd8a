"""Carrying a v2 database into the v3 layout (migration step 3), without losing a brief or a feed.

v2 kept each brief's whole record as JSON (article text included) and a feed row per guild; v3 keeps
the article once, the computation once, and one feed per URL followed by guilds. Old briefs keep
their ids and dates, so links, buttons and questions that name them still work.
"""

from __future__ import annotations

import json

from storage.codec import parse_iso
from storage.indexing import pack_briefs
from storage.records import NewBrief
from storage.sql import Tx
from storage.writes import insert_briefs
from summarizer.models import Briefing

_BATCH = 500


async def convert_v2_briefs(tx: Tx) -> None:
    """Re-save every brief of `briefs_v2` through the v3 writer, oldest first, in batches."""
    last_id = 0
    while True:
        rows = list(
            await tx.fetchall(
                "SELECT b.id, b.guild_id, b.channel_id, b.user_id, b.sentences, b.record, b.created_at, "
                "b.private, b.title, a.content_hash FROM briefs_v2 b JOIN articles a ON a.id = b.article_id "
                "WHERE b.id > ? ORDER BY b.id LIMIT ?",
                (last_id, _BATCH),
            )
        )
        if not rows:
            return
        news, titles = [], []
        for row in rows:
            briefing = Briefing.from_record(json.loads(row["record"]))
            briefing.article.content_hash = row["content_hash"]  # the dedupe key its article row has
            private = bool(row["private"])
            news.append(
                NewBrief(
                    row["guild_id"],
                    row["channel_id"],
                    row["user_id"],
                    briefing,
                    row["sentences"],
                    private=private,
                )
            )
            titles.append(row["title"])
        packed = await pack_briefs(news, titles)
        # One batch shares one date: re-save brief by brief where dates differ, keeping each one's own.
        for item, row in zip(packed, rows, strict=True):
            await insert_briefs(tx, [item], parse_iso(row["created_at"]), ids=[row["id"]])
        last_id = rows[-1][0]


_FIRST_FEED_OF_URL = "(SELECT MIN(g.id) FROM feeds_v2 g WHERE g.url = f.url)"

_MERGE_FEEDS = (
    # The oldest per-guild row of a URL becomes the shared feed (its id, validators and poll state).
    "INSERT INTO feeds (id, url, created_at, etag, last_modified, last_polled_at, last_error) "
    "SELECT f.id, f.url, f.created_at, f.etag, f.last_modified, f.last_polled_at, f.last_error "
    f"FROM feeds_v2 f WHERE f.id = {_FIRST_FEED_OF_URL}",
    "INSERT INTO feed_follows (guild_id, feed_id, added_by, created_at) "
    f"SELECT f.guild_id, {_FIRST_FEED_OF_URL}, f.added_by, f.created_at FROM feeds_v2 f",
    # One item per (feed, key): a settled copy wins, then the oldest.
    "INSERT INTO feed_items (id, feed_id, item_key, item_url, settled, attempts, error, seen_at) "
    f"SELECT i.id, {_FIRST_FEED_OF_URL}, i.item_key, i.item_url, i.settled, i.attempts, i.error, i.seen_at "
    "FROM feed_items_v2 i JOIN feeds_v2 f ON f.id = i.feed_id WHERE true "
    "ORDER BY i.settled DESC, i.id ON CONFLICT (feed_id, item_key) DO NOTHING",
    # Deliveries of a dropped duplicate item now belong to the item that was kept.
    "UPDATE deliveries SET feed_item_id = ("
    "SELECT kept.id FROM feed_items_v2 old JOIN feeds_v2 f ON f.id = old.feed_id "
    "JOIN feeds shared ON shared.url = f.url "
    "JOIN feed_items kept ON kept.feed_id = shared.id AND kept.item_key = old.item_key "
    "WHERE old.id = deliveries.feed_item_id) "
    "WHERE feed_item_id IS NOT NULL AND feed_item_id NOT IN (SELECT id FROM feed_items)",
)


async def merge_v2_feeds(tx: Tx) -> None:
    for statement in _MERGE_FEEDS:
        await tx.execute(statement)

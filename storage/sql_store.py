"""Every query of briefbot, written once for both databases (the subclasses add connections and a
Dialect): briefs, actors, questions and subscriptions here, stories in story_store.py, feeds in
feed_store.py. Each query is driven by an index on the predicate it filters on; none walks a
guild's history, so they stay fast at a million briefs (bench/store_scale.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

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
from storage.feed_store import FeedSql
from storage.indexing import guild_key, pack_briefs, search_words
from storage.records import (
    ActorStatement,
    BriefRow,
    HistoryPage,
    NewBrief,
    PostedMessage,
    StoredBrief,
    StoredQuestion,
    Subscription,
)
from storage.sql import Row, Tx
from storage.sql_base import RECORD_MESSAGE
from storage.story_store import StorySql
from storage.writes import insert_briefs
from summarizer.models import Answer, Briefing

TIMELINE_KEYS = 50  # names a whole-word actor search may expand to
_BRIEF_ROW_COLUMNS = "id, title, source, source_kind, created_at, channel_id, user_id"
_FULL_BRIEF = (
    "SELECT b.id, b.guild_id, b.channel_id, b.user_id, b.created_at, b.private, b.title, b.source, "
    "b.source_kind, b.reading, a.content_hash, a.text, g.computation FROM briefs b "
    "JOIN articles a ON a.id = b.article_id JOIN briefings g ON g.id = b.briefing_id"
)
# A brief `viewer_id` may see: every public one, and their own private ones (None: public only).
_VISIBLE_TO = "(b.private = FALSE OR b.user_id = ?)"
_VISIBLE_IN_GUILD = "guild_id = ? AND (private = FALSE OR user_id = ?)"
_TREE_HASH_KEY = "command_tree_hash"  # its row in the `meta` key-value table
_NO_READING = {"title": "", "byline": "", "date": "", "language": "en", "source_kind": "text", "source": ""}


class SqlStore(StorySql, FeedSql):
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
        async with self._transaction() as tx:
            inserted = await insert_briefs(tx, packed, created_at, written_names=self._written_names)
        self._written_names.remember(inserted.names)
        return inserted.ids

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
            article, key = "(SELECT article_id FROM article_urls WHERE url = ?)", url
        elif content_hash is not None:
            article, key = "(SELECT id FROM articles WHERE content_hash = ?)", content_hash
        else:
            raise ValueError("find_brief needs a url or a content_hash")
        row = await self._fetchone(
            f"{_FULL_BRIEF} WHERE b.article_id = {article} AND b.guild_id = ? AND b.method = ? "
            f"AND b.sentences = ? AND {_VISIBLE_TO} ORDER BY b.id DESC LIMIT 1",
            (key, guild_key(guild_id), method, sentences, viewer_id),
        )
        return self._stored_brief(row) if row else None

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
        return restore_briefing(
            bytes(row["computation"]), unpack_text(row["text"]), _NO_READING, content_hash
        )

    async def get_brief(
        self, guild_id: int | None, brief_id: int, *, viewer_id: int | None = None
    ) -> StoredBrief | None:
        row = await self._fetchone(
            f"{_FULL_BRIEF} WHERE b.id = ? AND b.guild_id = ? AND {_VISIBLE_TO}",
            (brief_id, guild_key(guild_id), viewer_id),
        )
        return self._stored_brief(row) if row else None

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
        async with self._read() as tx:
            if after is not None:
                rows = await tx.fetchall(
                    f"SELECT {_BRIEF_ROW_COLUMNS} FROM briefs WHERE {_VISIBLE_IN_GUILD} AND id > ? "
                    "ORDER BY id LIMIT ?",
                    (guild, viewer_id, after, limit + 1),
                )
                has_newer = len(rows) > limit
                rows = list(reversed(rows[:limit]))
                has_older = bool(rows) and await _exists(tx, guild, viewer_id, "<", rows[-1]["id"])
            else:
                rows = await tx.fetchall(
                    f"SELECT {_BRIEF_ROW_COLUMNS} FROM briefs WHERE {_VISIBLE_IN_GUILD} AND id < ? "
                    "ORDER BY id DESC LIMIT ?",
                    (guild, viewer_id, before if before is not None else 2**63 - 1, limit + 1),
                )
                has_older = len(rows) > limit
                rows = rows[:limit]
                has_newer = bool(rows) and await _exists(tx, guild, viewer_id, ">", rows[0]["id"])
            total = await tx.fetchone(
                "SELECT COALESCE(SUM(briefs), 0) AS n FROM brief_counts WHERE guild_id = "
                "? AND owner_id IN (0, ?)",
                (guild, viewer_id if viewer_id is not None else 0),
            )
        return HistoryPage(
            [self._brief_row(row) for row in rows], int(total["n"]) if total else 0, has_newer, has_older
        )

    async def search_briefs(
        self, guild_id: int | None, query: str, *, limit: int, viewer_id: int | None = None
    ) -> list[BriefRow]:
        guild = guild_key(guild_id)
        needle = query.strip().lstrip("#")
        if not needle:
            return (await self.history(guild_id, limit=limit, viewer_id=viewer_id)).rows
        ids: list[int] = []
        async with self._read() as tx:
            if needle.isdigit() and int(needle) < 2**63:
                row = await tx.fetchone(
                    f"SELECT b.id FROM briefs b WHERE b.id = ? AND b.guild_id = ? AND {_VISIBLE_TO}",
                    (int(needle), guild, viewer_id),
                )
                ids += [row["id"]] if row else []
            words = search_words(needle)
            if words:
                ids += [
                    i for i in await self.dialect.search(tx, guild, viewer_id, words, limit) if i not in ids
                ]
            ids = ids[:limit]
            if not ids:
                return []
            membership, values = self.dialect.in_list("id", ids)
            rows = await tx.fetchall(f"SELECT {_BRIEF_ROW_COLUMNS} FROM briefs WHERE {membership}", (values,))
        by_id = {row["id"]: self._brief_row(row) for row in rows}
        return [by_id[i] for i in ids if i in by_id]

    async def latest_brief_id(
        self, guild_id: int | None, channel_id: int, *, viewer_id: int | None = None
    ) -> int | None:
        row = await self._fetchone(
            f"SELECT b.id FROM briefs b WHERE b.guild_id = ? AND b.channel_id = ? AND {_VISIBLE_TO} "
            "ORDER BY b.id DESC LIMIT 1",
            (guild_key(guild_id), channel_id, viewer_id),
        )
        return row["id"] if row else None

    # --- messages and threads -----------------------------------------------------------------

    async def record_message(
        self, brief_id: int, channel_id: int, message_id: int, thread_id: int | None
    ) -> None:
        await self._write(RECORD_MESSAGE, (message_id, brief_id, channel_id, thread_id, self._now()))

    async def brief_for_thread(self, thread_id: int) -> int | None:
        row = await self._fetchone(
            "SELECT brief_id FROM brief_messages WHERE thread_id = ? ORDER BY created_at DESC LIMIT 1",
            (thread_id,),
        )
        return row["brief_id"] if row else None

    async def brief_for_message(self, message_id: int) -> int | None:
        row = await self._fetchone("SELECT brief_id FROM brief_messages WHERE message_id = ?", (message_id,))
        return row["brief_id"] if row else None

    # --- actors -------------------------------------------------------------------------------

    async def actor_names(self, guild_id: int | None, prefix: str, *, limit: int) -> list[str]:
        guild = guild_key(guild_id)
        key = name_key(prefix)
        rank = "ORDER BY a.speaks > 0 DESC, a.briefs DESC, a.last_brief_id DESC LIMIT ?"
        if not key:
            rows = await self._fetchall(
                f"SELECT a.name FROM guild_actors a WHERE a.guild_id = ? {rank}", (guild, limit)
            )
        else:
            # The join order is pinned to the prefix range: walking the rank index instead, testing
            # every actor against the matches, is fast for "j" and slow for "jonat".
            rows = await self._fetchall(
                "SELECT a.name FROM (SELECT DISTINCT t.key FROM actor_terms t "
                "WHERE t.guild_id = ? AND t.term >= ? AND t.term < ?) m "
                f"{self.dialect.ordered_join} guild_actors a ON a.guild_id = ? AND a.key = m.key {rank}",
                (guild, key, prefix_upper_bound(key), guild, limit),
            )
        return [row["name"] for row in rows]

    async def actor_timeline(self, guild_id: int | None, name: str, *, limit: int) -> list[ActorStatement]:
        guild = guild_key(guild_id)
        key = name_key(name)
        async with self._read() as tx:
            keys = [key]
            brief_ids = await _speaker_briefs(tx, guild, keys, limit)
            if not brief_ids:
                # No name is exactly `name`: names containing it as whole words ("Peskov": "Dmitry Peskov").
                rows = await tx.fetchall(
                    "SELECT DISTINCT key FROM actor_terms WHERE guild_id = ? AND term >= ? "
                    "AND term < ? LIMIT ?",
                    (guild, key, whole_word_bound(key), TIMELINE_KEYS),
                )
                keys = [row["key"] for row in rows]
                brief_ids = await _speaker_briefs(tx, guild, keys, limit)
            if not brief_ids:
                return []
            membership, values = self.dialect.in_list("b.id", brief_ids)
            briefs = await tx.fetchall(
                "SELECT b.id, b.title, b.source, b.created_at, b.channel_id, g.computation FROM briefs b "
                f"JOIN briefings g ON g.id = b.briefing_id WHERE {membership} ORDER BY b.id DESC",
                (values,),
            )
            messages = await self._posted_messages(tx, {row["id"]: row["channel_id"] for row in briefs})
        wanted = set(keys)
        statements: list[ActorStatement] = []
        for row in briefs:
            actors, positions = unpack_statements(bytes(row["computation"]))
            statements.extend(
                ActorStatement(
                    brief_id=row["id"],
                    title=row["title"],
                    source=row["source"],
                    created_at=self.dialect.time_value(row["created_at"]),
                    channel_id=row["channel_id"],
                    position=position,
                    message=messages.get(row["id"]),
                )
                for position in positions_of(actors, positions, wanted)
            )
        return statements[:limit]

    async def _posted_messages(self, tx: Tx, home_channels: dict[int, int]) -> dict[int, PostedMessage]:
        """For each brief id, its first message in its own channel, else its first post anywhere
        (a cross-post or a feed delivery); briefs never posted (private ones) have none."""
        in_messages, ids = self.dialect.in_list("brief_id", list(home_channels))
        rows = await tx.fetchall(
            "SELECT brief_id, channel_id, message_id, created_at AS posted_at FROM brief_messages "
            f"WHERE {in_messages} UNION ALL SELECT brief_id, channel_id, message_id, "
            "delivered_at FROM deliveries "
            f"WHERE message_id IS NOT NULL AND {in_messages} ORDER BY posted_at, message_id",
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
        async with self._transaction() as tx:
            row = await tx.fetchone(
                "INSERT INTO questions (brief_id, user_id, question, answer, created_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (brief_id, user_id, answer.question, self.dialect.json_param(asdict(answer)), self._now()),
            )
        if row is None:
            raise RuntimeError("The database returned no id for a question")
        return int(row["id"])

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
                Answer(**self.dialect.json_value(row["answer"])),
                self.dialect.time_value(row["created_at"]),
            )
            for row in rows
        ]

    # --- subscriptions ------------------------------------------------------------------------

    async def add_subscription(self, guild_id: int, channel_id: int, topic: str, user_id: int) -> bool:
        changed = await self._write(
            "INSERT INTO subscriptions (guild_id, channel_id, topic, created_by, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, channel_id, topic, user_id, self._now()),
        )
        return changed == 1

    async def remove_subscription(self, guild_id: int, channel_id: int, topic: str) -> bool:
        changed = await self._write(
            "DELETE FROM subscriptions WHERE guild_id = ? AND channel_id = ? AND lower(topic) = lower(?)",
            (guild_id, channel_id, topic),
        )
        return changed > 0

    async def list_subscriptions(self, guild_id: int, channel_id: int | None = None) -> list[Subscription]:
        rows = await self._fetchall(
            "SELECT id, guild_id, channel_id, topic, created_by, created_at FROM subscriptions "
            "WHERE guild_id = ? AND (CAST(? AS BIGINT) IS NULL OR channel_id = ?) ORDER "
            "BY channel_id, lower(topic)",
            (guild_id, channel_id, channel_id),
        )
        return [
            Subscription(
                row["id"],
                row["guild_id"],
                row["channel_id"],
                row["topic"],
                row["created_by"],
                self.dialect.time_value(row["created_at"]),
            )
            for row in rows
        ]

    # --- command sync -------------------------------------------------------------------------

    async def command_tree_hash(self) -> str | None:
        row = await self._fetchone("SELECT value FROM meta WHERE key = ?", (_TREE_HASH_KEY,))
        return row["value"] if row else None

    async def set_command_tree_hash(self, digest: str) -> None:
        await self._write(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
            "SET value = excluded.value",
            (_TREE_HASH_KEY, digest),
        )

    # --- rows to records ----------------------------------------------------------------------

    async def _full_briefs(self, tx: Tx, where: str, params: Sequence[Any]) -> list[StoredBrief]:
        rows = await tx.fetchall(
            f"{_FULL_BRIEF} JOIN story_briefs sb ON sb.brief_id = b.id WHERE {where}", params
        )
        return [self._stored_brief(row) for row in rows]

    def _stored_brief(self, row: Row) -> StoredBrief:
        reading = {
            **self.dialect.json_value(row["reading"]),
            "source": row["source"],
            "source_kind": row["source_kind"],
        }
        briefing = restore_briefing(
            bytes(row["computation"]), unpack_text(row["text"]), reading, row["content_hash"]
        )
        return StoredBrief(
            id=row["id"],
            guild_id=row["guild_id"] or None,
            channel_id=row["channel_id"],
            user_id=row["user_id"],
            created_at=self.dialect.time_value(row["created_at"]),
            briefing=briefing,
            private=bool(row["private"]),
        )

    def _brief_row(self, row: Row) -> BriefRow:
        return BriefRow(
            id=row["id"],
            title=row["title"],
            source=row["source"],
            source_kind=row["source_kind"],
            created_at=self.dialect.time_value(row["created_at"]),
            channel_id=row["channel_id"],
            user_id=row["user_id"],
        )


async def _exists(tx: Tx, guild: int, viewer_id: int | None, op: str, brief_id: int) -> bool:
    row = await tx.fetchone(
        f"SELECT 1 AS one FROM briefs WHERE {_VISIBLE_IN_GUILD} AND id {op} ? LIMIT 1",
        (guild, viewer_id, brief_id),
    )
    return row is not None


async def _speaker_briefs(tx: Tx, guild: int, keys: list[str], limit: int) -> list[int]:
    """The newest `limit` public briefs where one of `keys` speaks (one index range per key)."""
    found: set[int] = set()
    for key in keys:
        rows = await tx.fetchall(
            "SELECT brief_id FROM speakers WHERE guild_id = ? AND key = ? ORDER BY brief_id DESC LIMIT ?",
            (guild, key, limit),
        )
        found.update(row["brief_id"] for row in rows)
    return sorted(found, reverse=True)[:limit]

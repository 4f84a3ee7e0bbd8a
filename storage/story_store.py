"""Stories and digests in the database: the queries behind the store-backed StoryIndex, a story's
briefs, and the digest schedules with their once-per-period record. Mixed into SqlStore.

Candidate lookup never scans: `story_keys` is read per key newest-update first from its
(guild, key, updated_at) index, `per_key` rows at most, and only those stories' profiles are loaded,
filtered by the time window, all in one statement. A join may also move a few recent members of other
candidate stories to the joined one (the grouper's plan), in the same transaction under the guild's join
lock; a story left empty is deleted. A story belongs to one guild like its briefs; its
profile counts every brief (grouping needs them all) but every read filters the briefs by who may see
them, so a private brief never shows in someone else's story.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from storage.base import StoryChooser
from storage.codec import utc_now
from storage.indexing import guild_key
from storage.records import DigestSchedule, StoredBrief, StoryJoin
from storage.sql import Tx
from storage.sql_base import SqlBase
from storage.story_codec import pack_profile, unpack_profile
from summarizer.stories import Move, StoryProfile
from summarizer.story_signature import StorySignature

_VISIBLE = "(b.private = FALSE OR b.user_id = ?)"
STORY_JOIN_LOCK = 0x73746F72  # "stor": the advisory-lock namespace of story joins, keyed by guild
_SCHEDULE_COLUMNS = "guild_id, channel_id, cadence, hour, timezone, weekday, created_by"


def candidates_sql(key_count: int, *, windowed: bool) -> str:
    """The candidate lookup of `key_count` keys as one statement. Parameters: (guild, key, per_key) per
    key, then (earliest, latest) publication when `windowed`, then the limit."""
    branches = " UNION ALL ".join(
        f"SELECT {rank} AS key_rank, story_id FROM (SELECT story_id FROM story_keys "
        f"WHERE guild_id = ? AND key = ? ORDER BY updated_at DESC LIMIT ?) AS k{rank}"
        for rank in range(key_count)
    )
    window = " WHERE (s.last_published IS NULL OR (s.last_published >= ? AND s.first_published <= ?))"
    return (
        "SELECT s.id, s.profile FROM stories s JOIN (SELECT story_id, MIN(key_rank) AS key_rank "
        f"FROM ({branches}) AS hits GROUP BY story_id) AS c ON c.story_id = s.id"
        f"{window if windowed else ''} ORDER BY c.key_rank, s.updated_at DESC, s.id DESC LIMIT ?"
    )


class StorySql(SqlBase):
    @abstractmethod
    async def _full_briefs(self, tx: Tx, where: str, params: Sequence[Any]) -> list[StoredBrief]:
        """Whole briefs matching `where` (on `b`, the briefs table, and `sb`, story_briefs)."""

    # --- grouping -------------------------------------------------------------------------------

    async def story_candidates(
        self,
        guild_id: int | None,
        keys: Sequence[str],
        when: datetime | None,
        window: timedelta,
        *,
        per_key: int,
        limit: int,
    ) -> list[StoryProfile]:
        async with self._read() as tx:
            return await self._candidates(tx, guild_key(guild_id), keys, when, window, per_key, limit)

    async def join_story(
        self, guild_id: int | None, brief_id: int, signature: StorySignature, story_id: int | None
    ) -> StoryJoin:
        async with self._transaction() as tx:
            known = await self._joined(tx, brief_id)
            if known is not None:  # joined before (a retry): nothing changes
                return known
            return await self._join(tx, guild_key(guild_id), brief_id, signature, story_id)

    async def join_best_story(
        self,
        guild_id: int | None,
        brief_id: int,
        signature: StorySignature,
        choose: StoryChooser,
        *,
        window: timedelta,
        per_key: int,
        limit: int,
    ) -> StoryJoin:
        guild = guild_key(guild_id)
        async with self._transaction() as tx:
            # Per guild, one join at a time across every process: the candidates are read after the
            # previous join committed, so two briefs of one new event cannot both start a story.
            await self.dialect.serialise(tx, STORY_JOIN_LOCK, guild)
            known = await self._joined(tx, brief_id)
            if known is not None:  # joined before (a retry): no candidates to read or score
                return known
            found = await self._candidates(
                tx, guild, signature.keys, signature.ref.published, window, per_key, limit
            )
            plan = await choose(found)
            joined = await self._join(tx, guild, brief_id, signature, plan.story_id)
            for move in plan.moves:
                joined = await self._move(tx, guild, move, joined)
            return joined

    async def _candidates(
        self,
        tx: Tx,
        guild: int,
        keys: Sequence[str],
        when: datetime | None,
        window: timedelta,
        per_key: int,
        limit: int,
    ) -> list[StoryProfile]:
        # One statement, so one round trip however many keys: under load every round trip waits for
        # a core (the join's wall time at 1 K stored briefs was 70 ms on PostgreSQL for 7 ms of CPU).
        # Per key the `per_key` most recently updated stories (an index range each); a story counts
        # under the first of the brief's keys that names it, then newest first, as in memory (a
        # story's keys carry its own updated_at, so ordering by it is ordering within each key).
        distinct = list(dict.fromkeys(keys))
        if not distinct:
            return []
        params: list[Any] = [value for key in distinct for value in (guild, key, per_key)]
        if when is not None:
            params += [self.dialect.time_param(when - window), self.dialect.time_param(when + window)]
        sql = candidates_sql(len(distinct), windowed=when is not None)
        rows = await tx.fetchall(sql, [*params, limit])
        return [unpack_profile(row["id"], bytes(row["profile"])) for row in rows]

    async def _joined(self, tx: Tx, brief_id: int) -> StoryJoin | None:
        row = await tx.fetchone(
            "SELECT sb.story_id, s.size FROM story_briefs sb JOIN stories s ON s.id = sb.story_id "
            "WHERE sb.brief_id = ?",
            (brief_id,),
        )
        return None if row is None else StoryJoin(row["story_id"], False, row["size"])

    async def _join(
        self,
        tx: Tx,
        guild: int,
        brief_id: int,
        signature: StorySignature,
        story_id: int | None,
    ) -> StoryJoin:
        """Add a brief found in no story, in this transaction, to `story_id` or a new story."""
        now = self.dialect.time_param(utc_now())
        row = None
        if story_id is not None:
            row = await tx.fetchone(
                f"SELECT id, profile FROM stories WHERE id = ? AND guild_id = ?{self.dialect.lock_rows}",
                (story_id, guild),
            )
        if row is None:
            created = await tx.fetchone(
                "INSERT INTO stories (guild_id, size, updated_at, profile) VALUES (?, 0, ?, ?) RETURNING id",
                (guild, now, pack_profile(StoryProfile(0))),
            )
            if created is None:
                raise RuntimeError("The database returned no id for a story")
            profile, new = StoryProfile(created["id"]), True
        else:
            profile, new = unpack_profile(row["id"], bytes(row["profile"])), False
        profile.absorb(signature, brief_id)
        await self._save_profile(tx, profile, updated_at=now)
        await self._index_keys(tx, guild, profile.story_id, signature.keys, now)
        await tx.execute(
            "INSERT INTO story_briefs (brief_id, story_id) VALUES (?, ?)", (brief_id, profile.story_id)
        )
        return StoryJoin(profile.story_id, new, profile.size)

    async def _move(self, tx: Tx, guild: int, move: Move, joined: StoryJoin) -> StoryJoin:
        """Move a recent member of another story to the story just joined, in this transaction; the
        source story, when left empty, is deleted. Only the joined story counts as updated now."""
        now = self.dialect.time_param(utc_now())
        profiles = {}
        for story_id in (move.source, joined.story_id):
            row = await tx.fetchone(
                f"SELECT id, profile FROM stories WHERE id = ? AND guild_id = ?{self.dialect.lock_rows}",
                (story_id, guild),
            )
            if row is None:
                raise RuntimeError(f"Story #{story_id} vanished while its guild's joins were serialised")
            profiles[story_id] = unpack_profile(row["id"], bytes(row["profile"]))
        source, target = profiles[move.source], profiles[joined.story_id]
        member = move.member
        source.release(member)
        target.absorb(member.signature, member.brief_id)
        await self._save_profile(tx, target, updated_at=now)
        await self._index_keys(tx, guild, target.story_id, member.signature.keys, now)
        await tx.execute(
            "UPDATE story_briefs SET story_id = ? WHERE brief_id = ?", (target.story_id, member.brief_id)
        )
        keys, values = self.dialect.in_list("key", sorted(set(member.signature.keys)))
        await tx.execute(
            f"UPDATE story_keys SET count = count - 1 WHERE story_id = ? AND {keys}",
            (source.story_id, values),
        )
        await tx.execute("DELETE FROM story_keys WHERE story_id = ? AND count <= 0", (source.story_id,))
        if source.size:
            await self._save_profile(tx, source, updated_at=None)
        else:
            await tx.execute("DELETE FROM stories WHERE id = ?", (source.story_id,))
        return StoryJoin(target.story_id, joined.new, target.size)

    async def _save_profile(self, tx: Tx, profile: StoryProfile, *, updated_at: Any) -> None:
        """Write a profile back; `updated_at` None keeps the story's place among the recently updated."""
        first, last = profile.first_published, profile.last_published
        await tx.execute(
            "UPDATE stories SET size = ?, first_published = ?, last_published = ?, "
            "updated_at = COALESCE(?, updated_at), profile = ? WHERE id = ?",
            (
                profile.size,
                None if first is None else self.dialect.time_param(first),
                None if last is None else self.dialect.time_param(last),
                updated_at,
                pack_profile(profile),
                profile.story_id,
            ),
        )

    async def _index_keys(self, tx: Tx, guild: int, story_id: int, keys: Sequence[str], now: Any) -> None:
        """Count a brief's keys for the story, which becomes the most recently updated one under every
        key it has, as in memory."""
        await tx.execute("UPDATE story_keys SET updated_at = ? WHERE story_id = ?", (now, story_id))
        await tx.insert_rows(  # one statement, not one per key
            "story_keys",
            ("guild_id bigint", "key text", "story_id bigint", "count integer", "updated_at timestamptz"),
            [(guild, key, story_id, 1, now) for key in sorted(set(keys))],
            "ON CONFLICT (guild_id, key, story_id) DO UPDATE SET count = story_keys.count + 1, "
            "updated_at = excluded.updated_at",
        )

    # --- reading stories ------------------------------------------------------------------------

    async def story_of_brief(
        self, guild_id: int | None, brief_id: int, *, viewer_id: int | None = None
    ) -> int | None:
        row = await self._fetchone(
            "SELECT sb.story_id FROM story_briefs sb JOIN briefs b ON b.id = sb.brief_id "
            f"WHERE sb.brief_id = ? AND b.guild_id = ? AND {_VISIBLE}",
            (brief_id, guild_key(guild_id), viewer_id),
        )
        return row["story_id"] if row else None

    async def stories_of_briefs(self, guild_id: int | None, brief_ids: Sequence[int]) -> dict[int, int]:
        if not brief_ids:
            return {}
        membership, ids = self.dialect.in_list("sb.brief_id", list(brief_ids))
        async with self._read() as tx:
            rows = await tx.fetchall(
                "SELECT sb.brief_id, sb.story_id FROM story_briefs sb JOIN briefs b ON b.id = sb.brief_id "
                f"WHERE {membership} AND b.guild_id = ?",
                (ids, guild_key(guild_id)),
            )
        return {row["brief_id"]: row["story_id"] for row in rows}

    async def story_size(self, guild_id: int | None, story_id: int, *, viewer_id: int | None = None) -> int:
        row = await self._fetchone(
            "SELECT COUNT(DISTINCT b.article_id) AS n FROM story_briefs sb "
            f"JOIN briefs b ON b.id = sb.brief_id WHERE sb.story_id = ? AND b.guild_id = ? AND {_VISIBLE}",
            (story_id, guild_key(guild_id), viewer_id),
        )
        return int(row["n"]) if row else 0

    async def story_briefs(
        self, guild_id: int | None, story_id: int, *, limit: int, viewer_id: int | None = None
    ) -> list[StoredBrief]:
        async with self._read() as tx:
            return await self._full_briefs(
                tx,
                f"sb.story_id = ? AND b.guild_id = ? AND {_VISIBLE} ORDER BY b.id LIMIT ?",
                (story_id, guild_key(guild_id), viewer_id, limit),
            )

    async def recent_stories(self, guild_id: int | None, since: datetime, *, limit: int) -> list[int]:
        rows = await self._fetchall(
            "SELECT id FROM stories WHERE guild_id = ? AND updated_at >= ? ORDER BY updated_at DESC LIMIT ?",
            (guild_key(guild_id), self.dialect.time_param(since), limit),
        )
        return [row["id"] for row in rows]

    # --- digests --------------------------------------------------------------------------------

    async def set_digest_schedule(self, schedule: DigestSchedule) -> None:
        s = schedule
        async with self._transaction() as tx:
            await tx.execute(
                f"INSERT INTO digest_schedules ({_SCHEDULE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (channel_id) DO UPDATE SET guild_id = excluded.guild_id, "
                "cadence = excluded.cadence, hour = excluded.hour, timezone = excluded.timezone, "
                "weekday = excluded.weekday, created_by = excluded.created_by",
                (s.guild_id, s.channel_id, s.cadence, s.hour, s.timezone, s.weekday, s.created_by),
            )

    async def remove_digest_schedule(self, guild_id: int, channel_id: int) -> bool:
        async with self._transaction() as tx:
            changed = await tx.execute(
                "DELETE FROM digest_schedules WHERE guild_id = ? AND channel_id = ?", (guild_id, channel_id)
            )
        return changed > 0

    async def digest_schedules(self, guild_id: int | None = None) -> list[DigestSchedule]:
        rows = await self._fetchall(
            f"SELECT {_SCHEDULE_COLUMNS} FROM digest_schedules "
            "WHERE CAST(? AS BIGINT) IS NULL OR guild_id = ? ORDER BY channel_id",
            (guild_id, guild_id),
        )
        return [DigestSchedule(**{k: row[k] for k in _SCHEDULE_COLUMNS.split(", ")}) for row in rows]

    async def claim_digest(self, channel_id: int, period: str) -> bool:
        async with self._transaction() as tx:
            changed = await tx.execute(
                "INSERT INTO digest_posts (channel_id, period, claimed_at) VALUES (?, ?, ?) "
                "ON CONFLICT (channel_id, period) DO NOTHING",
                (channel_id, period, self.dialect.time_param(utc_now())),
            )
        return changed == 1

    async def release_digest(self, channel_id: int, period: str) -> None:
        async with self._transaction() as tx:
            await tx.execute(
                "DELETE FROM digest_posts WHERE channel_id = ? AND period = ? AND message_id IS NULL",
                (channel_id, period),
            )

    async def digest_posted(self, channel_id: int, period: str, message_id: int) -> None:
        async with self._transaction() as tx:
            await tx.execute(
                "UPDATE digest_posts SET message_id = ? WHERE channel_id = ? AND period = ?",
                (message_id, channel_id, period),
            )

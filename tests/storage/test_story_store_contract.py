"""The store contract for stories and digests, against each store implementation (sqlite, postgres)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from store_builders import GUILD, OTHER_GUILD, USER, Reopen, kremlin_briefing, save, summit_briefing

from storage import PostgresStore, SqliteStore, Store
from storage.base import StoryChooser
from storage.records import DigestSchedule
from summarizer.stories import InMemoryStoryIndex, Member, Move, Plan, StoryGrouper, StoryProfile
from summarizer.story_signature import ArticleRef, StorySignature

WINDOW = timedelta(days=4)
STRANGER = USER + 1
DAY = datetime(2026, 11, 30, 9, tzinfo=UTC)


def signature(
    direction: int, keys: tuple[str, ...], *, when: datetime | None = DAY, outlet: str = "a.example"
) -> StorySignature:
    vector = np.zeros(8, dtype=np.float32)
    vector[direction] = 1.0
    return StorySignature(
        ref=ArticleRef(outlet, f"title {direction}", f"https://{outlet}/{direction}", when),
        vector=vector,
        actors=tuple((key, 0.9) for key in keys if not key.startswith("place:")),
        places=tuple((key, 0.5) for key in keys if key.startswith("place:")),
        dates=frozenset({"y:2026", "md:11-30"}),
        numbers=frozenset({"6.1"}),
    )


async def candidates(store: Store, sig: StorySignature, guild: int = GUILD) -> list[int]:
    found = await store.story_candidates(guild, sig.keys, sig.ref.published, WINDOW, per_key=32, limit=128)
    return [p.story_id for p in found]


async def test_a_joined_story_is_a_candidate_by_its_keys_within_the_window(store: Store) -> None:
    brief = await save(store, kremlin_briefing())
    first = signature(0, ("person:peskov", "place:moscow"))
    joined = await store.join_story(GUILD, brief, first, None)
    assert joined.new and joined.size == 1

    assert await candidates(store, signature(0, ("person:peskov",))) == [joined.story_id]
    assert await candidates(store, signature(0, ("place:moscow", "person:x"))) == [joined.story_id]
    assert await candidates(store, signature(0, ("person:kuleba",))) == []
    assert await candidates(store, signature(0, ("person:peskov",)), guild=OTHER_GUILD) == []
    late = signature(0, ("person:peskov",), when=DAY + WINDOW + timedelta(hours=1))
    assert await candidates(store, late) == []
    undated = signature(0, ("person:peskov",), when=None)
    assert await candidates(store, undated) == [joined.story_id]


async def test_the_stored_profile_matches_the_in_memory_one(store: Store) -> None:
    """Grouping against the store gives the same probabilities as against memory: the sums round-trip."""
    signatures = [
        signature(0, ("person:peskov", "place:moscow")),
        signature(0, ("person:peskov", "org:kremlin"), outlet="b.example"),
        signature(1, ("person:kuleba",), when=DAY + timedelta(days=1)),
    ]
    memory = StoryGrouper(InMemoryStoryIndex())
    grouper = StoryGrouper(InMemoryStoryIndex())
    for sig in signatures:
        brief = await save(store, summit_briefing())
        expected = memory.add(sig, brief)
        found = await store.story_candidates(
            GUILD, sig.keys, sig.ref.published, WINDOW, per_key=32, limit=128
        )
        plan = grouper.plan(sig, brief, found)
        joined = await store.join_story(GUILD, brief, sig, plan.story_id)
        assert joined.new == expected.new
        assert round(plan.probability, 4) == expected.probability
    (profile,) = await store.story_candidates(GUILD, ["person:peskov"], DAY, WINDOW, per_key=32, limit=128)
    in_memory = next(p for p in memory.index.profiles.values() if p.size == 2)  # type: ignore[attr-defined]
    assert profile.size == 2 and profile.key_counts == in_memory.key_counts
    assert profile.vector_sum is not None and in_memory.vector_sum is not None
    assert np.array_equal(profile.vector_sum, in_memory.vector_sum)
    for kept, member in zip(profile.recent, in_memory.recent, strict=True):  # whole, to move them later
        assert kept.brief_id == member.brief_id and np.array_equal(
            kept.signature.vector, member.signature.vector
        )
        assert (
            replace(kept.signature, vector=member.signature.vector, ref=member.signature.ref)
            == member.signature
        )
        assert kept.signature.ref.published == member.signature.ref.published
    assert (profile.first_published, profile.last_published) == (DAY, DAY)


async def test_candidates_are_bounded_per_key_newest_first(store: Store) -> None:
    ids = []
    for n in range(5):
        brief = await save(store, summit_briefing())
        ids.append((await store.join_story(GUILD, brief, signature(n, ("person:peskov",)), None)).story_id)
    found = await store.story_candidates(GUILD, ["person:peskov"], DAY, WINDOW, per_key=3, limit=128)
    assert [p.story_id for p in found] == ids[::-1][:3]
    found = await store.story_candidates(GUILD, ["person:peskov"], DAY, WINDOW, per_key=32, limit=2)
    assert len(found) == 2


async def test_candidates_of_several_keys_come_in_the_in_memory_index_order(store: Store) -> None:
    """One statement reads every key: per key in the brief's order, newest first, each story once, the
    window applied, at most `limit` - the order the in-memory index gives and the limit cuts by."""
    memory = InMemoryStoryIndex()
    joins = [
        (("person:peskov", "place:moscow"), DAY),
        (("place:moscow",), DAY),
        (("person:peskov",), DAY),
        (("org:kremlin", "place:moscow"), DAY),
        (("person:peskov",), DAY - timedelta(days=30)),  # outside the window
        (("org:kremlin",), None),  # no time: never ruled out
    ]
    for direction, (keys, when) in enumerate(joins):
        sig = signature(direction, keys, when=when)
        await store.join_story(GUILD, await save(store, summit_briefing()), sig, None)
        profile = memory.new_story()
        profile.absorb(sig, direction)
        memory.save(profile, sig.keys)
    probe = ["org:kremlin", "person:peskov", "place:moscow", "person:nobody"]
    for limit in (128, 3):
        expected = [p.story_id for p in memory.candidates(probe, DAY, WINDOW, 32, limit)]
        found = await store.story_candidates(GUILD, probe, DAY, WINDOW, per_key=32, limit=limit)
        assert [p.story_id for p in found] == expected
    assert expected == [6, 4, 3]  # org:kremlin's two newest first, then person:peskov's newest


async def test_two_processes_joining_one_new_event_at_once_start_one_story(
    store: Store, second_store: Store
) -> None:
    """The cross-process race: two briefs of one event join at the same moment through two stores
    (a bot and a worker). Each chooser lingers after reading the candidates, as a loaded machine
    would, so unserialised joins would both see no story and both start one."""
    briefs = [await save(store, kremlin_briefing()), await save(store, summit_briefing())]
    event = [
        signature(0, ("person:peskov", "place:moscow")),
        signature(0, ("person:peskov", "place:moscow"), outlet="b.example"),
    ]
    grouper = StoryGrouper(InMemoryStoryIndex())
    seen: list[int] = []

    def chooser(sig: StorySignature) -> StoryChooser:
        async def choose(found: list[StoryProfile]) -> Plan:
            seen.append(len(found))
            await asyncio.sleep(0.3)
            return grouper.plan(sig, 0, found)

        return choose

    joined = await asyncio.gather(
        *(
            db.join_best_story(GUILD, brief, sig, chooser(sig), window=WINDOW, per_key=32, limit=128)
            for db, brief, sig in zip((store, second_store), briefs, event, strict=True)
        )
    )
    assert seen == [0, 1]  # the second read the candidates after the first had joined
    assert sorted(j.new for j in joined) == [False, True]
    assert joined[0].story_id == joined[1].story_id
    assert await store.stories_of_briefs(GUILD, briefs) == dict.fromkeys(briefs, joined[0].story_id)
    assert await candidates(second_store, event[0]) == [joined[0].story_id]


def planned(plan: Plan) -> StoryChooser:
    async def choose(found: list[StoryProfile]) -> Plan:
        return plan

    return choose


async def test_a_planned_move_takes_a_member_to_the_joined_story_and_an_emptied_story_away(
    store: Store,
) -> None:
    """As in memory: the member's brief, keys and counts go to the new brief's story; the story it
    left keeps the rest, and is deleted once nothing is left in it."""
    a1, b1, b2, b3 = [await save(store, summit_briefing()) for _ in range(4)]
    sig_a1 = signature(0, ("org:survey", "place:aceh"))
    sig_b1 = signature(1, ("org:survey", "place:papua"))
    first = (await store.join_story(GUILD, a1, sig_a1, None)).story_id
    await store.join_story(GUILD, b1, sig_b1, first)
    sig_b2 = signature(1, ("org:survey", "place:papua", "person:governor"))
    moved = await store.join_best_story(
        GUILD, b2, sig_b2, planned(Plan(None, 0.1, (Move(Member(b1, sig_b1), first),))),
        window=WINDOW, per_key=32, limit=128,
    )  # fmt: skip
    assert moved.new and moved.size == 2 and moved.story_id != first
    assert await store.stories_of_briefs(GUILD, [a1, b1, b2]) == {
        a1: first,
        b1: moved.story_id,
        b2: moved.story_id,
    }
    assert await candidates(store, signature(1, ("place:papua",))) == [moved.story_id]
    assert await candidates(store, signature(1, ("org:survey",))) == [moved.story_id, first]
    (left,) = [
        p for p in await store.story_candidates(GUILD, ["place:aceh"], DAY, WINDOW, per_key=32, limit=9)
    ]
    assert (left.size, left.key_counts, [m.brief_id for m in left.recent]) == (
        1,
        {"org:survey": 1, "place:aceh": 1},
        [a1],
    )
    assert [b.id for b in await store.story_briefs(GUILD, moved.story_id, limit=9)] == [b1, b2]

    sig_b3 = signature(0, ("org:survey", "place:aceh", "person:mayor"))
    last = await store.join_best_story(
        GUILD, b3, sig_b3, planned(Plan(moved.story_id, 0.9, (Move(Member(a1, sig_a1), first),))),
        window=WINDOW, per_key=32, limit=128,
    )  # fmt: skip
    assert (last.story_id, last.new, last.size) == (moved.story_id, False, 4)
    assert await store.story_briefs(GUILD, first, limit=9) == []
    assert await candidates(store, signature(0, ("place:aceh",))) == [moved.story_id]
    assert set((await store.stories_of_briefs(GUILD, [a1, b1, b2, b3])).values()) == {moved.story_id}


async def test_joining_the_best_story_keeps_a_brief_where_it_is(store: Store) -> None:
    brief = await save(store, kremlin_briefing())
    sig = signature(0, ("person:peskov",))
    story = (await store.join_story(GUILD, brief, sig, None)).story_id

    async def anywhere_else(found: list[StoryProfile]) -> Plan:
        return Plan(None, 0.0)

    again = await store.join_best_story(
        GUILD, brief, sig, anywhere_else, window=WINDOW, per_key=32, limit=128
    )
    assert (again.story_id, again.new, again.size) == (story, False, 1)


async def test_joining_twice_changes_nothing_and_sizes_grow(store: Store) -> None:
    first, second = await save(store, kremlin_briefing()), await save(store, summit_briefing())
    sig = signature(0, ("person:peskov",))
    story = (await store.join_story(GUILD, first, sig, None)).story_id
    assert (await store.join_story(GUILD, first, sig, None)).story_id == story
    joined = await store.join_story(GUILD, second, sig, story)
    assert (joined.story_id, joined.new, joined.size) == (story, False, 2)
    assert await store.story_of_brief(GUILD, second) == story
    assert await store.stories_of_briefs(GUILD, [first, second, 999]) == {first: story, second: story}
    assert await store.stories_of_briefs(OTHER_GUILD, [first]) == {}
    assert [b.id for b in await store.story_briefs(GUILD, story, limit=10)] == [first, second]
    assert await store.story_size(GUILD, story) == 2
    again = await save(store, kremlin_briefing())  # the first article briefed again
    await store.join_story(GUILD, again, sig, story)
    assert await store.story_size(GUILD, story) == 2  # articles, not briefs
    assert await store.recent_stories(GUILD, DAY - timedelta(days=3650), limit=5) == [story]
    assert await store.recent_stories(OTHER_GUILD, DAY - timedelta(days=3650), limit=5) == []


async def test_a_private_brief_stays_out_of_other_users_stories(store: Store) -> None:
    public = await save(store, kremlin_briefing())
    private = await save(store, summit_briefing(), private=True)
    sig = signature(0, ("person:peskov",))
    story = (await store.join_story(GUILD, private, sig, None)).story_id
    await store.join_story(GUILD, public, sig, story)
    assert [b.id for b in await store.story_briefs(GUILD, story, limit=10)] == [public]
    assert await store.story_size(GUILD, story) == 1
    assert await store.story_size(GUILD, story, viewer_id=USER) == 2
    assert await store.story_of_brief(GUILD, private) is None
    assert await store.story_of_brief(GUILD, private, viewer_id=USER) == story
    assert await store.story_of_brief(GUILD, private, viewer_id=STRANGER) is None
    viewed = await store.story_briefs(GUILD, story, limit=10, viewer_id=USER)
    assert [b.id for b in viewed] == [public, private]


async def test_digest_schedules_and_one_claim_per_period(store: Store, reopen: Reopen) -> None:
    daily = DigestSchedule(GUILD, 501, "daily", 8, "Europe/Paris", 0, USER)
    await store.set_digest_schedule(daily)
    await store.set_digest_schedule(DigestSchedule(OTHER_GUILD, 601, "weekly", 18, "UTC", 4, USER))
    weekly = DigestSchedule(GUILD, 501, "weekly", 9, "UTC", 2, USER)
    await store.set_digest_schedule(weekly)  # replaces the channel's schedule
    assert await store.digest_schedules(GUILD) == [weekly]
    assert len(await store.digest_schedules()) == 2

    assert await store.claim_digest(501, "weekly:2026-W48")
    assert not await store.claim_digest(501, "weekly:2026-W48")
    await store.release_digest(501, "weekly:2026-W48")
    assert await store.claim_digest(501, "weekly:2026-W48")
    await store.digest_posted(501, "weekly:2026-W48", 9001)
    await store.release_digest(501, "weekly:2026-W48")  # a posted digest is never given back

    store = await reopen(store)
    assert not await store.claim_digest(501, "weekly:2026-W48")
    assert await store.claim_digest(501, "weekly:2026-W49")
    assert await store.remove_digest_schedule(GUILD, 501)
    assert not await store.remove_digest_schedule(GUILD, 501)
    assert await store.digest_schedules(GUILD) == []


@pytest.mark.parametrize("bad", ["monthly"])
async def test_a_schedule_with_an_unknown_cadence_is_refused(store: Store, bad: str) -> None:
    with pytest.raises(Exception):  # noqa: B017 - each database raises its own integrity error
        await store.set_digest_schedule(DigestSchedule(GUILD, 1, bad, 8, "UTC", 0, USER))
    assert await store.digest_schedules(GUILD) == []


_V4_TABLES = ("digest_posts", "digest_schedules", "story_briefs", "story_keys", "stories")


async def _downgrade_to_v3(location: str) -> None:
    """Make the database what briefbot wrote at schema version 3: no story or digest tables."""
    if location.startswith("postgresql://"):
        import psycopg

        async with await psycopg.AsyncConnection.connect(location, autocommit=True) as conn:
            for table in _V4_TABLES:
                await conn.execute(f"DROP TABLE {table}")  # type: ignore[arg-type]
            await conn.execute("UPDATE briefbot_schema SET version = 3")
        return
    import sqlite3

    with sqlite3.connect(location) as conn:
        for table in _V4_TABLES:
            conn.execute(f"DROP TABLE {table}")
        conn.execute("PRAGMA user_version = 3")


async def test_a_version_3_database_upgrades_with_nothing_lost(store: Store, store_location: str) -> None:
    public = await save(store, kremlin_briefing())
    private = await save(store, summit_briefing(), private=True)
    await store.add_subscription(GUILD, 10, "Ukraine war", USER)
    await store.close()
    await _downgrade_to_v3(store_location)

    upgraded: Store = await (
        PostgresStore.open(store_location)
        if store_location.startswith("postgresql://")
        else SqliteStore.open(store_location)
    )
    try:
        stored = await upgraded.get_brief(GUILD, public)
        assert stored is not None and stored.briefing == kremlin_briefing()
        assert await upgraded.get_brief(GUILD, private) is None
        assert (await upgraded.history(GUILD, limit=5, viewer_id=USER)).total == 2
        assert [s.topic for s in await upgraded.list_subscriptions(GUILD)] == ["Ukraine war"]
        assert [s.brief_id for s in await upgraded.actor_timeline(GUILD, "Peskov", limit=5)] == [public]
        joined = await upgraded.join_story(GUILD, public, signature(0, ("person:peskov",)), None)
        assert await upgraded.story_of_brief(GUILD, public) == joined.story_id
    finally:
        await upgraded.close()


async def _restore_v4_titles(location: str) -> None:
    """Make the database what briefbot wrote at schema version 4: stories carried a title column."""
    add = "ALTER TABLE stories ADD COLUMN title TEXT NOT NULL DEFAULT 'Kremlin rejects truce'"
    if location.startswith("postgresql://"):
        import psycopg

        async with await psycopg.AsyncConnection.connect(location, autocommit=True) as conn:
            await conn.execute(add)  # type: ignore[arg-type]
            await conn.execute("UPDATE briefbot_schema SET version = 4")
        return
    import sqlite3

    with sqlite3.connect(location) as conn:
        conn.execute(add)
        conn.execute("PRAGMA user_version = 4")


async def _story_columns(location: str) -> set[str]:
    if location.startswith("postgresql://"):
        import psycopg

        async with await psycopg.AsyncConnection.connect(location) as conn:
            cursor = await conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'stories'"
            )
            return {row[0] for row in await cursor.fetchall()}
    import sqlite3

    with sqlite3.connect(location) as conn:
        return {row[1] for row in conn.execute("PRAGMA table_info(stories)")}


async def test_a_version_4_database_drops_story_titles_and_keeps_its_stories(
    store: Store, store_location: str
) -> None:
    first, second = await save(store, kremlin_briefing()), await save(store, summit_briefing())
    sig = signature(0, ("person:peskov",))
    story = (await store.join_story(GUILD, first, sig, None)).story_id
    await store.close()
    await _restore_v4_titles(store_location)
    assert "title" in await _story_columns(store_location)

    upgraded: Store = await (
        PostgresStore.open(store_location)
        if store_location.startswith("postgresql://")
        else SqliteStore.open(store_location)
    )
    try:
        assert "title" not in await _story_columns(store_location)
        assert await upgraded.story_of_brief(GUILD, first) == story
        joined = await upgraded.join_story(GUILD, second, sig, story)
        assert (joined.story_id, joined.new, joined.size) == (story, False, 2)
        assert [b.id for b in await upgraded.story_briefs(GUILD, story, limit=5)] == [first, second]
    finally:
        await upgraded.close()

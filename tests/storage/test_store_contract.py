"""The store contract: every query the service makes, against each store implementation."""

from __future__ import annotations

from dataclasses import replace

import pytest
from store_builders import (
    CHANNEL,
    GUILD,
    KREMLIN_TEXT,
    OTHER_GUILD,
    SUMMIT_TEXT,
    USER,
    Reopen,
    kremlin_briefing,
    make_briefing,
    save,
    summit_briefing,
)

from storage import FeedRoute, NewBrief, PostedMessage, Store
from storage.packing import pack_briefing
from summarizer.models import Answer, Position

# --- briefs ------------------------------------------------------------------------------------


async def test_brief_round_trip_is_lossless_and_scoped_to_its_guild(store: Store) -> None:
    briefing = kremlin_briefing()
    brief_id = await save(store, briefing)
    stored = await store.get_brief(GUILD, brief_id)
    assert stored is not None
    assert (stored.guild_id, stored.channel_id, stored.user_id) == (GUILD, CHANNEL, USER)
    assert stored.briefing == briefing
    assert stored.created_at.tzinfo is not None
    assert await store.get_brief(OTHER_GUILD, brief_id) is None


async def test_direct_messages_have_their_own_scope(store: Store) -> None:
    brief_id = await save(store, kremlin_briefing(), guild_id=None)
    assert await store.get_brief(None, brief_id) is not None
    assert await store.get_brief(GUILD, brief_id) is None
    assert (await store.history(None, limit=5)).total == 1


async def test_find_brief_by_url_or_hash_per_method_and_length(store: Store) -> None:
    briefing = kremlin_briefing()
    asked_url = "https://news.example/kremlin-truce?utm_source=feed"
    brief_id = await save(store, briefing, urls=(asked_url, briefing.article.source))
    content_hash = briefing.article.content_hash

    for url in (asked_url, briefing.article.source):
        found = await store.find_brief(GUILD, method="extractive", sentences=3, url=url)
        assert found is not None and found.id == brief_id
    found = await store.find_brief(GUILD, method="extractive", sentences=3, content_hash=content_hash)
    assert found is not None and found.id == brief_id

    assert await store.find_brief(GUILD, method="extractive", sentences=5, url=asked_url) is None
    assert await store.find_brief(GUILD, method="abstractive", sentences=3, url=asked_url) is None
    assert await store.find_brief(OTHER_GUILD, method="extractive", sentences=3, url=asked_url) is None
    with pytest.raises(ValueError):
        await store.find_brief(GUILD, method="extractive", sentences=3)

    elsewhere = await store.find_briefing_elsewhere(content_hash, method="extractive", sentences=3)
    assert elsewhere is not None and elsewhere.article.text == briefing.article.text
    assert replace(elsewhere, article=briefing.article) == briefing  # the reading is the caller's own
    assert await store.find_briefing_elsewhere(content_hash, method="extractive", sentences=1) is None


async def test_history_search_and_latest(store: Store) -> None:
    ids = [
        await save(store, kremlin_briefing()),
        await save(store, summit_briefing(), channel_id=CHANNEL + 1),
        await save(store, make_briefing(SUMMIT_TEXT + " 100% sure.", title="Aid: 100% agreed")),
    ]
    await save(store, kremlin_briefing(), guild_id=OTHER_GUILD)

    first = await store.history(GUILD, limit=2)
    assert (first.total, first.has_newer, first.has_older) == (3, False, True)
    assert [row.id for row in first.rows] == [ids[2], ids[1]]
    older = await store.history(GUILD, limit=2, before=first.rows[-1].id)
    assert [(row.id, row.title, row.source_kind, row.source) for row in older.rows] == [
        (ids[0], "Kremlin rejects Easter truce", "url", "https://news.example/kremlin-truce")
    ]
    assert (older.has_newer, older.has_older) == (True, False)
    back = await store.history(GUILD, limit=2, after=older.rows[0].id)
    assert [row.id for row in back.rows] == [ids[2], ids[1]] and not back.has_newer and back.has_older

    assert [row.id for row in await store.search_briefs(GUILD, "kremlin", limit=25)] == [ids[0]]
    assert [row.id for row in await store.search_briefs(GUILD, "news.example", limit=25)] == [ids[0]]
    assert [row.id for row in await store.search_briefs(GUILD, "100%", limit=25)] == [ids[2]]
    assert [row.id for row in await store.search_briefs(GUILD, f"#{ids[1]}", limit=25)] == [ids[1]]
    assert [row.id for row in await store.search_briefs(GUILD, "", limit=2)] == [ids[2], ids[1]]
    assert [row.id for row in await store.search_briefs(GUILD, "kreml rejec", limit=25)] == [ids[0]]
    assert await store.search_briefs(GUILD, "kremlin rejected nothing", limit=25) == []
    assert await store.search_briefs(GUILD, "'\"*:()", limit=25) == []

    untitled = await save(store, make_briefing(KREMLIN_TEXT, title=""), sentences=1)
    (row,) = await store.search_briefs(GUILD, "the kremlin on monday", limit=25)
    assert row.id == untitled
    assert row.title.startswith("The Kremlin on Monday rejected") and row.title.endswith("…")
    assert len(row.title) <= 101

    assert await store.latest_brief_id(GUILD, CHANNEL) == untitled
    assert await store.latest_brief_id(GUILD, CHANNEL + 1) == ids[1]
    assert await store.latest_brief_id(GUILD, CHANNEL + 2) is None


async def test_messages_and_threads_lead_back_to_their_brief(store: Store) -> None:
    brief_id = await save(store, kremlin_briefing())
    await store.record_message(brief_id, CHANNEL, message_id=5001, thread_id=6001)
    await store.record_message(brief_id, CHANNEL, message_id=5002, thread_id=None)
    assert await store.brief_for_thread(6001) == brief_id
    assert await store.brief_for_message(5002) == brief_id
    assert await store.brief_for_thread(5002) is None
    assert await store.brief_for_message(404) is None


# --- actors ------------------------------------------------------------------------------------


async def test_actor_timeline_matches_names_and_aliases_newest_first(store: Store) -> None:
    first = await save(store, kremlin_briefing())
    second = await save(store, summit_briefing())
    await save(store, kremlin_briefing(), guild_id=OTHER_GUILD)

    timeline = await store.actor_timeline(GUILD, "peskov", limit=20)
    assert [(s.brief_id, s.position.text) for s in timeline] == [
        (second, "the summit would change nothing on the ground"),
        (first, "There are no plans for a truce"),
    ]
    assert timeline[1].position.cue == "told reporters"
    assert timeline[1].title == "Kremlin rejects Easter truce"
    assert timeline[1].channel_id == CHANNEL

    assert [s.brief_id for s in await store.actor_timeline(GUILD, "  Dmitry   PESKOV ", limit=20)] == [first]
    assert [s.position.actor for s in await store.actor_timeline(GUILD, "Von der Leyen", limit=20)] == [
        "Ursula von der Leyen"
    ]
    described = await store.actor_timeline(GUILD, "a Commission spokeswoman", limit=20)
    assert [s.position.text for s in described] == ["talks were constructive"]
    assert len(await store.actor_timeline(GUILD, "Peskov", limit=1)) == 1
    assert await store.actor_timeline(GUILD, "Vladimir Putin", limit=20) == []
    # No exact name: whole words of names are tried, never word fragments.
    assert [s.brief_id for s in await store.actor_timeline(GUILD, "LEYEN", limit=20)] == [second]
    assert await store.actor_timeline(GUILD, "Leye", limit=20) == []


async def test_actor_names_autocomplete_by_word_prefix_speakers_first(store: Store) -> None:
    await save(store, kremlin_briefing())
    await save(store, summit_briefing())
    # Both speak in one brief each: the more recently seen comes first.
    assert await store.actor_names(GUILD, "pes", limit=25) == ["Peskov", "Dmitry Peskov"]
    assert await store.actor_names(GUILD, "leyen", limit=25) == ["Ursula von der Leyen"]
    assert await store.actor_names(GUILD, "ÉMILE", limit=25) == ["Émile Zoé"]
    assert await store.actor_names(GUILD, "100%", limit=25) == []
    everyone = await store.actor_names(GUILD, "", limit=25)
    assert set(everyone) == {
        "Dmitry Peskov",
        "Dmytro Kuleba",
        "Kremlin",
        "Peskov",
        "Ursula von der Leyen",
        "Émile Zoé",
    }
    assert everyone.index("Kremlin") > everyone.index("Dmytro Kuleba")  # said nothing: ranked lower
    assert await store.actor_names(OTHER_GUILD, "pes", limit=25) == []
    assert len(await store.actor_names(GUILD, "", limit=2)) == 2


async def test_a_name_already_indexed_in_one_guild_is_indexed_again_in_the_next(store: Store) -> None:
    """The store skips prefix terms it has written before; they are per guild, so the same actor in a
    second guild (and in a private brief, which is not indexed) must not be skipped."""
    await save(store, kremlin_briefing())
    await save(store, kremlin_briefing(), guild_id=OTHER_GUILD, private=True)
    assert await store.actor_names(OTHER_GUILD, "pes", limit=25) == []
    await save(store, kremlin_briefing(), guild_id=OTHER_GUILD)
    assert await store.actor_names(OTHER_GUILD, "pes", limit=25) == ["Dmitry Peskov"]
    assert await store.actor_names(OTHER_GUILD, "kul", limit=25) == ["Dmytro Kuleba"]


async def test_a_brief_packed_by_its_worker_is_stored_as_if_the_store_had_packed_it(store: Store) -> None:
    """The worker packs what it computed; the store writes that packing and reads back the briefing,
    its listing and its directory entries just as from a brief it packed itself. Private briefs stay
    out of the directory even though their packing lists actors."""
    briefing = kremlin_briefing()
    public = await save(store, briefing, packed=pack_briefing(briefing))
    private = await save(store, briefing, guild_id=OTHER_GUILD, private=True, packed=pack_briefing(briefing))
    stored = await store.get_brief(GUILD, public)
    assert stored is not None and stored.briefing == briefing
    assert (await store.history(GUILD, limit=5)).rows[0].title == briefing.article.title
    assert await store.actor_names(GUILD, "kul", limit=25) == ["Dmytro Kuleba"]
    assert await store.actor_names(OTHER_GUILD, "kul", limit=25) == []
    mine = await store.get_brief(OTHER_GUILD, private, viewer_id=USER)
    assert mine is not None and mine.briefing == briefing


async def test_a_batch_naming_one_actor_twice_counts_both_briefs(store: Store) -> None:
    """A batch is one statement per table: the directory rows are added up before the upsert."""
    news = [
        NewBrief(GUILD, CHANNEL, USER, briefing, 3)
        for briefing in (summit_briefing(), kremlin_briefing(), kremlin_briefing(title="Again"))
    ]
    ids = await store.save_briefs(news)
    assert len(set(ids)) == 3
    # Dmitry Peskov speaks in two briefs, Peskov in one: the directory ranks by briefs.
    assert await store.actor_names(GUILD, "pes", limit=25) == ["Dmitry Peskov", "Peskov"]
    assert [s.brief_id for s in await store.actor_timeline(GUILD, "Dmitry Peskov", limit=20)] == ids[:0:-1]
    assert (await store.history(GUILD, limit=10, viewer_id=USER)).total == 3


async def test_search_returns_the_newest_matches_first_when_many_match(store: Store) -> None:
    """A common word fills a page from the newest briefs; a rare one is found however old."""
    rare = await save(store, kremlin_briefing(title="Ceasefire rejected"))
    ids = await store.save_briefs(
        [NewBrief(GUILD, CHANNEL, USER, summit_briefing(), 3) for _ in range(30)]
        + [NewBrief(OTHER_GUILD, CHANNEL, USER, summit_briefing(), 3) for _ in range(5)]
    )
    ours = ids[:30]
    found = await store.search_briefs(GUILD, "ukraine aid", limit=25, viewer_id=USER)
    assert [row.id for row in found] == ours[::-1][:25]
    assert [row.id for row in await store.search_briefs(GUILD, "ceasefire", limit=25)] == [rare]
    assert await store.search_briefs(GUILD, "zzqxv", limit=25) == []


# --- questions, subscriptions, meta ------------------------------------------------------------


async def test_questions_are_stored_with_their_answers(store: Store) -> None:
    brief_id = await save(store, kremlin_briefing())
    answer = Answer("What did Peskov say?", "There are no plans for a truce.", [1], True)
    await store.add_question(brief_id, USER, answer)
    (stored,) = await store.questions(brief_id)
    assert (stored.brief_id, stored.user_id, stored.answer) == (brief_id, USER, answer)


async def test_subscriptions_are_unique_per_channel_ignoring_case(store: Store) -> None:
    assert await store.add_subscription(GUILD, CHANNEL, "Ukraine war", USER)
    assert not await store.add_subscription(GUILD, CHANNEL, "UKRAINE WAR", USER)
    assert await store.add_subscription(GUILD, CHANNEL + 1, "Ukraine war", USER)
    assert await store.add_subscription(GUILD, CHANNEL, "climate policy", USER)
    assert await store.add_subscription(OTHER_GUILD, CHANNEL, "football", USER)

    assert [(s.channel_id, s.topic) for s in await store.list_subscriptions(GUILD)] == [
        (CHANNEL, "climate policy"),
        (CHANNEL, "Ukraine war"),
        (CHANNEL + 1, "Ukraine war"),
    ]
    assert [s.topic for s in await store.list_subscriptions(GUILD, CHANNEL + 1)] == ["Ukraine war"]
    assert await store.remove_subscription(GUILD, CHANNEL, "ukraine war")
    assert not await store.remove_subscription(GUILD, CHANNEL, "ukraine war")
    assert [s.topic for s in await store.list_subscriptions(GUILD, CHANNEL)] == ["climate policy"]
    assert (await store.list_subscriptions(OTHER_GUILD))[0].created_by == USER


async def test_meta_overwrites(store: Store) -> None:
    assert await store.command_tree_hash() is None
    await store.set_command_tree_hash("one")
    await store.set_command_tree_hash("two")
    assert await store.command_tree_hash() == "two"


# --- feeds and deliveries ----------------------------------------------------------------------

FEED_URL = "https://news.example/rss.xml"


async def test_a_feed_is_one_row_per_url_followed_by_guilds_and_remembers_validators(store: Store) -> None:
    assert await store.add_feed(GUILD, FEED_URL, USER)
    assert not await store.add_feed(GUILD, FEED_URL, USER)
    assert await store.add_feed(OTHER_GUILD, FEED_URL, USER + 1)
    (feed,) = await store.list_feeds(GUILD)
    assert (feed.url, feed.etag, feed.last_polled_at, feed.last_error) == (FEED_URL, None, None, "")
    assert await store.list_feeds() == [feed]  # polled once, however many guilds follow it
    assert [(f.guild_id, f.added_by) for f in await store.feed_followers(feed.id)] == [
        (GUILD, USER),
        (OTHER_GUILD, USER + 1),
    ]

    await store.feed_polled(feed.id, validators=('"v1"', "Mon, 06 Jan 2025 10:00:00 GMT"))
    await store.feed_polled(feed.id, error="The feed could not be reached.")
    (feed,) = await store.list_feeds(OTHER_GUILD)
    assert (feed.etag, feed.last_modified) == ('"v1"', "Mon, 06 Jan 2025 10:00:00 GMT")
    assert feed.last_error == "The feed could not be reached."
    assert feed.last_polled_at is not None

    assert await store.remove_feed(GUILD, FEED_URL)
    assert not await store.remove_feed(GUILD, FEED_URL)
    assert await store.list_feeds(GUILD) == []
    assert [f.guild_id for f in await store.feed_followers(feed.id)] == [OTHER_GUILD]
    assert await store.remove_feed(OTHER_GUILD, FEED_URL)
    assert await store.list_feeds() == []  # nobody follows it: no longer polled


async def test_due_feeds_are_leased_once_per_interval_never_polled_first(store: Store) -> None:
    for n in range(3):
        await store.add_feed(GUILD, f"https://news.example/{n}.xml", USER)
    first, second, third = await store.list_feeds()
    await store.feed_polled(second.id)  # polled just now: not due for an hour
    leased = await store.lease_due_feeds(3600.0, limit=1)
    assert [feed.id for feed in leased] == [first.id]
    assert leased[0].last_polled_at is None  # as it was before the lease
    assert [feed.id for feed in await store.lease_due_feeds(3600.0, limit=10)] == [third.id]
    assert await store.lease_due_feeds(3600.0, limit=10) == []  # leased: not due again this interval
    assert {feed.id for feed in await store.lease_due_feeds(0.0, limit=10)} == {first.id, second.id, third.id}
    await store.remove_feed(GUILD, "https://news.example/0.xml")
    assert first.id not in {feed.id for feed in await store.lease_due_feeds(0.0, limit=10)}


async def test_a_feed_leased_with_a_hold_is_not_due_until_its_poll_ends(store: Store) -> None:
    """A poll that runs longer than the interval must not let a second poller brief the same items."""
    await store.add_feed(GUILD, FEED_URL, USER)
    [feed] = await store.lease_due_feeds(0.0, limit=1, hold_s=600.0)
    assert await store.lease_due_feeds(0.0, limit=1, hold_s=600.0) == []  # its poll may still run
    await store.feed_polled(feed.id)  # the poll ended
    assert [due.id for due in await store.lease_due_feeds(0.0, limit=1)] == [feed.id]


async def test_feed_items_settle_once_and_failures_retry_then_give_up(store: Store) -> None:
    await store.add_feed(GUILD, FEED_URL, USER)
    (feed,) = await store.list_feeds(GUILD)
    assert not await store.has_feed_items(feed.id)

    await store.skip_feed_items(feed.id, [("old-1", "https://news.example/1")], "backlog")
    brief = NewBrief(GUILD, CHANNEL, USER, kremlin_briefing(), 3, urls=("https://news.example/2",))
    (brief_id,) = await store.record_feed_item(
        feed.id, "guid-2", "https://news.example/2", [FeedRoute(brief, [CHANNEL])]
    )
    for _ in range(2):
        await store.record_feed_item_failure(
            feed.id, "guid-3", "https://news.example/3", "timed out", give_up_after=3
        )
    keys = ["old-1", "guid-2", "guid-3", "guid-4"]
    assert await store.settled_item_keys(feed.id, keys) == {"old-1", "guid-2"}
    await store.record_feed_item_failure(
        feed.id, "guid-3", "https://news.example/3", "timed out", give_up_after=3
    )
    assert await store.settled_item_keys(feed.id, keys) == {"old-1", "guid-2", "guid-3"}
    assert await store.has_feed_items(feed.id)

    found = await store.find_brief(GUILD, method="extractive", sentences=3, url="https://news.example/2")
    assert found is not None and found.id == brief_id


async def test_one_feed_item_briefed_once_reaches_every_following_guild(store: Store) -> None:
    await store.add_feed(GUILD, FEED_URL, USER)
    await store.add_feed(OTHER_GUILD, FEED_URL, USER + 1)
    (feed,) = await store.list_feeds()
    briefing = kremlin_briefing()
    routes = [
        FeedRoute(NewBrief(GUILD, CHANNEL, USER, briefing, 3), [CHANNEL, CHANNEL + 1]),
        FeedRoute(NewBrief(OTHER_GUILD, 50, USER + 1, briefing, 3), [50]),
    ]
    ours, theirs = await store.record_feed_item(feed.id, "guid-1", "https://news.example/1", routes)
    pending = await store.pending_deliveries(max_offers=3)
    assert sorted((p.guild_id, p.brief_id, p.channel_id) for p in pending) == [
        (GUILD, ours, CHANNEL),
        (GUILD, ours, CHANNEL + 1),
        (OTHER_GUILD, theirs, 50),
    ]
    # Each guild sees its own brief only; one stops following and its undelivered posts are dropped.
    assert await store.get_brief(OTHER_GUILD, ours) is None
    other = await store.get_brief(OTHER_GUILD, theirs)
    assert other is not None and other.briefing == briefing and other.user_id == USER + 1
    await store.remove_feed(GUILD, FEED_URL)
    assert [(p.guild_id, p.channel_id) for p in await store.pending_deliveries(max_offers=3)] == [
        (OTHER_GUILD, 50)
    ]


async def test_pending_deliveries_survive_restart_until_delivered(store: Store, reopen: Reopen) -> None:
    await store.add_feed(GUILD, FEED_URL, USER)
    (feed,) = await store.list_feeds(GUILD)
    brief = NewBrief(GUILD, CHANNEL, USER, kremlin_briefing(), 3)
    (brief_id,) = await store.record_feed_item(
        feed.id, "guid-1", "https://news.example/1", [FeedRoute(brief, [CHANNEL, 20])]
    )
    # The same article again under another item key (a second feed entry): no new pairs.
    assert await store.record_feed_item(
        feed.id, "guid-1b", "https://news.example/1b", [FeedRoute(brief_id, [CHANNEL])]
    ) == [brief_id]
    assert await store.mark_delivered(brief_id, CHANNEL, message_id=9001)

    store = await reopen(store)
    pending = await store.pending_deliveries(max_offers=3)
    assert [(p.guild_id, p.brief_id, p.channel_id, p.feed_url, p.item_url) for p in pending] == [
        (GUILD, brief_id, 20, FEED_URL, "https://news.example/1")
    ]
    assert await store.mark_delivered(brief_id, 20, message_id=9002)
    assert not await store.mark_delivered(brief_id, 20, message_id=9003)
    assert await store.pending_deliveries(max_offers=3) == []
    # The message is on record with the delivery (replies to it are questions); a refused second post's
    # is not.
    assert await store.brief_for_message(9002) == brief_id
    assert await store.brief_for_message(9003) is None


async def test_undeliverable_pairs_stop_being_offered(store: Store) -> None:
    await store.add_feed(GUILD, FEED_URL, USER)
    (feed,) = await store.list_feeds(GUILD)
    brief = NewBrief(GUILD, CHANNEL, USER, kremlin_briefing(), 3)
    await store.record_feed_item(feed.id, "guid-1", "https://news.example/1", [FeedRoute(brief, [CHANNEL])])
    offered = [len(await store.pending_deliveries(max_offers=2)) for _ in range(3)]
    assert offered == [1, 1, 0]


async def test_mark_delivered_for_a_cross_post_is_once_per_channel(store: Store) -> None:
    brief_id = await save(store, kremlin_briefing())
    assert await store.mark_delivered(brief_id, 30, message_id=1)
    assert not await store.mark_delivered(brief_id, 30, message_id=2)
    assert await store.pending_deliveries(max_offers=3) == []


# --- private briefs ----------------------------------------------------------------------------

OWNER = USER
STRANGER = 8


async def test_private_briefs_are_seen_by_their_owner_only(store: Store) -> None:
    public = await save(store, summit_briefing())
    secret = await save(store, kremlin_briefing(), private=True)

    stored = await store.get_brief(GUILD, secret, viewer_id=OWNER)
    assert stored is not None and stored.private is True
    assert await store.get_brief(GUILD, secret, viewer_id=STRANGER) is None
    assert await store.get_brief(GUILD, secret) is None  # no viewer: public only

    page = await store.history(GUILD, limit=10, viewer_id=STRANGER)
    assert ([row.id for row in page.rows], page.total) == ([public], 1)
    page = await store.history(GUILD, limit=10, viewer_id=OWNER)
    assert ([row.id for row in page.rows], page.total) == ([secret, public], 2)

    assert await store.search_briefs(GUILD, "kremlin", limit=25, viewer_id=STRANGER) == []
    assert await store.search_briefs(GUILD, str(secret), limit=25) == []
    owned = await store.search_briefs(GUILD, "kremlin", limit=25, viewer_id=OWNER)
    assert [row.id for row in owned] == [secret]

    assert await store.latest_brief_id(GUILD, CHANNEL, viewer_id=STRANGER) == public
    assert await store.latest_brief_id(GUILD, CHANNEL, viewer_id=OWNER) == secret


async def test_the_dedupe_cache_never_answers_a_public_request_with_a_private_brief(store: Store) -> None:
    briefing = kremlin_briefing()
    url = briefing.article.source
    secret = await save(store, briefing, private=True, urls=(url,))
    content_hash = briefing.article.content_hash
    for key in ({"url": url}, {"content_hash": content_hash}):
        assert await store.find_brief(GUILD, method="extractive", sentences=3, **key) is None
        assert (
            await store.find_brief(GUILD, method="extractive", sentences=3, viewer_id=STRANGER, **key) is None
        )
        own = await store.find_brief(GUILD, method="extractive", sentences=3, viewer_id=OWNER, **key)
        assert own is not None and own.id == secret and own.private
    # The briefing itself may be reused (same text, same result) for a new, public brief.
    elsewhere = await store.find_briefing_elsewhere(content_hash, method="extractive", sentences=3)
    assert elsewhere is not None and replace(elsewhere, article=briefing.article) == briefing

    public = await save(store, briefing, user_id=STRANGER, urls=(url,))
    found = await store.find_brief(GUILD, method="extractive", sentences=3, url=url)
    assert found is not None and (found.id, found.private) == (public, False)


async def test_actors_of_private_briefs_stay_out_of_names_and_timelines(store: Store) -> None:
    await save(store, kremlin_briefing(), private=True)
    assert await store.actor_names(GUILD, "kuleba", limit=25) == []
    assert await store.actor_timeline(GUILD, "Dmytro Kuleba", limit=20) == []
    summit = await save(store, summit_briefing())
    assert await store.actor_names(GUILD, "pesk", limit=25) == ["Peskov"]
    assert [s.brief_id for s in await store.actor_timeline(GUILD, "Peskov", limit=20)] == [summit]


async def test_actor_statements_carry_the_briefing_message(store: Store) -> None:
    posted = await save(store, kremlin_briefing())
    await store.record_message(posted, CHANNEL + 5, message_id=7001, thread_id=None)  # a cross-post
    await store.record_message(posted, CHANNEL, message_id=7002, thread_id=7002)  # its own channel
    await store.mark_delivered(posted, CHANNEL + 6, message_id=7003)
    delivered_only = await save(store, summit_briefing(), channel_id=CHANNEL + 1)
    await store.mark_delivered(delivered_only, CHANNEL + 2, message_id=8001)
    never_posted = await save(
        store,
        make_briefing(
            SUMMIT_TEXT + " Later.",
            title="Summit, later",
            positions=[Position("Peskov", "nothing had changed", "reported", "said", 0)],
        ),
    )

    timeline = await store.actor_timeline(GUILD, "Peskov", limit=20)
    messages = {s.brief_id: s.message for s in timeline}
    assert messages == {
        posted: PostedMessage(CHANNEL, 7002),  # its own channel's message wins over earlier posts elsewhere
        delivered_only: PostedMessage(CHANNEL + 2, 8001),
        never_posted: None,
    }

"""The SQLite store against real files: schema, every query, constraints and restarts."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import NewBrief, PostedMessage, Store
from storage.migrations import LATEST_VERSION, MIGRATIONS, SchemaTooNew
from summarizer.models import Actor, Answer, Article, Briefing, Position, Sentence, Summary, SummarySentence

GUILD = 111
OTHER_GUILD = 222
CHANNEL = 10
USER = 7

KREMLIN_TEXT = (
    "The Kremlin on Monday rejected a proposal for a ceasefire over the Easter holiday.\n\n"
    '"There are no plans for a truce," Dmitry Peskov, the Kremlin spokesperson, told reporters.\n\n'
    "Ukraine's foreign minister Dmytro Kuleba said Moscow was not serious about peace."
)
SUMMIT_TEXT = (
    "European leaders met in Brussels to discuss support for Ukraine.\n\n"
    "Peskov said the summit would change nothing on the ground.\n\n"
    "Ursula von der Leyen, the Commission president, announced a new aid package."
)


def make_briefing(
    text: str,
    *,
    title: str,
    source_kind: str = "text",
    source: str = "pasted",
    actors: list[Actor] | None = None,
    positions: list[Position] | None = None,
    method: str = "extractive",
) -> Briefing:
    pieces = text.split("\n\n")
    sentences, offset = [], 0
    for index, piece in enumerate(pieces):
        start = text.index(piece, offset)
        sentences.append(Sentence(index, piece, start, start + len(piece), paragraph=index))
        offset = start + len(piece)
    article = Article(
        text=text,
        source_kind=source_kind,  # type: ignore[arg-type]
        source=source,
        title=title,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )
    summary = Summary(method, [SummarySentence(sentences[0].text, 0)])  # type: ignore[arg-type]
    return Briefing(article, sentences, summary, actors or [], positions or [], timings_ms={"total": 12})


def kremlin_briefing(**overrides: str) -> Briefing:
    return make_briefing(
        KREMLIN_TEXT,
        title=overrides.get("title", "Kremlin rejects Easter truce"),
        source_kind=overrides.get("source_kind", "url"),
        source=overrides.get("source", "https://news.example/kremlin-truce"),
        actors=[
            Actor("Dmitry Peskov", "person", "Kremlin spokesperson", ["Peskov"], 2, 0.9),
            Actor("Dmytro Kuleba", "person", "foreign minister", ["Kuleba"], 1, 0.6),
            Actor("Kremlin", "organization", "", [], 2, 0.7),
        ],
        positions=[
            Position("Dmitry Peskov", "There are no plans for a truce", "direct", "told reporters", 1),
            Position("Dmytro Kuleba", "Moscow was not serious about peace", "reported", "said", 2),
        ],
    )


def summit_briefing() -> Briefing:
    return make_briefing(
        SUMMIT_TEXT,
        title="EU leaders meet on Ukraine aid",
        actors=[
            Actor("Peskov", "person", "", [], 1, 0.5),
            Actor("Ursula von der Leyen", "person", "Commission president", ["von der Leyen"], 1, 0.8),
            Actor("Émile Zoé", "person", "", [], 0, 0.1),
        ],
        positions=[
            Position("Peskov", "the summit would change nothing on the ground", "reported", "said", 1),
            Position("Ursula von der Leyen", "a new aid package", "reported", "announced", 2),
            Position("a Commission spokeswoman", "talks were constructive", "reported", "said", 2),
        ],
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "briefbot.db"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(db_path)
    yield opened
    await opened.close()


async def save(store: Store, briefing: Briefing, **fields: object) -> int:
    values: dict[object, object] = {"guild_id": GUILD, "channel_id": CHANNEL, "user_id": USER, "sentences": 3}
    values.update(fields)
    stored = await store.save_brief(NewBrief(briefing=briefing, **values))  # type: ignore[arg-type]
    return stored.id


# --- schema ------------------------------------------------------------------------------------


async def test_open_creates_folder_schema_wal_and_foreign_keys(store: Store, db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {
        "articles",
        "article_urls",
        "briefs",
        "actors",
        "actor_names",
        "positions",
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
    first = await Store.open(db_path)
    brief_id = await save(first, kremlin_briefing())
    await first.add_subscription(GUILD, CHANNEL, "Ukraine war", USER)
    await first.set_meta("tree_hash", "abc")
    await first.close()

    second = await Store.open(db_path)
    try:
        stored = await second.get_brief(GUILD, brief_id)
        assert stored is not None
        assert stored.briefing == kremlin_briefing()
        assert [s.topic for s in await second.list_subscriptions(GUILD)] == ["Ukraine war"]
        assert await second.get_meta("tree_hash") == "abc"
    finally:
        await second.close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION


async def test_two_processes_opening_a_new_file_migrate_once(db_path: Path) -> None:
    stores = await asyncio.gather(Store.open(db_path), Store.open(db_path))
    for opened in stores:
        await opened.close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION


async def test_refuses_a_database_from_a_newer_version(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(SchemaTooNew, match="newer than this briefbot"):
        await Store.open(db_path)


# --- briefs ------------------------------------------------------------------------------------


async def test_brief_round_trip_is_lossless_and_scoped_to_its_guild(store: Store) -> None:
    briefing = kremlin_briefing()
    brief_id = await save(store, briefing)
    stored = await store.get_brief(GUILD, brief_id)
    assert stored is not None
    assert (stored.guild_id, stored.channel_id, stored.user_id) == (GUILD, CHANNEL, USER)
    assert stored.briefing == briefing
    assert stored.created_at.tzinfo is not None
    assert stored.cached is False
    assert await store.get_brief(OTHER_GUILD, brief_id) is None


async def test_direct_messages_have_their_own_scope(store: Store) -> None:
    brief_id = await save(store, kremlin_briefing(), guild_id=None)
    assert await store.get_brief(None, brief_id) is not None
    assert await store.get_brief(GUILD, brief_id) is None
    assert (await store.history(None, limit=5, offset=0))[1] == 1


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
    assert elsewhere == briefing
    assert await store.find_briefing_elsewhere(content_hash, method="extractive", sentences=1) is None


async def test_same_text_is_one_article_row_and_newest_brief_wins(store: Store, db_path: Path) -> None:
    older = await save(store, kremlin_briefing())
    newer = await save(store, kremlin_briefing(), channel_id=CHANNEL + 1)
    found = await store.find_brief(
        GUILD, method="extractive", sentences=3, content_hash=kremlin_briefing().article.content_hash
    )
    assert found is not None and found.id == newer > older
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1


async def test_history_search_and_latest(store: Store) -> None:
    ids = [
        await save(store, kremlin_briefing()),
        await save(store, summit_briefing(), channel_id=CHANNEL + 1),
        await save(store, make_briefing(SUMMIT_TEXT + " 100% sure.", title="Aid: 100% agreed")),
    ]
    await save(store, kremlin_briefing(), guild_id=OTHER_GUILD)

    rows, total = await store.history(GUILD, limit=2, offset=0)
    assert total == 3
    assert [row.id for row in rows] == [ids[2], ids[1]]
    rows, _ = await store.history(GUILD, limit=2, offset=2)
    assert [(row.id, row.title, row.source_kind, row.source) for row in rows] == [
        (ids[0], "Kremlin rejects Easter truce", "url", "https://news.example/kremlin-truce")
    ]

    assert [row.id for row in await store.search_briefs(GUILD, "kremlin", limit=25)] == [ids[0]]
    assert [row.id for row in await store.search_briefs(GUILD, "news.example", limit=25)] == [ids[0]]
    assert [row.id for row in await store.search_briefs(GUILD, "100%", limit=25)] == [ids[2]]
    assert [row.id for row in await store.search_briefs(GUILD, f"#{ids[1]}", limit=25)] == [ids[1]]
    assert [row.id for row in await store.search_briefs(GUILD, "", limit=2)] == [ids[2], ids[1]]

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
    assert await store.get_meta("command_tree_hash") is None
    await store.set_meta("command_tree_hash", "one")
    await store.set_meta("command_tree_hash", "two")
    assert await store.get_meta("command_tree_hash") == "two"


# --- feeds and deliveries ----------------------------------------------------------------------

FEED_URL = "https://news.example/rss.xml"


async def test_feeds_are_unique_per_guild_and_remember_validators(store: Store) -> None:
    assert await store.add_feed(GUILD, FEED_URL, USER)
    assert not await store.add_feed(GUILD, FEED_URL, USER)
    assert await store.add_feed(OTHER_GUILD, FEED_URL, USER)
    (feed,) = await store.list_feeds(GUILD)
    assert (feed.url, feed.added_by, feed.etag, feed.last_polled_at, feed.last_error) == (
        FEED_URL,
        USER,
        None,
        None,
        "",
    )

    await store.feed_polled(feed.id, validators=('"v1"', "Mon, 06 Jan 2025 10:00:00 GMT"))
    await store.feed_polled(feed.id, error="The feed could not be reached.")
    (feed,) = await store.list_feeds(GUILD)
    assert (feed.etag, feed.last_modified) == ('"v1"', "Mon, 06 Jan 2025 10:00:00 GMT")
    assert feed.last_error == "The feed could not be reached."
    assert feed.last_polled_at is not None
    assert len(await store.list_feeds()) == 2

    assert await store.remove_feed(GUILD, FEED_URL)
    assert not await store.remove_feed(GUILD, FEED_URL)
    assert [f.guild_id for f in await store.list_feeds()] == [OTHER_GUILD]


async def test_feed_items_settle_once_and_failures_retry_then_give_up(store: Store) -> None:
    await store.add_feed(GUILD, FEED_URL, USER)
    (feed,) = await store.list_feeds(GUILD)
    assert not await store.has_feed_items(feed.id)

    await store.skip_feed_items(feed.id, [("old-1", "https://news.example/1")], "backlog")
    brief = NewBrief(GUILD, CHANNEL, USER, kremlin_briefing(), 3, urls=("https://news.example/2",))
    brief_id = await store.record_feed_item(feed.id, "guid-2", "https://news.example/2", brief, [CHANNEL])
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


async def test_pending_deliveries_survive_restart_until_delivered(db_path: Path) -> None:
    store = await Store.open(db_path)
    await store.add_feed(GUILD, FEED_URL, USER)
    (feed,) = await store.list_feeds(GUILD)
    brief = NewBrief(GUILD, CHANNEL, USER, kremlin_briefing(), 3)
    brief_id = await store.record_feed_item(feed.id, "guid-1", "https://news.example/1", brief, [CHANNEL, 20])
    # The same article again under another item key (a second feed entry): no new pairs.
    assert (
        await store.record_feed_item(feed.id, "guid-1b", "https://news.example/1b", brief_id, [CHANNEL])
        == brief_id
    )
    assert await store.mark_delivered(brief_id, CHANNEL, message_id=9001)
    await store.close()

    store = await Store.open(db_path)
    try:
        pending = await store.pending_deliveries(max_offers=3)
        assert [(p.guild_id, p.brief_id, p.channel_id, p.feed_url, p.item_url) for p in pending] == [
            (GUILD, brief_id, 20, FEED_URL, "https://news.example/1")
        ]
        assert await store.mark_delivered(brief_id, 20, message_id=9002)
        assert not await store.mark_delivered(brief_id, 20, message_id=9003)
        assert await store.pending_deliveries(max_offers=3) == []
    finally:
        await store.close()


async def test_undeliverable_pairs_stop_being_offered(store: Store) -> None:
    await store.add_feed(GUILD, FEED_URL, USER)
    (feed,) = await store.list_feeds(GUILD)
    brief = NewBrief(GUILD, CHANNEL, USER, kremlin_briefing(), 3)
    await store.record_feed_item(feed.id, "guid-1", "https://news.example/1", brief, [CHANNEL])
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


async def test_upgrading_a_version_1_database_keeps_its_briefs_public(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as conn:
        for statement in MIGRATIONS[0]:
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
        conn.execute("INSERT INTO articles (id, content_hash, created_at) VALUES (1, 'abc', '2026-11-01')")
        conn.execute(
            "INSERT INTO briefs (guild_id, channel_id, user_id, article_id, method, sentences, title, "
            "source, source_kind, record, created_at) VALUES (?, ?, ?, 1, 'extractive', 3, 'Old brief', "
            "'pasted', 'text', ?, '2026-11-01T00:00:00.000000+00:00')",
            (GUILD, CHANNEL, OWNER, json.dumps(kremlin_briefing().to_record())),
        )
    store = await Store.open(db_path)
    try:
        rows, total = await store.history(GUILD, limit=5, offset=0)
        assert total == 1 and rows[0].title == "Old brief"
        stored = await store.get_brief(GUILD, rows[0].id)
        assert stored is not None and stored.private is False
    finally:
        await store.close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION >= 2
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute("UPDATE briefs SET private = 2")


async def test_private_briefs_are_seen_by_their_owner_only(store: Store) -> None:
    public = await save(store, summit_briefing())
    secret = await save(store, kremlin_briefing(), private=True)

    stored = await store.get_brief(GUILD, secret, viewer_id=OWNER)
    assert stored is not None and stored.private is True
    assert await store.get_brief(GUILD, secret, viewer_id=STRANGER) is None
    assert await store.get_brief(GUILD, secret) is None  # no viewer: public only

    rows, total = await store.history(GUILD, limit=10, offset=0, viewer_id=STRANGER)
    assert ([row.id for row in rows], total) == ([public], 1)
    rows, total = await store.history(GUILD, limit=10, offset=0, viewer_id=OWNER)
    assert ([row.id for row in rows], total) == ([secret, public], 2)

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
    assert await store.find_briefing_elsewhere(content_hash, method="extractive", sentences=3) == briefing

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

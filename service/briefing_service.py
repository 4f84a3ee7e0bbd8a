"""The application: brief, answer, route to subscriptions, poll feeds, keep everything in the store.

Used by the bot and the CLI alike. CPU-bound NLP runs in the worker pool, network and file reading
in threads, so the event loop (the Discord gateway heartbeat) never waits on either.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Literal

from service.errors import InvalidTopic, NotFound, PoolClosed, WorkerCrashed
from service.feeds import FeedItem, check_feed, fetch_feed, parse_feed
from service.limits import Cooldowns, QueueLimit
from service.records import (
    ActorStatement,
    BriefOutcome,
    BriefRequest,
    BriefRow,
    Feed,
    FeedAdded,
    FeedDelivery,
    StoredBrief,
    Subscription,
    TopicHit,
)
from service.settings import Settings
from service.stories import StoryService
from service.worker import (
    EngineFactory,
    TaskRunner,
    WorkerPool,
    answer_task,
    build_engine,
    match_task,
    signed_brief_task,
)
from storage import FeedFollower, FeedRoute, HistoryPage, NewBrief, PostgresStore, SqliteStore, Store
from storage.errors import readable_database_errors
from storage.packing import PackedBriefing
from summarizer import sources
from summarizer.cleaning import printable
from summarizer.errors import (
    BlockedAddress,
    BriefError,
    EmptyInput,
    FetchError,
    InputTooLarge,
    ModelUnavailable,
    UnsupportedInput,
)
from summarizer.fetch import human_size
from summarizer.models import Answer, Article, Briefing, SummaryMethod
from summarizer.story_signature import StorySignature

log = logging.getLogger(__name__)

Progress = Callable[[str], Awaitable[None]]
InputKind = Literal["text", "url", "file"]

TOPIC_CHARS = (2, 200)
FEED_ITEM_ATTEMPTS = 3  # a feed item whose link keeps failing is given up after this many polls
DELIVERY_OFFERS = 3  # a (brief, channel) pair the bot keeps failing to post is dropped after this
ABSTRACTIVE_RETRY_S = 600.0  # after a fallback, go straight to extractive for this long
_BACKLOG_REASON = "already in the feed when it was added"
# How long a leased feed's poll may take at most, so no other poller takes the feed meanwhile: the
# feed and its pages fetched, then per item a brief, a topic match and a story signature, each waited
# for up to twice the job budget (distributed mode). A poller that dies frees its feeds after that.
FEED_FETCH_HOLD_S = 60.0
ITEM_HOLD_BUDGETS = 6
_NO_MATCH_REASON = "matched no subscribed topic"


class BriefingService:
    def __init__(
        self, settings: Settings, store: Store, pool: TaskRunner, *, polls_feeds: bool = True
    ) -> None:
        """`polls_feeds=False` (distributed mode): `briefbot poller` processes poll the feeds, and
        `poll_feeds` only hands over what they briefed for this process to post."""
        self._settings = settings
        self._store = store
        self._pool = pool
        self._polls_feeds = polls_feeds
        self._cooldowns = Cooldowns(settings.user_cooldown_s)
        self._queue = QueueLimit(
            settings.queue_limit, settings.workers, initial_seconds=settings.job_budget_s
        )
        self._poll_lock = asyncio.Lock()
        # Why abstractive last fell back, and until when to skip trying it (a model server may recover).
        self._abstractive_unavailable = ""
        self._abstractive_retry_at = 0.0
        self.stories = StoryService(settings, store, pool, self._queue)

    @classmethod
    async def open(
        cls,
        settings: Settings,
        *,
        engine_factory: EngineFactory = build_engine,
        start_workers: bool = True,
        distributed: bool = False,
    ) -> BriefingService:
        """Open the store (migrating it) and start the workers; the models load in the background.

        `start_workers=False` is for callers that only need the store (`briefbot sync`): no process
        starts and no model loads, unless a task is run after all (then the first one waits for both).
        `distributed=True` (`briefbot bot`, `briefbot poller`): the NLP is queued on PostgreSQL for
        `briefbot worker` processes, no NLP runs in this process, and feeds are left to the pollers.
        """
        store = await open_store(settings)
        if not distributed:
            pool = WorkerPool(
                settings.workers,
                settings.engine,
                engine_factory,
                job_budget_s=settings.job_budget_s,
                torch_threads=settings.torch_threads,
            )
            if start_workers:
                pool.start()
            return cls(settings, store, pool)
        from service.jobs import JobPool  # only the distributed mode needs the queue library

        try:
            job_pool = await JobPool.open(postgres_url(settings), budget_s=settings.job_budget_s)
        except BaseException:
            await store.close()
            raise
        return cls(settings, store, job_pool, polls_feeds=False)

    def drain(self) -> int:
        """Shutting down: hand back every NLP task that has not started (its caller gets a polite
        error at once) and take no new ones. Returns how many were handed back."""
        return self._pool.drain()

    async def stop_workers(self, grace_s: float) -> None:
        """Give running NLP tasks up to `grace_s`, then stop them: their callers get PoolClosed."""
        await self._pool.close(grace_s)

    async def close(self, grace_s: float = 5.0) -> None:
        """Give running NLP tasks up to `grace_s`, then stop the workers and close the store."""
        await self._pool.close(grace_s)
        await self._store.close()

    # --- briefs -------------------------------------------------------------------------------

    async def brief(self, req: BriefRequest, progress: Progress | None = None) -> BriefOutcome:
        """Brief a text, link or file for a guild; answered from the store when seen before."""
        kind = _input_kind(req)
        if req.sentences < 1:
            raise UnsupportedInput("A brief needs at least one sentence.")
        self._cooldowns.start(req.user_id)
        try:
            with self._queue.slot(), readable_database_errors():
                outcome, signature = await self._brief(req, kind, _Reporter(progress))
                return await self.stories.join(outcome, signature)
        except BriefError:
            # Nothing was briefed (bad input, busy queue, unreachable link): let the user retry now.
            self._cooldowns.forgive(req.user_id)
            raise

    async def _brief(
        self, req: BriefRequest, kind: InputKind, progress: _Reporter
    ) -> tuple[BriefOutcome, StorySignature | None]:
        """The brief and, when it was computed now, its story signature (computed with it)."""
        engine = self._settings.engine
        method: SummaryMethod = req.method
        fallback_note = ""
        if method == "abstractive" and time.monotonic() < self._abstractive_retry_at:
            method, fallback_note = "extractive", self._abstractive_unavailable
        url = req.url.strip() if req.url is not None else None
        # A public request is answered only from public briefs; a private one also from its user's own.
        viewer_id = req.user_id if req.private else None

        if url is not None and not req.refresh:
            known = await self._store.find_brief(
                req.guild_id, method=method, sentences=req.sentences, url=url, viewer_id=viewer_id
            )
            if known is not None:
                return BriefOutcome(known, cached=True, fallback_note=fallback_note), None
        links: tuple[str, ...] = ()
        if kind == "url" and url is not None:
            await progress("fetching")
            article = await asyncio.to_thread(sources.fetch_article, url, engine)
            links = (url, article.source)  # as given and after redirects
            await progress("reading")
        elif kind == "text" and req.text is not None:
            await progress("reading")
            article = await asyncio.to_thread(sources.load_text, req.text, engine)
        else:
            await progress("reading")
            article = await self._read_file(req)

        if not req.refresh:
            known = await self._store.find_brief(
                req.guild_id,
                method=method,
                sentences=req.sentences,
                content_hash=article.content_hash,
                viewer_id=viewer_id,
            )
            if known is not None:
                return BriefOutcome(known, cached=True, fallback_note=fallback_note), None
        await progress("summarizing")
        briefing, note, signature, packed = await self._compute(
            article, req.sentences, method, reuse=not req.refresh
        )
        stored = await self._store.save_brief(
            NewBrief(
                req.guild_id,
                req.channel_id,
                req.user_id,
                briefing,
                req.sentences,
                urls=links,
                private=req.private,
                packed=packed,
            )
        )
        return BriefOutcome(stored, fallback_note=note or fallback_note), signature

    async def _read_file(self, req: BriefRequest) -> Article:
        data = req.file_bytes or b""
        if len(data) > self._settings.max_file_bytes:
            raise InputTooLarge(
                f"That file is {human_size(len(data))}; the largest file I read is "
                f"{human_size(self._settings.max_file_bytes)}."
            )
        name = req.file_name or "attachment.txt"
        return await asyncio.to_thread(sources.load_bytes, name, data, self._settings.engine)

    async def _compute(
        self, article: Article, sentences: int, method: SummaryMethod, *, reuse: bool
    ) -> tuple[Briefing, str, StorySignature | None, PackedBriefing | None]:
        """The briefing, why abstractive fell back to extractive (if it did), and the story signature
        and the store's packing, made in the same worker task (none for a computation reused from the
        store)."""
        if reuse:
            # The same text briefed before (another guild, or a private brief): the NLP is
            # deterministic, so reuse it. Only the briefing is copied, never who asked or where.
            known = await self._store.find_briefing_elsewhere(
                article.content_hash, method=method, sentences=sentences
            )
            if known is not None:
                return replace(known, article=article), "", None, None
        started = time.perf_counter()
        briefing, note, signature, packed = await self._pool.run(
            signed_brief_task, article, sentences, method
        )
        self._queue.record_work(time.perf_counter() - started)
        if note:
            self._abstractive_unavailable = note
            self._abstractive_retry_at = time.monotonic() + ABSTRACTIVE_RETRY_S
        return briefing, note, signature, packed

    # Reads take `viewer_id`, the user asking: they see public briefs and their own private ones.
    # None (the default) means public briefs only.

    async def get_brief(
        self, guild_id: int | None, brief_id: int, *, viewer_id: int | None = None
    ) -> StoredBrief | None:
        return await self._store.get_brief(guild_id, brief_id, viewer_id=viewer_id)

    async def history(
        self,
        guild_id: int | None,
        *,
        limit: int = 10,
        before: int | None = None,
        after: int | None = None,
        viewer_id: int | None = None,
    ) -> HistoryPage:
        return await self._store.history(
            guild_id, limit=limit, before=before, after=after, viewer_id=viewer_id
        )

    async def search_briefs(
        self, guild_id: int | None, query: str, limit: int = 25, *, viewer_id: int | None = None
    ) -> list[BriefRow]:
        return await self._store.search_briefs(guild_id, query, limit=limit, viewer_id=viewer_id)

    async def latest_brief_id(
        self, guild_id: int | None, channel_id: int, *, viewer_id: int | None = None
    ) -> int | None:
        return await self._store.latest_brief_id(guild_id, channel_id, viewer_id=viewer_id)

    async def record_message(
        self, brief_id: int, channel_id: int, message_id: int, thread_id: int | None
    ) -> None:
        await self._store.record_message(brief_id, channel_id, message_id, thread_id)

    async def brief_for_thread(self, thread_id: int) -> int | None:
        return await self._store.brief_for_thread(thread_id)

    async def brief_for_message(self, message_id: int) -> int | None:
        """The brief posted as this message: replies to it are questions when threads are not allowed."""
        return await self._store.brief_for_message(message_id)

    # --- questions and actors -----------------------------------------------------------------

    async def brief_to_ask(self, guild_id: int | None, brief_id: int, user_id: int) -> StoredBrief:
        """The brief a question is about, loaded once for the whole exchange.

        Someone else's private brief is not found, exactly like one that does not exist.
        """
        stored = await self._store.get_brief(guild_id, brief_id, viewer_id=user_id)
        if stored is None:
            raise NotFound(f"I couldn't find brief #{brief_id} in this server.")
        return stored

    async def ask(self, stored: StoredBrief, question: str, user_id: int) -> Answer:
        """Answer from the brief's article (in a worker) and keep the question and answer."""
        question = printable(question)  # stored and encoded: no lone surrogates
        with self._queue.slot():
            answer = await self._pool.run(answer_task, stored.briefing, question)
        await self._store.add_question(stored.id, user_id, answer)
        return answer

    # Actors come from public briefs only, for everyone: /actor answers in public.

    async def actor_names(self, guild_id: int | None, prefix: str, limit: int = 25) -> list[str]:
        return await self._store.actor_names(guild_id, prefix, limit=limit)

    async def actor_timeline(self, guild_id: int | None, name: str, limit: int = 20) -> list[ActorStatement]:
        return await self._store.actor_timeline(guild_id, name, limit=limit)

    # --- subscriptions ------------------------------------------------------------------------

    async def add_subscription(self, guild_id: int, channel_id: int, topic: str, user_id: int) -> bool:
        """False when the channel already follows this topic (in any letter case)."""
        return await self._store.add_subscription(guild_id, channel_id, _clean_topic(topic), user_id)

    async def remove_subscription(self, guild_id: int, channel_id: int, topic: str) -> bool:
        return await self._store.remove_subscription(guild_id, channel_id, " ".join(topic.split()))

    async def list_subscriptions(self, guild_id: int, channel_id: int | None = None) -> list[Subscription]:
        return await self._store.list_subscriptions(guild_id, channel_id)

    async def matching_channels(
        self, guild_id: int | None, briefing: Briefing, exclude_channel_id: int | None = None
    ) -> list[TopicHit]:
        """Channels with a topic scoring at least `topic_threshold`, each with its best topic, best first."""
        if guild_id is None:
            return []
        subscriptions = [
            s for s in await self._store.list_subscriptions(guild_id) if s.channel_id != exclude_channel_id
        ]
        if not subscriptions:
            return []
        topics = sorted({s.topic for s in subscriptions})
        scores = dict(zip(topics, await self._pool.run(match_task, briefing, topics), strict=True))
        best: dict[int, TopicHit] = {}
        for subscription in subscriptions:
            score = scores[subscription.topic]
            current = best.get(subscription.channel_id)
            if score >= self._settings.topic_threshold and (current is None or score > current.score):
                best[subscription.channel_id] = TopicHit(subscription.channel_id, subscription.topic, score)
        return sorted(best.values(), key=lambda hit: (-hit.score, hit.channel_id))

    # --- feeds --------------------------------------------------------------------------------

    async def add_feed(self, guild_id: int, url: str, user_id: int) -> FeedAdded:
        """Fetch the link now and follow it if it is a feed, or the feed a page links to.

        Anything else is refused with the reason (a BriefError) before it is stored. `added` is
        False when this server already follows that feed.
        """
        url = url.strip()
        if not url.lower().startswith(("http://", "https://")) or len(url) > 2000:
            raise UnsupportedInput("A feed must be an http:// or https:// link.")
        checked = await asyncio.to_thread(check_feed, url, self._settings.engine.fetch)
        added = await self._store.add_feed(guild_id, checked.url, user_id)
        return FeedAdded(url=checked.url, added=added, linked_from=checked.linked_from, items=checked.items)

    async def remove_feed(self, guild_id: int, url: str) -> bool:
        return await self._store.remove_feed(guild_id, url.strip())

    async def list_feeds(self, guild_id: int) -> list[Feed]:
        return await self._store.list_feeds(guild_id)

    async def poll_feeds(self) -> list[FeedDelivery]:
        """Brief new items of every followed feed and return what still has to be posted where.

        A feed is fetched once however many servers follow it, and each new item briefed once; each
        following server gets its own brief (its listings stay its own) in its matching channels.
        The result also holds pairs a previous poll returned but the bot never confirmed with
        `mark_delivered` (e.g. it crashed before posting): those are offered again, a bounded number
        of times, while delivered pairs never come back.
        """
        async with self._poll_lock:
            if self._polls_feeds:
                for feed in await self._store.list_feeds():
                    await self._poll_feed(feed)
            pending = await self._store.pending_deliveries(max_offers=DELIVERY_OFFERS)
            deliveries: dict[int, FeedDelivery] = {}
            for pair in pending:
                if pair.brief_id not in deliveries:
                    brief = await self._store.get_brief(pair.guild_id, pair.brief_id)
                    if brief is None:
                        continue
                    # Joined its story when briefed: this looks up the story's size.
                    outcome = await self.stories.join(BriefOutcome(brief))
                    deliveries[pair.brief_id] = FeedDelivery(outcome, pair.feed_url, pair.item_url, [])
                deliveries[pair.brief_id].channel_ids.append(pair.channel_id)
            return list(deliveries.values())

    async def poll_due_feeds(self, limit: int = 10) -> int:
        """`briefbot poller`: lease up to `limit` feeds due for a poll and poll them; returns how many.

        The lease marks them polled as of when a poll of theirs ends at the latest (each item briefed
        within its budget), so pollers running side by side never poll a feed twice in an interval,
        nor brief the items of a poll still running; what they brief waits in the store for a bot
        process to post (`poll_feeds`).
        """
        settings = self._settings
        per_item_s = ITEM_HOLD_BUDGETS * settings.job_budget_s
        hold_s = FEED_FETCH_HOLD_S + settings.feed_max_items_per_poll * per_item_s
        feeds = await self._store.lease_due_feeds(settings.feed_interval_s, limit, hold_s)
        for feed in feeds:
            await self._poll_feed(feed)
        return len(feeds)

    async def _poll_feed(self, feed: Feed) -> None:
        fetch_config = self._settings.engine.fetch
        try:
            response = await asyncio.to_thread(
                fetch_feed, feed.url, fetch_config, etag=feed.etag, last_modified=feed.last_modified
            )
            if response.status == 304:
                await self._store.feed_polled(feed.id)
                return
            items = await asyncio.to_thread(parse_feed, response)
        except BriefError as err:
            log.info("Feed %s failed: %s", feed.url, err)
            await self._store.feed_polled(feed.id, error=str(err))
            return

        settled = await self._store.settled_item_keys(feed.id, [item.key for item in items])
        new = [item for item in items if item.key not in settled]  # newest first
        limit = self._settings.feed_max_items_per_poll
        if not await self._store.has_feed_items(feed.id):
            # A feed just added would flood its channels with old news; start from the newest items.
            await self._store.skip_feed_items(feed.id, [(i.key, i.url) for i in new[limit:]], _BACKLOG_REASON)
            new = new[:limit]
        followers = await self._store.feed_followers(feed.id)
        for item in reversed(new[:limit]):  # oldest first, so channels read them in order
            await self._brief_feed_item(feed, item, followers)

        # Keep the old validators while items are left over: the next request then gets the whole
        # feed again instead of a 304 that would strand them.
        all_settled = len(await self._store.settled_item_keys(feed.id, [i.key for i in new])) == len(new)
        await self._store.feed_polled(
            feed.id, validators=(response.etag, response.last_modified) if all_settled else None
        )

    async def _brief_feed_item(self, feed: Feed, item: FeedItem, followers: list[FeedFollower]) -> None:
        sentences = self._settings.engine.default_sentences
        try:
            article, links = await self._feed_article(feed, item)
            briefing: Briefing | None = None
            signature: StorySignature | None = None
            packed: PackedBriefing | None = None
            routes: list[FeedRoute] = []
            for follower in followers:
                known = await self._store.find_brief(
                    follower.guild_id,
                    method="extractive",
                    sentences=sentences,
                    content_hash=article.content_hash,
                )
                if known is not None:
                    # Briefed in this server already: route it, but never back to where it was briefed.
                    hits = await self.matching_channels(follower.guild_id, known.briefing, known.channel_id)
                    if hits:
                        routes.append(FeedRoute(known.id, [hit.channel_id for hit in hits]))
                    continue
                if briefing is None:
                    briefing, _, signature, packed = await self._compute(
                        article, sentences, "extractive", reuse=True
                    )
                hits = await self.matching_channels(follower.guild_id, briefing)
                if hits:
                    # The brief belongs to the first channel it is posted in, on behalf of who
                    # followed the feed in that server.
                    new = NewBrief(
                        follower.guild_id,
                        hits[0].channel_id,
                        follower.added_by,
                        briefing,
                        sentences,
                        links,
                        packed=packed,
                    )
                    routes.append(FeedRoute(new, [hit.channel_id for hit in hits]))
            if not routes:
                await self._store.skip_feed_items(feed.id, [(item.key, item.url)], _NO_MATCH_REASON)
                return
            brief_ids = await self._store.record_feed_item(feed.id, item.key, item.url, routes)
            for route, brief_id in zip(routes, brief_ids, strict=True):
                if isinstance(route.brief, NewBrief):  # a brief the guild had already is in a story
                    await self.stories.join_briefs(route.brief.guild_id, [brief_id], signature)
        except BriefError as err:
            transient = isinstance(
                err, FetchError | WorkerCrashed | ModelUnavailable | PoolClosed
            ) and not isinstance(err, BlockedAddress)
            log.info("Feed item %s of %s not briefed: %s", item.url or item.key, feed.url, err)
            await self._store.record_feed_item_failure(
                feed.id, item.key, item.url, str(err), give_up_after=FEED_ITEM_ATTEMPTS if transient else 1
            )

    async def _feed_article(self, feed: Feed, item: FeedItem) -> tuple[Article, tuple[str, ...]]:
        """The linked page, or the entry's own text when there is no readable page; plus the links
        that lead to the article (none when it comes from the entry: its text may differ from the page).
        """
        engine = self._settings.engine
        if not item.url:
            if not item.content_html:
                raise EmptyInput("That feed item has neither a link nor any text.")
            return await asyncio.to_thread(sources.article_from_html, item.content_html, feed.url, engine), ()
        try:
            article = await asyncio.to_thread(sources.fetch_article, item.url, engine)
            return article, (item.url, article.source)
        except BlockedAddress:
            raise
        except BriefError as page_error:
            if not item.content_html:
                raise
            try:
                entry = await asyncio.to_thread(
                    sources.article_from_html, item.content_html, item.url, engine
                )
            except BriefError:
                raise page_error from None
            return entry, ()

    async def mark_delivered(self, brief_id: int, channel_id: int, message_id: int) -> bool:
        """Record a post and its message in one step; False when this brief was already delivered to
        this channel."""
        return await self._store.mark_delivered(brief_id, channel_id, message_id)

    # --- command sync -------------------------------------------------------------------------

    async def command_tree_hash(self) -> str | None:
        return await self._store.command_tree_hash()

    async def set_command_tree_hash(self, digest: str) -> None:
        await self._store.set_command_tree_hash(digest)


async def open_store(settings: Settings) -> Store:
    """PostgreSQL when `database_url` is set, else the SQLite file (the default: nothing to install)."""
    if settings.database_url is None:
        with readable_database_errors(settings.database_path):
            return await SqliteStore.open(settings.database_path)
    return await PostgresStore.open(postgres_url(settings))


def postgres_url(settings: Settings) -> str:
    url = settings.database_url.get_secret_value() if settings.database_url is not None else ""
    if not url.startswith(("postgresql://", "postgres://")):
        raise ValueError("BRIEFBOT_DATABASE_URL must be a postgresql:// URL")
    return url


class _Reporter:
    """Calls the caller's progress hook; a failing hook (say, an expired interaction) never fails a brief."""

    def __init__(self, hook: Progress | None) -> None:
        self._hook = hook

    async def __call__(self, stage: str) -> None:
        if self._hook is None:
            return
        try:
            await self._hook(stage)
        except Exception:
            log.warning("Progress update %r failed", stage, exc_info=True)


def _input_kind(req: BriefRequest) -> InputKind:
    given: list[InputKind] = []
    if req.text is not None:
        given.append("text")
    if req.url is not None:
        given.append("url")
    if req.file_bytes is not None or req.file_name is not None:
        given.append("file")
    if len(given) != 1:
        raise EmptyInput("Give me exactly one thing to brief: some text, a link, or a file.")
    if given[0] == "file" and req.file_bytes is None:
        raise EmptyInput("That file came without its contents; please attach it again.")
    return given[0]


def _clean_topic(topic: str) -> str:
    cleaned = " ".join(printable(topic).split())
    low, high = TOPIC_CHARS
    if not low <= len(cleaned) <= high:
        raise InvalidTopic(f"A topic needs {low} to {high} characters (that one has {len(cleaned)}).")
    return cleaned

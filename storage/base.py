"""The store interface: what the service may ask of history, whichever database holds it.

Two implementations keep the same data with the same semantics: `SqliteStore` (embedded, the default)
and the PostgreSQL store of the distributed mode. One contract test suite runs against both.
Guild `None` is direct messages. Reads that take `viewer_id` show public briefs plus that user's own
private ones (None: public only). Actor names and timelines come from public briefs only.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from storage.records import (
    ActorStatement,
    BriefRow,
    DigestSchedule,
    Feed,
    FeedFollower,
    FeedRoute,
    HistoryPage,
    NewBrief,
    PendingDelivery,
    StoredBrief,
    StoredQuestion,
    StoryJoin,
    Subscription,
)
from summarizer.models import Answer, Briefing
from summarizer.stories import Plan, StoryProfile
from summarizer.story_signature import StorySignature

# Given a brief's candidate stories, the story it joins (None: a new one) and the recent members of
# other candidates that move to that story with it.
StoryChooser = Callable[[list[StoryProfile]], Awaitable[Plan]]


class Store(ABC):
    @abstractmethod
    async def close(self) -> None: ...

    # --- briefs -------------------------------------------------------------------------------

    @abstractmethod
    async def save_brief(self, new: NewBrief) -> StoredBrief:
        """One transaction: the article (once per text), the computation (once), the brief, its indexes."""

    @abstractmethod
    async def save_briefs(self, news: Sequence[NewBrief]) -> list[int]:
        """Many briefs in one transaction (imports, benchmarks); ids in order."""

    @abstractmethod
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
        """The newest brief of this guild for the article behind `url` or with this `content_hash`
        that `viewer_id` may see (None: public only, so a public answer never leaks a private one)."""

    @abstractmethod
    async def find_briefing_elsewhere(
        self, content_hash: str, *, method: str, sentences: int
    ) -> Briefing | None:
        """A computation of the same text for any guild: reusable as is, the NLP is deterministic.
        Its article carries the text only; the caller supplies its own reading (title, source)."""

    @abstractmethod
    async def get_brief(
        self, guild_id: int | None, brief_id: int, *, viewer_id: int | None = None
    ) -> StoredBrief | None: ...

    @abstractmethod
    async def history(
        self,
        guild_id: int | None,
        *,
        limit: int,
        before: int | None = None,
        after: int | None = None,
        viewer_id: int | None = None,
    ) -> HistoryPage:
        """Newest first: the newest page, or the page older than brief `before`, or newer than `after`."""

    @abstractmethod
    async def search_briefs(
        self, guild_id: int | None, query: str, *, limit: int, viewer_id: int | None = None
    ) -> list[BriefRow]:
        """The brief whose id is `query` (with or without "#"), then briefs whose title or source has
        words starting with every word of `query`, newest first; an empty query lists the newest."""

    @abstractmethod
    async def latest_brief_id(
        self, guild_id: int | None, channel_id: int, *, viewer_id: int | None = None
    ) -> int | None: ...

    # --- messages and threads -----------------------------------------------------------------

    @abstractmethod
    async def record_message(
        self, brief_id: int, channel_id: int, message_id: int, thread_id: int | None
    ) -> None: ...

    @abstractmethod
    async def brief_for_thread(self, thread_id: int) -> int | None: ...

    @abstractmethod
    async def brief_for_message(self, message_id: int) -> int | None: ...

    # --- actors -------------------------------------------------------------------------------

    @abstractmethod
    async def actor_names(self, guild_id: int | None, prefix: str, *, limit: int) -> list[str]:
        """Canonical names with a name or alias one of whose words starts with `prefix`; actors who
        said something first, then those seen in more briefs, then the most recent."""

    @abstractmethod
    async def actor_timeline(self, guild_id: int | None, name: str, *, limit: int) -> list[ActorStatement]:
        """What the actor called `name` (canonical or alias) stated, newest brief first; when no name
        is exactly `name`, names containing it as whole words ("Peskov" finds "Dmitry Peskov")."""

    # --- questions ----------------------------------------------------------------------------

    @abstractmethod
    async def add_question(self, brief_id: int, user_id: int, answer: Answer) -> int: ...

    @abstractmethod
    async def questions(self, brief_id: int) -> list[StoredQuestion]: ...

    # --- subscriptions ------------------------------------------------------------------------

    @abstractmethod
    async def add_subscription(self, guild_id: int, channel_id: int, topic: str, user_id: int) -> bool:
        """False when the channel already follows the topic (in any letter case)."""

    @abstractmethod
    async def remove_subscription(self, guild_id: int, channel_id: int, topic: str) -> bool: ...

    @abstractmethod
    async def list_subscriptions(
        self, guild_id: int, channel_id: int | None = None
    ) -> list[Subscription]: ...

    # --- feeds --------------------------------------------------------------------------------

    @abstractmethod
    async def add_feed(self, guild_id: int, url: str, user_id: int) -> bool:
        """Follow `url` (one shared feed per URL); False when the guild follows it already."""

    @abstractmethod
    async def remove_feed(self, guild_id: int, url: str) -> bool:
        """Unfollow; a feed nobody follows any more is dropped with its items."""

    @abstractmethod
    async def list_feeds(self, guild_id: int | None = None) -> list[Feed]:
        """The feeds a guild follows, or (None) every feed someone follows: what the poller polls."""

    @abstractmethod
    async def lease_due_feeds(self, interval_s: float, limit: int, hold_s: float = 0.0) -> list[Feed]:
        """Up to `limit` followed feeds not polled for `interval_s` (never polled first), marked as
        polled `hold_s` from now: however many pollers ask at once, each feed goes to one of them, and
        no other poller gets it again while its poll may still be running (until `feed_polled` marks
        the poll done, or `hold_s` plus an interval has passed: a poller that died). The feeds come
        back as they were before the lease (their last poll, their validators)."""

    @abstractmethod
    async def feed_followers(self, feed_id: int) -> list[FeedFollower]: ...

    @abstractmethod
    async def feed_polled(
        self, feed_id: int, *, error: str = "", validators: tuple[str | None, str | None] | None = None
    ) -> None:
        """Record a poll; pass `validators` (ETag, Last-Modified) once every item it listed is settled."""

    @abstractmethod
    async def has_feed_items(self, feed_id: int) -> bool: ...

    @abstractmethod
    async def settled_item_keys(self, feed_id: int, keys: list[str]) -> set[str]: ...

    @abstractmethod
    async def record_feed_item(
        self, feed_id: int, item_key: str, item_url: str, routes: Sequence[FeedRoute]
    ) -> list[int]:
        """Settle an item as briefed and queue it, per following guild, for its channels; one
        transaction, so after a crash the item is either briefed again or fully recorded. Returns
        the brief id of each route."""

    @abstractmethod
    async def record_feed_item_failure(
        self, feed_id: int, item_key: str, item_url: str, error: str, *, give_up_after: int
    ) -> None:
        """Count a failed attempt; the item settles (is never tried again) after `give_up_after`."""

    @abstractmethod
    async def skip_feed_items(self, feed_id: int, items: list[tuple[str, str]], reason: str) -> None:
        """Settle (key, url) items without briefing them: the backlog present when a feed is added."""

    # --- deliveries ---------------------------------------------------------------------------

    @abstractmethod
    async def pending_deliveries(self, *, max_offers: int) -> list[PendingDelivery]:
        """Feed briefs not yet posted to a channel of a guild that still follows the feed, each offered
        at most `max_offers` times (a channel the bot can no longer post to is not retried forever)."""

    @abstractmethod
    async def mark_delivered(self, brief_id: int, channel_id: int, message_id: int) -> bool:
        """Record the post and its message (as `record_message`) in one transaction; False when this
        brief was already delivered to this channel (and nothing is recorded)."""

    # --- stories ------------------------------------------------------------------------------
    # A story belongs to one guild, like its briefs. Reads filter its briefs by who may see them.

    @abstractmethod
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
        """The guild's stories sharing a key with a brief published `when` and inside the window: per
        key the `per_key` most recently updated, at most `limit` in all, in key order (an index range
        per key, never a scan)."""

    @abstractmethod
    async def join_story(
        self, guild_id: int | None, brief_id: int, signature: StorySignature, story_id: int | None
    ) -> StoryJoin:
        """One transaction: add the brief to story `story_id` (None, or a story gone: a new one),
        updating its profile and key index. A brief already in a story stays."""

    @abstractmethod
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
        """`join_story` to the story `choose` plans among the candidates (as `story_candidates`), and
        the planned members of other candidates moved there too (a story left empty is deleted); the
        reading, choosing and writing serialised per guild across processes: two briefs of one event
        joining at the same moment end in one story. A brief already in a story stays, unchosen."""

    @abstractmethod
    async def story_of_brief(
        self, guild_id: int | None, brief_id: int, *, viewer_id: int | None = None
    ) -> int | None: ...

    @abstractmethod
    async def stories_of_briefs(self, guild_id: int | None, brief_ids: Sequence[int]) -> dict[int, int]:
        """Brief id -> story id, for those of the briefs that are in a story of the guild."""

    @abstractmethod
    async def story_size(self, guild_id: int | None, story_id: int, *, viewer_id: int | None = None) -> int:
        """How many distinct articles of the story's briefs `viewer_id` may see (a brief refreshed or
        asked for again is the same article)."""

    @abstractmethod
    async def story_briefs(
        self, guild_id: int | None, story_id: int, *, limit: int, viewer_id: int | None = None
    ) -> list[StoredBrief]:
        """The story's briefs the viewer may see, oldest first."""

    @abstractmethod
    async def recent_stories(self, guild_id: int | None, since: datetime, *, limit: int) -> list[int]:
        """Ids of the guild's stories joined by a brief since `since`, most recently updated first."""

    # --- digests ------------------------------------------------------------------------------

    @abstractmethod
    async def set_digest_schedule(self, schedule: DigestSchedule) -> None:
        """One schedule per channel: a new one replaces the old."""

    @abstractmethod
    async def remove_digest_schedule(self, guild_id: int, channel_id: int) -> bool: ...

    @abstractmethod
    async def digest_schedules(self, guild_id: int | None = None) -> list[DigestSchedule]: ...

    @abstractmethod
    async def claim_digest(self, channel_id: int, period: str) -> bool:
        """Claim the channel's digest of `period`; False when it was claimed before (by any process)."""

    @abstractmethod
    async def release_digest(self, channel_id: int, period: str) -> None:
        """Give a claim back when posting failed, so the next tick retries; a posted digest stays."""

    @abstractmethod
    async def digest_posted(self, channel_id: int, period: str, message_id: int) -> None: ...

    # --- command sync -------------------------------------------------------------------------

    @abstractmethod
    async def command_tree_hash(self) -> str | None:
        """The hash of the slash-command tree last synced to Discord (None: never synced)."""

    @abstractmethod
    async def set_command_tree_hash(self, digest: str) -> None: ...

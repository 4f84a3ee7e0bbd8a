"""What the store hands back: plain dataclasses, so callers never see SQL rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.packing import PackedBriefing
from summarizer.models import Answer, Briefing, Position


@dataclass(slots=True, frozen=True)
class NewBrief:
    """A computed briefing about to be stored for one guild."""

    guild_id: int | None  # None: a direct message
    channel_id: int
    user_id: int
    briefing: Briefing
    sentences: int  # the length asked for: part of the cache key with the method
    urls: tuple[str, ...] = ()  # links known to lead to this article: a /brief of one is answered at once
    private: bool = False  # seen only by `user_id`
    packed: PackedBriefing | None = None  # `briefing` packed by the worker that computed it, if it did


@dataclass(slots=True)
class StoredBrief:
    id: int
    guild_id: int | None
    channel_id: int
    user_id: int
    created_at: datetime  # UTC
    briefing: Briefing
    private: bool = False  # only its user sees it: kept out of everyone else's listings and searches


@dataclass(slots=True, frozen=True)
class BriefRow:
    id: int
    title: str  # the article's title, or its opening words when it has none
    source: str
    source_kind: str
    created_at: datetime
    channel_id: int
    user_id: int


@dataclass(slots=True, frozen=True)
class PostedMessage:
    """Where a briefing was posted in Discord, for a jump link to it."""

    channel_id: int
    message_id: int


@dataclass(slots=True, frozen=True)
class ActorStatement:
    brief_id: int
    title: str
    source: str
    created_at: datetime
    channel_id: int
    position: Position
    message: PostedMessage | None = None  # the briefing's message: its own channel's first, else any


@dataclass(slots=True, frozen=True)
class StoredQuestion:
    id: int
    brief_id: int
    user_id: int
    answer: Answer
    created_at: datetime


@dataclass(slots=True, frozen=True)
class Subscription:
    id: int
    guild_id: int
    channel_id: int
    topic: str
    created_by: int
    created_at: datetime


@dataclass(slots=True, frozen=True)
class Feed:
    """One feed URL, shared by every guild that follows it: polled once, each item briefed once."""

    id: int
    url: str
    created_at: datetime
    etag: str | None
    last_modified: str | None
    last_polled_at: datetime | None
    last_error: str


@dataclass(slots=True, frozen=True)
class FeedFollower:
    """A guild following a feed; its briefs of the feed's items are made on behalf of `added_by`."""

    guild_id: int
    added_by: int


@dataclass(slots=True, frozen=True)
class FeedRoute:
    """Where one feed item goes in one guild: a new brief (or one the guild already has) and the
    channels to post it to."""

    brief: NewBrief | int
    channel_ids: list[int]


@dataclass(slots=True, frozen=True)
class HistoryPage:
    """One page of a guild's briefs, newest first, found by keyset (ids), never by OFFSET."""

    rows: list[BriefRow]
    total: int  # briefs the viewer may see in the guild
    has_newer: bool
    has_older: bool


@dataclass(slots=True, frozen=True)
class PendingDelivery:
    """A feed brief that still has to be posted to a channel (also after a restart)."""

    guild_id: int
    brief_id: int
    channel_id: int
    feed_url: str
    item_url: str


@dataclass(slots=True, frozen=True)
class StoryJoin:
    """Where a brief went: its story, whether the brief started it, and its size after the join."""

    story_id: int
    new: bool
    size: int


@dataclass(slots=True, frozen=True)
class DigestSchedule:
    """A channel's digest: `cadence` daily or weekly (on `weekday`, 0 = Monday), at `hour` local time."""

    guild_id: int
    channel_id: int
    cadence: str
    hour: int
    timezone: str
    weekday: int
    created_by: int

"""What the store hands back: plain dataclasses, so callers never see SQL rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from summarizer.models import Answer, Briefing, Position


@dataclass(slots=True)
class StoredBrief:
    id: int
    guild_id: int | None
    channel_id: int
    user_id: int
    created_at: datetime  # UTC
    briefing: Briefing
    cached: bool = False  # answered from the store instead of computed for this request
    fallback_note: str = ""  # why abstractive was replaced by extractive for this request
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
    id: int
    guild_id: int
    url: str
    added_by: int
    created_at: datetime
    etag: str | None
    last_modified: str | None
    last_polled_at: datetime | None
    last_error: str


@dataclass(slots=True, frozen=True)
class PendingDelivery:
    """A feed brief that still has to be posted to a channel (also after a restart)."""

    guild_id: int
    brief_id: int
    channel_id: int
    feed_url: str
    item_url: str

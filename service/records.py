"""The data the service takes and returns; the bot codes against these, never against SQL rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from storage.records import (
    ActorStatement,
    BriefRow,
    Feed,
    HistoryPage,
    PostedMessage,
    StoredBrief,
    Subscription,
)
from summarizer.models import SummaryMethod

__all__ = [
    "ActorStatement",
    "BriefOutcome",
    "BriefRequest",
    "BriefRow",
    "Feed",
    "FeedAdded",
    "FeedDelivery",
    "HistoryPage",
    "PostedMessage",
    "StoredBrief",
    "Subscription",
    "TopicHit",
]


@dataclass(slots=True)
class BriefRequest:
    """One /brief: exactly one of `text`, `url` or a file (`file_name` + `file_bytes`)."""

    guild_id: int | None
    channel_id: int
    user_id: int
    text: str | None = None
    url: str | None = None
    file_name: str | None = None
    file_bytes: bytes | None = None
    sentences: int = 3
    method: SummaryMethod = "extractive"
    refresh: bool = False  # recompute even when this article was briefed before
    private: bool = False  # only this user sees it (an ephemeral /brief): never listed for anyone else


@dataclass(slots=True, frozen=True)
class BriefOutcome:
    """What one request for a brief got: the stored brief plus what is true of this request only,
    so the storage record stays what is stored."""

    brief: StoredBrief
    cached: bool = False  # answered from the store instead of computed for this request
    fallback_note: str = ""  # why abstractive was replaced by extractive for this request
    story_id: int | None = None  # the story the brief is in (None: grouping failed)
    story_articles: int = 0  # how many of that story's briefs its user may see, this one included


@dataclass(slots=True, frozen=True)
class TopicHit:
    channel_id: int
    topic: str
    score: float


@dataclass(frozen=True, slots=True)
class FeedAdded:
    """What `/feed add` did: the feed followed (a page's own feed when given a page) and whether it is new."""

    url: str
    added: bool  # False: this server already followed it
    linked_from: str | None = None  # the page whose <link rel="alternate"> named the feed
    items: int = 0


@dataclass(slots=True)
class FeedDelivery:
    """A feed item's brief (with its story) and the channels it still has to be posted to."""

    outcome: BriefOutcome
    feed_url: str
    item_url: str
    channel_ids: list[int] = field(default_factory=list)

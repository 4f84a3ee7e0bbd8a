"""Persistence for briefbot: the only package that speaks SQL."""

from storage.base import Store
from storage.codec import name_key
from storage.postgres_store import PostgresStore
from storage.records import (
    ActorStatement,
    BriefRow,
    Feed,
    FeedFollower,
    FeedRoute,
    HistoryPage,
    NewBrief,
    PendingDelivery,
    PostedMessage,
    StoredBrief,
    StoredQuestion,
    Subscription,
)
from storage.sqlite_store import SqliteStore

__all__ = [
    "ActorStatement",
    "BriefRow",
    "Feed",
    "FeedFollower",
    "FeedRoute",
    "HistoryPage",
    "NewBrief",
    "PendingDelivery",
    "PostedMessage",
    "PostgresStore",
    "SqliteStore",
    "Store",
    "StoredBrief",
    "StoredQuestion",
    "Subscription",
    "name_key",
]

"""SQLite persistence for briefbot: the only package that speaks SQL."""

from storage.records import (
    ActorStatement,
    BriefRow,
    Feed,
    PendingDelivery,
    PostedMessage,
    StoredBrief,
    StoredQuestion,
    Subscription,
)
from storage.store import NewBrief, Store

__all__ = [
    "ActorStatement",
    "BriefRow",
    "Feed",
    "NewBrief",
    "PendingDelivery",
    "PostedMessage",
    "Store",
    "StoredBrief",
    "StoredQuestion",
    "Subscription",
]

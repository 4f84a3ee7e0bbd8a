"""Errors of the service layer. Like every `BriefError`, `str(err)` is the message for the user."""

from __future__ import annotations

import math
from typing import Literal

from summarizer.errors import BriefError

BusyReason = Literal["queue", "cooldown"]


class Busy(BriefError):
    """Refused before any work: the user is on cooldown or the global queue is full."""

    code = "busy"

    def __init__(self, retry_after: float, reason: BusyReason) -> None:
        self.retry_after = retry_after
        self.reason = reason
        seconds = max(1, math.ceil(retry_after))
        if reason == "cooldown":
            message = f"You can brief again in {seconds} s."
        else:
            message = f"I'm busy with other briefs right now — try again in {seconds} s."
        super().__init__(message)

    def __reduce__(self) -> tuple[type[Busy], tuple[float, BusyReason]]:
        return Busy, (self.retry_after, self.reason)


class NotFound(BriefError):
    code = "not_found"


class InvalidTopic(BriefError, ValueError):
    code = "invalid_topic"


class WorkerCrashed(BriefError):
    """The NLP process died mid-task (out of memory, a native crash); it has been replaced."""

    code = "worker_crashed"


class JobTimedOut(BriefError):
    """A task ran over the pool's time budget; its process was stopped and replaced."""

    code = "too_slow"

    def __init__(self, budget_s: float) -> None:
        self.budget_s = budget_s
        super().__init__(
            f"That took longer than {budget_s:g} seconds to brief, so I stopped working on it. "
            "Please send a shorter article or an excerpt."
        )

    def __reduce__(self) -> tuple[type[JobTimedOut], tuple[float]]:
        return JobTimedOut, (self.budget_s,)  # rebuilt from its budget when it crosses processes


class PoolClosed(BriefError):
    """The bot is shutting down: work that had not started is handed back instead of waited for."""

    code = "shutting_down"

    def __init__(self) -> None:
        super().__init__(
            "I'm restarting right now, so I couldn't start on this. Please try again in a minute."
        )

    def __reduce__(self) -> tuple[type[PoolClosed], tuple[()]]:
        return PoolClosed, ()


class InvalidSchedule(BriefError, ValueError):
    code = "invalid_schedule"

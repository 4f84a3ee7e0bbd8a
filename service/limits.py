"""Admission control for briefs: a per-user cooldown and a bound on briefs in flight.

Both refuse with `Busy` before any work starts, so an overloaded bot answers at once instead of
letting requests pile up behind the NLP worker.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from service.errors import Busy

Clock = Callable[[], float]


class Cooldowns:
    """At most one brief per user every `seconds`."""

    def __init__(self, seconds: float, clock: Clock = time.monotonic) -> None:
        self._seconds = seconds
        self._clock = clock
        self._ready_at: dict[int, float] = {}

    def start(self, user_id: int) -> None:
        """Raise Busy when the user briefed too recently, else start their cooldown."""
        now = self._clock()
        ready_at = self._ready_at.get(user_id, 0.0)
        if ready_at > now:
            raise Busy(ready_at - now, "cooldown")
        self._forget_expired(now)
        if self._seconds > 0:
            self._ready_at[user_id] = now + self._seconds

    def forgive(self, user_id: int) -> None:
        """Lift the cooldown: the request failed on bad input, so let the user fix it right away."""
        self._ready_at.pop(user_id, None)

    def _forget_expired(self, now: float) -> None:
        # Keeps the map at the size of the recently active users on a bot that runs for months.
        expired = [user for user, ready_at in self._ready_at.items() if ready_at <= now]
        for user in expired:
            del self._ready_at[user]


class QueueLimit:
    """At most `limit` briefs waiting or running; the retry hint follows the measured NLP time.

    Until a brief has been measured the hint is `initial_seconds`, which the service sets to the
    job budget: the longest a brief can hold a worker, so the first hint is never an optimistic guess.
    """

    def __init__(self, limit: int, workers: int, *, initial_seconds: float) -> None:
        self._limit = limit
        self._workers = max(1, workers)
        self._in_flight = 0
        self._work_seconds = initial_seconds

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one place in the queue for the duration of a brief, or raise Busy."""
        if self._in_flight >= self._limit:
            # A place frees up each time a worker finishes a brief.
            ahead = self._in_flight - self._limit + 1
            raise Busy(self._work_seconds * ahead / self._workers, "queue")
        self._in_flight += 1
        try:
            yield
        finally:
            self._in_flight -= 1

    def record_work(self, seconds: float) -> None:
        """Feed in how long one brief kept a worker busy (not its wait in the queue)."""
        # Exponential moving average: recent articles matter more than the first one after start-up.
        self._work_seconds = 0.8 * self._work_seconds + 0.2 * seconds

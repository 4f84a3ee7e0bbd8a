"""When a channel's digest is due, and which period it covers: pure date arithmetic, so the scheduler's
choices are unit-tested without waiting for a clock.

A period is named by a key ("daily:2026-11-30", "weekly:2026-W48" in the schedule's own time zone);
the store records each posted key, so a digest goes out once per period whatever restarts happen.
A digest missed while the bot was down goes out when it comes back, still within its period.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from service.errors import InvalidSchedule
from storage.records import DigestSchedule

CADENCES = ("daily", "weekly")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SPAN = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


@dataclass(frozen=True, slots=True)
class DueDigest:
    schedule: DigestSchedule
    period: str
    since: datetime  # the digest covers stories joined since then (UTC)


def check_schedule(cadence: str, hour: int, timezone: str, weekday: int) -> None:
    """A polite error for a schedule that could never run."""
    if cadence not in CADENCES:
        raise InvalidSchedule(f"A digest is daily or weekly, not “{cadence}”.")
    if not 0 <= hour <= 23:
        raise InvalidSchedule("The hour is 0 to 23 (24-hour clock, in the time zone you give).")
    if not 0 <= weekday <= 6:
        raise InvalidSchedule("The weekday is Monday to Sunday.")
    zone(timezone)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidSchedule(
            f"I don't know the time zone “{name[:60]}”; use a name like Europe/Paris or UTC."
        ) from None


def zone_names(prefix: str, limit: int) -> list[str]:
    """Time zone names containing `prefix` (case-insensitive), for autocomplete."""
    wanted = prefix.strip().lower()
    return sorted(name for name in available_timezones() if wanted in name.lower())[:limit]


def due_period(schedule: DigestSchedule, now: datetime) -> DueDigest | None:
    """The period whose digest is due at `now` (its hour has passed in the schedule's zone), or None."""
    local = now.astimezone(zone(schedule.timezone))
    if schedule.cadence == "daily":
        start = local.replace(hour=schedule.hour, minute=0, second=0, microsecond=0)
        if local < start:
            return None
        period = f"daily:{local.date().isoformat()}"
    else:
        monday = (local - timedelta(days=local.weekday())).date()
        day = monday + timedelta(days=schedule.weekday)
        start = datetime(day.year, day.month, day.day, schedule.hour, tzinfo=local.tzinfo)
        if local < start:
            return None
        year, week, _ = local.isocalendar()
        period = f"weekly:{year}-W{week:02d}"
    return DueDigest(schedule, period, now.astimezone(UTC) - SPAN[schedule.cadence])


class Clock:
    """UTC now; in tests, a clock that starts at a chosen moment and runs on in real time."""

    def __init__(self, start: datetime | None = None) -> None:
        self._start = start.astimezone(UTC) if start is not None else None
        self._started = time.monotonic()

    def now(self) -> datetime:
        if self._start is None:
            return datetime.now(UTC)
        return self._start + timedelta(seconds=time.monotonic() - self._started)

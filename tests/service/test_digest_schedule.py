"""When a digest is due and which period it is: plain date arithmetic, no clock waited for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from service.digest_schedule import Clock, check_schedule, due_period, zone_names
from service.errors import InvalidSchedule
from storage.records import DigestSchedule


def schedule(
    cadence: str = "daily", hour: int = 8, timezone: str = "UTC", weekday: int = 0
) -> DigestSchedule:
    return DigestSchedule(1, 10, cadence, hour, timezone, weekday, 7)


def test_a_daily_digest_is_due_from_its_hour_in_its_own_time_zone() -> None:
    paris = schedule(hour=8, timezone="Europe/Paris")
    assert due_period(paris, datetime(2026, 11, 30, 6, 59, tzinfo=UTC)) is None  # 07:59 in Paris
    due = due_period(paris, datetime(2026, 11, 30, 7, 0, tzinfo=UTC))
    assert due is not None and due.period == "daily:2026-11-30"
    assert due.since == datetime(2026, 11, 29, 7, 0, tzinfo=UTC)
    # Late in the evening UTC it is already the next day in Tokyo: that day's period.
    tokyo = due_period(schedule(hour=0, timezone="Asia/Tokyo"), datetime(2026, 11, 30, 20, tzinfo=UTC))
    assert tokyo is not None and tokyo.period == "daily:2026-12-01"


def test_a_weekly_digest_is_due_from_its_weekday_and_hour_once_per_iso_week() -> None:
    friday = schedule("weekly", hour=18, weekday=4)
    assert due_period(friday, datetime(2026, 12, 3, 23, tzinfo=UTC)) is None  # Thursday
    assert due_period(friday, datetime(2026, 12, 4, 17, 59, tzinfo=UTC)) is None
    first = due_period(friday, datetime(2026, 12, 4, 18, tzinfo=UTC))
    later = due_period(friday, datetime(2026, 12, 6, 23, tzinfo=UTC))  # Sunday, same week
    assert first is not None and later is not None and first.period == later.period == "weekly:2026-W49"
    assert first.since == datetime(2026, 11, 27, 18, tzinfo=UTC)
    assert due_period(friday, datetime(2026, 12, 7, 1, tzinfo=UTC)) is None  # a new week, not Friday yet


@pytest.mark.parametrize(
    ("cadence", "hour", "timezone", "weekday"),
    [("monthly", 8, "UTC", 0), ("daily", 24, "UTC", 0), ("daily", -1, "UTC", 0), ("weekly", 8, "UTC", 7),
     ("daily", 8, "Mars/Olympus", 0), ("daily", 8, "../../etc/passwd", 0)],
)  # fmt: skip
def test_impossible_schedules_are_refused_politely(
    cadence: str, hour: int, timezone: str, weekday: int
) -> None:
    with pytest.raises(InvalidSchedule):
        check_schedule(cadence, hour, timezone, weekday)


def test_time_zone_names_autocomplete() -> None:
    names = zone_names("paris", 5)
    assert names == ["Europe/Paris"]
    assert len(zone_names("", 25)) == 25


def test_the_real_clock_is_utc_now() -> None:
    assert abs(Clock().now() - datetime.now(UTC)) < timedelta(seconds=1)

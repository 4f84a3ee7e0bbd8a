"""Cooldowns and the queue bound refuse with Busy and a retry time a user can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.briefing_service import BriefingService
from service.errors import Busy
from service.limits import Cooldowns, QueueLimit
from service.records import BriefRequest
from service.settings import Settings


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_cooldown_refuses_until_it_expires() -> None:
    clock = FakeClock()
    cooldowns = Cooldowns(10.0, clock)
    cooldowns.start(user_id=1)
    clock.now += 2.5
    with pytest.raises(Busy) as refused:
        cooldowns.start(user_id=1)
    assert refused.value.reason == "cooldown"
    assert refused.value.retry_after == pytest.approx(7.5)
    assert str(refused.value) == "You can brief again in 8 s."
    cooldowns.start(user_id=2)  # other users are not affected
    clock.now += 7.5
    cooldowns.start(user_id=1)


def test_forgiven_cooldown_lets_the_user_retry_at_once() -> None:
    cooldowns = Cooldowns(10.0, FakeClock())
    cooldowns.start(user_id=1)
    cooldowns.forgive(user_id=1)
    cooldowns.start(user_id=1)


def test_zero_cooldown_never_refuses() -> None:
    cooldowns = Cooldowns(0.0, FakeClock())
    for _ in range(3):
        cooldowns.start(user_id=1)


def test_queue_limit_refuses_when_full_and_frees_on_exit() -> None:
    queue = QueueLimit(limit=2, workers=1, initial_seconds=4.0)
    with queue.slot(), queue.slot():
        assert queue.in_flight == 2
        with pytest.raises(Busy) as refused, queue.slot():
            pass
        assert refused.value.reason == "queue"
        assert str(refused.value) == "I'm busy with other briefs right now — try again in 4 s."
    assert queue.in_flight == 0
    with queue.slot():
        assert queue.in_flight == 1


def test_queue_slot_is_released_when_the_brief_fails() -> None:
    queue = QueueLimit(limit=1, workers=1, initial_seconds=30.0)
    with pytest.raises(RuntimeError), queue.slot():
        raise RuntimeError("worker died")
    assert queue.in_flight == 0


def test_retry_hint_follows_measured_work_and_worker_count() -> None:
    queue = QueueLimit(limit=1, workers=2, initial_seconds=2.0)
    for _ in range(30):
        queue.record_work(0.5)
    with queue.slot(), pytest.raises(Busy) as refused, queue.slot():
        pass
    assert refused.value.retry_after == pytest.approx(0.25, abs=0.01)
    assert str(refused.value).endswith("try again in 1 s.")  # never "0 s"


async def test_before_any_brief_the_busy_hint_is_the_job_budget_not_a_guess(tmp_path: Path) -> None:
    settings = Settings(database_path=tmp_path / "briefbot.db", queue_limit=1, job_budget_s=45.0)
    service = await BriefingService.open(settings, start_workers=False)
    try:
        held = service._queue.slot()  # one brief in flight, as if a worker were busy with it
        with held, pytest.raises(Busy) as refused:
            await service.brief(BriefRequest(guild_id=1, channel_id=2, user_id=3, text="Some text."))
    finally:
        await service.close()
    assert refused.value.reason == "queue"
    assert str(refused.value).endswith("try again in 45 s.")

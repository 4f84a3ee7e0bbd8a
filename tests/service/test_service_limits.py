"""Cooldowns and the queue bound refuse with Busy and a retry time a user can act on."""

from __future__ import annotations

import pytest

from service.errors import Busy
from service.limits import Cooldowns, QueueLimit


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
    queue = QueueLimit(limit=1, workers=1)
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

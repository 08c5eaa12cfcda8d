"""Dead-letter queue: undeliverable items are kept with their story and can be redriven."""

from __future__ import annotations

import pytest

from orchestration.resilience import DeadLetter, DeadLetterQueue, ManualClock, RedriveResult


def test_a_dead_letter_records_item_reason_attempts_and_time() -> None:
    """add() stamps the letter with the clock's simulated seconds."""
    clock = ManualClock(3_600.0)
    dlq: DeadLetterQueue[str] = DeadLetterQueue(clock)
    letter = dlq.add("PO-17", reason="TimeoutError", attempts=6)
    assert letter == DeadLetter(item="PO-17", reason="TimeoutError", attempts=6, time_s=3_600.0)
    assert dlq.letters == (letter,)
    assert len(dlq) == dlq.dead_lettered_total == 1


def test_redrive_delivers_what_succeeds_and_keeps_what_fails_again() -> None:
    """Handler succeeds for even items: they leave; odd ones stay with one more attempt."""
    clock = ManualClock(0.0)
    dlq: DeadLetterQueue[int] = DeadLetterQueue(clock)
    for item in range(5):
        dlq.add(item, reason="ConnectionError", attempts=3)
    delivered: list[int] = []

    def handler(item: int) -> None:
        if item % 2:
            raise TimeoutError(f"item {item} still failing")
        delivered.append(item)

    clock.set(7_200.0)
    result = dlq.redrive(handler)
    assert result == RedriveResult(redriven=3, failed=2)
    assert delivered == [0, 2, 4]
    assert dlq.letters == (
        DeadLetter(1, "TimeoutError", 4, 7_200.0),
        DeadLetter(3, "TimeoutError", 4, 7_200.0),
    )
    assert (dlq.dead_lettered_total, dlq.redriven_total, dlq.redrive_failures_total) == (5, 3, 2)


def test_a_second_redrive_drains_the_rest() -> None:
    """Once the downstream recovers, a redrive empties the queue."""
    dlq: DeadLetterQueue[str] = DeadLetterQueue(ManualClock())
    dlq.add("a", "CircuitOpen", 1)
    dlq.add("b", "CircuitOpen", 1)
    assert dlq.redrive(lambda item: item.upper()) == RedriveResult(redriven=2, failed=0)
    assert len(dlq) == 0
    assert dlq.redrive(lambda item: None) == RedriveResult(redriven=0, failed=0)


def test_letters_added_during_a_redrive_are_kept_for_the_next_one() -> None:
    """A handler that dead-letters into the same queue does not lose or loop on those letters."""
    dlq: DeadLetterQueue[str] = DeadLetterQueue(ManualClock())
    dlq.add("a", "TimeoutError", 2)
    calls: list[str] = []

    def handler(item: str) -> None:
        calls.append(item)
        dlq.add(item + "-again", "TimeoutError", 3)

    assert dlq.redrive(handler) == RedriveResult(redriven=1, failed=0)
    assert calls == ["a"]
    assert [letter.item for letter in dlq] == ["a-again"]


def test_attempts_must_be_a_count() -> None:
    """A negative attempt count is refused."""
    with pytest.raises(ValueError, match="attempts"):
        DeadLetterQueue(ManualClock()).add("x", "Error", -1)

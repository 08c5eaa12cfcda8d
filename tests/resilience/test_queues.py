"""Bounded queue: a full queue pushes back explicitly and never loses an item silently."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orchestration.resilience import Backpressure, BoundedQueue, ManualClock


def test_a_full_queue_refuses_with_backpressure_and_keeps_what_it_holds() -> None:
    """Capacity 2: the third offer returns False, put() raises; the two held items are intact."""
    queue: BoundedQueue[str] = BoundedQueue(2, ManualClock())
    assert queue.offer("order-1")
    assert queue.offer("order-2")
    assert queue.is_full
    assert not queue.offer("order-3")
    with pytest.raises(Backpressure):
        queue.put("order-4")
    assert list(queue) == ["order-1", "order-2"]
    assert (queue.offered_total, queue.accepted_total, queue.rejected_total) == (4, 2, 2)


def test_items_leave_in_arrival_order() -> None:
    """FIFO: take() returns the oldest item; an empty queue raises instead of inventing one."""
    queue: BoundedQueue[int] = BoundedQueue(3, ManualClock())
    for item in (7, 8, 9):
        queue.put(item)
    assert queue.peek() == 7
    assert [queue.take(), queue.take(), queue.take()] == [7, 8, 9]
    with pytest.raises(IndexError):
        queue.take()
    assert queue.taken_total == 3


def test_room_made_by_taking_is_offered_again() -> None:
    """After a take, a full queue accepts one more item."""
    queue: BoundedQueue[int] = BoundedQueue(1, ManualClock())
    queue.put(1)
    assert not queue.offer(2)
    queue.take()
    assert queue.offer(2)
    assert queue.max_depth == 1


def test_time_weighted_mean_depth() -> None:
    """Depth 1 for 10 s, 2 for 10 s, 1 for 20 s: a time-weighted mean of 50 / 40 = 1.25."""
    clock = ManualClock(0.0)
    queue: BoundedQueue[str] = BoundedQueue(5, clock)
    queue.put("a")
    clock.set(10.0)
    queue.put("b")
    clock.set(20.0)
    queue.take()
    clock.set(40.0)
    assert queue.mean_depth() == pytest.approx(1.25)
    assert queue.max_depth == 2


def test_mean_depth_before_time_passes_is_the_current_depth() -> None:
    """At the instant of creation there is no elapsed time to average over."""
    queue: BoundedQueue[str] = BoundedQueue(5, ManualClock(3.0))
    queue.put("a")
    assert queue.mean_depth() == 1.0


def test_invalid_capacity_is_refused() -> None:
    """A queue must hold at least one item."""
    with pytest.raises(ValueError, match="capacity"):
        BoundedQueue(0, ManualClock())


@given(
    capacity=st.integers(min_value=1, max_value=5),
    operations=st.lists(st.booleans(), max_size=60),
)
def test_nothing_is_ever_lost(capacity: int, operations: list[bool]) -> None:
    """For any sequence of offers (True) and takes (False), every offered item is accounted for:
    taken, still queued, or refused back to the caller, and depth never exceeds capacity."""
    clock = ManualClock()
    queue: BoundedQueue[int] = BoundedQueue(capacity, clock)
    refused: list[int] = []
    taken: list[int] = []
    offered = 0
    for is_offer in operations:
        clock.advance(1.0)
        if is_offer:
            if not queue.offer(offered):
                refused.append(offered)
            offered += 1
        elif len(queue):
            taken.append(queue.take())
        assert len(queue) <= capacity
    assert sorted(taken + list(queue) + refused) == list(range(offered))
    assert taken == sorted(taken)  # FIFO
    assert queue.offered_total == queue.accepted_total + queue.rejected_total == offered
    assert queue.accepted_total == queue.taken_total + queue.depth
    assert queue.rejected_total == len(refused)
    assert 0.0 <= queue.mean_depth() <= queue.max_depth <= capacity

"""Bounded queue with explicit backpressure: a full queue says no, it never drops silently.

A ``BoundedQueue`` holds at most ``capacity`` items in FIFO order (depth is a count of items).
``offer(item)`` returns False when the queue is full and ``put(item)`` raises ``Backpressure``;
either way the refusal is counted in ``rejected_total`` and the caller keeps the item, so what
happens to it next (retry later, dead-letter, shed with a KPI) is an explicit decision upstream.

Conservation holds at every instant::

    offered_total == accepted_total + rejected_total
    accepted_total == taken_total + depth

Two depth statistics, which are different things:

* ``max_depth``: the highest depth ever reached (a level's maximum, for ``queue_depth_max``).
* ``mean_depth()``: the *time-weighted* mean depth since the queue was made, i.e. the integral
  of depth over simulated time divided by the elapsed time, read from the injected clock in
  SIMULATED SECONDS (the unit cancels out, so any clock in seconds works).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Generic, TypeVar

from orchestration.resilience.clock import Clock

__all__ = ["Backpressure", "BoundedQueue"]

T = TypeVar("T")


class Backpressure(Exception):
    """The queue is full; the offered item was refused and remains the caller's."""


class BoundedQueue(Generic[T]):
    """A FIFO queue of at most ``capacity`` items that refuses, and counts, what it cannot hold."""

    def __init__(self, capacity: int, clock: Clock) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            raise ValueError(f"capacity must be an int >= 1, got {capacity!r}")
        self.capacity = capacity
        self._clock = clock
        self._items: deque[T] = deque()
        self.offered_total = 0
        self.accepted_total = 0
        self.rejected_total = 0
        self.taken_total = 0
        self.max_depth = 0
        self._started_s = clock()
        self._last_change_s = self._started_s
        self._depth_area = 0.0  # integral of depth over time, item-seconds

    # -- putting in ----------------------------------------------------------------------------

    def offer(self, item: T) -> bool:
        """Enqueue ``item`` and return True, or return False (counted) when the queue is full."""
        self.offered_total += 1
        if len(self._items) >= self.capacity:
            self.rejected_total += 1
            return False
        self._account_time()
        self._items.append(item)
        self.accepted_total += 1
        self.max_depth = max(self.max_depth, len(self._items))
        return True

    def put(self, item: T) -> None:
        """Enqueue ``item``; raise ``Backpressure`` (counted as rejected) when the queue is full."""
        if not self.offer(item):
            raise Backpressure(f"queue full at capacity {self.capacity}")

    # -- taking out ----------------------------------------------------------------------------

    def take(self) -> T:
        """Remove and return the oldest item; raise IndexError when the queue is empty."""
        if not self._items:
            raise IndexError("take() from an empty queue")
        self._account_time()
        self.taken_total += 1
        return self._items.popleft()

    def peek(self) -> T:
        """The oldest item, left in place; IndexError when the queue is empty."""
        if not self._items:
            raise IndexError("peek() at an empty queue")
        return self._items[0]

    # -- observation ---------------------------------------------------------------------------

    @property
    def depth(self) -> int:
        """Items in the queue now."""
        return len(self._items)

    @property
    def is_full(self) -> bool:
        """True when the next offer would be refused."""
        return len(self._items) >= self.capacity

    def mean_depth(self) -> float:
        """Time-weighted mean depth from creation to now; the current depth if no time passed."""
        now = self._clock()
        elapsed = now - self._started_s
        if elapsed <= 0:
            return float(len(self._items))
        area = self._depth_area + len(self._items) * (now - self._last_change_s)
        return area / elapsed

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        """The items oldest first, without removing them."""
        return iter(tuple(self._items))

    def _account_time(self) -> None:
        now = self._clock()
        if now < self._last_change_s:
            raise ValueError(f"clock went backwards: {now} s < {self._last_change_s} s")
        self._depth_area += len(self._items) * (now - self._last_change_s)
        self._last_change_s = now

    def __repr__(self) -> str:
        return (
            f"BoundedQueue(depth={len(self._items)}/{self.capacity}, "
            f"rejected={self.rejected_total})"
        )

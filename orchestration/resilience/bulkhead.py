"""Bulkhead: a cap on how many calls to one hop are in progress at once (a count of calls).

A bulkhead keeps one slow or flooded hop from taking every worker with it: at most
``max_concurrent`` calls hold a slot at the same time. Two variants, same idea:

* ``Bulkhead`` is a plain counter with no notion of time. ``try_acquire()`` takes a slot or, when
  all are taken, rejects the call at once (counted in ``rejected_total``); ``release()`` gives the
  slot back. ``slot()`` is the same as a context manager that raises ``BulkheadFull``.
* ``SimBulkhead`` is for SimPy processes and is built on ``simpy.Resource``: a call beyond the
  limit *waits*, first come first served, for a slot. The waiting line may be bounded by
  ``max_waiting``; a call arriving when the line is full is rejected (``request()`` returns None).
  Usage inside a process::

      req = bulkhead.request()
      if req is None:
          ...  # rejected: the waiting line is full
      else:
          with req:  # releases the slot (or leaves the line) on exit
              yield req
              ...  # the call, holding a slot

  ``wait_total_h`` sums the time granted calls spent in line, in simulated HOURS (``env.now``).

``max_in_use`` is the highest number of slots ever held at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import simpy
from simpy.resources.resource import Request

__all__ = ["Bulkhead", "BulkheadFull", "SimBulkhead"]


class BulkheadFull(Exception):
    """A call found every slot of the bulkhead taken (and, for SimPy, a full waiting line).

    Its class name, ``"BulkheadFull"``, is the error type a retry policy sees for a rejection.
    """


def _require_count(name: str, value: int, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")


class Bulkhead:
    """A counting bulkhead that rejects a call beyond ``max_concurrent``; no waiting."""

    def __init__(self, max_concurrent: int) -> None:
        _require_count("max_concurrent", max_concurrent, 1)
        self.max_concurrent = max_concurrent
        self.in_use = 0
        self.max_in_use = 0
        self.admitted_total = 0
        self.rejected_total = 0

    @property
    def available(self) -> int:
        """Free slots now."""
        return self.max_concurrent - self.in_use

    def try_acquire(self) -> bool:
        """Take a slot: True when taken, False (and counted) when all are in use."""
        if self.in_use >= self.max_concurrent:
            self.rejected_total += 1
            return False
        self.in_use += 1
        self.admitted_total += 1
        self.max_in_use = max(self.max_in_use, self.in_use)
        return True

    def release(self) -> None:
        """Give a slot back; releasing more slots than were taken is an error."""
        if self.in_use == 0:
            raise RuntimeError("release() without a matching acquire: no slot is in use")
        self.in_use -= 1

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold a slot for the ``with`` block; raise ``BulkheadFull`` when none is free."""
        if not self.try_acquire():
            raise BulkheadFull(f"all {self.max_concurrent} slots in use")
        try:
            yield
        finally:
            self.release()

    def __repr__(self) -> str:
        return f"Bulkhead(in_use={self.in_use}/{self.max_concurrent})"


class SimBulkhead:
    """A SimPy bulkhead: calls beyond ``max_concurrent`` wait FIFO, up to ``max_waiting`` of them.

    ``max_waiting=None`` lets the line grow without bound; ``max_waiting=0`` makes it behave like
    ``Bulkhead`` (reject at once when full).
    """

    def __init__(
        self, env: simpy.Environment, max_concurrent: int, max_waiting: int | None = None
    ) -> None:
        _require_count("max_concurrent", max_concurrent, 1)
        if max_waiting is not None:
            _require_count("max_waiting", max_waiting, 0)
        self.env = env
        self.max_concurrent = max_concurrent
        self.max_waiting = max_waiting
        self._resource = simpy.Resource(env, capacity=max_concurrent)
        self.requested_total = 0
        self.admitted_total = 0
        self.rejected_total = 0
        self.waited_total = 0
        self.wait_total_h = 0.0
        self.max_in_use = 0

    @property
    def in_use(self) -> int:
        """Slots held now."""
        return self._resource.count

    @property
    def waiting(self) -> int:
        """Calls waiting in line for a slot now."""
        return len(self._resource.queue)

    def request(self) -> Request | None:
        """Join the line for a slot: a SimPy request to ``yield``, or None when rejected."""
        self.requested_total += 1
        line_full = self.max_waiting is not None and self.waiting >= self.max_waiting
        if self.in_use >= self.max_concurrent and line_full:
            self.rejected_total += 1
            return None
        asked_at_h = self.env.now
        req = self._resource.request()

        def on_grant(_event: simpy.Event) -> None:
            self.admitted_total += 1
            waited_h = self.env.now - asked_at_h
            if waited_h > 0:
                self.waited_total += 1
                self.wait_total_h += waited_h
            self.max_in_use = max(self.max_in_use, self.in_use)

        req.callbacks.append(on_grant)
        return req

    def __repr__(self) -> str:
        return f"SimBulkhead(in_use={self.in_use}/{self.max_concurrent}, waiting={self.waiting})"

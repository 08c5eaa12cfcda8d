"""Bulkhead: at most N calls at once; beyond that a call is rejected, or waits in SimPy."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest
import simpy

from orchestration.resilience import Bulkhead, BulkheadFull, SimBulkhead


def test_a_call_beyond_the_limit_is_rejected_and_counted() -> None:
    """With 2 slots, the third concurrent call is refused; a released slot can be taken again."""
    bulkhead = Bulkhead(max_concurrent=2)
    assert bulkhead.try_acquire()
    assert bulkhead.try_acquire()
    assert not bulkhead.try_acquire()
    assert (bulkhead.in_use, bulkhead.available, bulkhead.rejected_total) == (2, 0, 1)
    bulkhead.release()
    assert bulkhead.try_acquire()
    assert (bulkhead.admitted_total, bulkhead.max_in_use) == (3, 2)


def test_releasing_an_unheld_slot_is_an_error() -> None:
    """More releases than acquisitions is a bug in the caller, not something to ignore."""
    bulkhead = Bulkhead(max_concurrent=1)
    with pytest.raises(RuntimeError, match="release"):
        bulkhead.release()


def test_slot_context_manager_holds_and_gives_back() -> None:
    """slot() holds a slot for the block, raises BulkheadFull when none is free."""
    bulkhead = Bulkhead(max_concurrent=1)
    with bulkhead.slot():
        assert bulkhead.in_use == 1
        with pytest.raises(BulkheadFull), bulkhead.slot():
            pass
    assert bulkhead.in_use == 0
    assert bulkhead.rejected_total == 1


def test_invalid_limits_are_refused() -> None:
    """Zero slots, or a negative waiting line, make no sense."""
    with pytest.raises(ValueError, match="max_concurrent"):
        Bulkhead(0)
    with pytest.raises(ValueError, match="max_waiting"):
        SimBulkhead(simpy.Environment(), 1, max_waiting=-1)


def test_sim_bulkhead_makes_calls_wait_in_line_and_rejects_when_the_line_is_full() -> None:
    """1 slot, line of 1: A holds it 2 h, B waits 2 h then runs, C (line full) is rejected."""
    env = simpy.Environment()
    bulkhead = SimBulkhead(env, max_concurrent=1, max_waiting=1)
    started: dict[str, float] = {}
    rejected: list[str] = []

    def call(name: str, hold_h: float) -> Generator[simpy.Event, Any, None]:
        req = bulkhead.request()
        if req is None:
            rejected.append(name)
            return
        with req:
            yield req
            started[name] = env.now
            yield env.timeout(hold_h)

    for name in ("A", "B", "C"):
        env.process(call(name, 2.0))
    env.run()
    assert started == {"A": 0.0, "B": 2.0}
    assert rejected == ["C"]
    assert env.now == 4.0
    assert (bulkhead.admitted_total, bulkhead.rejected_total, bulkhead.requested_total) == (2, 1, 3)
    assert (bulkhead.waited_total, bulkhead.wait_total_h, bulkhead.max_in_use) == (1, 2.0, 1)
    assert (bulkhead.in_use, bulkhead.waiting) == (0, 0)


def test_sim_bulkhead_with_unbounded_line_serves_everyone_in_order() -> None:
    """With no bound on the line, 5 one-hour calls through 2 slots finish at 1, 1, 2, 2, 3 h."""
    env = simpy.Environment()
    bulkhead = SimBulkhead(env, max_concurrent=2)
    finished: list[tuple[int, float]] = []

    def call(i: int) -> Generator[simpy.Event, Any, None]:
        req = bulkhead.request()
        assert req is not None
        with req:
            yield req
            yield env.timeout(1.0)
        finished.append((i, env.now))

    for i in range(5):
        env.process(call(i))
    env.run()
    assert finished == [(0, 1.0), (1, 1.0), (2, 2.0), (3, 2.0), (4, 3.0)]
    assert bulkhead.wait_total_h == 1.0 + 1.0 + 2.0
    assert bulkhead.max_in_use == 2

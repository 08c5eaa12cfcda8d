"""Idempotency store: a command key is applied once; duplicates get the first result back."""

from __future__ import annotations

import pytest

from orchestration.resilience import IdempotencyStore, ManualClock, Recorded


def test_first_time_is_true_once_per_key() -> None:
    """The first sighting of a key is new; every later one is a suppressed duplicate."""
    store: IdempotencyStore[None] = IdempotencyStore()
    assert store.first_time("create-po:need-1")
    assert not store.first_time("create-po:need-1")
    assert not store.first_time("create-po:need-1")
    assert store.first_time("create-po:need-2")
    assert store.duplicates_suppressed_total == 2
    assert store.keys_recorded_total == 2
    assert len(store) == 2


def test_a_duplicate_gets_the_first_result_not_its_own() -> None:
    """check_and_record keeps the first result; a duplicate's result is ignored."""
    store: IdempotencyStore[str] = IdempotencyStore()
    assert store.check_and_record("refund:order-9", "REF-001") == Recorded(True, "REF-001")
    first, result = store.check_and_record("refund:order-9", "REF-002")
    assert (first, result) == (False, "REF-001")
    assert store.duplicates_suppressed_total == 1


def test_replay_answers_a_seen_key_and_nothing_for_a_new_one() -> None:
    """replay() lets a caller check before acting; only a hit counts as a suppressed duplicate."""
    store: IdempotencyStore[int] = IdempotencyStore()
    assert store.replay("k") is None
    store.check_and_record("k", 5)
    assert store.replay("k") == Recorded(False, 5)
    assert store.duplicates_suppressed_total == 1
    assert "k" in store
    assert "other" not in store


def test_a_key_is_forgotten_exactly_when_its_ttl_runs_out() -> None:
    """TTL 60 s, recorded at 0 s: a duplicate at 60 s - epsilon, new again at 60 s."""
    clock = ManualClock(0.0)
    store: IdempotencyStore[str] = IdempotencyStore(clock=clock, ttl_s=60.0)
    store.check_and_record("k", "first")
    clock.set(60.0 - 1e-9)
    assert store.check_and_record("k", "second") == Recorded(False, "first")
    clock.set(60.0)
    assert len(store) == 0
    assert store.expired_total == 1
    assert store.check_and_record("k", "third") == Recorded(True, "third")
    clock.set(119.0)
    assert store.replay("k") == Recorded(False, "third")
    clock.set(120.0)
    assert store.replay("k") is None


def test_ttl_eviction_keeps_memory_to_the_live_keys() -> None:
    """With one key a second and a 10 s TTL, about 10 keys are held at any time."""
    clock = ManualClock(0.0)
    store: IdempotencyStore[int] = IdempotencyStore(clock=clock, ttl_s=10.0)
    for i in range(1_000):
        store.check_and_record(i, i)
        clock.advance(1.0)
    assert len(store) == 9
    assert store.expired_total == 991


def test_ttl_needs_a_clock_and_a_positive_duration() -> None:
    """A TTL is meaningless without a clock, and must be positive."""
    with pytest.raises(ValueError, match="clock"):
        IdempotencyStore(ttl_s=60.0)
    with pytest.raises(ValueError, match="ttl_s"):
        IdempotencyStore(clock=ManualClock(), ttl_s=0.0)

"""Replay protection: a validly signed delivery is accepted once; the store stays bounded."""

from __future__ import annotations

import pytest
from numpy.random import default_rng

from orchestration.resilience import ManualClock
from orchestration.security import (
    ReplayedDelivery,
    ReplayGuard,
    ReplayStoreFull,
    SignatureError,
    WebhookVerifier,
    generate_secret,
    sign_delivery,
)
from orchestration.security.signatures import WebhookDelivery

T0 = 50_000.0


def _receiver(clock: ManualClock, secret: str):
    verifier, guard = WebhookVerifier([secret], clock), ReplayGuard(clock, retry_horizon_s=0)

    def receive(delivery: WebhookDelivery) -> None:
        verified = verifier.verify_delivery(delivery)
        guard.check_and_record(verified.msg_id, verified.timestamp_s)

    return receive, guard


def test_a_replayed_delivery_id_is_rejected_within_the_window():
    """The second copy of an accepted delivery id is refused, naming when it was first seen."""
    guard = ReplayGuard(ManualClock(T0))
    guard.check_and_record("msg_1", T0)
    with pytest.raises(ReplayedDelivery) as info:
        guard.check_and_record("msg_1", T0)
    assert info.value.first_seen_s == T0
    guard.check_and_record("msg_2", T0)  # another id is fine
    assert guard.replays_rejected_total == 1
    assert guard.recorded_total == 2


@pytest.mark.parametrize("lag_s", [0, 1, 150, 299, 300, 301, 450, 599, 600, 601, 900])
def test_a_signed_delivery_is_never_accepted_twice_whatever_the_replay_delay(lag_s):
    """Timestamp tolerance and replay store together leave no gap: a copy always fails."""
    clock = ManualClock(T0)
    secret = generate_secret(default_rng(3))
    receive, guard = _receiver(clock, secret)
    delivery = sign_delivery(secret, "msg_refund_7", int(T0), b'{"amount":"99.00"}')
    receive(delivery)
    clock.advance(lag_s)
    with pytest.raises((ReplayedDelivery, SignatureError)):
        receive(delivery)
    assert len(guard) <= 1


def test_a_delivery_signed_ahead_of_the_clock_is_remembered_until_it_could_no_longer_pass():
    """An id is kept until its timestamp + tolerance, the last moment a copy would verify."""
    clock = ManualClock(T0)
    guard = ReplayGuard(clock, retry_horizon_s=0)
    guard.check_and_record("future", T0 + 300)  # 300 s ahead: accepted by the verifier
    clock.set(T0 + 600)
    assert "future" in guard
    with pytest.raises(ReplayedDelivery):
        guard.check_and_record("future", T0 + 300)
    clock.set(T0 + 600.5)
    assert "future" not in guard


def test_the_store_is_bounded_by_the_deliveries_of_one_window():
    """One delivery every 10 s for 2 h: at most 31 ids live (300 s / 10 s + 1), then none."""
    clock = ManualClock(T0)
    guard = ReplayGuard(clock, retry_horizon_s=0)
    for i in range(720):
        guard.check_and_record(f"msg_{i}", clock())
        assert len(guard) <= 31
        clock.advance(10)
    assert guard.peak_size == 31
    clock.advance(301)
    assert "msg_719" not in guard
    assert len(guard) == 0
    assert guard.evicted_total == guard.recorded_total == 720


def test_an_unverified_timestamp_cannot_pin_an_id_in_memory():
    """A far-future or far-past timestamp is clamped: the id lives at most 2 x tolerance."""
    clock = ManualClock(T0)
    guard = ReplayGuard(clock, retry_horizon_s=0)
    guard.check_and_record("far_future", T0 + 10**9)
    guard.check_and_record("far_past", 0)
    assert "far_past" in guard  # still refused for one tolerance
    clock.advance(300.5)
    assert "far_past" not in guard
    assert "far_future" in guard
    clock.advance(300)
    assert len(guard) == 0


def test_a_full_store_fails_closed():
    """With max_ids live ids, a new delivery is refused rather than an old id forgotten."""
    clock = ManualClock(T0)
    guard = ReplayGuard(clock, max_ids=2, retry_horizon_s=0)
    guard.check_and_record("a", T0)
    guard.check_and_record("b", T0)
    with pytest.raises(ReplayStoreFull):
        guard.check_and_record("c", T0)
    clock.advance(301)
    guard.check_and_record("c", T0 + 301)  # a and b expired: room again
    assert len(guard) == 1


def test_forget_lets_the_senders_genuine_retry_through():
    """If handling failed, forgetting the id lets the retry (same id, new timestamp) in."""
    clock = ManualClock(T0)
    guard = ReplayGuard(clock, retry_horizon_s=0)
    guard.check_and_record("msg_9", T0)
    assert guard.forget("msg_9")
    assert not guard.forget("msg_9")
    clock.advance(60)
    guard.check_and_record("msg_9", T0 + 60)
    with pytest.raises(ReplayedDelivery):
        guard.check_and_record("msg_9", T0 + 60)
    clock.advance(400)
    assert len(guard) == 0  # the stale heap entry of the forgotten record did no harm


def test_bad_configuration_is_refused():
    with pytest.raises(ValueError, match="tolerance_s"):
        ReplayGuard(ManualClock(), tolerance_s=-1)
    with pytest.raises(ValueError, match="max_ids"):
        ReplayGuard(ManualClock(), max_ids=0)


def test_a_resigned_sender_retry_after_the_tolerance_is_still_refused():
    """Issue 16 case 9: the sender retries a delivery we accepted (its 2xx was lost) with the
    same id, a new timestamp and a new signature, 600 s later: the default guard keeps the id
    for the sender's whole retry horizon (27.6 h), so the retry is refused, not acted on twice;
    once the horizon has passed the id is forgotten."""
    clock = ManualClock(T0)
    secret = generate_secret(default_rng(5))
    verifier, guard = WebhookVerifier([secret], clock), ReplayGuard(clock)
    assert guard.retry_horizon_s == pytest.approx(27.6 * 3600, rel=1e-3)
    for lag in (0, 600, 3 * 3600, 27 * 3600):
        clock.set(T0 + lag)
        resent = sign_delivery(secret, "msg_refund_8", int(clock()), b'{"amount":"99.00"}')
        verified = verifier.verify_delivery(resent)  # a fresh signature: it verifies
        if lag == 0:
            guard.check_and_record(verified.msg_id, verified.timestamp_s)
        else:
            with pytest.raises(ReplayedDelivery):
                guard.check_and_record(verified.msg_id, verified.timestamp_s)
    clock.set(T0 + guard.retry_horizon_s + 1)
    assert "msg_refund_8" not in guard


def test_the_default_store_is_bounded_and_fails_closed_when_full():
    """Bounded by default (DEFAULT_MAX_IDS); a full store refuses new ids instead of evicting
    live ones, and the guard of the control board uses that bound."""
    from orchestration.security.controls import ControlBoard
    from orchestration.security.replay import DEFAULT_MAX_IDS

    clock = ManualClock(T0)
    assert ReplayGuard(clock).max_ids == DEFAULT_MAX_IDS
    assert ControlBoard(clock=clock).replay_guard.max_ids == DEFAULT_MAX_IDS
    guard = ReplayGuard(clock, max_ids=3)
    for i in range(3):
        guard.check_and_record(f"m{i}", T0)
    clock.advance(3600)  # past the tolerance, within the retry horizon: all still live
    with pytest.raises(ReplayStoreFull):
        guard.check_and_record("m3", clock())
    assert all(f"m{i}" in guard for i in range(3))
    with pytest.raises(ValueError, match="retry_horizon_s"):
        ReplayGuard(clock, retry_horizon_s=-1)

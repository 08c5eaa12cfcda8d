"""The attack library: each class has the shape it claims, drawn reproducibly."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from orchestration.resilience import ManualClock
from orchestration.security import (
    ATTACKS,
    CARRIER,
    HEADER_TIMESTAMP,
    SIMULATION_SECRET,
    AttackKind,
    NoMatchingSignature,
    WebhookVerifier,
    generate,
    generate_mix,
)


def _one(kind: AttackKind, seed: int = 11):
    attacks = generate(kind, rate_per_day=20, horizon_days=1, rng=np.random.default_rng(seed))
    assert attacks
    return attacks[0]


def _verifier_at(attack) -> WebhookVerifier:
    return WebhookVerifier([SIMULATION_SECRET], ManualClock(attack.t_h * 3600))


def test_the_library_covers_every_attack_class():
    """One spec per class, each with a description and a positive typical amount."""
    assert set(ATTACKS) == set(AttackKind)
    assert all(s.description and s.amount_median > 0 for s in ATTACKS.values())


@pytest.mark.parametrize("kind", list(AttackKind))
def test_generation_is_reproducible_from_the_seed(kind):
    """The same seed draws the same attempts, byte for byte; another seed differs."""
    a = generate(kind, 5, 10, np.random.default_rng(1))
    assert a == generate(kind, 5, 10, np.random.default_rng(1))
    assert a != generate(kind, 5, 10, np.random.default_rng(2))


def test_arrivals_are_a_poisson_process_over_the_horizon():
    """About rate x horizon attempts (within 4 sigma), sorted, inside [0, horizon) hours."""
    attacks = generate(AttackKind.SELF_APPROVAL, 50, 20, np.random.default_rng(5))
    assert abs(len(attacks) - 1000) < 4 * np.sqrt(1000)
    times = [a.t_h for a in attacks]
    assert times == sorted(times)
    assert times[0] >= 0
    assert times[-1] < 20 * 24
    assert all(a.amount > 0 for a in attacks)


def test_attacks_are_frozen():
    attack = _one(AttackKind.SCOPE_MISUSE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        attack.amount = 0.0  # type: ignore[misc]


def test_a_forged_refund_is_well_formed_but_signed_with_another_secret():
    """Headers look right and the timestamp is fresh; only the signature is wrong."""
    attack = _one(AttackKind.FORGED_REFUND)
    assert attack.request.action == "refunds.write"
    assert json.loads(attack.payload)["type"] == "refund.created"
    with pytest.raises(NoMatchingSignature):
        _verifier_at(attack).verify_delivery(attack.request.delivery)


def test_a_replayed_webhook_is_a_genuine_delivery_sent_again_within_the_tolerance():
    """The copy is the captured original, byte for byte, and verifies on its own."""
    attack = _one(AttackKind.REPLAYED_WEBHOOK)
    assert attack.captured == attack.request
    delivery = attack.request.delivery
    _verifier_at(attack).verify_delivery(delivery)
    lag_s = attack.t_h * 3600 - int(delivery.header_map[HEADER_TIMESTAMP])
    assert 0 <= lag_s <= 300


def test_a_tampered_payload_keeps_the_genuine_headers_and_inflates_the_amount():
    """Body changed after signing: same order, bigger amount, signature no longer matches."""
    attack = _one(AttackKind.TAMPERED_PAYLOAD)
    with pytest.raises(NoMatchingSignature):
        _verifier_at(attack).verify_delivery(attack.request.delivery)
    inflated = float(json.loads(attack.payload)["data"]["amount"])
    genuine = inflated - attack.amount
    assert 0 < genuine * 4 < inflated  # inflated at least 5x; the loss is the difference


def test_a_self_approval_has_the_requester_as_approver():
    request = _one(AttackKind.SELF_APPROVAL).request
    assert request.requested_by == request.approved_by is not None
    assert request.delivery is None
    assert request.integration is None


def test_a_bank_change_fraud_is_self_confirmed_then_approved_by_someone_honest():
    """The clerk requests and confirms the change; a different person approves the payment."""
    attack = _one(AttackKind.BANK_CHANGE_FRAUD)
    request, change = attack.request, attack.request.bank_change
    assert change.requested_by == change.confirmed_by == request.requested_by
    assert request.approved_by != request.requested_by
    assert request.action == "payments.write"
    assert attack.amount > 1000


def test_a_scope_misuse_presents_the_carrier_key_to_issue_a_refund():
    request = _one(AttackKind.SCOPE_MISUSE).request
    assert (request.integration, request.action) == (CARRIER, "refunds.write")


def test_a_mix_merges_classes_in_arrival_order_with_one_stream_per_class():
    """Adding a class to the mix leaves the draws of the other classes unchanged."""
    few = generate_mix({"self_approval": 4}, 5, np.random.default_rng(9))
    many = generate_mix(dict.fromkeys(AttackKind, 4), 5, np.random.default_rng(9))
    assert [a for a in many if a.kind is AttackKind.SELF_APPROVAL] == few
    assert {a.kind for a in many} == set(AttackKind)
    assert [a.t_h for a in many] == sorted(a.t_h for a in many)


@pytest.mark.parametrize(("rate", "horizon"), [(-1, 1), (float("nan"), 1), (1, 0)])
def test_bad_rates_or_horizons_are_refused(rate, horizon):
    with pytest.raises(ValueError, match=r"rate_per_day|horizon_days"):
        generate(AttackKind.FORGED_REFUND, rate, horizon, np.random.default_rng(0))

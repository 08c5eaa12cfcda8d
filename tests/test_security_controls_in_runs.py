"""Attacks during a run: every control earns its keep, and switching one off shows its value."""

from __future__ import annotations

import pytest

from experiments.runner import run_replication
from scenarios.loader import load_scenario

ATTACKS = [
    "security.attacks_per_day.forged_refund=2",
    "security.attacks_per_day.replayed_webhook=2",
    "security.attacks_per_day.tampered_payload=2",
    "security.attacks_per_day.self_approval=1",
    "security.attacks_per_day.bank_change_fraud=0.5",
    "security.attacks_per_day.scope_misuse=1",
]


def _run(*extra: str) -> dict:
    return run_replication(load_scenario("tiny", [*ATTACKS, *extra])).kpis


def test_with_every_control_on_nothing_gets_through():
    k = _run()
    assert k["security_attempts_total"] > 20
    assert k["security_blocked_total"] == k["security_attempts_total"]
    assert k["security_losses"] == 0.0


@pytest.mark.parametrize(
    "control",
    [
        "signature_check",
        "replay_protection",
        "scope_check",
        "sod_check",
        "bank_change_dual_control",
    ],
)
def test_switching_a_control_off_lets_its_attacks_through(control):
    """The value of each control is a number: the loss that appears without it."""
    k = _run(f"security.controls.{control}=false")
    assert k["security_losses"] > 0.0
    assert k["security_blocked_total"] < k["security_attempts_total"]


def test_the_same_attempts_hit_every_model():
    """Attacks come from the world's stream: paired across orchestration models."""
    a = _run("orchestration.model=manual")
    b = _run("orchestration.model=hybrid")
    assert a["security_attempts_total"] == b["security_attempts_total"]

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


def test_every_blocked_attempt_is_on_the_audit_trail_and_the_event_log(tmp_path):
    """Issue 16 case 9: a blocked attack leaves a sealed audit record (kind ``security``,
    ``denied`` for a scope, ``blocked`` otherwise) and an event-log row; the chain verifies."""
    import json

    import pandas as pd

    from orchestration.approvals.audit import verify

    res = run_replication(load_scenario("tiny", ATTACKS), 0, tmp_path)
    blocked = res.kpis["security_blocked_total"]
    records = [json.loads(x) for x in (tmp_path / "audit.jsonl").read_text().splitlines()]
    security = [r for r in records if r["kind"] == "security"]
    assert len(security) == blocked > 20
    assert {r["action"] for r in security} == {"blocked", "denied"}
    assert all("scope_check" in r["reason"] for r in security if r["action"] == "denied")
    assert all(
        r["reason"].split(":")[0] == "scope_misuse" for r in security if r["action"] == "denied"
    )
    assert verify(tmp_path / "audit.jsonl").ok
    events = pd.read_parquet(tmp_path / "events.parquet")
    rows = events[events["kind"].isin(["security.blocked", "security.denied"])]
    assert len(rows) == blocked
    assert set(rows["key"]) == {r["request"] for r in security}

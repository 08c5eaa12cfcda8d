"""The control board: all controls on, nothing gets through; one off, its attack class does."""

from __future__ import annotations

import numpy as np
import pytest

from orchestration.resilience import ManualClock
from orchestration.security import (
    ALL_CONTROLS,
    GUARDS,
    AttackKind,
    Control,
    ControlBoard,
    generate,
    generate_mix,
    generate_secret,
)

HORIZON_DAYS = 10


@pytest.fixture(scope="module")
def mix():
    """About 50 attempts of each class over 10 simulated days."""
    return generate_mix(dict.fromkeys(AttackKind, 5.0), HORIZON_DAYS, np.random.default_rng(42))


def _board(on=ALL_CONTROLS, **kwargs) -> ControlBoard:
    return ControlBoard(on, clock=ManualClock(), **kwargs)


def test_with_all_controls_on_every_attack_is_blocked_and_nothing_is_lost(mix):
    """Each attempt is refused by the control designed for its class; losses are zero."""
    board = _board()
    outcomes = board.run(mix)
    assert len(outcomes) == len(mix)
    assert {a.kind for a in mix} == set(AttackKind)
    assert all(o.blocked_by is GUARDS[o.attack.kind] for o in outcomes)
    assert board.losses_total == 0.0
    assert board.blocked_total == board.attempts_total == len(mix)
    for control in Control:
        stats = board.stats[control]
        assert stats.attempts == stats.blocked > 0
        assert stats.losses_through == 0.0
    replays = sum(a.kind is AttackKind.REPLAYED_WEBHOOK for a in mix)
    assert (board.genuine_admitted, board.genuine_rejected) == (replays, 0)


def _switch_off(control: Control, mix):
    """Run the mix with ``control`` off; check only its classes got through, at full loss."""
    board = _board(ALL_CONTROLS - {control})
    outcomes = board.run(mix)
    through = [o for o in outcomes if o.got_through]
    assert through, f"switching {control} off let nothing through"
    assert {GUARDS[o.attack.kind] for o in through} == {control}
    assert len(through) == sum(GUARDS[a.kind] is control for a in mix)  # all of its class
    assert all(o.loss == o.attack.amount > 0 for o in through)
    stats = board.stats[control]
    assert (stats.blocked, stats.evaluated) == (0, 0)
    assert stats.losses_through == pytest.approx(sum(o.loss for o in through))
    assert stats.losses_through > 0
    assert board.losses_total == pytest.approx(stats.losses_through)
    assert board.genuine_rejected == 0
    return board, through


def test_without_the_signature_check_forged_and_tampered_refunds_get_through(mix):
    """Forged signatures and bodies changed after signing are paid out when nobody checks."""
    _, through = _switch_off(Control.SIGNATURE_CHECK, mix)
    kinds = {o.attack.kind for o in through}
    assert kinds == {AttackKind.FORGED_REFUND, AttackKind.TAMPERED_PAYLOAD}


def test_without_replay_protection_a_replayed_refund_is_paid_twice(mix):
    """A validly signed copy within 300 s passes the signature check and refunds again."""
    board, through = _switch_off(Control.REPLAY_PROTECTION, mix)
    assert {o.attack.kind for o in through} == {AttackKind.REPLAYED_WEBHOOK}
    assert board.stats[Control.SIGNATURE_CHECK].blocked == sum(
        a.kind in (AttackKind.FORGED_REFUND, AttackKind.TAMPERED_PAYLOAD) for a in mix
    )


def test_without_the_scope_check_a_carrier_key_issues_refunds(mix):
    """A leaked carrier key moves money once keys are not limited to their scopes."""
    _, through = _switch_off(Control.SCOPE_CHECK, mix)
    assert {o.attack.kind for o in through} == {AttackKind.SCOPE_MISUSE}


def test_without_the_sod_check_self_approved_refunds_get_through(mix):
    """A store manager approving their own refund is only stopped by segregation of duties."""
    _, through = _switch_off(Control.SOD_CHECK, mix)
    assert {o.attack.kind for o in through} == {AttackKind.SELF_APPROVAL}


def test_without_bank_change_dual_control_supplier_payments_are_diverted(mix):
    """A self-confirmed bank change sends the next supplier payment to the fraudster."""
    board, through = _switch_off(Control.BANK_CHANGE_DUAL_CONTROL, mix)
    assert {o.attack.kind for o in through} == {AttackKind.BANK_CHANGE_FRAUD}
    assert board.bank_guard.self_confirmations_refused == 0  # the guard was never consulted


def test_the_signature_control_verifies_real_hmacs():
    """A board holding another secret refuses even genuine deliveries: the check is real."""
    attacks = generate(AttackKind.REPLAYED_WEBHOOK, 5, 2, np.random.default_rng(1))
    board = _board(secrets=[generate_secret(np.random.default_rng(99))])
    outcomes = board.run(attacks)
    assert all(o.blocked_by is Control.SIGNATURE_CHECK for o in outcomes)
    assert board.genuine_rejected == len(attacks)


def test_a_replay_after_the_tolerance_is_stopped_by_the_timestamp_even_without_replay_store():
    """Replays are bounded by the signed timestamp: after 300 s the signature check refuses."""
    attack = generate(AttackKind.REPLAYED_WEBHOOK, 5, 1, np.random.default_rng(4))[0]
    clock = ManualClock(attack.t_h * 3600 + 301)
    board = ControlBoard(ALL_CONTROLS - {Control.REPLAY_PROTECTION}, clock=clock)
    outcome = board.evaluate(attack)
    assert outcome.blocked_by is Control.SIGNATURE_CHECK
    assert "TimestampOutOfTolerance" in outcome.reason


def test_the_summary_has_one_row_per_control_with_its_counters(mix):
    """Rows for a KPI frame: control, on, attempts, evaluated, blocked, losses_through."""
    board = _board(ALL_CONTROLS - {Control.SOD_CHECK})
    board.run(mix)
    rows = board.summary()
    assert [r["control"] for r in rows] == [str(c) for c in Control]
    assert set(rows[0]) == {"control", "on", "attempts", "evaluated", "blocked", "losses_through"}
    sod = next(r for r in rows if r["control"] == "sod_check")
    assert sod["on"] is False
    assert sod["losses_through"] > 0
    assert sum(r["attempts"] for r in rows) == len(mix)


def test_run_needs_a_manual_clock():
    """run() moves time by hand; a board on a SimPy clock evaluates at each arrival instead."""
    board = ControlBoard(clock=lambda: 0.0)
    with pytest.raises(TypeError, match="ManualClock"):
        board.run([])

"""Attacks on the workflows, screened by the security controls a scenario switches on.

When ``security.attacks_per_day`` is set, attempts are drawn for the whole horizon from the
world's ``attacks`` stream (so every model faces the same attempts: common random numbers) and
arrive at their simulated times; the :class:`~orchestration.security.ControlBoard` screens each
one with the controls of ``security.controls`` and counts, per control, the attempts, the
attempts blocked and the money that got through. With every control on, losses are zero; with
one off, the loss it prevents shows up in ``security_losses``.

Every attempt a control stops leaves a row in the event log (``security.blocked``, or
``security.denied`` for an integration key used outside its scopes; when decisions are traced)
and a record on the audit trail when one is kept (kind ``security``, action ``blocked`` or
``denied``, the control and its reason; tier by the money at stake, as for refunds), so a
blocked attack is as visible and as tamper-evident as an approval.
"""

from __future__ import annotations

from orchestration.approvals.audit import AuditLog
from orchestration.port import WorldPort
from orchestration.resilience import sim_clock_s
from orchestration.security import ControlBoard, Outcome, generate_mix
from orchestration.security.controls import Control

#: money at stake (EUR) from which a blocked attempt is a medium / high tier audit record
TIER_FROM_EUR = ((1_000.0, "high"), (100.0, "medium"))


def tier_of(amount: float) -> str:
    return next((tier for floor, tier in TIER_FROM_EUR if amount >= floor), "low")


class ThreatModel:
    def __init__(self, world: WorldPort, audit: AuditLog | None = None):
        sec = world.s.security
        self.w = world
        self.audit = audit
        self.stopped = 0
        on = [name for name, enabled in sec.controls.items() if enabled]
        self.board = ControlBoard(on, clock=sim_clock_s(world.env), tolerance_s=sec.tolerance_s)
        attacks = generate_mix(
            dict(sec.attacks_per_day), world.s.horizon_days, world.streams.get("attacks")
        )
        world.env.process(self._arrivals(attacks))

    def _arrivals(self, attacks):
        env, k = self.w.env, self.w.kpi
        for attack in attacks:
            if attack.t_h > env.now:
                yield env.timeout(attack.t_h - env.now)
            outcome = self.board.evaluate(attack)
            k.security_attempt(blocked=outcome.blocked_by is not None, loss=outcome.loss)
            if outcome.blocked_by is not None:
                self._record(outcome)

    def _record(self, outcome: Outcome) -> None:
        """The stopped attempt on the event log and the audit trail."""
        attack, control = outcome.attack, outcome.blocked_by
        action = "denied" if control == Control.SCOPE_CHECK else "blocked"
        key = f"attack-{self.stopped}"
        self.stopped += 1
        reason = f"{attack.kind.value}: {control.value}: {outcome.reason}"
        if self.w.tracing:
            self.w.trace(f"security.{action}", key, reason, value=attack.amount)
        if self.audit is not None:
            req = attack.request
            actor = req.integration or req.requested_by or "unknown"
            self.audit.append(
                self.w.env.now, key, "security", tier_of(attack.amount), actor, action, reason
            )

    def summary(self) -> list[dict[str, object]]:
        return self.board.summary()

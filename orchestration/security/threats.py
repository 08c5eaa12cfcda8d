"""Attacks on the workflows, screened by the security controls a scenario switches on.

When ``security.attacks_per_day`` is set, attempts are drawn for the whole horizon from the
world's ``attacks`` stream (so every model faces the same attempts: common random numbers) and
arrive at their simulated times; the :class:`~orchestration.security.ControlBoard` screens each
one with the controls of ``security.controls`` and counts, per control, the attempts, the
attempts blocked and the money that got through. With every control on, losses are zero; with
one off, the loss it prevents shows up in ``security_losses``.
"""

from __future__ import annotations

from orchestration.port import WorldPort
from orchestration.resilience import sim_clock_s
from orchestration.security import ControlBoard, generate_mix


class ThreatModel:
    def __init__(self, world: WorldPort):
        sec = world.s.security
        self.w = world
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

    def summary(self) -> list[dict[str, object]]:
        return self.board.summary()

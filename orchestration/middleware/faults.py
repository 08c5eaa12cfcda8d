"""The fault plan seen by n8n workers: a ``middleware`` outage and crashes after the effect.

``MiddlewareFaults`` is the :class:`~orchestration.middleware.runner.NodeFault` the automated
models install on their n8n instance when the scenario declares either fault:

- ``faults.outages`` with target ``middleware``: an attempt fails before the node runs with the
  window's intensity (a worker that is down); Retry On Fail retries it;
- ``crash_after_effect`` (``integration.crash_after_effect_rate`` or a ``faults.deliveries``
  window): the node's side effect is applied, then the worker dies before recording it, so Retry
  On Fail runs the node again. An idempotency key on the command makes the re-run a no-op (the
  world suppresses the second key); a fresh key per attempt doubles the effect.

Draws come from the ``faults.middleware`` stream only when a fault can happen at that moment,
and each fault is traced (``crash``, ``middleware_down``) under the execution's key.
"""

from __future__ import annotations

from typing import Any

from sim.rng import Buffered


class MiddlewareFaults:
    def __init__(self, world: Any):
        self.w = world
        self.plan = world.faults
        self.draws = Buffered(world.streams.get("faults.middleware"))
        self.crashes = 0
        self.down = 0

    @staticmethod
    def wanted(world: Any) -> bool:
        plan = world.faults
        return plan.has_delivery_fault("crash_after_effect") or any(
            w.target == "middleware" for w in plan.windows
        )

    def _key(self, execution: Any) -> str:
        return f"n8n:{execution.workflow_id}:{execution.id}"

    def before(self, execution: Any, node_name: str) -> bool:
        p = self.plan.failure_prob("middleware", self.w.env.now)
        if p > 0 and self.draws.uniform() < p:
            self.down += 1
            self.w.trace("middleware_down", self._key(execution), f"node '{node_name}'")
            return True
        return False

    def after(self, execution: Any, node_name: str) -> bool:
        p = self.plan.delivery_prob("crash_after_effect", self.w.env.now)
        if p > 0 and self.draws.uniform() < p:
            self.crashes += 1
            self.w.trace("crash", self._key(execution), f"node '{node_name}' after its effect")
            return True
        return False

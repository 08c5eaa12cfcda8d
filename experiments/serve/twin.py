"""A live twin: one world and its orchestration model, advanced on demand instead of at once.

Concept: ``retail-twin run`` simulates a scenario to its horizon in one go; a live twin builds the
same World and model (replication 0, the scenario's seed) and advances simulated time only when
told — by a client's ``step(hours)`` (``--clock stepped``) or by the wall clock
(``--clock real`` / ``xN``, :mod:`experiments.serve.clock`). Between advances the simulation
is still, so external RPC calls act on a consistent world; their writes to the mocked Odoo enter
the world through the model's own wiring: confirming a draft RFQ fires the same automation rule,
outbound webhook, n8n workflow and idempotent ``CreatePurchaseOrder`` command as when the model
confirms it, and the supplier ships it.

The model must run on the mocked Odoo (the automated models: ``event_driven``,
``approval_centric``, ``exception_driven``, ``hybrid``); ``manual`` has no Odoo to serve.
Units: simulated hours from the scenario's start (00:00 of ``start_date``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from experiments.serve.mirror import OdooMirror
from orchestration.models import build
from scenarios.schema import Scenario
from sim.events import Event
from sim.world import World


class ServeError(ValueError):
    """The scenario or model cannot be served (the message names the option)."""


class _Tap:
    """The world's controller: the model, then the mirror, see every event."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.name = model.name
        self.mirror: OdooMirror | None = None

    def attach(self, world: World) -> None:
        self.model.attach(world)

    def on_event(self, event: Event) -> None:
        self.model.on_event(event)
        if self.mirror is not None:
            self.mirror.on_event(event)

    def snapshot(self) -> dict[str, float]:
        return self.model.snapshot()

    def finish(self) -> None:
        self.model.finish()


class LiveTwin:
    """World + model of ``scenario`` at simulated time ``now_h``, advanced by ``advance``."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        name = scenario.orchestration.model
        model = build(name, scenario)
        self.world = World(scenario, 0)
        tap = _Tap(model)
        self.world.attach(tap)
        stack = getattr(model, "stack", None)
        if getattr(stack, "erp", None) is None:
            raise ServeError(
                f"--model {name}: this model keeps no mocked Odoo to serve; choose an automated "
                "model (event_driven, approval_centric, exception_driven, hybrid)"
            )
        self.model = model
        #: the model's integration stack: its mocked Odoo (``erp``) and n8n (``n8n``)
        self.stack = stack
        self.env = stack.erp.env
        self.mirror = tap.mirror = OdooMirror(model)
        self.world.start()
        self.mirror.sync_stock()
        self.steps = 0

    @property
    def now_h(self) -> float:
        return float(self.world.env.now)

    @property
    def horizon_h(self) -> float:
        return float(self.world.horizon_h)

    def sim_datetime(self) -> dt.datetime:
        start = dt.datetime.combine(self.scenario.start_date, dt.time())
        return start + dt.timedelta(hours=self.now_h)

    def advance(self, hours: float) -> float:
        """Run the simulation ``hours`` further (clamped to the horizon); the new ``now_h``."""
        if not hours >= 0:
            raise ValueError(f"hours: expected a number >= 0; found {hours!r}")
        target = min(self.now_h + float(hours), self.horizon_h)
        if target > self.now_h:
            self.world.env.run(until=target)
        self.mirror.sync_stock()
        self.steps += 1
        return self.now_h

    def run_due_events(self) -> None:
        """Run the events due at the current instant (an external call's effects), no time
        passing."""
        env = self.world.env
        while env.peek() <= env.now:
            env.step()
        self.mirror.sync_stock()

    def finish(self) -> dict[str, Any]:
        """Close the run where it stands (as at the horizon) and return its KPIs."""
        self.world.finish()
        return self.world.kpi.kpis(self.world.ledger.totals())

    def status(self) -> dict[str, Any]:
        """Where the twin is: simulated time, horizon, model, events so far."""
        ledger = self.world.ledger.totals()
        return {
            "scenario": self.scenario.name,
            "model": self.model.name,
            "now_h": round(self.now_h, 6),
            "now": self.sim_datetime().strftime("%Y-%m-%d %H:%M:%S"),
            "horizon_h": self.horizon_h,
            "events": dict(ledger),
            "receipts_validated": self.mirror.receipts_validated,
        }

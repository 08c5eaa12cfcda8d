"""The narrow port: all that orchestration may use of the simulated world.

A model is attached to a :class:`~sim.world.World`, but reaches it only through this protocol:
the shared clock (``env``, simulated hours) on which it runs its own processes, and its
calendar (``calendar``: a wait of days kept off the event heap until its hour); settling the
events it receives (``ack``, ``dead_letter``, ``is_pending``); commands (``submit``, applied once
per idempotency key); the tracer of decisions (``trace``, free when ``tracing`` is off); its
named random streams (``streams``); read-only views of the scenario, the network and the fault
plan; the KPI collector, which it reports facts to through methods; and, for *simulated*
classifiers and checks only, the ground truth a real system never sees. ``tests/test_port.py``
runs every registered model against a world that exposes nothing else.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import simpy

from scenarios.schema import Scenario
from sim.events import Command, Event
from sim.faults import FaultPlan
from sim.kpis import KpiCollector
from sim.network import Network
from sim.rng import Streams
from sim.wake import Calendar

#: the attribute names of the port (what the port test lets through)
PORT = frozenset(
    {
        "env", "calendar", "s", "net", "faults", "kpi", "streams", "horizon_h", "tracing",
        "submit", "ack", "dead_letter", "is_pending", "trace", "retry_after",
        "return_is_fraudulent", "bank_change_is_fraudulent", "initial_stock",
        "expected_daily_units",
    }
)  # fmt: skip


class WorldPort(Protocol):
    env: simpy.Environment  # the shared clock, in hours: the model's processes run on it
    calendar: Calendar  # the clock's calendar: ``calendar.timeout`` for waits of days
    s: Scenario  # read-only
    net: Network  # read-only
    faults: FaultPlan  # read-only
    kpi: KpiCollector  # facts are reported through its methods
    streams: Streams  # named random streams (a model uses ``orch.<model>.*`` only)
    horizon_h: float
    tracing: bool  # decisions are traced into the event log

    def submit(self, cmd: Command) -> str:
        """Apply a command once per key; a :class:`sim.world.CommandResult`."""
        ...

    def ack(self, event: Event) -> None: ...
    def dead_letter(self, event: Event) -> None: ...
    def is_pending(self, event_id: int) -> bool: ...

    def trace(
        self,
        kind: str,
        key: str,
        detail: str = "",
        *,
        location: int = -1,
        sku: int = -1,
        qty: int = 0,
        value: float = 0.0,
    ) -> None: ...

    def retry_after(self, channel: str) -> float: ...
    def return_is_fraudulent(self, return_id: int) -> bool: ...
    def bank_change_is_fraudulent(self, change_id: int) -> bool: ...
    def initial_stock(self) -> np.ndarray: ...
    def expected_daily_units(self) -> np.ndarray: ...

"""How simulated time moves while a twin is served: ``stepped``, ``real`` or ``xN``.

Concept: the ``--clock`` option of ``retail-twin serve``.

- ``stepped``: time moves only when a client calls the documented step method —
  ``retail_twin.clock.step(hours)`` over any RPC protocol, or ``POST /retail-twin/step``
  with ``{"hours": h}`` — so a test sees the same world after the same calls, bit for bit.
- ``real``: one simulated hour per wall-clock hour; ``xN``: N simulated hours per wall hour
  (``x3600``: one simulated hour per second). A driver on the server's event loop advances
  the twin every ``tick_s`` wall seconds by the elapsed wall time times the speed, between
  calls (never during one). Stepping by hand is refused in these modes.

Units: ``speed`` is simulated seconds per wall second; ``tick_s`` wall seconds.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from experiments.serve.twin import LiveTwin


@dataclass(frozen=True)
class ClockSpec:
    """``stepped`` (speed 0) or a speed-up of the wall clock."""

    speed: float = 0.0

    @property
    def stepped(self) -> bool:
        return self.speed == 0.0

    @classmethod
    def parse(cls, text: str) -> ClockSpec:
        t = text.strip().lower()
        if t == "stepped":
            return cls(0.0)
        if t == "real":
            return cls(1.0)
        if t.startswith("x"):
            try:
                speed = float(t[1:])
            except ValueError:
                speed = -1.0
            if speed > 0:
                return cls(speed)
        raise ValueError(f"--clock: expected real, stepped or xN (N > 0, e.g. x60); found {text!r}")

    def __str__(self) -> str:
        if self.stepped:
            return "stepped"
        return "real" if self.speed == 1.0 else f"x{self.speed:g}"


async def drive(twin: LiveTwin, spec: ClockSpec, tick_s: float = 0.25) -> None:
    """Advance ``twin`` with the wall clock until cancelled or the horizon is reached."""
    last = time.monotonic()
    while twin.now_h < twin.horizon_h:
        await asyncio.sleep(tick_s)
        now = time.monotonic()
        twin.advance((now - last) * spec.speed / 3600.0)
        last = now

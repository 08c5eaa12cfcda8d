"""What a policy may see beyond its case: the context it is initialised with, once per run.

Most policies decide from their case alone. Those that triage with the simulated classifier
need a little more, handed to them once when the model attaches (Ciw's ``initialise``): their
named random stream (``orch.<model>.<name>``), the simulated clock (hours), the tracer of
decisions, and — for the *simulated* classifier only — the ground truth of a return, which a
real classifier never sees.
"""

from __future__ import annotations

import numpy as np

from orchestration.port import WorldPort


class PolicyContext:
    __slots__ = ("model", "scenario", "world")

    def __init__(self, world: WorldPort, model: str):
        self.world = world
        self.model = model
        self.scenario = world.s

    def stream(self, name: str) -> np.random.Generator:
        """The model's own stream ``orch.<model>.<name>`` (never the world's)."""
        return self.world.streams.get(f"orch.{self.model}.{name}")

    def now(self) -> float:
        return self.world.env.now

    @property
    def tracing(self) -> bool:
        return self.world.tracing

    def trace(self, kind: str, key: str, detail: str, value: float = 0.0) -> None:
        self.world.trace(kind, key, detail, value=value)

    def return_is_fraudulent(self, return_id: int) -> bool:
        return self.world.return_is_fraudulent(return_id)

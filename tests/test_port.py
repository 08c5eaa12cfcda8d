"""Orchestration reaches the world only through the narrow port of ``orchestration.port``.

Every registered model runs the tiny retailer against a world wrapped in a proxy that lets
through the port's attributes and nothing else; an attribute outside the port fails the run.
The protocol and the proxy's list are checked against each other, so neither can drift.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments.plugins import load_plugin
from orchestration.models import build, model_names
from orchestration.port import PORT, WorldPort
from scenarios.loader import load_scenario
from sim.world import World

load_plugin(str(Path(__file__).parent / "models" / "procurement_first.py"))


class PortOnly:
    """A view of a world that exposes the port's attributes only."""

    def __init__(self, world: World):
        object.__setattr__(self, "_world", world)

    def __getattr__(self, name: str):
        if name not in PORT:
            raise AttributeError(f"orchestration used World.{name}, which is not in the port")
        return getattr(self._world, name)

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"orchestration tried to set World.{name}")


class PortAttachedWorld(World):
    def attach(self, controller) -> None:
        self.controller = controller
        controller.attach(PortOnly(self))


def test_the_port_list_matches_the_protocol():
    declared = set(WorldPort.__annotations__) | {
        n for n in vars(WorldPort) if not n.startswith("_")
    }
    assert declared == set(PORT)
    assert all(hasattr(World, n) or n in World.__init__.__code__.co_names for n in PORT)


def test_the_proxy_refuses_what_is_not_in_the_port():
    w = PortOnly(World(load_scenario("tiny", ["horizon_days=1"])))
    assert w.horizon_h == 24.0
    with pytest.raises(AttributeError, match="not in the port"):
        _ = w.on_hand
    with pytest.raises(AttributeError, match="tried to set"):
        w.kpi = None


@pytest.mark.parametrize("model", sorted(set(model_names()) - {"test_manual_flaky"}))
def test_every_model_runs_through_the_port_alone(model: str):
    s = load_scenario(
        "tiny",
        [
            "horizon_days=10",
            f"orchestration.model={model}",
            "network.bank_changes.per_month=20",
            "security.attacks_per_day.forged_refund=1",
            "faults.integration.duplicate_rate=0.05",
        ],
    )
    w = PortAttachedWorld(s)
    w.attach(build(model, s))
    w.run()
    assert w.ledger.totals()["processed"] > 0
